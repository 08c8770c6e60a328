// Skylocker's upload and replace forms, made friendlier when JavaScript runs:
// a drop area, a size check before sending, and a progress bar while the bytes travel.
// Without JavaScript the same forms post normally and the server says what went wrong.
"use strict";

(function () {
  const UNITS = ["bytes", "KB", "MB", "GB", "TB"];

  // The same wording as the server's filesizeformat: 1 KB is 1024 bytes.
  function humanSize(bytes) {
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit += 1;
    }
    if (unit === 0) return bytes === 1 ? "1 byte" : bytes + " bytes";
    return value.toFixed(1) + "\u00a0" + UNITS[unit];
  }

  function setup(form) {
    const input = form.querySelector("input[type=file]");
    const zone = form.querySelector(".dropzone");
    const chosen = form.querySelector(".chosen");
    const problem = form.querySelector(".client-error");
    const meter = form.querySelector(".progress");
    const bar = meter && meter.querySelector("progress");
    const percent = meter && meter.querySelector(".percent");
    const submit = form.querySelector("button[type=submit]");
    const maxBytes = Number(form.dataset.maxBytes || 0);
    if (!input || !zone) return;

    function say(message) {
      problem.textContent = message;
      problem.hidden = !message;
      zone.classList.toggle("invalid", Boolean(message));
    }

    // True when the chosen file may be sent; otherwise says why not.
    function check() {
      const file = input.files[0];
      if (!file) {
        chosen.textContent = "";
        say("");
        return !input.required;
      }
      chosen.textContent = file.name + " (" + humanSize(file.size) + ")";
      if (maxBytes && file.size > maxBytes) {
        say(
          "“" + file.name + "” is " + humanSize(file.size) + ", larger than the " +
            humanSize(maxBytes) + " limit. Choose a smaller file; nothing was sent."
        );
        return false;
      }
      if (file.size === 0) {
        say("“" + file.name + "” is empty. Skylocker keeps files with content only.");
        return false;
      }
      say("");
      return true;
    }

    input.addEventListener("change", check);

    zone.classList.add("enhanced");
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("over");
      });
    });
    ["dragleave", "dragend"].forEach(function (name) {
      zone.addEventListener(name, function () {
        zone.classList.remove("over");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("over");
      const files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) return;
      const transfer = new DataTransfer();
      transfer.items.add(files[0]);
      input.files = transfer.files;
      check();
      input.focus();
    });

    form.addEventListener("submit", function (event) {
      if (!check()) {
        event.preventDefault();
        if (!input.files.length) say("Choose a file to upload.");
        input.focus();
        return;
      }
      if (!window.XMLHttpRequest || !window.FormData || !bar) return; // let the browser post it
      event.preventDefault();
      send();
    });

    function send() {
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) show(Math.floor((event.loaded / event.total) * 100));
      });
      xhr.upload.addEventListener("load", function () {
        show(100);
        percent.textContent = "Sent, saving…";
      });
      xhr.addEventListener("load", function () {
        meter.dataset.state = xhr.status < 400 ? "done" : "refused";
        swapPage(xhr);
      });
      xhr.addEventListener("error", function () {
        failed("The upload was interrupted. Check your connection and try again.");
      });
      submit.disabled = true;
      meter.hidden = false;
      meter.dataset.state = "sending";
      show(0);
      xhr.send(new FormData(form));
    }

    function show(value) {
      bar.value = value;
      percent.textContent = value + "%";
    }

    function failed(message) {
      meter.hidden = true;
      meter.dataset.state = "failed";
      submit.disabled = false;
      say(message);
    }
  }

  // The server answered with a page (the list after a redirect, or the form with its errors):
  // show it as if the browser had posted the form itself, messages included.
  function swapPage(xhr) {
    const next = new DOMParser().parseFromString(xhr.responseText, "text/html");
    if (xhr.responseURL && xhr.responseURL !== window.location.href) {
      window.history.pushState(null, "", xhr.responseURL);
    }
    document.title = next.title;
    document.body.replaceWith(document.adoptNode(next.body));
    init();
    const focus = document.querySelector("[role=alert], .messages, h1");
    if (focus) {
      if (!focus.hasAttribute("tabindex")) focus.setAttribute("tabindex", "-1");
      focus.focus();
    }
  }

  function init() {
    document.querySelectorAll("form.upload").forEach(setup);
  }

  // A page swapped in by swapPage has a new address: going back reloads it for real.
  window.addEventListener("popstate", function () {
    window.location.reload();
  });

  init();
})();
