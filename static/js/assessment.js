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
    if (note && !refused) note.hidden = false;
  }

  function preview() {
    // Recompute the computed cells and the score for what is on the page now.
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // The live preview answers with the computed cells and the score panel, each marked hx-swap-oob to replace the
  // element with its id. After each out-of-band swap htmx fires htmx:oobAfterSwap on every element swapped so far
  // (n(n+1)/2 events: 20,100 for the ~200 cells of a 60-row 自评表), and each htmx event looks for extensions up the
  // element's ancestors: a second or more of the page's time before the new total shows (bench/live_score.py). A
  // cell with no htmx attribute in it is put in place directly; any other (a box kept by hx-preserve) goes through
  // htmx.swap, one at a time. A response of anything else is left to htmx.
  const HTMX_ATTRIBUTE = /^(data-)?hx-/;
  const usesHtmx = (cell) =>
    [cell, ...cell.querySelectorAll("*")].some((el) =>
      Array.from(el.attributes).some((attribute) => HTMX_ATTRIBUTE.test(attribute.name)),
    );
  form.addEventListener("htmx:beforeSwap", (event) => {
    const detail = event.detail;
    if (detail.elt !== form || !detail.shouldSwap || typeof htmx === "undefined") return;
    const holder = document.createElement("template");
    holder.innerHTML = detail.serverResponse;
    const cells = Array.from(holder.content.children);
    const outOfBand = (cell) =>
      cell.id && cell.getAttribute("hx-swap-oob") === "true" && document.getElementById(cell.id);
    if (!cells.every(outOfBand)) return;
    detail.shouldSwap = false;
    for (const cell of cells) {
      cell.removeAttribute("hx-swap-oob");
      const target = document.getElementById(cell.id);
      if (usesHtmx(cell)) {
        htmx.swap(target, cell.outerHTML, { swapStyle: "outerHTML", settleDelay: 0 });
      } else {
        target.replaceWith(cell);
      }
    }
  });

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
  });

  document.addEventListener("click", (event) => {
    const tabLink = event.target.closest("a[data-tab-link]");
    if (!tabLink || !dirty || !form.querySelector("button[type=submit]")) return;
    event.preventDefault();
    if (refused) {
      // Saving again would be refused again: leave only if the user says so; the draft brings the values back.
      if (window.confirm(LEAVE_REFUSED)) {
        saveDraft();
        submitting = true;
        window.location.href = tabLink.getAttribute("href");
      }
      return;
    }
    // Leaving the tab saves it first; the server then redirects to the chosen tab.
    form.querySelector("[data-next-field]").value = tabLink.getAttribute("href");
    submitting = true;
    form.requestSubmit();
  });

  form.addEventListener("change", (event) => {
    // A qualitative row asks for an outcome and a score; a quantitative row is scored from its values.
    if (event.target.matches('select[name$="-kind"]')) {
      event.target.closest("[data-form-row]").dataset.kind = event.target.value;
    }
    if (event.target.matches("[data-manual-choice]")) {
      // 数据无法取得，人工评分: the score and its reason are asked for; going back to the rule hides them.
      const row = event.target.closest("[data-manual-row]") || event.target.closest("[data-form-row]");
      const scope = row.closest("[data-form-row]") || row;
      scope.querySelectorAll("[data-manual-only]").forEach((element) => {
        element.hidden = event.target.value !== "True";
      });
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
    if (dirty) saveDraft();
    if (dirty && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- drafts: what was typed and not saved comes back when the user returns to the tab ---------------------------
  // Kept in sessionStorage per tab with the version the page was loaded at and the values it showed then ("base").
  // Back at the same version every typed value is restored; at a newer version (someone saved meanwhile) only the
  // fields the user changed and nobody else did.
  function restoreDraft() {
    const raw = storage() && storage().getItem(draftKey);
    const draft = raw ? JSON.parse(raw) : null;
    if (refused) {
      // The page shows the refused values: they are the draft; its base stays the one of the last clean load.
      markDirty(); // its "saved when leaving" note stays hidden: leaving does not save a refused page
      if (refusedNote) refusedNote.hidden = false;
      base = draft && draft.version === version ? draft.base : null;
      saveDraft();
      return;
    }
    base = currentValues();
    if (!draft) return;
    const restored = [];
    const skipped = [];
    Object.entries(draft.values).forEach(([name, value]) => {
      const element = form.elements.namedItem(name);
      if (!element || element instanceof RadioNodeList || read(element) === value) return;
      if (draft.version !== version) {
        const before = draft.base ? draft.base[name] : undefined;
        if (before === undefined || before === value) return; // not changed by the user
        if (read(element) !== before) {
          skipped.push(labelOf(element));
          return; // changed by someone else since: theirs stays
        }
      }
      write(element, value);
      restored.push(name);
    });
    if (restored.length || skipped.length) {
      markDirty();
      if (restoredNote) {
        restoredNote.hidden = false;
        if (skipped.length) {
          const extra = document.createElement("span");
          extra.className = "ms-1";
          extra.textContent = `以下内容已被他人修改，未恢复：${skipped.join("、")}。`;
          restoredNote.prepend(extra);
        }
      }
      preview();
      saveDraft();
    } else {
      storage().removeItem(draftKey);
    }
  }

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // storage disabled: the refused page still keeps the values while it is open
    }
  }

  function read(element) {
    return element.type === "checkbox" ? (element.checked ? "on" : "") : element.value;
  }

  function write(element, value) {
    if (element.type === "checkbox") element.checked = value === "on";
    else element.value = value;
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function labelOf(element) {
    const label = element.id && form.querySelector(`label[for="${element.id}"]`);
    return (label && label.textContent.trim()) || element.getAttribute("aria-label") || element.name;
  }

  function currentValues() {
    const values = {};
    Array.from(form.elements).forEach((element) => {
      if (!element.name || NOT_DRAFTED.test(element.name) || element.disabled || element.type === "file") return;
      if (["submit", "button", "radio"].includes(element.type)) return;
      values[element.name] = read(element);
    });
    return values;
  }

  function saveDraft() {
    if (!storage() || !draftKey) return;
    try {
      storage().setItem(draftKey, JSON.stringify({ version, base, values: currentValues() }));
    } catch (error) {
      // storage full: nothing to do, the page itself still holds the values
    }
  }

  const marker = form.querySelector("[data-draft-version]");
  const draftKey = marker ? `perfeval-draft:${window.location.pathname}` : null;
  const version = marker ? marker.dataset.draftVersion : null;
  const refused = Boolean(marker && marker.hasAttribute("data-refused"));
  const refusedNote = form.querySelector("[data-refused-note]");
  const restoredNote = form.querySelector("[data-restored-note]");
  // Management counts, the token and the version are the page's own, never a draft's.
  const NOT_DRAFTED = /(^csrfmiddlewaretoken$|^lock_version$|^next$|_FORMS$)/;
  const LEAVE_REFUSED =
    "本页签的修改未能保存。仍要离开吗？\n您填写的内容会保留在本浏览器中，返回本页签时自动恢复。";
  let base = null;
  if (draftKey && form.querySelector("button[type=submit]")) {
    restoreDraft();
    let timer = null;
    form.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(saveDraft, 300);
    });
    form.addEventListener("change", () => {
      if (dirty) saveDraft();
    });
    form.querySelector("[data-discard-draft]")?.addEventListener("click", () => {
      storage()?.removeItem(draftKey);
      dirty = false;
      submitting = true;
      window.location.reload();
    });
  }
})();
