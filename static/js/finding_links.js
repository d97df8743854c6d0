// A finding's 去修改 link ends in the id of the field to fix: scroll to that field, open what hides it, focus it and
// mark it until the user changes it, so the user sees which of the tab's many inputs the finding means.
(function () {
  "use strict";

  function highlight() {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (!id.startsWith("id_")) return;
    const field = document.getElementById(id);
    if (!field) return;
    for (let node = field.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    document.querySelectorAll(".field-highlight").forEach((el) => el.classList.remove("field-highlight"));
    field.classList.add("field-highlight");
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
    field.addEventListener("input", () => field.classList.remove("field-highlight"), { once: true });
  }

  window.addEventListener("hashchange", highlight);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", highlight);
  } else {
    highlight();
  }
})();
