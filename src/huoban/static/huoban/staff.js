// Staff workspace enhancements. Every form works without this file.
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary) {
      summary.focus();
    }
  }

  // Invitation form: show only the scope field the chosen role needs, and clear the others
  // so that a hidden choice is not sent.
  function scopeSwitch() {
    var role = document.querySelector("[data-scope-switch]");
    if (!role) {
      return;
    }
    var scoped = document.querySelectorAll("[data-scope-for]");
    function update() {
      scoped.forEach(function (select) {
        var wanted = (select.getAttribute("data-scope-for") || "").split(" ");
        var field = select.closest(".field");
        var show = role.value === "" || wanted.indexOf(role.value) !== -1;
        if (field) {
          field.hidden = !show;
        }
        if (!show) {
          select.value = "";
        }
      });
    }
    role.addEventListener("change", update);
    update();
  }

  function start() {
    focusErrorSummary();
    scopeSwitch();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
