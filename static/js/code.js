// Code blocks (src/babelsite/markdown/codeblocks.py): show each block's copy button and copy its code.
// The page loads this script only when it has code blocks. A status region says "Copied" in the page's language.
(function () {
  "use strict";
  var SHOWN_MS = 2000;

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {  // plain http: the older way, from a selected text area
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.cssText = "position:fixed;opacity:0";
      document.body.appendChild(area);
      area.select();
      var copied = document.execCommand("copy");
      area.remove();
      if (copied) resolve(); else reject(new Error("copy refused"));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll(".code-block .code-copy");
    if (!buttons.length) return;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    document.body.appendChild(status);
    buttons.forEach(function (button) {
      var label = button.textContent;
      var timer = null;
      button.hidden = false;
      button.addEventListener("click", function () {
        var code = button.closest(".code-block").querySelector("pre");
        copy(code.textContent.replace(/\n$/, "")).then(function () {
          var done = button.getAttribute("data-copied");
          button.textContent = done;
          status.textContent = "";
          requestAnimationFrame(function () { status.textContent = done; });  // said again on each copy
          clearTimeout(timer);
          timer = setTimeout(function () { button.textContent = label; }, SHOWN_MS);
        }).catch(function (error) { console.error("babelsite copy:", error); });
      });
    });
  });
})();
