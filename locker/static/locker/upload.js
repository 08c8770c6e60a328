// Skylocker's upload and replace forms, made friendlier when JavaScript runs:
// a drop area, a size check before sending, and a progress bar while the bytes travel.
// Without JavaScript the same forms post normally and the server says what went wrong.
// When Skylocker stores files on S3 the Upload form carries data-direct: the file then goes
// straight to the bucket (a ticket from the API, the bytes to S3, then finalize), never through
// Skylocker. Replace has no data-direct and always posts through Skylocker.
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

  function exactBytes(bytes) {
    return bytes.toLocaleString("en-US") + (bytes === 1 ? " byte" : " bytes");
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
    const direct = form.dataset.direct && window.fetch && window.Promise;
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
        // Exact bytes too, as the server says them: rounded, 1 byte over reads "1.0 MB, larger
        // than the 1.0 MB limit".
        say(
          "“" + file.name + "” is " + humanSize(file.size) + " (" + exactBytes(file.size) +
            "), larger than the " + humanSize(maxBytes) + " limit (" + exactBytes(maxBytes) +
            "). Choose a smaller file; nothing was sent."
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
      if (direct) sendDirect();
      else send();
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

    // Straight to S3: ask Skylocker for a ticket, POST the file to the bucket with the ticket's
    // fields, then ask Skylocker to check it and keep it. Any refusal shows the answer's own words.
    function sendDirect() {
      const file = input.files[0];
      const description = form.elements.description ? form.elements.description.value : "";
      submit.disabled = true;
      meter.hidden = false;
      meter.dataset.state = "sending";
      show(0);
      const checksum = sha256(file);
      askSkylocker(form.dataset.direct, { name: file.name, description: description })
        .then(function (ticket) {
          return toBucket(ticket, file).then(function () {
            percent.textContent = "Sent, checking…";
            return checksum;
          }).then(function (digest) {
            const finalize = form.dataset.directFinalize.replace(
              "00000000-0000-0000-0000-000000000000", ticket.id
            );
            return askSkylocker(finalize, { sha256: digest });
          });
        })
        .then(function (stored) {
          meter.dataset.state = "done";
          window.location.assign(
            form.dataset.directDone + "?uploaded=" + encodeURIComponent(stored.id)
          );
        })
        .catch(function (problem) {
          failed(problem.message);
        });
    }

    // A JSON POST to Skylocker's API as the signed-in user (session cookie and CSRF token).
    function askSkylocker(url, body) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": form.elements.csrfmiddlewaretoken.value,
        },
        body: JSON.stringify(body),
      }).then(
        function (response) {
          return response.json().then(
            function (answer) {
              if (response.ok) return answer;
              throw new Error(apiMessage(answer, response.status));
            },
            function () {
              throw new Error("Skylocker answered " + response.status + ". Nothing was stored.");
            }
          );
        },
        function () {
          throw new Error("Skylocker could not be reached. Check your connection and try again.");
        }
      );
    }

    // The ticket's fields first, the file last (named "file"), as S3's POST upload wants them.
    function toBucket(ticket, file) {
      return new Promise(function (resolve, reject) {
        const body = new FormData();
        Object.keys(ticket.fields).forEach(function (name) {
          body.append(name, ticket.fields[name]);
        });
        body.append("file", file);
        const xhr = new XMLHttpRequest();
        xhr.open("POST", ticket.url);
        xhr.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) show(Math.floor((event.loaded / event.total) * 100));
        });
        xhr.addEventListener("load", function () {
          if (xhr.status >= 200 && xhr.status < 300) resolve();
          else reject(new Error(storageMessage(xhr)));
        });
        xhr.addEventListener("error", function () {
          reject(new Error("The upload was interrupted. Check your connection and try again."));
        });
        xhr.send(body);
      });
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

  // Skylocker's API error: its human "detail", then any field's own messages.
  function apiMessage(answer, status) {
    const parts = [answer && answer.detail ? answer.detail : "Skylocker answered " + status + "."];
    Object.keys(answer || {}).forEach(function (name) {
      if (name !== "detail" && Array.isArray(answer[name])) parts.push(answer[name].join(" "));
    });
    return parts.join(" ");
  }

  // S3 answers refusals in XML: <Error><Code>EntityTooLarge</Code><Message>…</Message></Error>.
  function storageMessage(xhr) {
    const xml = new DOMParser().parseFromString(xhr.responseText || "", "application/xml");
    const code = xml.querySelector("Error > Code");
    const message = xml.querySelector("Error > Message");
    const why = [code && code.textContent, message && message.textContent]
      .filter(Boolean)
      .join(": ");
    return (
      "The file storage refused the upload (" + (why || "status " + xhr.status) + "). " +
      "Nothing was stored; try again or choose a smaller file."
    );
  }

  // The file's SHA-256 in hex, for finalize to compare; "" where the browser cannot compute it
  // (crypto.subtle exists only on https pages and localhost), and finalize then skips the check.
  function sha256(file) {
    if (!window.crypto || !window.crypto.subtle || !file.arrayBuffer) return Promise.resolve("");
    return file
      .arrayBuffer()
      .then(function (bytes) {
        return window.crypto.subtle.digest("SHA-256", bytes);
      })
      .then(
        function (digest) {
          return Array.from(new Uint8Array(digest), function (byte) {
            return byte.toString(16).padStart(2, "0");
          }).join("");
        },
        function () {
          return "";
        }
      );
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
