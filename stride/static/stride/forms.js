// A form that is sending is not sent again: a double click, or a second press on a slow
// connection, would otherwise add the same thing twice. The server refuses a repeat too
// (core/submissions.py); this spares the person the wait and the second request.
(function () {
  "use strict";

  var SENDING = "strideSending";
  var WAITED = "strideWaited";
  // If the page is still here this long after sending (the person pressed Stop, or the
  // answer was a download), the buttons work again; the server still refuses a repeat.
  var GIVE_BACK_MS = 15000;

  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return (
        (element.tagName === "BUTTON" || element.tagName === "INPUT") &&
        element.type === "submit"
      );
    });
  }

  function giveBack(form) {
    delete form.dataset[SENDING];
    form.removeAttribute("aria-busy");
    submitButtons(form).forEach(function (button) {
      if (button.dataset[WAITED]) {
        delete button.dataset[WAITED];
        button.disabled = false;
      }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // htmx sends its own forms (and prevents the browser's submit); GET forms only read.
    if (event.defaultPrevented || !(form instanceof HTMLFormElement)) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    if (form.dataset[SENDING]) {
      event.preventDefault();
      return;
    }
    form.dataset[SENDING] = "true";
    form.setAttribute("aria-busy", "true");
    // After this task: the browser has already collected the form's values, with the name
    // and value of the button that was pressed ("Save and add another"), which a button
    // disabled now would lose.
    window.setTimeout(function () {
      submitButtons(form).forEach(function (button) {
        if (!button.disabled) {
          button.dataset[WAITED] = "true";
          button.disabled = true;
        }
      });
    }, 0);
    window.setTimeout(function () {
      giveBack(form);
    }, GIVE_BACK_MS);
  });

  // Back to a page kept in the browser's memory: its forms can be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    Array.prototype.forEach.call(document.forms, giveBack);
  });
})();
