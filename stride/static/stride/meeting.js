// The meeting page (coaching/meeting/page.html). Three small things:
// - the session form is kept as a draft in this browser while the coach types (keyed by
//   coach and participant), brought back if the page is opened again, and forgotten once
//   the session is saved, so nothing typed is lost if the page closes or the line drops;
// - an inline form saved (the answer carries Stride-Saved) ticks the part of the cycle it
//   belongs to (its data-stage) in the session form;
// - after an inline answer, what it says gets the focus; a request that could not reach
//   the server says so.
(function () {
  "use strict";

  var DRAFTED = ["held_at", "mode", "minutes", "topic", "stages", "notes", "next_appointment"];

  function sessionForm() {
    return document.getElementById("session-form");
  }

  function draftKey(form) {
    return form && form.dataset.draft;
  }

  function read(form) {
    var draft = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (DRAFTED.indexOf(field.name) === -1) return;
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) return;
      (draft[field.name] = draft[field.name] || []).push(field.value);
    });
    return draft;
  }

  function keep(form) {
    try {
      window.localStorage.setItem(draftKey(form), JSON.stringify(read(form)));
    } catch (error) {
      // Storage full or refused (a private window): the form still works without a draft.
    }
  }

  function forget(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      // Nothing was kept.
    }
  }

  function restore(form) {
    var raw = null;
    try {
      raw = window.localStorage.getItem(draftKey(form));
    } catch (error) {
      return;
    }
    if (!raw) return;
    var draft;
    try {
      draft = JSON.parse(raw);
    } catch (error) {
      return;
    }
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!(field.name in draft)) return;
      var values = draft[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) !== -1;
      } else {
        field.value = values[0];
      }
    });
    var said = document.getElementById("session-draft-restored");
    if (said) said.hidden = false;
  }

  function tick(stage) {
    var form = sessionForm();
    if (!form) return;
    var box = form.querySelector('input[name="stages"][value="' + stage + '"]');
    if (box && !box.checked) {
      box.checked = true;
      keep(form);
    }
  }

  function typed(event) {
    var form = sessionForm();
    if (form && event.target.form === form) keep(form);
  }

  document.addEventListener("input", typed);
  document.addEventListener("change", typed);

  document.addEventListener("htmx:beforeRequest", function () {
    var offline = document.getElementById("meeting-offline");
    if (offline) offline.hidden = true;
  });

  // Before the swap: the form that sent is still in the page (the swap may replace it).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig;
    var form = (config && config.elt) || event.detail.elt; // the form that sent, not the target
    var xhr = event.detail.xhr;
    if (!xhr || xhr.getResponseHeader("Stride-Saved") !== "true") return;
    if (form.id === "session-form") {
      forget(draftKey(form));
    } else if (form.dataset && form.dataset.stage) {
      tick(form.dataset.stage);
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    // A folded form that could not be fetched keeps its link; only a lost save is said.
    var config = event.detail.requestConfig;
    if (config && config.verb === "get") return;
    var offline = document.getElementById("meeting-offline");
    if (offline) {
      offline.hidden = false;
      offline.focus();
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    // Only an answer just swapped in carries data-said: focus what it says, once.
    var said = document.querySelectorAll("[data-said]");
    if (said.length) said[0].focus();
    Array.prototype.forEach.call(said, function (element) {
      element.removeAttribute("data-said");
    });
  });

  var form = sessionForm();
  if (form) restore(form);
})();
