// Default theme behaviour: remember the reader's language choice, toggle dark mode, and let the
// keyboard scroll code blocks and tables that are wider than the screen.
(function () {
  "use strict";
  var root = document.documentElement;
  try {
    var saved = localStorage.getItem("babelsite.theme");
    if (saved === "dark" || saved === "light") root.setAttribute("data-theme", saved);
  } catch (e) { /* storage may be disabled */ }

  // A code block or table that scrolls sideways takes the keyboard focus, so arrow keys scroll it.
  function focusableScrollers() {
    document.querySelectorAll(".article-body pre, .article-body table").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else if (box.getAttribute("tabindex") === "0") box.removeAttribute("tabindex");
    });
  }
  var resizing = null;
  addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(focusableScrollers, 150);
  });
  addEventListener("load", focusableScrollers);  // web fonts may have changed the widths

  document.addEventListener("DOMContentLoaded", function () {
    focusableScrollers();
    document.querySelectorAll(".language-switcher a[data-lang]").forEach(function (link) {
      link.addEventListener("click", function () {
        var code = link.getAttribute("data-lang");
        try { localStorage.setItem("babelsite.lang", code); } catch (e) {}
        // The same choice for the host's redirect at the root (Netlify reads nf_lang; see hosts.py).
        document.cookie = "nf_lang=" + encodeURIComponent(code) + "; path=/; max-age=31536000; SameSite=Lax";
      });
    });
    var toggle = document.querySelector(".theme-toggle");
    if (!toggle) return;
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var dark = root.getAttribute("data-theme") === "dark" ||
        (!root.hasAttribute("data-theme") && matchMedia("(prefers-color-scheme: dark)").matches);
      var next = dark ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("babelsite.theme", next); } catch (e) {}
    });
  });
})();
