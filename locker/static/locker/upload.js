// Skylocker's upload and replace forms, made friendlier when JavaScript runs.
// Replace (one file): a drop area, a size check before sending, a progress bar, then the page.
// Upload (data-queue): many files (picked, dropped, or a dropped folder), each with its own row,
// progress bar, error, and Cancel or Retry; a few travel at a time and the rest carry on when
// one fails; leaving the page while they run asks first; a summary at the end. Each file is its
// own POST to the API (data-queue), or, when Skylocker stores files on S3 (data-direct), goes
// straight to the bucket (a ticket from the API, the bytes to S3, then finalize).
// Without JavaScript the same forms post normally and the server says what went wrong.
// Every text it shows comes from the page, translated there: the data-text-* attributes of
// #upload-texts (locker/templates/locker/_file_field.html), with {name}-style blanks.
"use strict";

(function () {
  const UNITS = ["bytes", "KB", "MB", "GB", "TB"];

  // A text of the page's language, its {blanks} filled in.
  function t(key, values) {
    const holder = document.getElementById("upload-texts");
    const attribute = "text" + key.replace(/(^|-)([a-z])/g, function (all, dash, letter) {
      return letter.toUpperCase();
    });
    const text = (holder && holder.dataset[attribute]) || key;
    return text.replace(/\{(\w+)\}/g, function (all, blank) {
      return values && blank in values ? String(values[blank]) : all;
    });
  }

  function language() {
    return document.documentElement.lang || "en";
  }

  // The same wording as the server's filesizeformat: 1 KB is 1024 bytes.
  function humanSize(bytes) {
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit += 1;
    }
    if (unit === 0) return t(bytes === 1 ? "byte" : "bytes", { count: bytes });
    const number = value.toLocaleString(language(), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    return number + "\u00a0" + UNITS[unit];
  }

  function exactBytes(bytes) {
    return t(bytes === 1 ? "byte" : "bytes", { count: bytes.toLocaleString(language()) });
  }

  // Why a file cannot be sent, as {kind, message}, or null when it may go.
  function refusal(file, maxBytes) {
    if (maxBytes && file.size > maxBytes) {
      // Exact bytes too, as the server says them: rounded, 1 byte over reads "1.0 MB, larger
      // than the 1.0 MB limit".
      return {
        kind: "too large",
        message: t("too-large-message", {
          name: file.name, size: humanSize(file.size), exact: exactBytes(file.size),
          limit: humanSize(maxBytes), limit_exact: exactBytes(maxBytes),
        }),
      };
    }
    if (file.size === 0) {
      return {
        kind: "empty",
        message: t("empty-message", { name: file.name }),
      };
    }
    return null;
  }

  // The drop area: highlights while something is dragged over it, hands dropped items on.
  function dropArea(zone, dropped) {
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
      if (event.dataTransfer) dropped(event.dataTransfer);
    });
  }

  // The replace form: one file, one bar, then the server's page.
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
      const refused = refusal(file, maxBytes);
      say(refused ? refused.message : "");
      return !refused;
    }

    input.addEventListener("change", check);

    dropArea(zone, function (transfer) {
      if (!transfer.files.length) return;
      const one = new DataTransfer();
      one.items.add(transfer.files[0]);
      input.files = one.files;
      check();
      input.focus();
    });

    form.addEventListener("submit", function (event) {
      if (!check()) {
        event.preventDefault();
        if (!input.files.length) say(t("choose"));
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
        percent.textContent = t("saving");
      });
      xhr.addEventListener("load", function () {
        meter.dataset.state = xhr.status < 400 ? "done" : "refused";
        swapPage(xhr);
      });
      xhr.addEventListener("error", function () {
        failed(t("interrupted"));
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

  // The upload form's queue (see the top of this file).
  const AT_ONCE = 3;
  const WAITING = "waiting";
  const SENDING = "sending";
  const DONE = "done";
  const FAILED = "failed";
  const CANCELLED = "cancelled";

  function setupQueue(form) {
    const input = form.querySelector("input[type=file]");
    const zone = form.querySelector(".dropzone");
    const chosen = form.querySelector(".chosen");
    const problem = form.querySelector(".client-error");
    const list = form.querySelector(".queue");
    const summary = form.querySelector(".queue-summary");
    const submit = form.querySelector("button[type=submit]");
    const maxBytes = Number(form.dataset.maxBytes || 0);
    const token = form.elements.csrfmiddlewaretoken.value;
    let items = [];
    let sending = 0;

    function say(message) {
      problem.textContent = message;
      problem.hidden = !message;
      zone.classList.toggle("invalid", Boolean(message));
    }

    // A new choice (picked or dropped) replaces a queue that has not started.
    function choose(files) {
      items = files.map(item);
      list.replaceChildren.apply(list, items.map(function (entry) { return entry.row; }));
      list.hidden = !items.length;
      summary.hidden = true;
      const total = files.reduce(function (sum, file) { return sum + file.size; }, 0);
      chosen.textContent = files.length === 1
        ? files[0].name + " (" + humanSize(files[0].size) + ")"
        : files.length ? t("files-chosen", { count: files.length, size: humanSize(total) }) : "";
      const sendable = items.filter(function (entry) { return entry.state === WAITING; });
      if (items.length && !sendable.length) {
        say(items.length === 1 ? items[0].message : t("none-sendable"));
      } else {
        say("");
      }
      return sendable.length > 0;
    }

    function item(file) {
      const entry = { file: file, state: WAITING, kind: "", message: "", request: null, id: "" };
      const row = document.createElement("li");
      const name = document.createElement("span");
      name.className = "queue-name";
      name.textContent = file.name + " (" + humanSize(file.size) + ")";
      const meter = document.createElement("span");
      meter.className = "progress";
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", t("upload-of", { name: file.name }));
      const percent = document.createElement("span");
      percent.className = "percent";
      meter.append(bar, percent);
      const state = document.createElement("span");
      state.className = "queue-state";
      const action = document.createElement("button");
      action.type = "button";
      action.className = "link";
      action.addEventListener("click", function () {
        if (entry.state === FAILED) retry(entry);
        else cancel(entry);
      });
      row.append(name, meter, state, action);
      entry.row = row;
      entry.bar = bar;
      entry.percent = percent;
      entry.stateText = state;
      entry.action = action;
      const refused = refusal(file, maxBytes);
      if (refused) fail(entry, refused.kind, refused.message, false);
      else show(entry, WAITING, t("waiting"));
      return entry;
    }

    // A row's state: its words, its button (Cancel while it may still go, Retry after a failure
    // worth trying again, none once it is over) and data-state for the styles.
    function show(entry, state, words, retryable) {
      entry.state = state;
      entry.row.dataset.state = state;
      entry.stateText.textContent = words;
      const verb = state === FAILED ? (retryable ? "retry" : "") :
        state === WAITING || state === SENDING ? "cancel" : "";
      entry.action.hidden = !verb;
      entry.action.textContent = verb ? t(verb) : "";
      entry.action.setAttribute("aria-label", verb ? t(verb + "-name", { name: entry.file.name }) : "");
    }

    function progress(entry, value) {
      entry.bar.value = value;
      entry.percent.textContent = value + "%";
    }

    function fail(entry, kind, message, retryable) {
      entry.kind = kind;
      entry.message = message;
      show(entry, FAILED, t("not-uploaded", { message: message }), retryable);
    }

    input.addEventListener("change", function () {
      if (!running()) choose(Array.from(input.files));
    });

    dropArea(zone, function (transfer) {
      if (running()) return;
      droppedFiles(transfer).then(function (files) {
        if (!files.length) return;
        const shown = new DataTransfer();  // the native input names what was dropped too
        files.forEach(function (file) { shown.items.add(file); });
        input.files = shown.files;
        choose(files);
        input.focus();
      });
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (running()) return;
      if (!items.length) {
        say(t("choose"));
        input.focus();
        return;
      }
      if (!items.some(function (entry) { return entry.state === WAITING; })) {
        input.focus();
        return;
      }
      submit.disabled = true;
      summary.hidden = true;
      pump();
    });

    window.addEventListener("beforeunload", function (event) {
      if (!running()) return;
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value to ask
    });

    function running() {
      return items.some(function (entry) { return entry.state === SENDING; }) ||
        (submit.disabled && items.some(function (entry) { return entry.state === WAITING; }));
    }

    // Starts waiting files while fewer than AT_ONCE travel; the summary once none is left.
    function pump() {
      while (sending < AT_ONCE) {
        const next = items.find(function (entry) { return entry.state === WAITING; });
        if (!next) break;
        start(next);
      }
      if (!sending) finish();
    }

    function start(entry) {
      sending += 1;
      show(entry, SENDING, t("uploading"));
      progress(entry, 0);
      const sent = form.dataset.direct ? sendDirect(entry) : sendThroughSkylocker(entry);
      sent.then(
        function (stored) {
          entry.id = stored.id;
          progress(entry, 100);
          show(entry, DONE, t("uploaded"));
        },
        function (problem) {
          if (entry.state === CANCELLED) return;
          fail(entry, problem.kind || "refused", problem.message, problem.kind !== "too large");
        }
      ).then(function () {
        entry.request = null;
        sending -= 1;
        pump();
      });
    }

    function cancel(entry) {
      const wasSending = entry.state === SENDING;
      show(entry, CANCELLED, t("cancelled"));
      if (wasSending && entry.request) entry.request.abort();  // its start() then moves on
    }

    function retry(entry) {
      show(entry, WAITING, t("waiting"));
      progress(entry, 0);
      submit.disabled = true;
      summary.hidden = true;
      pump();
    }

    // All are through: to the list when every file arrived, else the summary here.
    function finish() {
      submit.disabled = false;
      const done = items.filter(function (entry) { return entry.state === DONE; });
      const failed = items.filter(function (entry) { return entry.state === FAILED; });
      const cancelled = items.length - done.length - failed.length;
      if (done.length === items.length) {
        window.location.assign(
          form.dataset.done + "?" + done.map(function (entry) {
            return "uploaded=" + encodeURIComponent(entry.id);
          }).join("&")
        );
        return;
      }
      const kinds = Array.from(new Set(failed.map(function (entry) { return t("kind-" + entry.kind.replace(/ /g, "-")); }))).sort();
      const words = [t("summary-uploaded", { count: done.length })];
      if (cancelled) words.push(t("summary-cancelled", { count: cancelled }));
      if (failed.length) words.push(t("summary-refused", { count: failed.length, kinds: kinds.join(", ") }));
      summary.textContent = words.join(", ") + ".";
      summary.hidden = false;
      if (items.length === 1 && failed.length) say(failed[0].message);
    }

    // Through Skylocker: the file as its own POST to the API, as the signed-in user.
    function sendThroughSkylocker(entry) {
      const body = new FormData();
      body.append("file", entry.file);
      body.append("description", form.elements.description.value);
      return xhrPost(entry, form.dataset.queue, body, { "X-CSRFToken": token, Accept: "application/json" })
        .then(function (xhr) {
          let answer = null;
          try {
            answer = JSON.parse(xhr.responseText);
          } catch (ignored) {
            answer = null;
          }
          if (xhr.status === 201 && answer) return answer;
          throw refusedBy(xhr.status, answer
            ? apiMessage(answer, xhr.status)
            : t("answered-nothing-stored", { status: xhr.status }));
        });
    }

    // Straight to S3: a ticket from Skylocker, the bytes to the bucket with the ticket's
    // fields, then Skylocker checks the object and keeps it.
    function sendDirect(entry) {
      const description = form.elements.description.value;
      const checksum = sha256(entry.file);
      return askSkylocker(form.dataset.direct, { name: entry.file.name, description: description })
        .then(function (ticket) {
          const body = new FormData();
          Object.keys(ticket.fields).forEach(function (name) {
            body.append(name, ticket.fields[name]);
          });
          body.append("file", entry.file);  // last, as S3's POST upload wants it
          return xhrPost(entry, ticket.url, body, {}).then(function (xhr) {
            if (xhr.status < 200 || xhr.status >= 300) {
              throw refusedBy(xhr.status, storageMessage(xhr));
            }
            entry.percent.textContent = t("checking");
            return checksum;
          }).then(function (digest) {
            const finalize = form.dataset.directFinalize.replace(
              "00000000-0000-0000-0000-000000000000", ticket.id
            );
            return askSkylocker(finalize, { sha256: digest });
          });
        });
    }

    // A JSON POST to Skylocker's API as the signed-in user (session cookie and CSRF token).
    function askSkylocker(url, body) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
        body: JSON.stringify(body),
      }).then(
        function (response) {
          return response.json().then(
            function (answer) {
              if (response.ok) return answer;
              throw refusedBy(response.status, apiMessage(answer, response.status));
            },
            function () {
              throw refusedBy(response.status, t("answered-nothing-stored", { status: response.status }));
            }
          );
        },
        function () {
          throw interrupted();
        }
      );
    }

    // An XMLHttpRequest POST (fetch cannot report upload progress): the row's bar follows it.
    function xhrPost(entry, url, body, headers) {
      return new Promise(function (resolve, reject) {
        const xhr = new XMLHttpRequest();
        entry.request = xhr;
        xhr.open("POST", url);
        Object.keys(headers).forEach(function (name) {
          xhr.setRequestHeader(name, headers[name]);
        });
        xhr.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) progress(entry, Math.floor((event.loaded / event.total) * 100));
        });
        xhr.addEventListener("load", function () {
          resolve(xhr);
        });
        xhr.addEventListener("error", function () {
          reject(interrupted());
        });
        xhr.addEventListener("abort", function () {
          reject(new Error(t("cancelled")));
        });
        xhr.send(body);
      });
    }
  }

  // A refusal with its short kind for the summary, read from the status code.
  function refusedBy(status, message) {
    const problem = new Error(message);
    problem.kind = status === 413 ? "too large" : status === 503 ? "storage down" : "refused";
    return problem;
  }

  function interrupted() {
    const problem = new Error(t("interrupted"));
    problem.kind = "network";
    return problem;
  }

  // The dropped files, with the files inside dropped folders (where the browser can list them).
  function droppedFiles(transfer) {
    const entries = Array.from(transfer.items || [])
      .map(function (dropped) { return dropped.webkitGetAsEntry && dropped.webkitGetAsEntry(); })
      .filter(Boolean);
    if (!entries.length || !entries.some(function (entry) { return entry.isDirectory; })) {
      return Promise.resolve(Array.from(transfer.files || []));
    }
    return Promise.all(entries.map(filesOf)).then(function (lists) {
      return [].concat.apply([], lists);
    });
  }

  function filesOf(entry) {
    if (entry.isFile) {
      return new Promise(function (resolve) {
        entry.file(function (file) { resolve([file]); }, function () { resolve([]); });
      });
    }
    const reader = entry.createReader();
    const found = [];
    // readEntries answers in batches until it answers an empty one.
    return new Promise(function (resolve) {
      function more() {
        reader.readEntries(function (batch) {
          if (!batch.length) {
            resolve(Promise.all(found.map(filesOf)).then(function (lists) {
              return [].concat.apply([], lists);
            }));
            return;
          }
          found.push.apply(found, batch);
          more();
        }, function () { resolve([]); });
      }
      more();
    });
  }

  // Skylocker's API error: its human "detail", then any field's own messages.
  function apiMessage(answer, status) {
    const parts = [answer && answer.detail ? answer.detail : t("answered", { status: status })];
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
    return t("storage-refused", { why: why || t("status", { status: xhr.status }) });
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
    document.querySelectorAll("form.upload").forEach(function (form) {
      const queue = form.dataset.queue && window.fetch && window.Promise && window.FormData;
      if (queue) setupQueue(form);
      else setup(form);
    });
  }

  // A page swapped in by swapPage has a new address: going back reloads it for real.
  window.addEventListener("popstate", function () {
    window.location.reload();
  });

  init();
})();
