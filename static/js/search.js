// The search box (templates/search.html): Pagefind's JS API over the index of the page's language.
// "/" or Ctrl/Cmd-K opens it from anywhere but a text field. Type to search; Enter or ArrowDown moves to the
// results, ArrowUp/ArrowDown between them, Escape back to the box. Each result leads to its best section.
(function () {
  "use strict";
  var LIMIT = 10;

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.site-search");
    if (!form) return;
    var input = form.querySelector("input[type=search]");
    var status = form.querySelector("[role=status]");
    var list = form.querySelector(".site-search-results");
    var loading = null;
    var shown = "";
    form.hidden = false;
    input.setAttribute("aria-keyshortcuts", "/ Control+K Meta+K");

    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
      var slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey;
      var commandK = (event.ctrlKey || event.metaKey) && !event.altKey && String(event.key).toLowerCase() === "k";
      if (event.defaultPrevented || typing || !(slash || commandK)) return;
      event.preventDefault();
      var closed = form.closest("details:not([open])");  // a theme may fold the box away on small screens
      if (closed) closed.open = true;
      input.focus();
      input.select();
    });

    function pagefind() {
      // Loaded on first use; Pagefind picks the index of <html lang> by itself.
      if (!loading) {
        loading = import(form.getAttribute("data-bundle") + "pagefind.js").then(function (api) {
          return api.options({ baseUrl: form.getAttribute("data-base"), excerptLength: 24 }).then(function () {
            return api;
          });
        });
      }
      return loading;
    }

    function say(text, visible) {
      status.textContent = text;
      list.textContent = "";
      if (visible) {
        var item = document.createElement("li");
        item.className = "site-search-empty";
        item.textContent = text;
        list.appendChild(item);
      }
      list.hidden = !visible;
    }

    function excerpt(html) {
      // Pagefind's excerpt is text with <mark> around the matches: keep exactly that, as DOM nodes.
      var paragraph = document.createElement("p");
      paragraph.className = "site-search-excerpt";
      var body = new DOMParser().parseFromString(html, "text/html").body;
      body.childNodes.forEach(function (node) {
        if (node.nodeName === "MARK") {
          var mark = document.createElement("mark");
          mark.textContent = node.textContent;
          paragraph.appendChild(mark);
        } else {
          paragraph.appendChild(document.createTextNode(node.textContent));
        }
      });
      return paragraph;
    }

    function bestSection(data) {
      // Pagefind's sub-results are the page's sections (from headings with an id): the one matching most.
      var best = null;
      (data.sub_results || []).forEach(function (sub) {
        var hits = (sub.locations || []).length;
        if (!best || hits > (best.locations || []).length) best = sub;
      });
      return best;
    }

    function span(className, text) {
      var element = document.createElement("span");
      element.className = className;
      element.textContent = text;
      return element;
    }

    // The form of a string with a count that the page language's CLDR plural rule picks (forms by category).
    function countText(forms, count) {
      var lang = document.documentElement.lang;
      var form = typeof forms === "string" ? forms : forms[new Intl.PluralRules(lang).select(count)] || forms.other;
      return form.replace("{count}", count.toLocaleString(lang, { numberingSystem: "latn" }));  // digits as the server writes them (Babel)
    }

    function show(term, results) {
      if (term !== input.value.trim()) return;  // a later search is on its way
      shown = term;
      if (!results.length) {
        say(form.getAttribute("data-no-results").replace("{name}", "\u2068" + term + "\u2069"), true);  // isolated: the query may run the other way
        return;
      }
      say(countText(JSON.parse(form.getAttribute("data-results")), results.length), false);
      results.forEach(function (data) {
        var title = (data.meta && data.meta.title) || data.url;
        var section = bestSection(data);
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = section ? section.url : data.url;
        link.appendChild(span("site-search-title", title));
        if (section && section.title && section.title !== title) {
          link.appendChild(span("visually-hidden", ", "));
          link.appendChild(span("site-search-section", section.title));
        }
        item.appendChild(link);
        var text = (section || data).excerpt || "";
        if (section && text.indexOf(section.title) === 0) text = text.slice(section.title.length);  // said above
        item.appendChild(excerpt(text.trim()));
        list.appendChild(item);
      });
      list.hidden = false;
    }

    function search(now) {
      var term = input.value.trim();
      if (!term) {
        shown = "";
        say("", false);
        return Promise.resolve();
      }
      return pagefind().then(function (api) {
        return now ? api.search(term) : api.debouncedSearch(term, {}, 200);
      }).then(function (found) {
        if (!found) return;  // superseded by a newer keystroke
        return Promise.all(found.results.slice(0, LIMIT).map(function (r) { return r.data(); }))
          .then(function (results) { show(term, results); });
      }).catch(function (error) {
        console.error("babelsite search:", error);
        say(form.getAttribute("data-unavailable"), true);
      });
    }

    function links() {
      return Array.prototype.slice.call(list.querySelectorAll("a"));
    }

    function moveTo(index) {
      var all = links();
      if (index < 0) {
        input.focus();
      } else if (all.length) {
        list.hidden = false;
        all[Math.min(index, all.length - 1)].focus();
      }
    }

    input.addEventListener("input", function () { search(false); });
    input.addEventListener("focus", function () {
      pagefind().catch(function () {});
      if (input.value.trim() && input.value.trim() === shown) list.hidden = false;
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var term = input.value.trim();
      (term === shown ? Promise.resolve() : search(true)).then(function () { moveTo(0); });
    });
    form.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && (at >= 0 || event.target === input)) {
        event.preventDefault();
        moveTo(at + 1);
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault();
        moveTo(at - 1);
      } else if (event.key === "Escape") {
        if (event.target === input && list.hidden) input.value = "";
        list.hidden = true;
        input.focus();
      }
    });
    form.addEventListener("focusout", function (event) {
      if (!form.contains(event.relatedTarget)) list.hidden = true;
    });
  });
})();
