// Assessment tabs: rows and columns added, moved and removed in the page (nothing typed is lost), unsaved changes
// saved when leaving a tab, and a warning before leaving the page with unsaved changes.
(function () {
  "use strict";
  const form = document.getElementById("tab-form");
  if (!form) return;
  let dirty = false;
  let submitting = false;
  const note = form.querySelector("[data-dirty-note]");

  function markDirty() {
    dirty = true;
    if (note) note.hidden = false;
  }

  function preview() {
    // Recompute the computed cells and the score for what is on the page now.
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function totalForms(prefix) {
    return form.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  }

  function renumber(container) {
    let order = 1;
    container.querySelectorAll('input[name$="-ORDER"]').forEach((input) => {
      input.value = order++;
    });
  }

  function cloneTemplate(template, index) {
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    const holder = document.createElement(template.parentElement.tagName === "TR" ? "tr" : "tbody");
    holder.innerHTML = html;
    return Array.from(holder.children);
  }

  function withExplanation(row) {
    // An indicator row is followed by the row explaining its score; they move together.
    const next = row.nextElementSibling;
    return next && next.classList.contains("explain-row") ? [row, next] : [row];
  }

  // An answer to a reviewer's comment sits among the rows but belongs to a form of its own (form="…"): typing it
  // changes nothing of this tab's data.
  const ours = (event) => event.target.form === form;
  form.addEventListener("input", (event) => {
    if (ours(event)) markDirty();
  });
  form.addEventListener("change", (event) => {
    if (event.isTrusted && ours(event)) markDirty();
  });
  form.addEventListener("submit", () => {
    submitting = true;
  });

  form.addEventListener("click", (event) => {
    const addRow = event.target.closest("[data-add-row]");
    if (addRow) {
      const prefix = addRow.dataset.addRow;
      const table = form.querySelector(`[data-row-table="${prefix}"]`);
      const total = totalForms(prefix);
      const rows = cloneTemplate(table.querySelector("template[data-empty-row]"), total.value);
      const row = rows[0];
      if (addRow.dataset.group) {
        // A 三级 row goes at the end of its level-2 group, with the group chosen.
        const anchor = addRow.closest("tr");
        rows.forEach((element) => anchor.before(element));
        const group = row.querySelector('[name$="-group_code"]');
        if (group) group.value = addRow.dataset.group;
      } else {
        rows.forEach((element) => table.querySelector("tbody").appendChild(element));
      }
      total.value = Number(total.value) + 1;
      renumber(table);
      markDirty();
      row.querySelector("input:not([type=hidden]), select, textarea")?.focus();
      return;
    }
    const addColumn = event.target.closest("[data-add-column]");
    if (addColumn) {
      const prefix = addColumn.dataset.addColumn;
      const table = form.querySelector(`[data-column-table="${prefix}"]`);
      const total = totalForms(prefix);
      table.querySelectorAll("tr").forEach((tr) => {
        const template = tr.querySelector("template[data-empty-cell]");
        if (!template) return;
        const [cell] = cloneTemplate(template, total.value);
        tr.insertBefore(cell, template);
      });
      total.value = Number(total.value) + 1;
      renumber(table);
      markDirty();
      return;
    }
    const move = event.target.closest("[data-move]");
    if (move) {
      // A row moves with its explanation row, past the next row of its own group only.
      const row = move.closest("[data-form-row]");
      const up = move.dataset.move === "up";
      let sibling = up ? row.previousElementSibling : withExplanation(row).at(-1).nextElementSibling;
      if (up && sibling && sibling.classList.contains("explain-row")) sibling = sibling.previousElementSibling;
      if (sibling && sibling.matches("[data-form-row]")) {
        if (up) sibling.before(...withExplanation(row));
        else withExplanation(sibling).at(-1).after(...withExplanation(row));
        renumber(row.closest("table"));
        markDirty();
        preview();
      }
      return;
    }
    const tabLink = event.target.closest("a[data-tab-link]");
    if (tabLink && dirty && form.querySelector("button[type=submit]")) {
      // Leaving the tab saves it first; the server then redirects to the chosen tab.
      event.preventDefault();
      form.querySelector("[data-next-field]").value = tabLink.getAttribute("href");
      submitting = true;
      form.requestSubmit();
    }
  });

  document.addEventListener("click", (event) => {
    const tabLink = event.target.closest("a[data-tab-link]");
    if (tabLink && dirty && !form.contains(tabLink) && form.querySelector("button[type=submit]")) {
      event.preventDefault();
      form.querySelector("[data-next-field]").value = tabLink.getAttribute("href");
      submitting = true;
      form.requestSubmit();
    }
  });

  form.addEventListener("change", (event) => {
    // A qualitative row asks for an outcome and a score; a quantitative row is scored from its values.
    if (event.target.matches('select[name$="-kind"]')) {
      event.target.closest("[data-form-row]").dataset.kind = event.target.value;
    }
    const box = event.target.closest("[data-delete-row]");
    if (box) {
      box.closest("[data-form-row]").classList.toggle("row-deleted", box.checked);
    }
  });
  form.querySelectorAll("[data-delete-row]:checked").forEach((box) => {
    box.closest("[data-form-row]").classList.add("row-deleted");
  });

  window.addEventListener("beforeunload", (event) => {
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
