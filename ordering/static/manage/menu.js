// The back office's menu page: drag rows by their handle to reorder
// categories, or the dishes within one, and ask before deleting. Pointer
// events, so a finger on a tablet drags as well as a mouse; the arrow
// buttons beside each row do the same without a script or a pointer.
(() => {
  "use strict";

  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  const status = document.getElementById("menu-status");
  const strings = document.getElementById("menu-strings");
  const text = (key, fallback) => (strings && strings.dataset[key]) || fallback;

  function say(message, isError) {
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("is-error", Boolean(isError));
  }

  function rows(list) {
    return Array.from(list.children).filter((child) => child.dataset.id);
  }

  // After a drag, the first row cannot go up and the last cannot go down.
  function refreshArrows(list) {
    const all = rows(list);
    all.forEach((row, index) => {
      const move = row.querySelector(":scope > header .move, :scope > .row-actions .move");
      if (!move) return;
      move.querySelector("[value=up]").disabled = index === 0;
      move.querySelector("[value=down]").disabled = index === all.length - 1;
    });
  }

  function save(list, before) {
    const order = rows(list).map((row) => row.dataset.id);
    if (order.join() === before.join()) return;
    const body = new URLSearchParams([["kind", list.dataset.kind]]);
    order.forEach((id) => body.append("order", id));
    fetch(list.dataset.sortUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf ? csrf.value : "" },
      body,
      credentials: "same-origin",
    })
      .then((response) => response.json().then((data) => ({ ok: response.ok, data })))
      .then(({ ok, data }) => {
        if (!ok) throw new Error(data.message);
        say(data.message);
      })
      .catch((error) => {
        // The page no longer shows the saved order: put it back.
        const byId = new Map(rows(list).map((row) => [row.dataset.id, row]));
        before.forEach((id) => list.appendChild(byId.get(id)));
        refreshArrows(list);
        say(error.message || text("failed", "Not saved."), true);
      });
    refreshArrows(list);
  }

  function startDrag(list, row, event) {
    const before = rows(list).map((r) => r.dataset.id);
    row.classList.add("is-dragging");
    list.classList.add("is-sorting");
    // Listen on the document, not with pointer capture on the handle:
    // moving the row in the DOM drops a capture.
    const pointer = event.pointerId;
    let scrollTimer = null;

    function place(y) {
      const others = rows(list).filter((r) => r !== row);
      const next = others.find((other) => {
        const box = other.getBoundingClientRect();
        return y < box.top + box.height / 2;
      });
      if (next) {
        if (row.nextElementSibling !== next) list.insertBefore(row, next);
      } else if (others.length) {
        const last = others[others.length - 1];
        if (last.nextElementSibling !== row) last.after(row);
      }
    }

    function onMove(moveEvent) {
      if (moveEvent.pointerId !== pointer) return;
      moveEvent.preventDefault();
      place(moveEvent.clientY);
      // Near the window's edge, scroll so a long menu can be crossed.
      clearInterval(scrollTimer);
      const edge = 60;
      const step = moveEvent.clientY < edge ? -12 : moveEvent.clientY > innerHeight - edge ? 12 : 0;
      if (step) {
        scrollTimer = setInterval(() => {
          window.scrollBy(0, step);
          place(moveEvent.clientY);
        }, 16);
      }
    }

    function onEnd(endEvent) {
      if (endEvent.pointerId !== pointer) return;
      clearInterval(scrollTimer);
      document.removeEventListener("pointermove", onMove);
      document.removeEventListener("pointerup", onEnd);
      document.removeEventListener("pointercancel", onEnd);
      row.classList.remove("is-dragging");
      list.classList.remove("is-sorting");
      save(list, before);
    }

    document.addEventListener("pointermove", onMove);
    document.addEventListener("pointerup", onEnd);
    document.addEventListener("pointercancel", onEnd);
  }

  document.querySelectorAll("[data-sortable]").forEach((list) => {
    list.classList.add("is-sortable");
    list.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      const handle = event.target.closest(".drag-handle");
      if (!handle) return;
      const row = handle.closest("[data-id]");
      // Nested lists: the dishes' list handles its own rows.
      if (!row || row.parentElement !== list) return;
      event.preventDefault();
      startDrag(list, row, event);
    });
  });

  // A choice's allergens fold into a short list; keep its summary current.
  document.querySelectorAll(".mod-allergens").forEach((box) => {
    const summary = box.querySelector("summary");
    const chosen = summary.querySelector(".chosen");
    const show = () => {
      const names = Array.from(box.querySelectorAll("input:checked"))
        .map((input) => input.closest("label").textContent.trim());
      chosen.textContent = names.length ? names.join(", ") : summary.dataset.none;
    };
    box.addEventListener("change", show);
    show();
  });

  // Sold out on the menu list: flip the button in place instead of
  // reloading a long page; the plain form still works without a script.
  document.querySelectorAll(".menu-item .sold-out-form").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const button = form.querySelector("button");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        headers: { Accept: "application/json" },
        body: new FormData(form),
        credentials: "same-origin",
      })
        .then((response) => response.json().then((data) => ({ ok: response.ok, data })))
        .then(({ ok, data }) => {
          if (!ok) throw new Error(data.message);
          button.setAttribute("aria-pressed", String(data.sold_out));
          form.querySelector("input[name=sold_out]").value = data.sold_out ? "0" : "1";
          form.closest(".menu-item").classList.toggle("is-sold-out", data.sold_out);
          say(data.message);
        })
        .catch(() => form.submit())
        .finally(() => { button.disabled = false; });
    });
  });

  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();
