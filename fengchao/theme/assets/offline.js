// Registers the service worker (sw.js at the site root) where the browser has
// them. Nothing depends on it: without it (iOS WeChat, old browsers, private
// mode) every page works the same, only not offline.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  var script = document.currentScript;
  var url = script && script.getAttribute("data-sw");
  if (!url) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url).catch(function () { /* offline copies are a bonus */ });
  });
})();
