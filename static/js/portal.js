// Behaviour shared by every page: pop-up dialogs loaded by htmx, the organization switcher,
// and a guard against leaving a form with unsaved changes.
(function () {
  "use strict";

  let opener = null;

  function openDialogs(root) {
    root.querySelectorAll("dialog.modal:not([open])").forEach(function (dialog) {
      dialog.addEventListener("close", function () {
        dialog.remove();
        if (opener && document.body.contains(opener)) opener.focus();
      });
      dialog.showModal();
      const first = dialog.querySelector("[autofocus]") || dialog.querySelector("input, select, textarea, button");
      if (first) first.focus();
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    const target = event.detail.target;
    if (target && target.id === "modal-root") opener = event.detail.elt;
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    openDialogs(event.detail.target);
  });

  document.addEventListener("click", function (event) {
    const closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      event.preventDefault();
      const dialog = closer.closest("dialog");
      if (dialog) dialog.close();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    // Close every open pop-up, e.g. after a successful save (the response says HX-Trigger: closeModal).
    document.body.addEventListener("closeModal", function () {
      document.querySelectorAll("dialog.modal[open]").forEach(function (d) { d.close(); });
    });
    openDialogs(document);
    document.querySelectorAll("[data-org-switch] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
