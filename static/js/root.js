// The root page sends the reader to a language: a saved choice first, then the browser's
// preferred languages, then the site's default. Without script, the page is the list.
(function () {
  "use strict";
  var homes = JSON.parse(document.getElementById("language-homes").textContent);
  var fallback = document.currentScript.getAttribute("data-default");
  function match(tag) {
    if (!tag) return null;
    var lower = tag.toLowerCase();
    var codes = Object.keys(homes);
    for (var i = 0; i < codes.length; i++) if (codes[i].toLowerCase() === lower) return codes[i];
    var base = lower.split("-")[0];
    for (var j = 0; j < codes.length; j++) if (codes[j].toLowerCase().split("-")[0] === base) return codes[j];
    return null;
  }
  var chosen = null;
  try { chosen = match(localStorage.getItem("babelsite.lang")); } catch (e) {}
  // Some browsers give an empty list rather than none: then only navigator.language says.
  var preferred = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  for (var k = 0; !chosen && k < preferred.length; k++) chosen = match(preferred[k]);
  location.replace(homes[chosen || fallback]);
})();
