// Default theme behaviour: remember the reader's language choice, and toggle dark mode.
(function () {
  "use strict";
  var root = document.documentElement;
  try {
    var saved = localStorage.getItem("babelsite.theme");
    if (saved === "dark" || saved === "light") root.setAttribute("data-theme", saved);
  } catch (e) { /* storage may be disabled */ }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".language-switcher a[data-lang]").forEach(function (link) {
      link.addEventListener("click", function () {
        try { localStorage.setItem("babelsite.lang", link.getAttribute("data-lang")); } catch (e) {}
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
