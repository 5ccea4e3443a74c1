// 长辈模式 switch. Loaded (not deferred) from <head> so a remembered choice
// applies before the first paint. It only enables the page's own alternate
// stylesheet (assets/elder.css); nothing else on the site depends on it.
// Without JavaScript the header keeps a plain link to the 长辈模式 page.
(function () {
  "use strict";
  var KEY = "fengchao-elder";
  var sheet = document.querySelector('link[rel~="stylesheet"][title="长辈模式"]');
  if (!sheet) return;

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }  // storage off (private mode, some WebViews)
  }
  function remember(on) {
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* works for this page only */ }
  }
  function apply(on) {
    // Switching rel is what every engine honours; Chromium ignores
    // disabled=false on an alternate sheet set before it has loaded.
    sheet.rel = on ? "stylesheet" : "alternate stylesheet";
    sheet.disabled = !on;
    document.documentElement.classList.toggle("elder", on);
  }

  apply(remembered());

  document.addEventListener("DOMContentLoaded", function () {
    var link = document.querySelector("a.elder-toggle");
    if (!link) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "elder-toggle";
    button.textContent = link.textContent;
    button.setAttribute("aria-pressed", String(!sheet.disabled));
    button.addEventListener("click", function () {
      var on = sheet.disabled;
      apply(on);
      remember(on);
      button.setAttribute("aria-pressed", String(on));
    });
    link.replaceWith(button);
  });
})();
