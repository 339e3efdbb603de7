/* Kitchen display: one station's tickets, or the expo view of every station.

   State comes from a snapshot plus numbered events on the restaurant's kitchen
   stream. Events are applied strictly in sequence; a gap that does not fill
   within a moment means something was lost, and the page refetches the
   snapshot. Every change is made through the REST API; the screen then follows
   the events, so it never shows what the server does not hold. */
"use strict";
(() => {
  const boot = JSON.parse(document.getElementById("boot").textContent);
  const S = boot.strings;
  const station = boot.station; // null: expo, every station
  const expo = station === null;
  const API = "/api/v1/kitchen";
  const GAP_WAIT_MS = 400; // events from two server processes may cross
  const PING_MS = 10000; // the server counts a screen live while it pings
  const RECENT_MS = 10 * 60000; // bumped tickets stay recallable this long
  const DEFAULT_LIMITS = { amber_after_seconds: 480, red_after_seconds: 900 };
  const COOKING = new Set(["received", "preparing"]);

  const $ = (id) => document.getElementById(id);
  const ui = {
    board: $("board"), empty: $("empty"), alerts: $("alerts"), alertCount: $("alert-count"),
    conn: $("conn"), connText: $("conn-text"), clock: $("clock"), recent: $("recent"),
    recentList: $("recent-list"), toast: $("toast"), announce: $("announce"),
    allday: $("allday"), alldayList: $("allday-list"), stock: $("stock"), stockList: $("stock-list"),
  };

  // Texts come from the server; a few have English fallbacks until translated.
  const FALLBACK = {
    close: "Close", portions: "Portions left", status_received: "New",
    status_preparing: "Preparing", status_ready: "Ready", new_ticket: "New ticket",
  };
  function t(key, params = {}) {
    const text = S[key] ?? FALLBACK[key] ?? key;
    return text.replace(/%\((\w+)\)s/g, (_, name) => String(params[name] ?? ""));
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value == null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    node.append(...children.filter((child) => child != null && child !== false));
    return node;
  }

  // Dish names are {fi, sv, en}; the kitchen reads the restaurant's language.
  const pick = (names) =>
    (names && (names[boot.menu_lang] || names.fi || Object.values(names).find(Boolean))) || "";

  const ALLERGENS = {
    en: { gluten: "Gluten", crustaceans: "Crustaceans", eggs: "Egg", fish: "Fish", peanuts: "Peanut", soybeans: "Soy", milk: "Milk", nuts: "Nuts", celery: "Celery", mustard: "Mustard", sesame: "Sesame", sulphites: "Sulphites", lupin: "Lupin", molluscs: "Molluscs" },
    fi: { gluten: "Gluteeni", crustaceans: "Äyriäiset", eggs: "Kananmuna", fish: "Kala", peanuts: "Maapähkinä", soybeans: "Soija", milk: "Maito", nuts: "Pähkinät", celery: "Selleri", mustard: "Sinappi", sesame: "Seesami", sulphites: "Sulfiitit", lupin: "Lupiini", molluscs: "Nilviäiset" },
    sv: { gluten: "Gluten", crustaceans: "Kräftdjur", eggs: "Ägg", fish: "Fisk", peanuts: "Jordnötter", soybeans: "Soja", milk: "Mjölk", nuts: "Nötter", celery: "Selleri", mustard: "Senap", sesame: "Sesam", sulphites: "Sulfiter", lupin: "Lupin", molluscs: "Blötdjur" },
  };
  const allergen = (code) =>
    (ALLERGENS[boot.lang] || ALLERGENS.en)[code] || code.charAt(0).toUpperCase() + code.slice(1).replace(/_/g, " ");

  // ---- State -------------------------------------------------------------
  const tickets = new Map(); // id → ticket, only this screen's
  const gone = new Map(); // id → version of served or cancelled tickets
  const alerts = new Map();
  const items = new Map();
  const stations = new Map();
  const fresh = new Map(); // id → when it arrived: highlighted briefly
  let lastSeq = null;
  let stopped = false;

  const mine = (ticket) => expo || ticket.station_id === station.id;
  const since = (iso) => (iso ? Date.parse(iso) : 0);
  const byFired = (a, b) => since(a.fired_at) - since(b.fired_at) || a.id - b.id;
  const limitsOf = (ticket) => stations.get(ticket.station_id) || DEFAULT_LIMITS;
  const stationName = (ticket) => stations.get(ticket.station_id)?.name || ticket.station;
  const stationOrder = (ticket) => stations.get(ticket.station_id)?.order ?? 999;

  function upsertTicket(data) {
    if (!mine(data) || (gone.get(data.id) ?? 0) >= data.version) return;
    const known = tickets.get(data.id);
    if (known && known.version >= data.version) return;
    if (data.status === "served" || data.status === "cancelled") {
      tickets.delete(data.id);
      gone.set(data.id, data.version);
    } else {
      tickets.set(data.id, data);
      if (data.status === "received" && (!known || known.status === "held")) arrived(data);
    }
  }

  function apply(message) {
    const { event, data } = message;
    if (event === "ticket.created" || event === "ticket.updated") upsertTicket(data);
    else if (event === "alert.raised") alerts.set(data.id, data);
    else if (event === "alert.resolved") alerts.delete(data.id);
    else if (event === "menu.items_changed") {
      for (const change of data.items) {
        const item = items.get(change.id);
        if (item) Object.assign(item, { is_available: change.is_available, stock: change.stock });
      }
    } else if (event === "screen.revoked" && boot.screen && data.screen === boot.screen) {
      stop(S.unpaired);
    }
    changed();
  }

  function applySnapshot(data, { initial }) {
    syncToken++;
    syncing = false;
    lastSeq = data.seq;
    stations.clear();
    data.stations.forEach((s, order) => stations.set(s.id, { ...s, order }));
    const before = new Set([...tickets.values()].filter((tk) => tk.status !== "held").map((tk) => tk.id));
    tickets.clear();
    for (const ticket of data.tickets) {
      if (!mine(ticket)) continue;
      tickets.set(ticket.id, ticket);
      // Found by a resync, never seen here: as new as a live one.
      if (!initial && ticket.status === "received" && !before.has(ticket.id)) arrived(ticket);
    }
    alerts.clear();
    data.alerts.forEach((a) => alerts.set(a.id, a));
    items.clear();
    data.items.forEach((i) => items.set(i.id, { ...i }));
    drain();
    changed();
  }

  // ---- Sequence: in order, no gaps --------------------------------------
  const pending = new Map(); // seq → event that came early or during a resync
  let syncing = false, syncToken = 0, gapTimer = null, dropNext = 0, snapshots = 0;

  function receive(message) {
    if (message.event === "snapshot") {
      // Sent on every (re)connect: a fresh start, like a REST resync.
      awaitingSnapshot = false;
      applySnapshot(message.data, { initial: snapshots++ === 0 });
      return;
    }
    if (typeof message.seq !== "number") return apply(message);
    if (dropNext > 0) { dropNext--; return; } // test hook: a lost event
    if (lastSeq !== null && message.seq <= lastSeq) return;
    pending.set(message.seq, message);
    if (lastSeq !== null && !syncing) drain();
  }

  function drain() {
    for (const seq of pending.keys()) if (seq <= lastSeq) pending.delete(seq);
    while (pending.has(lastSeq + 1)) {
      const next = pending.get(lastSeq + 1);
      pending.delete(lastSeq + 1);
      lastSeq += 1;
      apply(next);
    }
    // A gap gets one short wait from when it opened, however many events
    // keep arriving behind it.
    if (!pending.size) {
      clearTimeout(gapTimer);
      gapTimer = null;
    } else if (!gapTimer) {
      gapTimer = setTimeout(resync, GAP_WAIT_MS);
    }
  }

  // The server is at `seq`; if the events up to it do not arrive in a
  // moment, they are lost.
  let behindTimer = null;
  function behind(seq) {
    if (typeof seq !== "number" || lastSeq === null || seq <= lastSeq || behindTimer) return;
    behindTimer = setTimeout(() => {
      behindTimer = null;
      if (lastSeq !== null && lastSeq < seq) resync();
    }, GAP_WAIT_MS);
  }

  async function resync() {
    clearTimeout(gapTimer);
    gapTimer = null;
    if (syncing || stopped) return;
    syncing = true;
    const token = ++syncToken;
    showConnection();
    for (let attempt = 0; token === syncToken && !stopped; attempt++) {
      try {
        const response = await fetch(`${API}/snapshot?${boot.query}`, {
          credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store",
        });
        if (response.status === 401 || response.status === 403) return forbidden();
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        // A snapshot from the socket may have arrived meanwhile; it wins.
        if (token === syncToken) applySnapshot(data, { initial: false });
        return;
      } catch {
        await new Promise((done) => setTimeout(done, Math.min(10000, 1000 * 2 ** attempt)));
      }
    }
  }

  // ---- Rendering ----------------------------------------------------------
  let renderQueued = false;
  function changed() {
    if (renderQueued) return;
    renderQueued = true;
    setTimeout(() => {
      renderQueued = false;
      render();
    }, 0);
  }

  function render() {
    if (stopped) return;
    renderAlerts();
    if (expo) renderExpo();
    else renderStation();
    renderRecent();
    if (ui.allday.open) renderAllDay();
    if (ui.stock.open) renderStock();
    showConnection();
    queueAcks();
    tick();
  }

  function timer(ticket) {
    const limits = limitsOf(ticket);
    return el("time", {
      class: "timer", "data-since": since(ticket.fired_at),
      "data-amber": limits.amber_after_seconds, "data-red": limits.red_after_seconds,
    });
  }

  function lineItem(line, cook) {
    const body = [
      el("span", { class: "line-main" },
        el("span", { class: "qty", text: `${line.quantity}×` }),
        el("span", { class: "name", text: pick(line.name) })),
      line.modifiers.length
        ? el("span", { class: "mods", text: line.modifiers.map((m) => pick(m.name)).join(" · ") })
        : null,
      line.note ? el("span", { class: "note" }, el("span", { class: "visually-hidden", text: `${S.note}: ` }), line.note) : null,
      line.allergens.length
        ? el("span", { class: "allergens" },
          el("span", { class: "visually-hidden", text: `${S.allergens}: ` }),
          ...line.allergens.map((code) => el("span", { class: "pill", text: allergen(code) })))
        : null,
    ];
    // A tap crosses the item off (or back on) while the ticket is cooking.
    const target = cook
      ? el("button", { class: "line-body", type: "button", "data-line": line.id, "aria-pressed": String(line.done) }, ...body)
      : el("div", { class: "line-body" }, ...body);
    return el("li", { class: line.done ? "line is-done" : "line" }, target);
  }

  function actionButton(ticket, action, kind) {
    return el("button", { type: "button", class: `act act-${kind}`, "data-ticket": ticket.id, "data-action": action, text: S[action] });
  }

  function ticketCard(ticket) {
    const held = ticket.status === "held";
    const cook = COOKING.has(ticket.status);
    const heading = `ticket-${ticket.id}`;
    const isNew = Date.now() - (fresh.get(ticket.id) || 0) < 4000;
    return el("article", {
      class: `ticket is-${ticket.status}${isNew ? " is-new" : ""}`,
      "data-id": ticket.id, "data-status": ticket.status, "aria-labelledby": heading,
    },
    el("header", { class: "ticket-head" },
      el("div", { class: "ticket-id" },
        el("h2", { class: "ticket-table", id: heading, text: t("table", { label: ticket.table }) }),
        el("span", { class: "ticket-number", text: t("order", { number: ticket.number }) }),
        ticket.course > 1 && !held ? el("span", { class: "course", text: t("course", { course: ticket.course }) }) : null),
      held ? null : timer(ticket)),
    held ? el("p", { class: "held-label", text: t("held", { course: ticket.course }) }) : null,
    ticket.order_note
      ? el("p", { class: "order-note" }, el("strong", { text: `${S.note}: ` }), ticket.order_note)
      : null,
    el("ul", { class: "lines", lang: boot.menu_lang }, ...ticket.lines.map((line) => lineItem(line, cook))),
    cook
      ? el("div", { class: "actions" },
        ticket.status === "received" ? actionButton(ticket, "start", "start") : actionButton(ticket, "unstart", "undo"),
        actionButton(ticket, "bump", "bump"))
      : null);
  }

  // Cards are rebuilt only when their ticket's version changes.
  const built = new Map(); // key → {sig, node}

  function place(container, nodes) {
    const wanted = new Set(nodes);
    for (const child of [...container.children]) if (!wanted.has(child)) child.remove();
    nodes.forEach((node, index) => {
      if (container.children[index] !== node) container.insertBefore(node, container.children[index] || null);
    });
  }

  function cached(key, sig, build) {
    const entry = built.get(key);
    if (entry && entry.sig === sig) return entry.node;
    const node = build();
    built.set(key, { sig, node });
    return node;
  }

  function prune(keys) {
    for (const key of built.keys()) if (!keys.has(key)) built.delete(key);
  }

  function renderStation() {
    const all = [...tickets.values()];
    const cooking = all.filter((tk) => COOKING.has(tk.status)).sort(byFired);
    const held = all.filter((tk) => tk.status === "held").sort((a, b) => a.course - b.course || a.id - b.id);
    const shown = [...cooking, ...held];
    const keys = new Set(shown.map((tk) => `t${tk.id}`));
    place(ui.board, shown.map((tk) => cached(`t${tk.id}`, tk.version, () => ticketCard(tk))));
    prune(keys);
    ui.empty.hidden = shown.length > 0;
    ui.empty.textContent = S.no_tickets;
  }

  function renderRecent() {
    if (expo) return;
    const now = Date.now();
    const ready = [...tickets.values()]
      .filter((tk) => tk.status === "ready" && now - since(tk.ready_at) < RECENT_MS)
      .sort((a, b) => since(b.ready_at) - since(a.ready_at));
    ui.recent.hidden = ready.length === 0;
    document.body.classList.toggle("has-recent", ready.length > 0);
    const sig = ready.map((tk) => `${tk.id}.${tk.version}`).join(",");
    if (ui.recentList.dataset.sig === sig) return;
    ui.recentList.dataset.sig = sig;
    ui.recentList.replaceChildren(...ready.map((tk) => {
      const label = `recent-${tk.id}`;
      return el("li", { class: "recent-item" },
        el("span", { class: "recent-label", id: label },
          el("strong", { text: t("table", { label: tk.table }) }), " ", t("order", { number: tk.number })),
        el("button", { type: "button", class: "act act-recall", "data-ticket": tk.id, "data-action": "recall", "aria-describedby": label, text: S.recall }));
    }));
  }

  // Expo: tickets grouped by table visit. A table is ready to serve when
  // everything fired for it is ready.
  const isReady = ({ fired }) => fired.length > 0 && fired.every((tk) => tk.status === "ready");
  let readyTables = new Set();

  function renderExpo() {
    const sessions = new Map();
    for (const ticket of tickets.values()) {
      if (!sessions.has(ticket.table_session)) sessions.set(ticket.table_session, []);
      sessions.get(ticket.table_session).push(ticket);
    }
    const groups = [...sessions.entries()].map(([id, list]) => {
      list.sort((a, b) => a.course - b.course || stationOrder(a) - stationOrder(b) || a.id - b.id);
      const fired = list.filter((tk) => tk.status !== "held");
      const first = fired.length ? Math.min(...fired.map((tk) => since(tk.fired_at))) : Infinity;
      return { id, list, fired, first };
    }).sort((a, b) => a.first - b.first || a.id - b.id);
    // The runner hears when a table's food is all at the pass.
    const ready = new Set(groups.filter(isReady).map((g) => g.id));
    if ([...ready].some((id) => !readyTables.has(id)) && snapshots > 0) beep();
    readyTables = ready;
    const keys = new Set(groups.map((g) => `s${g.id}`));
    place(ui.board, groups.map((group) =>
      cached(`s${group.id}`, group.list.map((tk) => `${tk.id}.${tk.version}`).join(","), () => tableCard(group))));
    prune(keys);
    ui.empty.hidden = groups.length > 0;
    ui.empty.textContent = S.no_tickets;
  }

  const statusText = (ticket) => t(`status_${ticket.status}`);

  function tableCard(group) {
    const { id, list, fired } = group;
    const ready = isReady(group);
    const waiting = fired.some((tk) => tk.status === "ready") && !ready
      ? [...new Set(fired.filter((tk) => tk.status !== "ready").map(stationName))]
      : [];
    const heldCourses = [...new Set(list.filter((tk) => tk.status === "held").map((tk) => tk.course))].sort();
    const numbers = [...new Set(list.map((tk) => tk.number))].sort((a, b) => a - b);
    const heading = `session-${id}`;
    return el("article", { class: `table${ready ? " is-ready" : ""}`, "data-session": id, "aria-labelledby": heading },
      el("header", { class: "table-head" },
        el("div", { class: "ticket-id" },
          el("h2", { class: "ticket-table", id: heading, text: t("table", { label: list[0].table }) }),
          el("span", { class: "ticket-number", text: numbers.map((n) => t("order", { number: n })).join(" ") }))),
      ready ? el("p", { class: "ready-flag", text: S.ready_to_serve }) : null,
      el("ul", { class: "rows" }, ...list.map((tk) => el("li", { class: `row is-${tk.status}`, "data-ticket": tk.id },
        el("div", { class: "row-head" },
          el("div", { class: "row-id" },
            el("span", { class: "row-station", text: stationName(tk) }),
            tk.course > 1 ? el("span", { class: "course", text: t("course", { course: tk.course }) }) : null,
            // Held rows say so in the "fire" box below.
            tk.status === "held" ? null : el("span", { class: `status status-${tk.status}`, text: statusText(tk) })),
          COOKING.has(tk.status) ? timer(tk) : null),
        el("p", { class: "row-items", lang: boot.menu_lang }, ...tk.lines.map((line) => el("span", { class: line.done ? "row-line is-done" : "row-line" },
          `${line.quantity}× ${pick(line.name)}`,
          ...line.allergens.map((code) => el("span", { class: "pill", text: allergen(code) })))))))),
      waiting.length ? el("p", { class: "waiting", text: t("waiting_for", { stations: waiting.join(", ") }) }) : null,
      ...heldCourses.map((course) => el("div", { class: "held-row" },
        el("span", { text: t("held", { course }) }),
        el("button", { type: "button", class: "act act-fire", "data-session": id, "data-fire": course, text: t("fire", { course }) }))),
      ready ? el("div", { class: "actions" },
        el("button", { type: "button", class: "act act-bump", "data-serve": id, "aria-describedby": heading, text: S.serve })) : null);
  }

  function renderAlerts() {
    // Every screen shows every alert of the restaurant: a station nobody
    // watches is exactly when another screen must say so.
    const list = [...alerts.values()]
      .sort((a, b) => since(a.raised_at) - since(b.raised_at));
    ui.alerts.hidden = list.length === 0;
    ui.alertCount.hidden = list.length === 0;
    ui.alertCount.textContent = String(list.length);
    const text = list.map((a) => a.kind === "station_offline"
      ? t("alert_station", { station: [...stations.values()].find((s) => s.code === a.station)?.name || a.station })
      : t("alert_ticket", { table: a.table, number: a.number }));
    // Rewritten only when it changes: every rewrite is read out again.
    if (ui.alerts.dataset.text !== text.join("\n")) {
      ui.alerts.dataset.text = text.join("\n");
      ui.alerts.replaceChildren(el("ul", {}, ...text.map((line) => el("li", { text: line }))));
    }
  }

  function renderAllDay() {
    const counts = new Map();
    for (const ticket of tickets.values()) {
      if (!COOKING.has(ticket.status)) continue;
      for (const line of ticket.lines) {
        if (line.done) continue;
        const name = pick(line.name);
        counts.set(name, (counts.get(name) || 0) + line.quantity);
      }
    }
    const rows = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    ui.alldayList.replaceChildren(...rows.map(([name, count]) =>
      el("li", {}, el("span", { class: "allday-count", text: String(count) }), el("span", { text: name }))));
    if (!rows.length) ui.alldayList.append(el("li", { class: "muted", text: S.no_tickets }));
  }

  function stockState(item) {
    if (!item.is_available || item.stock === 0) return S.sold_out;
    return item.stock == null ? S.available : t("left", { count: item.stock });
  }

  // Rows are updated in place, so a number being typed is not wiped.
  function renderStock() {
    const rows = [];
    for (const item of items.values()) {
      let row = ui.stockList.querySelector(`[data-item="${item.id}"]`);
      if (!row) {
        const label = `item-${item.id}`;
        row = el("li", { class: "stock-row", "data-item": item.id },
          el("span", { class: "stock-name", id: label, text: pick(item.name) }),
          el("span", { class: "stock-state" }),
          el("button", { type: "button", class: "toggle", "data-toggle": item.id, "aria-describedby": label, text: S.sold_out }),
          el("label", { class: "stock-portions" },
            el("span", { class: "stock-caption", text: t("portions") }),
            el("input", { class: "stock-input", type: "number", min: 0, max: 9999, inputmode: "numeric", "aria-label": `${pick(item.name)}: ${t("portions")}` })),
          el("button", { type: "button", class: "save", "data-save": item.id, "aria-describedby": label, text: S.save }));
      }
      const out = !item.is_available || item.stock === 0;
      row.classList.toggle("is-out", out);
      row.querySelector(".stock-state").textContent = stockState(item);
      row.querySelector(".toggle").setAttribute("aria-pressed", String(out));
      const input = row.querySelector("input");
      if (document.activeElement !== input && !input.dataset.dirty) input.value = item.stock ?? "";
      rows.push(row);
    }
    place(ui.stockList, rows);
  }

  // ---- Time ---------------------------------------------------------------
  const pad = (n) => String(n).padStart(2, "0");
  let lastRecentCheck = 0;
  function tick() {
    const now = Date.now();
    ui.clock.textContent = new Date(now).toLocaleTimeString(boot.lang, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    ui.clock.dateTime = new Date(now).toISOString();
    for (const node of document.querySelectorAll(".timer")) {
      const seconds = Math.max(0, Math.floor((now - Number(node.dataset.since)) / 1000));
      const text = `${pad(Math.floor(seconds / 60))}:${pad(seconds % 60)}`;
      if (node.textContent !== text) node.textContent = text;
      const level = seconds >= Number(node.dataset.red) ? "red" : seconds >= Number(node.dataset.amber) ? "amber" : "ok";
      const card = node.closest(".ticket, .row");
      if (card && card.dataset.level !== level) card.dataset.level = level;
    }
    if (now - lastRecentCheck > 30000) {
      lastRecentCheck = now;
      renderRecent();
    }
  }

  // ---- Talking to the server ---------------------------------------------
  function csrfToken() {
    const cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return cookie ? decodeURIComponent(cookie[1]) : document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
  }

  async function post(path, body = {}) {
    let response;
    try {
      response = await fetch(API + path, {
        method: "POST", credentials: "same-origin", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      });
    } catch {
      throw new Error(S.error);
    }
    if (response.ok) return response.json();
    let message = S.error;
    try {
      message = (await response.json()).message || message;
    } catch { /* not JSON: keep the general message */ }
    // Refused because the ticket moved on, or is gone: this screen is behind.
    if (response.status === 404 || response.status === 409) resync();
    throw new Error(message);
  }

  let toastTimer = null;
  function toast(message) {
    ui.toast.textContent = message;
    ui.toast.classList.add("show");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => ui.toast.classList.remove("show"), 5000);
  }

  // An action disables its card's buttons until the answer; the events that
  // follow redraw the card.
  async function act(button, path, body) {
    const card = button.closest(".ticket, .table, .recent-item, .stock-row") || button;
    const buttons = [...card.querySelectorAll("button")];
    buttons.forEach((b) => { b.disabled = true; });
    try {
      await post(path, body);
      return true;
    } catch (error) {
      toast(error.message);
      return false;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  // Acknowledgements: the server raises an alert for fired tickets no screen
  // has shown. Sent only while the page is visible.
  const acked = new Set();
  const toAck = new Set();
  let ackTimer = null, ackDelay = 0;
  function queueAcks() {
    if (document.hidden || stopped) return;
    for (const ticket of tickets.values()) {
      if (ticket.fired_at && !ticket.acknowledged_at && ticket.status !== "held" && !acked.has(ticket.id)) toAck.add(ticket.id);
    }
    if (toAck.size && !ackTimer) ackTimer = setTimeout(flushAcks, ackDelay || 50);
  }
  async function flushAcks() {
    const ids = [...toAck].slice(0, 500);
    try {
      await post("/acks", { ticket_ids: ids });
      ids.forEach((id) => { acked.add(id); toAck.delete(id); });
      ackDelay = 0;
    } catch {
      ackDelay = Math.min(30000, (ackDelay || 1000) * 2);
    }
    ackTimer = toAck.size ? setTimeout(flushAcks, ackDelay || 50) : null;
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("button");
    if (!button || button.disabled) return;
    const { dataset } = button;
    if (dataset.action) {
      await act(button, `/tickets/${dataset.ticket}/${dataset.action}`);
    } else if (dataset.line) {
      const done = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(done)); // at once; events confirm
      button.parentElement.classList.toggle("is-done", done);
      if (!(await act(button, `/ticket-lines/${dataset.line}/done`, { done }))) {
        button.setAttribute("aria-pressed", String(!done));
        button.parentElement.classList.toggle("is-done", !done);
      }
    } else if (dataset.serve) {
      await act(button, `/table-sessions/${dataset.serve}/serve`);
    } else if (dataset.fire) {
      await act(button, `/table-sessions/${dataset.session}/fire`, { course: Number(dataset.fire) });
    } else if (dataset.toggle) {
      const item = items.get(Number(dataset.toggle));
      const out = !item.is_available || item.stock === 0;
      await act(button, `/items/${item.id}/availability`, out
        ? { is_available: true, stock: item.stock === 0 ? null : item.stock }
        : { is_available: false, stock: item.stock });
    } else if (dataset.save) {
      const item = items.get(Number(dataset.save));
      const input = button.closest(".stock-row").querySelector("input");
      const stock = input.value.trim() === "" ? null : Number(input.value);
      if (stock !== null && !(Number.isInteger(stock) && stock >= 0 && stock <= 9999)) {
        input.focus();
        return;
      }
      // A number of portions puts the dish back on; an empty box means no limit.
      const body = { is_available: stock === null ? item.is_available : stock > 0, stock };
      if (await act(button, `/items/${item.id}/availability`, body)) {
        delete input.dataset.dirty;
      }
    } else if ("close" in dataset) {
      button.closest("dialog").close();
    }
  });
  ui.stockList.addEventListener("input", (event) => { event.target.dataset.dirty = "1"; });

  function openPanel(dialog, draw) {
    draw();
    dialog.showModal();
  }
  $("open-allday").textContent = S.all_day;
  $("open-allday").addEventListener("click", () => openPanel(ui.allday, renderAllDay));
  $("open-stock").textContent = S.eighty_six;
  $("open-stock").addEventListener("click", () => openPanel(ui.stock, renderStock));
  $("allday-title").textContent = S.all_day;
  $("stock-title").textContent = S.eighty_six;
  for (const close of document.querySelectorAll("[data-close]")) close.setAttribute("aria-label", t("close"));
  for (const dialog of [ui.allday, ui.stock]) {
    // A tap on the dimmed backdrop closes the panel.
    dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
  }
  ui.recent.querySelector("h2").textContent = S.bump;

  // ---- Sound and attention -------------------------------------------------
  let audio = null, lastBeep = 0;
  function arrived(ticket) {
    const now = Date.now();
    for (const [id, at] of fresh) if (now - at > 60000) fresh.delete(id);
    fresh.set(ticket.id, now);
    ui.announce.textContent = `${t("new_ticket")}: ${t("table", { label: ticket.table })} ${t("order", { number: ticket.number })}`;
    if (!expo) beep();
  }
  function beep() {
    const now = Date.now();
    if (!audio || audio.state !== "running" || now - lastBeep < 1500) return;
    lastBeep = now;
    const start = audio.currentTime;
    for (const offset of [0, 0.2]) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 1175;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.5, start + offset + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.15);
      tone.connect(gain).connect(audio.destination);
      tone.start(start + offset);
      tone.stop(start + offset + 0.16);
    }
  }

  // Browsers play sound only after a tap; the first tap also keeps the
  // screen awake.
  let wakeLock = null;
  async function keepAwake() {
    try {
      if (navigator.wakeLock && !wakeLock) {
        wakeLock = await navigator.wakeLock.request("screen");
        wakeLock.addEventListener("release", () => { wakeLock = null; });
      }
    } catch { /* not allowed here: the tablet's own settings decide */ }
  }
  const start = $("start");
  $("start-button").textContent = S.tap_to_start;
  start.hidden = false;
  $("start-button").addEventListener("click", () => {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (Context) {
      audio = new Context();
      audio.resume();
    }
    keepAwake();
    start.remove();
  });

  // ---- Connection ----------------------------------------------------------
  let socketState = "connecting", everLive = false, awaitingSnapshot = true;
  function showConnection() {
    if (stopped) return;
    let state = "live";
    if (socketState !== "live") state = everLive ? "reconnecting" : "resyncing";
    else if (syncing || awaitingSnapshot) state = "resyncing";
    if (ui.conn.dataset.state !== state) {
      ui.conn.dataset.state = state;
      ui.connText.textContent = S[state];
    }
  }

  function stop(message) {
    stopped = true;
    clearTimeout(gapTimer);
    ui.conn.dataset.state = "stopped";
    ui.connText.textContent = message;
    ui.board.replaceChildren();
    ui.recent.hidden = true;
    ui.empty.hidden = false;
    ui.empty.textContent = message;
    ui.empty.classList.add("is-stopped");
    start.remove();
  }

  // Refused: a revoked screen says so; signed-in staff get the sign-in page.
  function forbidden() {
    if (boot.screen) stop(S.unpaired);
    else location.reload();
  }

  window.TablesideLive(`/ws/kitchen/?${boot.query}`, {
    onMessage: receive,
    // The ping is the server's heartbeat: a screen is live while it pings.
    pingEvery: PING_MS,
    // The answer says how far the stream has gone: a lost last event shows
    // up here even when no later event comes to reveal the gap.
    onPong: (data) => behind(data && data.seq),
    stopCodes: [4401, 4403],
    onState(state) {
      if (state === "stopped") return forbidden();
      socketState = state;
      if (state === "live") everLive = awaitingSnapshot = true;
      showConnection();
    },
  });

  let hidden = document.hidden;
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      hidden = true;
      return;
    }
    if (hidden && lastSeq !== null) resync();
    hidden = false;
    keepAwake();
    queueAcks();
  });

  // Channel layers forget group members after a day, and new code ships:
  // reload once a day, when nothing is cooking.
  const loadedAt = Date.now();
  setInterval(() => {
    tick();
    const busy = [...tickets.values()].some((tk) => COOKING.has(tk.status));
    if (Date.now() - loadedAt > 20 * 3600000 && !busy && !ui.allday.open && !ui.stock.open) location.reload();
  }, 1000);
  tick();
  showConnection();

  // For browser tests: drop the next n events, as a flaky network would.
  window.__kds = {
    drop: (n = 1) => { dropNext = n; },
    state: () => ({ lastSeq, dropNext, syncing, tickets: tickets.size }),
  };
})();
