// The elder mode's switch (larger text and targets; its name is the strings
// file's elder_mode). Loaded (not deferred) from <head> so a remembered choice
// applies before the first paint. It only applies the site's elder-mode
// stylesheet (assets/elder.css); nothing else on the site depends on it.
// Without JavaScript the header keeps a plain link to the elder mode's page.
(function () {
  "use strict";
  var KEY = "fengchao-elder";
  // The one titled alternate stylesheet (base.html): its title is the mode's name, in the page's language.
  var sheet = document.querySelector('link[rel="alternate stylesheet"][title]');
  if (!sheet) return;

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }  // storage off (private mode, some WebViews)
  }
  function remember(on) {
    try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* works for this page only */ }
  }
  // On: a plain, untitled copy of the sheet (always applied). The titled
  // alternate <link> stays untouched for browsers' page-style menus;
  // toggling its rel/disabled is unreliable once its title became the
  // preferred set.
  var active = null;
  function apply(on) {
    if (on && !active) {
      active = document.createElement("link");
      active.rel = "stylesheet";
      active.href = sheet.href;
      sheet.after(active);
    } else if (!on && active) {
      active.remove();
      active = null;
    }
    document.documentElement.classList.toggle("elder", on);
  }
  function isOn() { return active !== null; }

  apply(remembered());

  document.addEventListener("DOMContentLoaded", function () {
    var link = document.querySelector("a.elder-toggle");
    if (!link) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "elder-toggle";
    button.textContent = link.textContent;
    button.setAttribute("aria-pressed", String(isOn()));
    button.addEventListener("click", function () {
      var on = !isOn();
      apply(on);
      remember(on);
      button.setAttribute("aria-pressed", String(on));
    });
    link.replaceWith(button);
  });
})();
