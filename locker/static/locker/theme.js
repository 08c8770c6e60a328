// Light or dark: the system's preference (prefers-color-scheme, in skylocker.css) unless the
// person chose with the header's "Dark mode" switch or on the Account page. The choice is kept
// by Skylocker (with the account, or a cookie before log-in) and rendered as <html data-theme>,
// so pages paint in it at once. Without JavaScript the switch is a plain form; with it, the page
// changes at once and the choice is saved in the background.
"use strict";

(function () {
  const root = document.documentElement;
  const prefersDark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)");

  function dark() {
    if (root.dataset.theme) return root.dataset.theme === "dark";
    return Boolean(prefersDark && prefersDark.matches);
  }

  function setup() {
    const form = document.querySelector(".theme-form");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    const button = form.querySelector(".theme-switch");
    button.setAttribute("aria-pressed", String(dark()));
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) return;  // the form posts and the page comes back
      event.preventDefault();
      const theme = dark() ? "light" : "dark";
      root.dataset.theme = theme;
      button.setAttribute("aria-pressed", String(dark()));
      const body = new FormData(form);
      body.set("theme", theme);
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
  // upload.js may swap in a new body after a replace; its switch is set up again.
  new MutationObserver(setup).observe(root, { childList: true });
})();
