// Campaigns app: a campaign's Audience section (categories, Select Audiences with its Allowlist and
// Blocklist tabs, the chips of each list), and the question before leaving a page with unsaved changes.
(function () {
  "use strict";

  const LABELS = { allowlist: "Allowlist", blocklist: "Blocklist" };

  function initAudienceSection(section, limit, markDirty) {
    const chips = {
      allowlist: section.querySelector('[data-chips="allowlist"]'),
      blocklist: section.querySelector('[data-chips="blocklist"]'),
    };
    const picker = section.querySelector("[data-picker]");
    const dropdown = section.querySelector("[data-picker-dropdown]");
    const results = section.querySelector("[data-picker-results]");
    const message = section.querySelector("[data-picker-message]");
    const search = section.querySelector("[data-picker-search]");
    const typeInput = section.querySelector("[data-picker-type]");
    const tabs = Array.from(section.querySelectorAll('[role="tab"]'));
    const panel = section.querySelector('[role="tabpanel"]');
    const template = section.querySelector("template[data-chip-template]");
    let active = "allowlist";

    function chipOf(id) {
      return section.querySelector('[data-chips] [data-audience-id="' + id + '"]');
    }
    function listOf(id) {
      const chip = chipOf(id);
      return chip ? chip.closest("[data-chips]").dataset.chips : null;
    }
    function total() {
      return section.querySelectorAll("[data-chips] [data-audience-id]").length;
    }
    function say(text, refusal) {
      if (!message) return;
      message.textContent = text;
      message.classList.toggle("is-refusal", Boolean(refusal));
      // Above the sticky Save bar (the page's scroll-padding keeps room for it), never under it.
      if (text) message.scrollIntoView({ block: "nearest" });
    }

    function refresh() {
      ["allowlist", "blocklist"].forEach(function (list) {
        const count = chips[list].querySelectorAll("[data-audience-id]").length;
        document.querySelectorAll('[data-count="' + list + '"]').forEach(function (el) {
          el.textContent = count;
        });
        const empty = section.querySelector('[data-empty="' + list + '"]');
        if (empty) empty.hidden = count > 0;
      });
      if (!results) return;
      results.querySelectorAll("input[data-audience-id]").forEach(function (box) {
        const on = listOf(box.dataset.audienceId);
        const elsewhere = on !== null && on !== active;
        const row = box.closest("li");
        box.checked = on === active;
        // Still focusable, so the note saying why it cannot be ticked here is read out.
        box.setAttribute("aria-disabled", elsewhere ? "true" : "false");
        row.setAttribute("aria-disabled", elsewhere ? "true" : "false");
        const note = row.querySelector("[data-option-note]");
        if (note) note.textContent = elsewhere ? "On the " + LABELS[on] + " — an audience cannot sit in both tabs." : "";
      });
    }

    function addChip(list, box) {
      const chip = template.content.firstElementChild.cloneNode(true);
      chip.classList.add("chip-" + list);
      chip.dataset.audienceId = box.dataset.audienceId;
      chip.querySelector("[data-chip-name]").textContent = box.dataset.name;
      const input = chip.querySelector("input");
      input.name = list;
      input.value = box.dataset.audienceId;
      chip.querySelector("[data-remove-chip]").setAttribute(
        "aria-label", "Remove " + box.dataset.name + " from the " + LABELS[list]
      );
      chips[list].appendChild(chip);
    }

    section.addEventListener("change", function (event) {
      const box = event.target.closest("input[data-audience-id]");
      if (!box) return;
      const id = box.dataset.audienceId;
      const name = box.dataset.name;
      const on = listOf(id);
      if (box.checked) {
        if (on !== null && on !== active) {
          box.checked = false;
          say("“" + name + "” is on the " + LABELS[on] + ": an audience cannot sit in both tabs. " +
              "Remove it from the " + LABELS[on] + " first.", true);
          return;
        }
        if (total() >= limit) {
          box.checked = false;
          say("A campaign takes at most " + limit + " audiences: remove one before adding “" + name + "”.", true);
          return;
        }
        addChip(active, box);
        say("“" + name + "” added to the " + LABELS[active] + ".");
      } else if (on === active) {
        chipOf(id).remove();
        say("“" + name + "” removed from the " + LABELS[active] + ".");
      }
      markDirty();
      refresh();
    });

    section.addEventListener("click", function (event) {
      const remove = event.target.closest("[data-remove-chip]");
      if (!remove) return;
      const chip = remove.closest("[data-audience-id]");
      const list = chip.closest("[data-chips]").dataset.chips;
      const neighbour = chip.nextElementSibling || chip.previousElementSibling;
      const name = chip.querySelector("[data-chip-name]").textContent;
      chip.remove();
      say("“" + name + "” removed from the " + LABELS[list] + ".");
      markDirty();
      refresh();
      const next = neighbour && neighbour.querySelector("[data-remove-chip]");
      (next || section.querySelector("#" + list + "-title")).focus();
    });

    function selectTab(tab, focus) {
      active = tab.dataset.list;
      tabs.forEach(function (t) {
        const on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
      });
      if (panel) panel.setAttribute("aria-labelledby", tab.id);
      section.querySelectorAll("[data-tab-help]").forEach(function (el) {
        el.hidden = el.dataset.tabHelp !== active;
      });
      say("");
      refresh();
      if (focus) tab.focus();
    }
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { selectTab(tab, false); });
      tab.addEventListener("keydown", function (event) {
        const moves = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 };
        if (!(event.key in moves)) return;
        event.preventDefault();
        selectTab(tabs[(moves[event.key] + tabs.length) % tabs.length], true);
      });
    });

    section.querySelectorAll("[data-category]").forEach(function (button) {
      button.addEventListener("click", function () {
        section.querySelectorAll("[data-category]").forEach(function (b) {
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
        if (!picker) return;
        typeInput.value = button.dataset.category;
        section.querySelectorAll("[data-category-name]").forEach(function (el) {
          el.textContent = button.dataset.categoryLabel;
        });
        picker.hidden = false;
        picker.scrollIntoView({ block: "nearest" });
        say("");
        if (window.htmx) window.htmx.trigger(search, "reload");
      });
    });

    if (search) {
      // Enter searches; it must not submit (save) the campaign.
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          if (window.htmx) window.htmx.trigger(search, "reload");
        }
      });
    }
    if (dropdown) {
      // Select Audiences opens where it can be seen whole, not below the fold.
      dropdown.addEventListener("toggle", function () {
        if (dropdown.open) dropdown.querySelector(".picker-panel").scrollIntoView({ block: "nearest" });
      });
      dropdown.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && dropdown.open) {
          event.preventDefault();
          dropdown.open = false;
          dropdown.querySelector("summary").focus();
        }
      });
    }
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (results && (event.detail.target === results || results.contains(event.detail.target))) refresh();
    });
    refresh();
  }

  function initCampaignForm(form) {
    let dirty = false;
    const unsaved = form.querySelector("[data-unsaved]");
    function markDirty() {
      dirty = true;
      if (unsaved) unsaved.hidden = false;
    }
    form.addEventListener("input", function (event) {
      if (!event.target.closest("[data-picker]")) markDirty();
    });
    form.addEventListener("change", function (event) {
      if (!event.target.closest("[data-picker]")) markDirty();
    });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = "";  // the browser asks whether to leave with unsaved changes
    });
    const section = form.querySelector("[data-audience-section]");
    if (section) initAudienceSection(section, parseInt(form.dataset.limit, 10) || 20, markDirty);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-campaign-form]").forEach(initCampaignForm);
  });
})();
