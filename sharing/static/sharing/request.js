// The public upload form of a file request, with a progress bar when JavaScript runs.
// Without JavaScript the form posts normally and the page says what happened. The words shown
// come from the page (data attributes and the server's answers), not from this file.
"use strict";

(function () {
  const form = document.querySelector("form.file-request");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  const input = form.querySelector("input[type=file]");
  const meter = form.querySelector(".progress");
  const bar = meter.querySelector("progress");
  const percent = meter.querySelector(".percent");
  const answer = document.querySelector(".request-answer");
  const submit = form.querySelector("button[type=submit]");
  const maxBytes = Number(form.dataset.maxBytes || 0);

  function say(message, ok) {
    answer.textContent = "";
    const line = document.createElement("p");
    line.className = ok ? "success" : "error";
    line.textContent = message;
    answer.appendChild(line);
  }

  form.addEventListener("submit", function (event) {
    const file = input.files[0];
    if (file && maxBytes && file.size > maxBytes) {
      event.preventDefault();
      say(form.dataset.tooLarge, false);
      return;
    }
    if (!file) return; // the server says what is missing
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", window.location.pathname);
    request.setRequestHeader("Accept", "application/json");
    meter.hidden = false;
    bar.value = 0;
    percent.textContent = "0%";
    submit.disabled = true;
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) return;
      const done = Math.floor((progress.loaded / progress.total) * 100);
      bar.value = done;
      percent.textContent = done + "%";
    });
    request.addEventListener("load", function () {
      submit.disabled = false;
      let message = form.dataset.failed;
      try {
        message = JSON.parse(request.responseText).detail || message;
      } catch (error) {
        // not JSON (a proxy's page): the generic words
      }
      const ok = request.status === 201;
      if (ok) {
        bar.value = 100;
        percent.textContent = "100%";
        form.reset();
      }
      say(message, ok);
    });
    request.addEventListener("error", function () {
      submit.disabled = false;
      say(form.dataset.failed, false);
    });
    request.send(new FormData(form));
  });
})();
