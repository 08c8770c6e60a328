// The owner filter on All files: as staff type, the <datalist> is filled with at most a few
// people whose username, name or email match (from /files/all/owners/?q=). Without JavaScript
// the field is a plain text field that sends a username.
(function () {
  "use strict";
  var field = document.getElementById("owner");
  var list = document.getElementById("owner-suggestions");
  if (!field || !list || !window.fetch) return;
  var asked = "", timer = null;

  function show(owners) {
    list.replaceChildren.apply(list, owners.map(function (person) {
      var option = document.createElement("option");
      option.value = person.username;
      option.label = [person.name, person.email].filter(Boolean).join(" · ") || person.username;
      return option;
    }));
  }

  function ask() {
    var text = field.value.trim();
    if (text === asked) return;
    asked = text;
    if (!text) { show([]); return; }
    fetch(field.dataset.suggest + "?q=" + encodeURIComponent(text), {
      headers: { Accept: "application/json" }, credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.json() : { owners: [] };
    }).then(function (body) {
      if (text === asked) show(body.owners);
    }).catch(function () { /* no suggestions: the field still takes a username */ });
  }

  field.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
})();
