// Live reload for `babelsite serve`: injected into HTML responses only, never into built files.
(function () {
  "use strict";
  var root = "/__babelsite/";
  var overlayId = "babelsite-overlay";

  function here() {
    try { return decodeURI(location.pathname); } catch (e) { return location.pathname; }
  }

  function showOverlay(data) {
    var overlay = document.getElementById(overlayId);
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = overlayId;
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,20,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var title = document.createElement("h2");
    var titles = data.titles || {};
    var lang = document.documentElement.lang;
    title.textContent = titles[lang] || titles[data.default_language] || "babelsite: the last change broke the build";
    title.style.cssText = "color:#ff8080;font:bold 18px system-ui,sans-serif;margin:0 0 1rem";
    overlay.appendChild(title);
    var list = document.createElement("pre");
    list.style.cssText = "white-space:pre-wrap;margin:0";
    list.lang = "en";  // diagnostics are in English, left to right even on an Arabic page
    list.dir = "ltr";
    list.textContent = data.diagnostics.join("\n");
    overlay.appendChild(list);
  }

  function removeOverlay() {
    var overlay = document.getElementById(overlayId);
    if (overlay) overlay.remove();
    return Boolean(overlay);
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
    if (data.css_only && !recovered && swapStylesheets(data.stylesheets)) return;
    if (recovered || data.changed.indexOf(path) >= 0) location.reload();
  }

  function handle(message) {
    if (message.type === "errors") showOverlay(message.data);
    else if (message.type === "reload") apply(message.data);
  }

  function listen(onMessage) {
    var source = new EventSource(root + "events");
    ["reload", "errors"].forEach(function (type) {
      source.addEventListener(type, function (event) { onMessage({ type: type, data: JSON.parse(event.data) }); });
    });
  }

  // Without SharedWorker, tabs still share one stream: the tab holding a Web Lock listens and
  // passes each message to the others over a BroadcastChannel; when it closes, the lock (and the
  // stream) passes to another tab. Browsers allow six connections per host, so a stream per tab
  // would keep the seventh tab from loading.
  function shareThroughOneTab() {
    var channel = new BroadcastChannel("babelsite-preview");
    var failing = null;  // the leader's last "errors" message, for tabs that open while the build fails
    channel.onmessage = function (event) {
      if (event.data === "hello") { if (failing) channel.postMessage(failing); }
      else handle(event.data);
    };
    navigator.locks.request("babelsite-preview-stream", function () {
      listen(function (message) {
        failing = message.type === "errors" ? message : null;
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
