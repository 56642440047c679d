// Default theme behaviour, all progressive: remember the reader's language choice and theme,
// open the navigation drawer and the language menu by keyboard, highlight the section in view in
// "On this page", and let the keyboard scroll code blocks and tables wider than the screen.
(function () {
  "use strict";
  var root = document.documentElement;

  function store(key, value) {
    try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value); } catch (e) { /* storage may be disabled */ }
  }

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

  // Light, dark or auto (the system's): the head's inline script applied the saved one before the first paint.
  function themeControls() {
    var saved = root.getAttribute("data-theme") || "auto";
    document.querySelectorAll(".theme-control").forEach(function (control) {
      var select = control.querySelector("select");
      select.value = saved;
      control.hidden = false;
      select.addEventListener("change", function () {
        var choice = select.value;
        if (choice === "auto") root.removeAttribute("data-theme"); else root.setAttribute("data-theme", choice);
        store("babelsite.theme", choice === "auto" ? null : choice);
        document.querySelectorAll(".theme-select").forEach(function (other) { other.value = choice; });
      });
    });
  }

  function focusables(container) {
    return Array.prototype.filter.call(container.querySelectorAll("a[href], button, select, summary, input"),
      function (element) { return element.offsetParent !== null || element === document.activeElement; });
  }

  // Below 768 px the tree is a drawer: the menu button opens it, focus stays inside, Escape closes it.
  function drawer() {
    var button = document.querySelector(".menu-button"), nav = document.getElementById("site-nav");
    var backdrop = document.querySelector(".nav-backdrop");
    if (!button || !nav) return;
    var outside = document.querySelectorAll("main, .site-header, .site-footer");
    function setOpen(open, returnFocus) {
      root.classList.toggle("nav-open", open);
      outside.forEach(function (element) { element.inert = open; });  // the rest of the page, out of reach while open
      button.setAttribute("aria-expanded", String(open));
      backdrop.hidden = !open;
      if (open) {
        var current = nav.querySelector("[aria-current]");
        (current || focusables(nav)[0]).focus();
      } else if (returnFocus) button.focus();
    }
    button.addEventListener("click", function () { setOpen(!root.classList.contains("nav-open"), true); });
    nav.querySelector(".drawer-close").addEventListener("click", function () { setOpen(false, true); });
    backdrop.addEventListener("click", function () { setOpen(false, true); });
    document.addEventListener("keydown", function (event) {
      if (!root.classList.contains("nav-open")) return;
      if (event.key === "Escape") { event.preventDefault(); setOpen(false, true); return; }
      if (event.key !== "Tab") return;
      var items = focusables(nav), first = items[0], last = items[items.length - 1];
      if (!nav.contains(document.activeElement)) { event.preventDefault(); first.focus(); }
      else if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    });
    matchMedia("(min-width: 48rem)").addEventListener("change", function (query) { if (query.matches) setOpen(false, false); });
  }

  // The language menu (<details>): Escape closes it and returns to its button, arrows move between languages.
  function languageMenus() {
    document.querySelectorAll(".language-menu").forEach(function (menu) {
      var summary = menu.querySelector("summary");
      var links = Array.prototype.slice.call(menu.querySelectorAll("a"));
      menu.addEventListener("toggle", function () {
        if (menu.open) (menu.querySelector("a[aria-current]") || links[0]).scrollIntoView({block: "nearest"});
      });
      menu.addEventListener("keydown", function (event) {
        var index = links.indexOf(document.activeElement), next = null;
        if (event.key === "Escape" && menu.open) { menu.open = false; summary.focus(); event.preventDefault(); return; }
        if (event.key === "ArrowDown") next = index < 0 ? 0 : Math.min(index + 1, links.length - 1);
        else if (event.key === "ArrowUp") next = index <= 0 ? (index < 0 ? links.length - 1 : 0) : index - 1;
        else if (event.key === "Home" && menu.open) next = 0;
        else if (event.key === "End" && menu.open) next = links.length - 1;
        if (next === null) return;
        event.preventDefault();
        menu.open = true;
        links[next].focus();
      });
      document.addEventListener("click", function (event) { if (menu.open && !menu.contains(event.target)) menu.open = false; });
      links.forEach(function (link) {
        link.addEventListener("click", function () {
          var code = link.getAttribute("data-lang");
          store("babelsite.lang", code);
          // The same choice for the host's redirect at the root (Netlify reads nf_lang; see hosts.py).
          document.cookie = "nf_lang=" + encodeURIComponent(code) + "; path=/; max-age=31536000; SameSite=Lax";
        });
      });
    });
  }

  // "On this page" marks the section being read: the last heading above the top quarter of the window.
  function scrollSpy() {
    var links = document.querySelectorAll(".toc a[href^='#']");
    if (!links.length || !("IntersectionObserver" in window)) return;
    var headings = [], byId = {};
    links.forEach(function (link) {
      var heading = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (heading) { headings.push(heading); byId[heading.id] = link; }
    });
    function update() {
      var line = innerHeight / 4, active = headings[0];
      var atEnd = innerHeight + scrollY >= document.documentElement.scrollHeight - 2;
      headings.forEach(function (heading) { if (heading.getBoundingClientRect().top <= line) active = heading; });
      // At the end of the page the last headings cannot reach the line: the one the reader went to, else the last.
      if (atEnd && scrollY > 0) {
        var target = byId[decodeURIComponent(location.hash.slice(1))] && document.getElementById(decodeURIComponent(location.hash.slice(1)));
        active = target && target.getBoundingClientRect().top >= 0 ? target : headings[headings.length - 1];
      }
      links.forEach(function (link) { link.removeAttribute("aria-current"); });
      if (active) byId[active.id].setAttribute("aria-current", "location");
    }
    var band = new IntersectionObserver(update, {rootMargin: "0px 0px -75% 0px"});
    headings.forEach(function (heading) { band.observe(heading); });
    var end = new IntersectionObserver(update);
    end.observe(document.querySelector(".site-footer") || document.body);
    addEventListener("hashchange", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusableScrollers();
    themeControls();
    drawer();
    languageMenus();
    scrollSpy();
  });
})();
