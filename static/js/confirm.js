// An irreversible step (submit, sign, finalise, return, reopen, withdraw) asks first: a form with data-confirm is
// sent only when the user accepts its message, which says what will happen next.
(function () {
  "use strict";
  document.addEventListener(
    "submit",
    (event) => {
      const message = event.target.dataset ? event.target.dataset.confirm : "";
      if (message && !window.confirm(message)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );
})();
