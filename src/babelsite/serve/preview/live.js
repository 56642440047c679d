// Live reload for `babelsite serve`: injected into HTML responses only, never into built files.
(function () {
  "use strict";
  var root = "/__babelsite/";
  var overlayId = "babelsite-overlay";
  // The build this page shows; the server names the build served now when a stream connects.
  var served = document.currentScript.getAttribute("data-build");
  var noticeId = "babelsite-warnings";

  function here() {
    try { return decodeURI(location.pathname); } catch (e) { return location.pathname; }
  }

  // The overlay and the warnings notice live in a shadow root: the page's styles cannot reach them.
  var panelStyle =
    ":host{all:initial}" +
    ".overlay{position:fixed;inset:0;z-index:2147483647;overflow:auto;background:#18181b;color:#f4f4f5;" +
    "font:14px/1.5 system-ui,sans-serif;padding:2rem max(1rem,calc(50vw - 30rem))}" +
    "h2{font-size:1.25rem;margin:0 0 .25rem;color:#fca5a5}h3{font-size:1rem;margin:1.5rem 0 .5rem;color:#fcd34d}" +
    "p{margin:0 0 1rem;color:#d4d4d8}ol{list-style:none;margin:0;padding:0}" +
    "li{margin:0 0 1rem;padding:.75rem 1rem;background:#27272a;border-radius:6px;border-left:4px solid #f87171}" +
    "li.warning{border-left-color:#fbbf24}" +
    ".text{font:13px/1.5 ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere;margin:0}" +
    "pre{font:13px/1.5 ui-monospace,monospace;margin:.5rem 0 0;padding:.5rem;background:#09090b;border-radius:4px;" +
    "overflow-x:auto}pre span{display:block;white-space:pre;color:#a1a1aa}pre span.current{color:#fff;" +
    "background:#3f1d1d}.warning pre span.current{background:#3b2f0b}" +
    ".notice{position:fixed;right:1rem;bottom:1rem;z-index:2147483647;max-width:min(36rem,calc(100vw - 2rem));" +
    "max-height:50vh;overflow:auto;background:#27272a;color:#f4f4f5;font:14px/1.5 system-ui,sans-serif;" +
    "border-left:4px solid #fbbf24;border-radius:6px;padding:.5rem 2.5rem .5rem 1rem;box-shadow:0 2px 8px #0006}" +
    ".notice summary{cursor:pointer}.notice li{background:#18181b;margin:.5rem 0 0}" +
    ".notice button{position:absolute;top:.25rem;right:.25rem;background:none;border:0;color:inherit;" +
    "font:inherit;font-size:1.25rem;line-height:1;padding:.25rem .5rem;cursor:pointer}";

  function panel(id) {
    var host = document.getElementById(id);
    if (!host) {
      host = document.createElement("div");
      host.id = id;
      host.attachShadow({ mode: "open" });
      document.body.appendChild(host);
    }
    host.shadowRoot.textContent = "";
    var style = document.createElement("style");
    style.textContent = panelStyle;
    host.shadowRoot.appendChild(style);
    return host.shadowRoot;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function diagnosticList(diagnostics) {
    var list = element("ol");
    list.lang = "en";  // diagnostics are in English, left to right even on an Arabic page
    list.dir = "ltr";
    diagnostics.forEach(function (diagnostic) {
      var item = element("li", diagnostic.severity);
      item.appendChild(element("p", "text", diagnostic.text));
      if (diagnostic.excerpt.length) {
        var code = element("pre");
        var width = String(diagnostic.excerpt[diagnostic.excerpt.length - 1].number).length;
        diagnostic.excerpt.forEach(function (line) {
          var number = String(line.number);
          while (number.length < width) number = " " + number;
          code.appendChild(element("span", line.current ? "current" : "",
            (line.current ? "> " : "  ") + number + " | " + line.text));
        });
        item.appendChild(code);
      }
      list.appendChild(item);
    });
    return list;
  }

  // The panel's own words: the page language's strings (sent by the server for each language of the
  // site), else the default language's, else English; the box takes that language and its direction.
  function wordsFor(data, box) {
    var strings = data.strings, lang = document.documentElement.lang;
    if (!strings[lang]) lang = strings[data.default_language] ? data.default_language : "en";
    box.lang = lang;
    box.dir = strings[lang].dir;
    return strings[lang];
  }

  // The form of a count that the language's CLDR plural rule picks, as the theme's search box does.
  function count(forms, number, lang) {
    var form = typeof forms === "string" ? forms : forms[new Intl.PluralRules(lang).select(number)] || forms.other;
    return form.replace("{count}", number.toLocaleString(lang, { numberingSystem: "latn" }));
  }

  function showOverlay(data) {
    var diagnostics = data.diagnostics;
    removeNotice();
    var errors = diagnostics.filter(function (d) { return d.severity === "error"; });
    var warnings = diagnostics.filter(function (d) { return d.severity !== "error"; });
    var root = panel(overlayId);
    var box = element("section", "overlay");
    var words = wordsFor(data, box);
    box.setAttribute("role", "alert");
    box.setAttribute("aria-labelledby", "title");
    var title = element("h2", "",
      words.preview_failed + " (" + count(words.preview_error_count, errors.length, box.lang) + ")");
    title.id = "title";
    box.appendChild(title);
    box.appendChild(element("p", "", words.preview_fix_hint));
    box.appendChild(diagnosticList(errors));
    if (warnings.length) {
      box.appendChild(element("h3", "", count(words.preview_warning_count, warnings.length, box.lang)));
      box.appendChild(diagnosticList(warnings));
    }
    root.appendChild(box);
  }

  function removeOverlay() {
    var overlay = document.getElementById(overlayId);
    if (overlay) overlay.remove();
    return Boolean(overlay);
  }

  // Warnings do not break the build: a small notice in a corner, which a reader may dismiss
  // (it stays dismissed, in this tab, until the warnings change).
  function showNotice(data) {
    var diagnostics = data.diagnostics;
    var key = JSON.stringify(diagnostics.map(function (d) { return d.text; }));
    if (!diagnostics.length || sessionStorage.getItem(noticeId) === key) return removeNotice();
    var root = panel(noticeId);
    var box = element("aside", "notice");
    var words = wordsFor(data, box);
    box.setAttribute("role", "status");
    box.setAttribute("aria-label", "babelsite");
    var details = element("details");
    details.appendChild(element("summary", "",
      "babelsite: " + count(words.preview_warning_count, diagnostics.length, box.lang)));
    details.appendChild(diagnosticList(diagnostics));
    box.appendChild(details);
    var close = element("button", "", "\u00d7");
    close.type = "button";
    close.setAttribute("aria-label", words.preview_dismiss);
    close.addEventListener("click", function () {
      sessionStorage.setItem(noticeId, key);
      removeNotice();
    });
    box.appendChild(close);
    root.appendChild(box);
  }

  function removeNotice() {
    var notice = document.getElementById(noticeId);
    if (notice) notice.remove();
  }

  function swapStylesheets(replacements) {
    var swapped = false;
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var next = replacements[link.getAttribute("href")];
      if (next) { link.setAttribute("href", next); swapped = true; }
    });
    return swapped;
  }

  function apply(data) {
    var recovered = removeOverlay();
    var path = here();
    if (data.removed.indexOf(path) >= 0) {
      var lang = document.documentElement.lang;
      location.href = data.homes[lang] || data.homes[data.default_language];
      return;
    }
    if (data.css_only && !recovered && swapStylesheets(data.stylesheets)) { showNotice(warningsOf(data)); return; }
    if (recovered || data.changed.indexOf(path) >= 0) location.reload();
    else showNotice(warningsOf(data));
  }

  // A reload's warnings, with the strings to tell of them, as a "warnings" message carries them.
  function warningsOf(data) {
    return { diagnostics: data.warnings, strings: data.strings, default_language: data.default_language };
  }

  // A build id is the server run's token and its count of reloads: another run's, or a later one, is newer.
  function isNewer(build) {
    var theirs = build.split("-"), ours = served.split("-");
    return theirs[0] !== ours[0] || Number(theirs[1]) > Number(ours[1]);
  }

  function handle(message) {
    if (message.type === "errors") showOverlay(message.data);
    else if (message.type === "warnings") showNotice(message.data);
    else if (message.type === "build" && isNewer(message.data.build)) location.reload();  // a reload it never saw
    else if (message.type === "reload") {
      apply(message.data);
      served = message.data.build;  // unless it reloads, this page is as that build serves it
    }
  }

  // The last build a stream named, as a message for a tab that connects now.
  function buildAfter(message, previous) {
    if (message.type === "build") return message;
    return message.type === "reload" ? { type: "build", data: { build: message.data.build } } : previous;
  }

  // What a tab opening now must see: the errors while the build is broken, else the last warnings.
  function standingAfter(message, previous) {
    if (message.type === "errors" || message.type === "warnings") return message;
    if (message.type !== "reload") return previous;
    return message.data.warnings.length ? { type: "warnings", data: warningsOf(message.data) } : null;
  }

  function listen(onMessage) {
    var source = new EventSource(root + "events");
    ["build", "reload", "errors", "warnings"].forEach(function (type) {
      source.addEventListener(type, function (event) { onMessage({ type: type, data: JSON.parse(event.data) }); });
    });
  }

  // Without SharedWorker, tabs still share one stream: the tab holding a Web Lock listens and
  // passes each message to the others over a BroadcastChannel; when it closes, the lock (and the
  // stream) passes to another tab. Browsers allow six connections per host, so a stream per tab
  // would keep the seventh tab from loading.
  function shareThroughOneTab() {
    var channel = new BroadcastChannel("babelsite-preview");
    var standing = null;  // the leader's errors or warnings, for tabs that open now
    var build = null;  // the leader's last build id, for tabs that open now
    channel.onmessage = function (event) {
      if (event.data === "hello") {
        if (build) channel.postMessage(build);
        if (standing) channel.postMessage(standing);
      } else handle(event.data);
    };
    navigator.locks.request("babelsite-preview-stream", function () {
      listen(function (message) {
        standing = standingAfter(message, standing);
        build = buildAfter(message, build);
        channel.postMessage(message);
        handle(message);
      });
      return new Promise(function () {});  // held until this tab goes away
    });
    channel.postMessage("hello");
  }

  if (typeof SharedWorker === "function") {
    var worker = new SharedWorker(root + "worker.js?events=" + encodeURIComponent(root + "events"), { name: "babelsite" });
    worker.port.onmessage = function (event) { handle(event.data); };
    worker.port.start();
    addEventListener("pagehide", function () { worker.port.postMessage("bye"); });
  } else if (typeof BroadcastChannel === "function" && navigator.locks) {
    shareThroughOneTab();
  } else {
    listen(handle);
  }
})();
