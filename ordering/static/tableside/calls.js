/* Calling the staff from a guest's phone: a waiter, the bill, or help with
   an optional reason. The table's live calls show under the header and turn
   to "on the way" as soon as a waiter answers on their tablet.

   Loaded after live.js and before the page's own script: it listens in on
   the page's one table socket (a second socket per phone would double the
   server's work for nothing), and refetches the calls after every
   (re)connect, when the server sends a fresh snapshot. */
"use strict";
(() => {
  const { $, T, api, el } = window.Tableside;
  const URL = "/api/v1/kitchen/floor/guest/calls";
  const KINDS = ["waiter", "bill", "help"];
  const top = $(".top");
  if (!top || !window.TablesideLive) return;

  const calls = new Map(); // id → call, live ones only
  const LIVE = new Set(["open", "acknowledged"]);

  // The page's socket: every message passes here first.
  const connect = window.TablesideLive;
  window.TablesideLive = (path, options) => connect(path, {
    ...options,
    onMessage(message) {
      heard(message);
      options.onMessage(message);
    },
  });

  function heard(message) {
    if (message.event === "snapshot") load();
    else if (message.event.startsWith("waiter_call.")) upsert(message.data);
    else if (message.event === "table_session.closed") { calls.clear(); render(); open.hidden = true; }
  }

  function upsert(call) {
    const known = calls.get(call.id);
    if (known && known.version >= call.version) return;
    if (LIVE.has(call.status)) calls.set(call.id, call); else calls.delete(call.id);
    render();
  }

  async function load() {
    try {
      const data = await api("GET", URL);
      calls.clear();
      data.calls.forEach((call) => calls.set(call.id, call));
      render();
    } catch { /* the next snapshot tries again */ }
  }

  // ---- The button, the status under the header, the sheet -----------------
  const open = el("button", { type: "button", class: "calls-open", "aria-haspopup": "dialog", "aria-controls": "calls-sheet", text: T.calls_button });
  const lang = top.querySelector(".lang");
  if (lang) lang.before(open); else top.append(open);
  const status = el("div", { class: "calls-status", role: "status", "aria-live": "polite" });
  top.after(status);

  const reason = el("textarea", { id: "calls-reason", name: "reason", maxlength: 200, rows: 2 });
  const error = el("p", { class: "error", role: "alert" });
  const choice = (kind, cls) => el("button", { type: "button", class: cls, "data-call": kind, text: T[`call_${kind}`] });
  const sheet = el("dialog", { class: "sheet calls-sheet", id: "calls-sheet", "aria-labelledby": "calls-title" },
    el("form", { method: "dialog" },
      el("header", { class: "sheet-head" },
        el("h2", { id: "calls-title", text: T.calls_title }),
        el("button", { type: "button", class: "close", "data-calls-close": "", "aria-label": T.close, text: "×" })),
      el("div", { class: "sheet-body" },
        choice("waiter", "primary calls-choice"),
        choice("bill", "primary calls-choice"),
        el("div", { class: "calls-help" },
          el("label", { class: "field", for: "calls-reason" }, T.call_reason),
          reason,
          choice("help", "calls-choice calls-help-send"))),
      error));
  document.body.append(sheet);

  function render() {
    const live = [...calls.values()].sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
    status.replaceChildren(...live.map((call) => {
      const coming = call.status === "acknowledged";
      return el("p", { class: `calls-row${coming ? " is-coming" : ""}`, "data-kind": call.kind },
        el("span", { text: T[`call_${call.kind}_${coming ? "coming" : "open"}`] }),
        coming ? null : el("button", { type: "button", class: "calls-cancel", "data-cancel": call.id, text: T.call_cancel }));
    }));
    status.classList.toggle("has-calls", live.length > 0);
  }

  open.addEventListener("click", () => {
    error.textContent = "";
    sheet.showModal();
  });
  sheet.addEventListener("click", async (event) => {
    if (event.target === sheet) return sheet.close();
    const button = event.target.closest("button");
    if (!button) return;
    if ("callsClose" in button.dataset) return sheet.close();
    const kind = button.dataset.call;
    if (!kind) return;
    button.disabled = true;
    error.textContent = "";
    try {
      upsert(await api("POST", URL, { kind, reason: kind === "help" ? reason.value.trim() : "" }));
      reason.value = "";
      sheet.close();
    } catch (problem) {
      error.textContent = problem.message;
    } finally {
      button.disabled = false;
    }
  });
  status.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-cancel]");
    if (!button) return;
    button.disabled = true;
    try {
      upsert(await api("POST", `${URL}/${button.dataset.cancel}/cancel`));
    } catch (problem) {
      button.disabled = false;
      status.append(el("p", { class: "error", text: problem.message }));
    }
  });

  load();
})();
