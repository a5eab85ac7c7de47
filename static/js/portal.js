// Behaviour shared by every page: pop-up dialogs loaded by htmx, messages, the organization switcher,
// row selection for bulk actions, and the searchable picker used in pop-ups.
(function () {
  "use strict";

  // What opened the pop-up gets the focus back when it closes. A save may draw the opener's table again
  // right after: then the focus goes to the same control in the new table, found by what it opens.
  let opener = null;
  let openerSelector = null;
  let focusToReturn = false;

  function selectorOf(element) {
    if (element.id) return "#" + CSS.escape(element.id);
    for (const name of ["hx-get", "hx-post", "href"]) {
      const value = element.getAttribute(name);
      if (value) return element.tagName.toLowerCase() + "[" + name + '="' + CSS.escape(value) + '"]';
    }
    return null;
  }

  function returnFocus() {
    if (document.querySelector("dialog.modal[open]")) return;
    const target = opener && document.body.contains(opener) ? opener
      : openerSelector && document.querySelector(openerSelector);
    if (target) target.focus();
  }

  function focusIsLost() {
    return !document.activeElement || document.activeElement === document.body;
  }

  // Once the person acts again, a later redraw must not move their focus.
  ["pointerdown", "keydown"].forEach(function (type) {
    document.addEventListener(type, function () { focusToReturn = false; }, true);
  });

  function openDialogs(root) {
    root.querySelectorAll("dialog.modal:not([open])").forEach(function (dialog) {
      dialog.addEventListener("close", function () {
        dialog.remove();
        returnFocus();
        focusToReturn = true;
      });
      dialog.showModal();
      const first = dialog.querySelector("[autofocus]") ||
        dialog.querySelector("[aria-invalid=true]") ||
        dialog.querySelector(".modal-body input:not([type=hidden]), .modal-body select, .modal-body textarea") ||
        dialog.querySelector("button");
      if (first) first.focus();
    });
  }

  function closeDialogs() {
    document.querySelectorAll("dialog.modal[open]").forEach(function (d) { d.close(); });
  }

  function showMessage(text, level) {
    const box = document.getElementById("toasts");
    if (!box || !text) return;
    const item = document.createElement("div");
    item.className = "toast message message-" + (level || "success");
    item.textContent = text;
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, 6000);
  }

  // A pop-up replacing another keeps the focus return of the first one's opener.
  document.addEventListener("htmx:beforeRequest", function (event) {
    const target = event.detail.target;
    if (target && target.id === "modal-root" && !event.detail.elt.closest("dialog")) {
      opener = event.detail.elt;
      openerSelector = selectorOf(opener);
      focusToReturn = false;
    }
  });

  // After settling, not swapping: htmx has bound the new content's triggers by then, so a pop-up is
  // never shown (and focused) before its controls work.
  document.addEventListener("htmx:afterSettle", function (event) {
    openDialogs(event.detail.target || document);
    updateSelection();
    if (focusToReturn && focusIsLost()) returnFocus();
  });

  // A pop-up's form answered with the pop-up again (errors, or a result): focus its first error, else its
  // first field, as when it opened.
  document.addEventListener("htmx:afterSwap", function (event) {
    const target = event.detail.target;
    if (!target || !target.matches || !target.matches("dialog.modal")) return;
    const first = target.querySelector('[aria-invalid="true"], [autofocus], .modal-body input:not([type=hidden]), .modal-body select, button');
    if (first) first.focus();
  });

  // Every button that sends a request, and every form's submit button, is disabled while the request runs,
  // so a double click cannot act twice (two duplicates, two campaigns).
  const busy = new WeakMap();
  document.addEventListener("htmx:beforeRequest", function (event) {
    const elt = event.detail.elt;
    const buttons = elt.matches("button") ? [elt]
      : elt.matches("form") ? Array.from(elt.querySelectorAll("button[type=submit], button:not([type])")) : [];
    const disabled = buttons.filter(function (button) { return !button.disabled; });
    disabled.forEach(function (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); });
    busy.set(elt, disabled);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    (busy.get(event.detail.elt) || []).forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
    busy.delete(event.detail.elt);
    updateSelection();
  });

  document.addEventListener("htmx:responseError", function (event) {
    const status = event.detail.xhr.status;
    const text = status === 403 ? "You are not allowed to do that."
      : status === 503 ? "The portal is unavailable for a moment; nothing was changed. Try again shortly."
      : "Something went wrong (" + status + "). Try again.";
    showMessage(text, "error");
  });

  document.addEventListener("click", function (event) {
    const closer = event.target.closest("[data-close-dialog]");
    if (closer) {
      event.preventDefault();
      const dialog = closer.closest("dialog");
      if (dialog) dialog.close();
    }
  });

  // --- Row selection: bulk actions enabled while rows are ticked (as many as data-selection-min and -max
  // say, when they say: Compare takes 2 or 3). ---
  function updateSelection() {
    const ticked = document.querySelectorAll("input[name=audience]:checked:not([type=hidden])").length;
    document.querySelectorAll("[data-needs-selection]").forEach(function (button) {
      const fewest = Number(button.dataset.selectionMin || 1);
      const most = Number(button.dataset.selectionMax || Infinity);
      button.disabled = ticked < fewest || ticked > most;
    });
    document.querySelectorAll("[data-selection-count]").forEach(function (label) {
      label.textContent = ticked === 0 ? "No audience selected" : ticked + " selected";
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-select-all]")) {
      const table = event.target.closest("table");
      table.querySelectorAll("tbody input[name=audience]").forEach(function (box) { box.checked = event.target.checked; });
    }
    if (event.target.matches("input[name=audience], [data-select-all]")) updateSelection();
  });

  // --- Picker: search, choose options as chips (hidden inputs), remove them. ---
  function pickerChoose(option) {
    const picker = option.closest("[data-picker]");
    const name = picker.dataset.name;
    const chosen = picker.querySelector("[data-picker-chosen]");
    const value = option.dataset.value;
    if (!value || chosen.querySelector("input[value='" + value + "']")) return;
    const chip = document.createElement("li");
    chip.className = "chip chip-muted";
    chip.append(option.dataset.label);
    const input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = value;
    const remove = document.createElement("button");
    remove.type = "button"; remove.textContent = "×"; remove.setAttribute("data-picker-remove", "");
    remove.setAttribute("aria-label", "Remove " + option.dataset.label);
    chip.append(input, remove);
    chosen.appendChild(chip);
    option.setAttribute("aria-selected", "true");
  }

  document.addEventListener("click", function (event) {
    const option = event.target.closest("[data-picker] [role=option][data-value]");
    if (option) { pickerChoose(option); return; }
    const remove = event.target.closest("[data-picker-remove]");
    if (remove) {
      const picker = remove.closest("[data-picker]");
      remove.closest("li").remove();
      const search = picker && picker.querySelector("input[type=search]");
      if (search) search.focus();
    }
  });

  document.addEventListener("keydown", function (event) {
    const picker = event.target.closest("[data-picker]");
    if (!picker) return;
    const options = Array.from(picker.querySelectorAll("[role=option][data-value]"));
    const index = options.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      options[Math.min(index + 1, options.length - 1)].focus();
    } else if (event.key === "ArrowUp" && options.length) {
      event.preventDefault();
      if (index <= 0) picker.querySelector("input[type=search]").focus(); else options[index - 1].focus();
    } else if (event.key === "Enter" && index >= 0) {
      event.preventDefault();
      pickerChoose(options[index]);
    } else if (event.key === "Enter" && event.target.matches("input[type=search]")) {
      event.preventDefault(); // Enter in the search box picks nothing and submits nothing
    }
  });

  // Inline edits (a name in a table): Escape puts the cell back as it was.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const form = event.target.closest && event.target.closest("[data-inline-edit]");
    if (!form) return;
    event.preventDefault();
    form.querySelector("[data-inline-cancel]").click();
  });

  // An inline edit that closes (saved, or put back) hands the focus to the control that opened it (drawn
  // anew with the cell, found by what it asks for), rather than dropping it on the page.
  const inlineOpeners = new WeakMap();
  let inlineCell = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    const cell = event.detail.target;
    const elt = event.detail.elt;
    if (!cell || !elt || elt === cell || !cell.contains(elt) || elt.closest("[data-inline-edit]")) return;
    const selector = selectorOf(elt);  // a control that replaces the cell it sits in (✎ opening an edit)
    if (selector) inlineOpeners.set(cell, selector);
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    const cell = event.detail.target;
    const form = cell && cell.querySelector && cell.querySelector("[data-inline-edit]");
    inlineCell = form && form.contains(document.activeElement) ? cell : null;
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!inlineCell || event.detail.target !== inlineCell) return;
    const selector = inlineOpeners.get(inlineCell);
    const opener = selector && inlineCell.querySelector(selector);
    inlineCell = null;
    if (opener && focusIsLost()) opener.focus();
  });

  // --- Floating menus and tips: popovers in the top layer, placed beside what opened them. ---
  function place(floating, anchor) {
    const box = anchor.getBoundingClientRect();
    const size = floating.getBoundingClientRect();
    const room = document.documentElement.clientWidth;
    const left = Math.max(8, Math.min(box.right - size.width, room - size.width - 8));
    const below = box.bottom + 4;
    const top = below + size.height > window.innerHeight - 8 ? Math.max(8, box.top - size.height - 4) : below;
    floating.style.left = left + "px";  // CSSOM, which the Content-Security-Policy allows
    floating.style.top = top + "px";
  }

  // A row's ⋯ menu: the browser opens and dismisses it (outside click, Escape); a choice closes it.
  document.addEventListener("toggle", function (event) {
    const menu = event.target;
    if (!menu.matches || !menu.matches(".popover-menu") || event.newState !== "open") return;
    const button = document.querySelector('[popovertarget="' + menu.id + '"]');
    if (button) place(menu, button);
    const first = menu.querySelector("button");
    if (first) first.focus();
  }, true);
  document.addEventListener("click", function (event) {
    const item = event.target.closest(".popover-menu button");
    if (item) item.closest(".popover-menu").hidePopover();
  });

  // A tip (a Failed chip's reason) opens on hover, on focus, and on tap; it closes when left.
  function tipOf(chip) { return document.getElementById(chip.dataset.tip); }
  function showTip(chip) {
    const tip = tipOf(chip);
    if (!tip || tip.matches(":popover-open")) return;
    tip.showPopover();
    place(tip, chip);
  }
  function hideTip(chip) {
    const tip = tipOf(chip);
    if (tip && tip.matches(":popover-open")) tip.hidePopover();
  }
  document.addEventListener("pointerover", function (event) {
    const chip = event.target.closest && event.target.closest("[data-tip]");
    if (chip && event.pointerType === "mouse") showTip(chip);
  });
  document.addEventListener("pointerout", function (event) {
    const chip = event.target.closest && event.target.closest("[data-tip]");
    if (chip && event.pointerType === "mouse" && document.activeElement !== chip) hideTip(chip);
  });
  document.addEventListener("focusin", function (event) {
    const chip = event.target.closest && event.target.closest("[data-tip]");
    if (chip) showTip(chip);
  });
  document.addEventListener("focusout", function (event) {
    const chip = event.target.closest && event.target.closest("[data-tip]");
    if (chip) hideTip(chip);
  });
  document.addEventListener("click", function (event) {
    const chip = event.target.closest("[data-tip]");
    if (!chip) return;
    const tip = tipOf(chip);
    if (tip && tip.matches(":popover-open") && document.activeElement !== chip) hideTip(chip); else showTip(chip);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const chip = event.target.closest && event.target.closest("[data-tip]");
    if (chip) hideTip(chip);
  });

  // Choosing another organization switches to it at once (delegated: the switcher may be drawn again).
  document.addEventListener("change", function (event) {
    const select = event.target.closest && event.target.closest("[data-org-switch] select");
    if (select) select.form.submit();
  });

  // A plain form's submit button stays disabled while its request runs (htmx forms use hx-disabled-elt).
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.hasAttribute("hx-post") || event.defaultPrevented) return;
    form.querySelectorAll("[data-disable-on-submit]").forEach(function (button) {
      setTimeout(function () { button.disabled = true; }, 0); // after the browser has read the form
    });
  });
  // Back on such a page from the browser's cache (the Back button), its buttons work again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("[data-disable-on-submit]").forEach(function (button) { button.disabled = false; });
  });

  document.addEventListener("DOMContentLoaded", function () {
    // The server says what happened through HX-Trigger: close the pop-up, show a message.
    document.body.addEventListener("closeModal", closeDialogs);
    document.body.addEventListener("showMessage", function (event) {
      const detail = event.detail || {};
      showMessage(detail.text || detail.value, detail.level);
    });
    openDialogs(document);
    updateSelection();
    // A pop-up shown on a page of its own: closing it goes back where the user came from.
    document.querySelectorAll("[data-page-dialog] dialog").forEach(function (dialog) {
      const back = dialog.closest("[data-page-dialog]").dataset.back;
      dialog.addEventListener("close", function () {
        if (document.referrer && new URL(document.referrer).origin === location.origin) history.back();
        else location.href = back;
      });
    });

  });
})();

// ==== The portal's shared face: the user menu, the error summary of a refused form. ====
(function () {
  "use strict";

  // The user menu closes on a click elsewhere, and on Escape (focus back on its button), as menus do.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !(event.target instanceof Element)) return;
    const menu = event.target.closest("details.user-menu[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });

  // A link of the error summary puts the focus in its field (a plain jump to #id would only scroll),
  // opening the section the field is folded into.
  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) return;
    const link = event.target.closest("[data-error-summary] a[data-error-link]");
    const field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    const folded = field.closest("details:not([open])");
    if (folded) folded.open = true;
    (field.closest(".field") || field).scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  });

  // A page the server sent back with errors: the summary takes the focus, so it is read first.
  document.addEventListener("DOMContentLoaded", function () {
    const summary = document.querySelector("main [data-error-summary]");
    if (summary && !summary.closest("dialog")) summary.focus();
  });
})();

// --- Tabs: a [data-tabs] box holds a tablist whose tabs each show their panel (aria-controls). A panel
// that loads on first showing listens for "tabshown" (hx-trigger="tabshown once"). ---
// A history's filter and pages replace its entries: the focus, lost with a clicked page link, goes to them.
(function () {
  "use strict";

  function select(tab, focus) {
    const list = tab.closest("[role=tablist]");
    list.querySelectorAll("[role=tab]").forEach(function (each) {
      const on = each === tab;
      each.setAttribute("aria-selected", on ? "true" : "false");
      each.tabIndex = on ? 0 : -1;
      const panel = document.getElementById(each.getAttribute("aria-controls"));
      if (panel) panel.hidden = !on;
    });
    if (focus) tab.focus();
    const shown = document.getElementById(tab.getAttribute("aria-controls"));
    if (shown) shown.dispatchEvent(new CustomEvent("tabshown"));
  }

  document.addEventListener("click", function (event) {
    const tab = event.target.closest && event.target.closest("[data-tabs] [role=tab]");
    if (tab) select(tab, false);
  });
  document.addEventListener("keydown", function (event) {
    const tab = event.target.closest && event.target.closest("[data-tabs] [role=tab]");
    if (!tab) return;
    const tabs = Array.from(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    const index = tabs.indexOf(tab);
    const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select(tabs[(moves[event.key] + tabs.length) % tabs.length], true);
  });

  let historyBox = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    const target = event.detail.target;
    historyBox = target && target.matches && target.matches("[data-history-entries]") &&
      target.contains(event.detail.elt) ? target.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!historyBox) return;
    const box = document.getElementById(historyBox);
    historyBox = null;
    if (box && (!document.activeElement || document.activeElement === document.body)) box.focus();
  });
})();

// --- Tables (iqm_portal.tables): live rows, kept ticks, the column chooser, clean URLs. ---
//
// Live rows: ONE polling mechanism for the whole portal (no server-sent events). Every table element
// marked data-table-live is checked every data-poll-seconds while the tab is visible (and at once when it
// becomes visible again): a GET of its own URL (data-table-url) with the signature of the rows it shows
// (data-signature, a hash of its rendered HTML) in the X-Table-Signature header. The server renders the
// table again; while nothing shown has changed it answers 204 and nothing on the page moves; otherwise the
// new table replaces the old one. A check waits while a request of the table runs and while a pop-up is
// open. The same refresh runs, without the signature, when the server names one
// of the table's data-refresh-on events (HX-Trigger) or the user changes its columns.
// Other live parts of a page are checked the same way: an element marked data-live with its URL in
// data-live-url (the bell's count in the top bar, docs/notices.md).
// Ticked row checkboxes (bulk selection) are ticked again in the new table, whatever replaced it, and the
// focus goes back to the same checkbox or link.
(function () {
  "use strict";

  const lastCheck = new WeakMap();
  const kept = new Map();
  const boundEvents = new Set();

  function refresh(table, withSignature) {
    const url = table.dataset.tableUrl || table.dataset.liveUrl;
    if (!window.htmx || !table.isConnected || !url) return;
    lastCheck.set(table, Date.now());
    const headers = withSignature ? { "X-Table-Signature": table.dataset.signature || "" } : {};
    window.htmx.ajax("GET", url, { source: table, target: table, swap: "outerHTML", headers: headers });
  }

  function busy(table) {
    return table.querySelector(".htmx-request") !== null || table.classList.contains("htmx-request") ||
      document.querySelector("dialog[open]") !== null;
  }

  // What is ticked, and what has the focus, in a table about to be replaced: found again in the new one.
  function remember(table) {
    const focused = document.activeElement && table.contains(document.activeElement) ? document.activeElement : null;
    return {
      ticked: Array.from(table.querySelectorAll("tbody input[type=checkbox]:checked")).map(function (box) {
        return [box.name, box.value];
      }),
      focus: focused && (focused.matches("input[name]") ? ["input", focused.name, focused.value]
        : focused.matches("a[href]") ? ["a", focused.getAttribute("href")] : null),
    };
  }

  function restore(table, kept) {
    table.querySelectorAll("tbody input[type=checkbox]").forEach(function (box) {
      const wasTicked = kept.ticked.some(function (pair) { return pair[0] === box.name && pair[1] === box.value; });
      if (wasTicked && !box.checked) {
        box.checked = true;
        box.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    const focus = kept.focus;
    if (!focus) return;
    const again = Array.from(table.querySelectorAll(focus[0] === "a" ? "a[href]" : "input[name]")).find(function (element) {
      return focus[0] === "a" ? element.getAttribute("href") === focus[1] : element.name === focus[1] && element.value === focus[2];
    });
    if (again) again.focus({ preventScroll: true });
  }

  function check(force) {
    if (document.hidden) return;
    const now = Date.now();
    document.querySelectorAll("[data-table-live], [data-live]").forEach(function (table) {
      const every = 1000 * Number(table.dataset.pollSeconds || 10);
      if (!lastCheck.has(table)) lastCheck.set(table, now); // a table just shown is fresh
      if ((force || now - lastCheck.get(table) >= every) && !busy(table)) refresh(table, true);
    });
  }

  function listenForRefreshEvents() {
    document.querySelectorAll("[data-refresh-on]").forEach(function (table) {
      table.dataset.refreshOn.split(/\s+/).forEach(function (name) {
        if (!name || boundEvents.has(name)) return;
        boundEvents.add(name);
        document.body.addEventListener(name, function () {
          document.querySelectorAll("[data-refresh-on]").forEach(function (each) {
            if (each.dataset.refreshOn.split(/\s+/).indexOf(name) >= 0) refresh(each, false);
          });
        });
      });
    });
  }

  setInterval(function () { check(false); }, 1000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) check(true); });

  document.addEventListener("htmx:beforeSwap", function (event) {
    const table = event.detail.target;
    if (table && table.matches && table.matches("[data-table]")) kept.set(table.id, remember(table));
  });

  document.addEventListener("htmx:afterSettle", function () {
    kept.forEach(function (state, id) {
      const table = document.getElementById(id);
      if (table) restore(table, state);
    });
    kept.clear();
    listenForRefreshEvents();
  });

  // The server says a user changed a table's columns: that table shows them at once.
  document.addEventListener("tableColumnsChanged", function (event) {
    const key = event.detail && event.detail.table;
    document.querySelectorAll("[data-table]").forEach(function (table) {
      if (table.dataset.table === key) refresh(table, false);
    });
  });

  // A toolbar's search leaves out what is empty: the URL names only the filters in use.
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.matches || !event.detail.elt.matches("form[data-table-filters]")) return;
    const parameters = event.detail.parameters;
    Array.from(new Set(Object.keys(parameters))).forEach(function (name) {
      if (parameters[name] === "") delete parameters[name];
    });
  });

  document.addEventListener("click", function (event) {
    // "Clear filters" empties the toolbar's fields, then searches: the toolbar and the table agree.
    const clear = event.target.closest("[data-table-clear]");
    const form = clear && document.getElementById(clear.dataset.tableClear);
    if (form && window.htmx) {
      event.preventDefault();
      form.querySelectorAll("input[type=search], input[type=text]").forEach(function (input) { input.value = ""; });
      form.querySelectorAll("select").forEach(function (select) {
        if (select.name !== "page_size") select.selectedIndex = 0;
      });
      window.htmx.trigger(form, "submit");
    }
    // A column chooser closes when the click lands elsewhere.
    document.querySelectorAll("details.column-chooser[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const menu = event.target.closest && event.target.closest("details.column-chooser[open]");
    if (menu) { menu.open = false; menu.querySelector("summary").focus(); }
  });

  document.addEventListener("DOMContentLoaded", listenForRefreshEvents);
})();

// --- Notices: the bell's panel (templates/notices/_bell.html). ---
// The panel is a popover the browser opens and dismisses (outside click, Escape); each time it opens, its
// inside is loaded anew, so it shows the latest notices. A notice marked read (or the whole panel) is drawn
// again in place: the focus, on the button that went away, moves to the notice (or the panel) instead.
(function () {
  "use strict";

  document.addEventListener("toggle", function (event) {
    const panel = event.target;
    if (!panel.matches || !panel.matches("[data-notice-panel]") || event.newState !== "open" || !window.htmx) return;
    const body = panel.querySelector("[data-notice-panel-body]");
    window.htmx.ajax("GET", panel.dataset.url, { source: body, target: body, swap: "innerHTML" });
  }, true);

  document.addEventListener("htmx:afterSettle", function (event) {
    const target = event.detail.target;
    if (!target || !target.matches || !target.matches("[data-keeps-focus]") || !target.isConnected) return;
    if (!document.activeElement || document.activeElement === document.body) target.focus({ preventScroll: true });
  });
})();
