// One event stream shared by every tab of the preview: browsers allow only six
// connections per host, so a stream per tab would stop the seventh tab from loading.
"use strict";
var ports = [];
var source = null;
var standing = null; // the errors while the build fails, else the last warnings: for tabs that connect now
var build = null; // the last build id the stream named, for tabs that connect now

function broadcast(message) {
  ports.forEach(function (port) { port.postMessage(message); });
}

function listen(url) {
  source = new EventSource(url);
  ["build", "reload", "errors", "warnings"].forEach(function (type) {
    source.addEventListener(type, function (event) {
      var message = { type: type, data: JSON.parse(event.data) };
      if (type === "build" || type === "reload") build = { type: "build", data: { build: message.data.build } };
      if (type === "build") { broadcast(message); return; }
      if (type !== "reload") standing = message;
      else if (!message.data.warnings.length) standing = null;
      else standing = { type: "warnings", data: { diagnostics: message.data.warnings, strings: message.data.strings,
                                                  default_language: message.data.default_language } };
      broadcast(message);
    });
  });
}

onconnect = function (event) {
  var port = event.ports[0];
  ports.push(port);
  port.onmessage = function (message) {
    if (message.data === "bye") ports = ports.filter(function (p) { return p !== port; });
  };
  if (!source) listen(new URL(location.href).searchParams.get("events"));
  if (build) port.postMessage(build);
  if (standing) port.postMessage(standing);
  port.start();
};
