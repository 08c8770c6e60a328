// Light or dark: the system's preference (prefers-color-scheme, in skylocker.css) unless the
// person chose with the header's "Dark mode" switch, remembered in this browser (localStorage).
// Loaded in <head> without defer, so a remembered choice applies before the page paints.
"use strict";

(function () {
  const KEY = "skylocker-theme";
  const root = document.documentElement;
  const prefersDark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)");

  function remembered() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (blocked) {
      return null;  // storage refused (private mode, settings): follow the system
    }
  }

  function remember(theme) {
    try {
      window.localStorage.setItem(KEY, theme);
    } catch (blocked) {
      // the choice holds for this page only
    }
  }

  function dark() {
    if (root.dataset.theme) return root.dataset.theme === "dark";
    return Boolean(prefersDark && prefersDark.matches);
  }

  const saved = remembered();
  if (saved === "dark" || saved === "light") root.dataset.theme = saved;

  function addSwitch() {
    const nav = document.querySelector(".top nav");
    if (!nav || nav.querySelector(".theme-switch")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link theme-switch";
    button.textContent = "Dark mode";
    button.setAttribute("aria-pressed", String(dark()));
    button.addEventListener("click", function () {
      const theme = dark() ? "light" : "dark";
      root.dataset.theme = theme;
      remember(theme);
      button.setAttribute("aria-pressed", String(dark()));
    });
    nav.appendChild(button);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addSwitch);
  else addSwitch();
  // upload.js may swap in a new body after a replace; the switch comes back with it.
  new MutationObserver(addSwitch).observe(root, { childList: true });
})();
