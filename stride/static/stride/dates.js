// A date picker sends nothing for a date it cannot read (the 31st of February), and the
// form would save without it. Stop the form and say so next to the field, in the words
// the field carries (data-bad-date, in the page's language). Capture runs before htmx.
(function () {
  "use strict";

  function clear(input) {
    var message = document.getElementById(input.id + "-bad-date");
    if (!message) return;
    message.remove();
    input.classList.remove("usa-input--error");
    input.removeAttribute("aria-invalid");
    var described = (input.getAttribute("aria-describedby") || "")
      .split(" ")
      .filter(function (id) { return id && id !== message.id; });
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    else input.removeAttribute("aria-describedby");
    var group = input.closest(".usa-form-group");
    if (group && !group.querySelector(".usa-error-message")) {
      group.classList.remove("usa-form-group--error");
    }
  }

  function complain(input) {
    var message = document.createElement("span");
    message.className = "usa-error-message";
    message.id = input.id + "-bad-date";
    message.textContent = input.dataset.badDate;
    input.parentNode.insertBefore(message, input);
    input.classList.add("usa-input--error");
    input.setAttribute("aria-invalid", "true");
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(message.id);
    input.setAttribute("aria-describedby", described.join(" "));
    var group = input.closest(".usa-form-group");
    if (group) group.classList.add("usa-form-group--error");
  }

  document.addEventListener(
    "submit",
    function (event) {
      var inputs = event.target.querySelectorAll("input[data-bad-date]");
      var unread = [];
      inputs.forEach(function (input) {
        clear(input);
        if (input.validity.badInput) unread.push(input);
      });
      if (!unread.length) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      unread.forEach(complain);
      var first = document.getElementById(unread[0].id + "-bad-date");
      first.setAttribute("role", "alert");
      unread[0].focus();
    },
    true
  );

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("input[data-bad-date]")) {
      if (!event.target.validity.badInput) clear(event.target);
    }
  });
})();
