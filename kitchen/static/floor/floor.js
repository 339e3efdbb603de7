/* The floor: a waiter's tablet. Tables by area with their state and how long
   they have been in it, the queue of what waits for the waiter (guests'
   calls, food ready, voids, first orders to approve), and a panel per table
   to seat, move, merge, order for the guests, fire, serve and void.

   State comes from a snapshot plus numbered events on the restaurant's floor
   stream, applied strictly in sequence; a gap that does not fill within a
   moment means something was lost, and the page refetches the snapshot.
   Events carry what changed; a table an event names is refetched as a card,
   so the state a table is in is always worked out by the server. Every
   change goes through the REST API and its services. */
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const boot = JSON.parse($("boot").textContent);
  const S = boot.strings;
  const API = boot.api;
  const SLUG = encodeURIComponent(boot.restaurant.slug);
  const GAP_WAIT_MS = 400; // events from two server processes may cross
  const PING_MS = 15000;
  const REFETCH_MS = 120; // events of one change arrive together: one refetch
  const LIVE_CALL = new Set(["open", "acknowledged"]);

  const ui = {
    areas: $("areas"), hint: $("no-section"), queue: $("queue"), queueEmpty: $("queue-empty"),
    alerts: $("alerts"), conn: $("conn"), connText: $("conn-text"), clock: $("clock"),
    sound: $("sound"), mine: $("show-mine"), all: $("show-all"), toast: $("toast"), announce: $("announce"),
    panel: $("table-panel"), panelTitle: $("panel-title"), panelState: $("panel-state"), panelBody: $("panel-body"),
    order: $("order-panel"), orderTitle: $("order-title"), menu: $("menu"), dish: $("dish"),
    cartLines: $("cart-lines"), cartTotal: $("cart-total"), cartNote: $("cart-note"), cartSend: $("cart-send"),
    ask: $("ask"), askForm: $("ask-form"), askTitle: $("ask-title"), askBody: $("ask-body"), askError: $("ask-error"), askOk: $("ask-ok"),
    sections: $("sections"), sectionsBody: $("sections-body"),
  };

  function t(key, params = {}) {
    const text = S[key] ?? key;
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
    node.append(...children.flat().filter((child) => child != null && child !== false));
    return node;
  }

  // Dish names frozen on order lines are {fi, sv, en}; the menu API answers
  // in one language already.
  const pick = (names) =>
    typeof names === "string" ? names
      : (names && (names[boot.lang] || names[boot.menu_lang] || names.fi || Object.values(names).find(Boolean))) || "";
  const locale = boot.lang === "en" ? "en-GB" : boot.lang;
  const money = new Intl.NumberFormat(locale, { style: "currency", currency: boot.restaurant.currency });
  const fmt = (minor) => money.format((minor || 0) / 100);
  const allergen = (code) => boot.allergens[code] || code;
  const hhmm = (iso) => (iso ? new Date(iso).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) : "–");

  // ---- State -------------------------------------------------------------
  const tables = new Map(); // id → card, as the server built it
  const voids = new Map();
  const alerts = new Map();
  let areas = [], sections = [], staff = [];
  let me = { id: boot.me, roles: [], is_manager: false };
  let restaurant = boot.restaurant;
  let skew = 0; // server clock minus this tablet's
  let lastSeq = null, stopped = false, initialDone = false;
  let view = localStorage.getItem("floor.view") || "mine";

  const serverNow = () => Date.now() + skew;
  const myAreas = () => new Set(sections.filter((s) => s.waiter === me.id).map((s) => s.area));
  // Without a section every table rings: someone must hear the floor.
  function rings(areaId) {
    const mine = myAreas();
    return mine.size === 0 || mine.has(areaId);
  }
  const tableBySession = (sessionId) =>
    [...tables.values()].find((card) => card.table_session === sessionId || card.sessions.includes(sessionId));

  function applySnapshot(data) {
    syncToken++;
    syncing = false;
    lastSeq = data.seq;
    skew = Date.parse(data.now) - Date.now();
    restaurant = data.restaurant;
    me = data.me;
    areas = data.areas;
    sections = data.sections;
    staff = data.staff;
    tables.clear();
    data.tables.forEach((card) => tables.set(card.id, card));
    voids.clear();
    data.voids.forEach((v) => voids.set(v.id, v));
    alerts.clear();
    data.alerts.forEach((a) => alerts.set(a.id, a));
    drain();
    changed();
    if (ui.panel.open) refreshPanel();
  }

  // A call arrives with the table's state before the card is refetched: the
  // queue and the card's badge show it at once.
  function upsertCall(call) {
    const card = tables.get(call.table);
    if (!card) return;
    const known = card.calls.find((c) => c.id === call.id);
    if (known && known.version >= call.version) return;
    card.calls = card.calls.filter((c) => c.id !== call.id);
    if (LIVE_CALL.has(call.status)) card.calls.push(call);
  }

  function upsertReady(ticket) {
    const card = tableBySession(ticket.table_session);
    if (!card || card.ready.some((r) => r.id === ticket.id && r.version >= ticket.version)) return;
    card.ready = card.ready.filter((r) => r.id !== ticket.id);
    card.ready.push({ id: ticket.id, version: ticket.version, course: ticket.course, station: ticket.station, number: ticket.number, ready_at: ticket.ready_at });
  }

  function apply(message) {
    const { event, data } = message;
    const ids = [];
    if (event.startsWith("waiter_call.")) {
      upsertCall(data);
      ids.push(data.table);
    } else if (event === "ticket.ready") {
      upsertReady(data);
      const card = tableBySession(data.table_session);
      if (card) ids.push(card.id); else ids.push("*");
    } else if (event.startsWith("order.") || event === "bill.updated") {
      const card = tableBySession(data.table_session);
      ids.push(card ? card.id : "*");
    } else if (event === "table_session.moved") {
      ids.push(data.from_table, data.to_table);
    } else if (event === "table_session.merged") {
      ids.push(data.table, data.into_table);
    } else if (event === "table_session.unmerged") {
      ids.push(data.table);
      const from = tableBySession(data.from_table_session);
      if (from) ids.push(from.id);
    } else if (event === "table.cleared") {
      ids.push(...data.tables);
    } else if (event.startsWith("table_session.") || event === "member.identified") {
      ids.push(data.table);
      // A merged party's other tables show the same state.
      const card = tables.get(data.table);
      if (card) ids.push(...groupTables(card));
    } else if (event.startsWith("void.")) {
      if (data.status === "pending") voids.set(data.id, data); else voids.delete(data.id);
      ids.push(data.table);
    } else if (event === "section.changed") {
      sections = sections.filter((s) => s.area !== data.area)
        .concat(data.waiters.map((w) => ({ area: data.area, waiter: w.waiter, name: w.name })));
      if (ui.sections.open) renderSections();
    } else if (event === "alert.raised") {
      alerts.set(data.id, data);
    } else if (event === "alert.resolved") {
      alerts.delete(data.id);
    }
    if (ids.length) refetch(ids);
    changed();
  }

  // Tables of the same party (merged), by table id.
  function groupTables(card) {
    const sessions = new Set(card.sessions);
    return [...tables.values()].filter((c) => c.sessions.some((s) => sessions.has(s))).map((c) => c.id);
  }

  // ---- Refetching named tables -------------------------------------------
  const toFetch = new Set();
  let fetchTimer = null;
  function refetch(ids) {
    ids.forEach((id) => { if (id != null) toFetch.add(id); });
    if (!fetchTimer) fetchTimer = setTimeout(fetchTables, REFETCH_MS);
  }

  async function fetchTables() {
    fetchTimer = null;
    if (toFetch.has("*")) {
      toFetch.clear();
      return resync();
    }
    // Merged parties change together: refetch every table of the party.
    const ids = new Set();
    for (const id of toFetch) {
      ids.add(id);
      const card = tables.get(id);
      if (card && card.sessions.length > 1) groupTables(card).forEach((other) => ids.add(other));
    }
    toFetch.clear();
    if (!ids.size) return;
    try {
      const data = await get(`/tables?restaurant=${SLUG}&ids=${[...ids].join(",")}`);
      skew = Date.parse(data.now) - Date.now();
      data.tables.forEach((card) => tables.set(card.id, card));
      changed();
      if (ui.panel.open && ids.has(panelTable)) refreshPanel();
    } catch {
      resync();
    }
  }

  // ---- Sequence: in order, no gaps --------------------------------------
  const pending = new Map();
  let syncing = false, syncToken = 0, gapTimer = null, behindTimer = null, dropNext = 0;

  function receive(message) {
    if (message.event === "snapshot") {
      awaitingSnapshot = false;
      applySnapshot(message.data);
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
    if (!pending.size) {
      clearTimeout(gapTimer);
      gapTimer = null;
    } else if (!gapTimer) {
      gapTimer = setTimeout(resync, GAP_WAIT_MS);
    }
  }

  // The pong says how far the stream has gone: a lost last event shows up
  // even when no later event comes to reveal the gap.
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
        const data = await get(`/snapshot?restaurant=${SLUG}`);
        if (token === syncToken) applySnapshot(data);
        return;
      } catch (error) {
        if (error.status === 401 || error.status === 403) return signedOut();
        await new Promise((done) => setTimeout(done, Math.min(10000, 1000 * 2 ** attempt)));
      }
    }
  }

  // ---- Talking to the server ---------------------------------------------
  function csrfToken() {
    const cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return cookie ? decodeURIComponent(cookie[1]) : document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
  }

  async function request(method, url, body) {
    let response;
    try {
      response = await fetch(url.startsWith("/api/") ? url : API + url, {
        method, credentials: "same-origin", cache: "no-store",
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      });
    } catch {
      throw Object.assign(new Error(S.error), { status: 0 });
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) return data;
    throw Object.assign(new Error(data.message || S.error), { status: response.status, code: data.code, extra: data.extra || {} });
  }
  const get = (url) => request("GET", url);
  const post = (url, body = {}) => request("POST", url, body);

  let toastTimer = null;
  function toast(message) {
    ui.toast.textContent = message;
    ui.toast.classList.add("show");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => ui.toast.classList.remove("show"), 4000);
  }

  // An action disables its buttons until the answer; the events that follow
  // redraw what changed. A refusal for something that moved on means this
  // tablet is behind: it catches up.
  async function act(button, method, url, body, done) {
    const scope = button.closest(".qitem, .block, .panel-actions, .line, li") || button;
    const buttons = [...scope.querySelectorAll("button")];
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const result = await request(method, url, body);
      if (done) await done(result);
      return result;
    } catch (error) {
      toast(error.message);
      if (error.status === 404 || error.status === 409) resync();
      return null;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  // ---- Rendering the floor -------------------------------------------------
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
    renderTables();
    renderQueue();
    if (ui.panel.open) drawPanel();
    notice();
    showConnection();
    tick();
  }

  function since(iso) {
    if (!iso) return "";
    const minutes = Math.max(0, Math.floor((serverNow() - Date.parse(iso)) / 60000));
    if (minutes < 1) return S.just_now;
    if (minutes < 60) return t("minutes", { count: minutes });
    return t("hours", { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
  }
  const sinceNode = (iso, cls = "since") => el("time", { class: cls, "data-since": iso || null, datetime: iso || null, text: since(iso) });

  const callLabel = (kind) => S[`call_${kind}`] || kind;

  function tableCard(card) {
    const calls = card.calls;
    const party = card.party_size ? t("guests", { count: card.party_size }) : t("seats", { count: card.seats });
    const badges = [
      ...calls.map((c) => el("span", { class: `badge badge-call${c.status === "acknowledged" ? " is-acknowledged" : ""}`, text: callLabel(c.kind) })),
      card.ready.length ? el("span", { class: "badge badge-ready", text: S.food_ready }) : null,
      card.needs_approval ? el("span", { class: "badge badge-approval", text: S.approve_void }) : null,
      ...card.held_courses.map((course) => el("span", { class: "badge badge-held", text: t("held", { course }) })),
      card.merged_into ? el("span", { class: "badge badge-merged", text: t("merged_into", { label: card.merged_into.label }) }) : null,
      card.merged_tables.length ? el("span", { class: "badge badge-merged", text: t("merged_with", { labels: card.merged_tables.map((m) => m.label).join(", ") }) }) : null,
    ];
    const open = calls.some((c) => c.status === "open");
    const mineArea = myAreas().has(card.area);
    return el("button", {
      type: "button",
      class: `tcard is-${card.state}${open ? " has-call" : ""}${mineArea ? " is-mine-area" : ""}${fresh.has(card.id) ? " is-fresh" : ""}`,
      "data-table": card.id, "aria-haspopup": "dialog",
    },
    el("span", { class: "tcard-head" },
      el("span", { class: "tcard-label" }, el("span", { class: "visually-hidden", text: t("table", { label: "" }).trim() + " " }), card.label),
      el("span", { class: "tcard-party", text: party })),
    el("span", { class: "tcard-state" },
      el("span", { text: boot.states[card.state] || card.state }),
      card.since && card.state !== "free" ? sinceNode(card.since) : null),
    el("span", { class: "tcard-badges" }, badges));
  }

  function coveredBy(areaId) {
    const names = sections.filter((s) => s.area === areaId).map((s) => s.name);
    return names.length ? t("covered_by", { names: names.join(", ") }) : S.nobody_covers;
  }

  function renderTables() {
    const mine = myAreas();
    const onlyMine = view === "mine" && mine.size > 0;
    ui.mine.setAttribute("aria-pressed", String(view === "mine"));
    ui.all.setAttribute("aria-pressed", String(view !== "mine"));
    ui.hint.hidden = mine.size > 0 || !initialDone;
    ui.hint.textContent = S.no_section;
    const groups = areas.map((area) => ({ ...area, cards: [] }));
    const other = { id: null, name: S.other_area, cards: [] };
    const byId = new Map(groups.map((g) => [g.id, g]));
    for (const card of tables.values()) (byId.get(card.area) || other).cards.push(card);
    const shown = [...groups, other].filter((g) => g.cards.length && (!onlyMine || mine.has(g.id)));
    if (!shown.length) {
      ui.areas.replaceChildren(el("p", { class: "empty", text: initialDone ? S.no_tables : S.resyncing }));
      return;
    }
    ui.areas.replaceChildren(...shown.map((group) => el("section", {
      class: `area${mine.has(group.id) ? " is-mine" : ""}`, "aria-labelledby": `area-${group.id}`,
    },
    el("div", { class: "area-head" },
      el("h3", { id: `area-${group.id}`, text: group.name }),
      mine.has(group.id) ? el("span", { class: "visually-hidden", text: S.my_section }) : null,
      group.id != null ? el("span", { class: "area-covered", text: coveredBy(group.id) }) : null),
    el("div", { class: "grid" }, group.cards.map(tableCard)))));
  }

  function queueItems() {
    const items = [];
    for (const card of tables.values()) {
      for (const call of card.calls) {
        items.push({ kind: "call", key: `c${call.id}`, at: call.created_at, rank: call.status === "open" ? 0 : 2, card, call });
      }
      for (const ready of card.ready) {
        items.push({ kind: "ready", key: `r${ready.id}`, at: ready.ready_at, rank: 1, card, ready });
      }
      if (card.needs_approval) items.push({ kind: "approval", key: `a${card.id}`, at: card.since, rank: 3, card });
    }
    for (const v of voids.values()) {
      if (!me.is_manager && v.requested_by !== me.id) continue;
      items.push({ kind: "void", key: `v${v.id}`, at: v.requested_at, rank: 3, card: tables.get(v.table), void: v });
    }
    const ringsFor = (item) => (item.card ? rings(item.card.area) : true);
    return items.sort((a, b) =>
      Number(!ringsFor(a)) - Number(!ringsFor(b)) || a.rank - b.rank || Date.parse(a.at || 0) - Date.parse(b.at || 0))
      .map((item) => ({ ...item, other: !ringsFor(item) }));
  }

  function tableButton(card, label) {
    return el("button", { type: "button", class: "qitem-table", "data-table": card?.id ?? null, "aria-label": t("table", { label }), text: label });
  }

  function queueItem(item) {
    const cls = `qitem is-${item.kind}${item.other ? " is-other" : ""}`;
    const label = item.card?.label ?? item.void?.table_label ?? "";
    if (item.kind === "call") {
      const { call } = item;
      const acknowledged = call.status === "acknowledged";
      return el("li", { class: cls, "data-key": item.key },
        el("div", { class: "qitem-text" },
          tableButton(item.card, label),
          el("span", { class: "qitem-what", text: S[`call_${call.kind}_long`] || callLabel(call.kind) }),
          sinceNode(call.created_at),
          call.reason ? el("span", { class: "qitem-reason", text: `“${call.reason}”` }) : null,
          acknowledged ? el("span", { class: "qitem-reason", text: t("on_the_way_by", { name: call.acknowledged_by_name }) }) : null),
        el("div", { class: "qitem-actions" },
          acknowledged ? null : el("button", { type: "button", class: "act act-go", "data-ack": call.id, text: S.on_my_way }),
          el("button", { type: "button", class: "act", "data-resolve": call.id, text: S.done })));
    }
    if (item.kind === "ready") {
      const { ready } = item;
      return el("li", { class: cls, "data-key": item.key },
        el("div", { class: "qitem-text" },
          tableButton(item.card, label),
          el("span", { class: "qitem-what", text: S.food_ready }),
          sinceNode(ready.ready_at),
          el("span", { class: "qitem-reason", text: `${t("ready_item", { station: ready.station, course: ready.course })} · ${t("order", { number: ready.number })}` })),
        el("div", { class: "qitem-actions" },
          el("button", { type: "button", class: "act act-go", "data-serve-ticket": ready.id, text: S.served })));
    }
    if (item.kind === "void") {
      const v = item.void;
      return el("li", { class: cls, "data-key": item.key },
        el("div", { class: "qitem-text" },
          tableButton(item.card, label),
          el("span", { class: "qitem-what", text: S.void_pending }),
          el("span", { class: "qitem-reason", text: t("void_request", { quantity: v.quantity, name: pick(v.name), amount: fmt(v.amount_minor), who: v.requested_by_name }) }),
          el("span", { class: "qitem-reason", text: `${S.void_reason_label}: ${v.reason}` })),
        me.is_manager ? el("div", { class: "qitem-actions" },
          el("button", { type: "button", class: "act act-go", "data-void-approve": v.id, text: S.approve_void }),
          el("button", { type: "button", class: "act act-warn", "data-void-reject": v.id, text: S.reject_void })) : null);
    }
    return el("li", { class: cls, "data-key": item.key },
      el("div", { class: "qitem-text" },
        tableButton(item.card, label),
        el("span", { class: "qitem-what", text: S.approval })));
  }

  function renderQueue() {
    const items = queueItems();
    const sig = JSON.stringify(items.map((i) => [i.key, i.other, i.call?.version, i.ready?.version, i.ready?.station, i.void?.version]));
    ui.queueEmpty.hidden = items.length > 0;
    ui.queueEmpty.textContent = S.queue_empty;
    if (ui.queue.dataset.sig === sig) return;
    ui.queue.dataset.sig = sig;
    ui.queue.replaceChildren(...items.map(queueItem));
  }

  function renderAlerts() {
    const text = [...alerts.values()]
      .sort((a, b) => Date.parse(a.raised_at) - Date.parse(b.raised_at))
      .map((a) => (a.kind === "station_offline"
        ? t("alert_station", { station: a.station })
        : t("alert_ticket", { table: a.table, number: a.number })));
    ui.alerts.hidden = text.length === 0;
    // Rewritten only when it changes: every rewrite is read out again.
    if (ui.alerts.dataset.text !== text.join("\n")) {
      ui.alerts.dataset.text = text.join("\n");
      ui.alerts.replaceChildren(el("ul", {}, text.map((line) => el("li", { text: line }))));
    }
  }

  // ---- New calls and food ready: sound, a spoken line, a flash ------------
  const seen = new Set();
  const fresh = new Map(); // table id → until when it flashes
  function notice() {
    const now = Date.now();
    const lines = [];
    let ring = false;
    for (const card of tables.values()) {
      const keys = [
        ...card.calls.filter((c) => c.status === "open").map((c) => [`c${c.id}`, t("new_call", { label: card.label, what: S[`call_${c.kind}_long`] })]),
        ...card.ready.map((r) => [`r${r.id}`, t("food_ready_at", { label: card.label })]),
      ];
      for (const [key, line] of keys) {
        if (seen.has(key)) continue;
        seen.add(key);
        // The first snapshot is what was already there: no alarm for it.
        if (!initialDone || !rings(card.area)) continue;
        lines.push(line);
        ring = true;
        fresh.set(card.id, now + 4000);
      }
    }
    for (const [id, until] of fresh) if (until < now) fresh.delete(id);
    if (!initialDone && lastSeq !== null) initialDone = true;
    if (lines.length) {
      ui.announce.textContent = lines.join(". ");
      if (ring) beep();
      changed();
      setTimeout(changed, 4100);
    }
  }

  let audio = null, lastBeep = 0;
  function beep() {
    const now = Date.now();
    if (!audio || audio.state !== "running" || now - lastBeep < 1500) return;
    lastBeep = now;
    const start = audio.currentTime;
    for (const [offset, pitch] of [[0, 880], [0.18, 1175], [0.36, 1480]]) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = pitch;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.5, start + offset + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.16);
      tone.connect(gain).connect(audio.destination);
      tone.start(start + offset);
      tone.stop(start + offset + 0.17);
    }
  }

  // Browsers play sound only after a tap: the first tap anywhere turns it on.
  function soundOn() {
    if (!audio) {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return;
      audio = new Context();
    }
    audio.resume().then(showSound, showSound);
    keepAwake();
  }
  function showSound() {
    const on = Boolean(audio && audio.state === "running");
    ui.sound.setAttribute("aria-pressed", String(on));
    ui.sound.textContent = on ? S.sound_on : S.sound_off;
  }
  let wakeLock = null;
  async function keepAwake() {
    try {
      if (navigator.wakeLock && !wakeLock) {
        wakeLock = await navigator.wakeLock.request("screen");
        wakeLock.addEventListener("release", () => { wakeLock = null; });
      }
    } catch { /* not allowed here: the tablet's own settings decide */ }
  }

  // ---- A table's panel -----------------------------------------------------
  let panelTable = null;
  let detail = null; // the open party's visit, from the server
  let panelSig = "";
  let partySize = 2;
  const suggestionsBySession = new Map(); // session → data, or null (none)

  function openTable(id) {
    const card = tables.get(id);
    if (!card) return;
    panelTable = id;
    detail = null;
    panelSig = "";
    partySize = Math.max(1, Math.min(card.seats || 2, 2));
    refreshPanel();
    if (!ui.panel.open) ui.panel.showModal();
  }

  let detailToken = 0;
  async function refreshPanel() {
    const card = tables.get(panelTable);
    if (!card) { ui.panel.close(); return; }
    drawPanel();
    if (!card.table_session) return;
    const token = ++detailToken;
    try {
      const data = await get(`/table-sessions/${card.table_session}`);
      if (token !== detailToken || tables.get(panelTable)?.table_session !== card.table_session) return;
      detail = data;
      drawPanel();
      loadSuggestions(card.table_session, data.members.length);
    } catch (error) {
      if (token === detailToken) toast(error.message);
    }
  }

  function drawPanel() {
    const card = tables.get(panelTable);
    if (!card) return;
    const sig = JSON.stringify([card, detail, suggestionsBySession.get(card.table_session), me.is_manager]);
    if (sig === panelSig) return;
    panelSig = sig;
    ui.panelTitle.textContent = t("table", { label: card.label });
    ui.panelState.textContent = boot.states[card.state] || card.state;
    ui.panelState.className = `chip is-${card.state}`;
    const scroll = ui.panelBody.scrollTop;
    ui.panelBody.replaceChildren(...(card.table_session ? seatedBlocks(card) : freeBlocks(card)));
    ui.panelBody.scrollTop = scroll;
  }

  function stepper(value, label, onChange) {
    const input = el("input", { type: "number", inputmode: "numeric", min: 1, max: 60, value, "aria-label": label });
    input.addEventListener("input", () => onChange(Number(input.value)));
    const step = (delta) => {
      const next = Math.max(1, Math.min(60, (Number(input.value) || 1) + delta));
      input.value = next;
      onChange(next);
    };
    const less = el("button", { type: "button", "aria-label": S.one_less, text: "−" });
    const more = el("button", { type: "button", "aria-label": S.one_more, text: "+" });
    less.addEventListener("click", () => step(-1));
    more.addEventListener("click", () => step(1));
    return el("div", { class: "stepper", role: "group", "aria-label": label }, less, input, more);
  }

  function freeBlocks(card) {
    const blocks = [];
    if (card.state === "needs_clearing") {
      blocks.push(el("div", { class: "block" },
        el("button", { type: "button", class: "act act-go", "data-clear": card.id, text: S.clear })));
    }
    blocks.push(el("div", { class: "block seat-block" },
      el("h3", { id: "seat-title", text: t("seat_title", { label: card.label }) }),
      el("div", { class: "seat-row" },
        el("span", { class: "field-label", id: "party-label", text: S.party_size }),
        stepper(partySize, S.party_size, (n) => { partySize = n; }),
        el("button", { type: "button", class: "act act-primary", "data-seat": card.id, text: S.seat }))));
    return blocks;
  }

  function seatedBlocks(card) {
    const d = detail;
    const session = d?.table_session;
    const blocks = [];
    const info = [
      card.party_size ? t("guests", { count: card.party_size }) : null,
      card.since ? `${boot.states[card.state]} · ${since(card.since)}` : null,
      card.waiter ? t("waiter_of_record", { name: card.waiter.name }) : null,
      card.merged_into ? t("merged_into", { label: card.merged_into.label }) : null,
      card.merged_tables.length ? t("merged_with", { labels: card.merged_tables.map((m) => m.label).join(", ") }) : null,
    ].filter(Boolean);
    blocks.push(el("p", { class: "panel-info" }, info.map((text) => el("span", { text }))));

    const sid = card.table_session;
    blocks.push(el("div", { class: "panel-actions" },
      el("button", { type: "button", class: "act act-primary", "data-order-for": sid, text: S.add_items }),
      card.held_courses.map((course) => el("button", { type: "button", class: "act act-fire", "data-fire": course, "data-session": sid, text: t("fire", { course }) })),
      card.ready.length ? el("button", { type: "button", class: "act act-go", "data-serve-all": sid, text: S.serve_all }) : null,
      el("button", { type: "button", class: "act", "data-move": sid, text: S.move }),
      card.merged_into
        ? el("button", { type: "button", class: "act", "data-unmerge": sid, text: S.unmerge })
        : el("button", { type: "button", class: "act", "data-merge": sid, text: S.merge }),
      boot.pay_url ? el("button", { type: "button", class: "act", "data-pay": sid, text: S.record_payment }) : null,
      el("button", { type: "button", class: "act act-warn", "data-close-visit": card.id, text: S.close_visit })));

    if (card.calls.length) {
      blocks.push(el("div", { class: "block" },
        card.calls.map((call) => el("div", { class: "block-row" },
          el("span", {},
            el("strong", { text: S[`call_${call.kind}_long`] }), " ", sinceNode(call.created_at),
            call.reason ? el("span", { class: "qitem-reason", text: ` “${call.reason}”` }) : null),
          el("span", { class: "qitem-actions" },
            call.status === "open" ? el("button", { type: "button", class: "act act-go", "data-ack": call.id, text: S.on_my_way }) : el("span", { class: "muted", text: t("on_the_way_by", { name: call.acknowledged_by_name }) }),
            el("button", { type: "button", class: "act", "data-resolve": call.id, text: S.done }))))));
    }
    if (!d) {
      blocks.push(el("p", { class: "muted", text: S.resyncing }));
      return blocks;
    }

    // Where tabs start with a card hold, a waiter may vouch for a table whose
    // orders wait for one (a guest without a card).
    const awaiting = d.orders.filter((o) => o.status === "awaiting_approval"
      || (boot.vouch_for_hold && o.status === "awaiting_payment"));
    if (awaiting.length) {
      const forHold = awaiting.every((o) => o.status === "awaiting_payment");
      blocks.push(el("div", { class: "block approval" },
        el("h3", { text: forHold ? S.hold_waiting : S.approval }),
        awaiting.map((o) => el("div", { class: "block-row" },
          el("span", { text: `${t("order", { number: o.number })} · ${fmt(o.total_minor)}` }),
          boot.approve_order_url
            ? el("button", { type: "button", class: "act act-go", "data-approve-order": o.id, text: t("approve_order", { number: o.number }) })
            : el("span", { class: "muted", text: S.approval_elsewhere })))));
    }

    blocks.push(membersBlock(card, d));

    const pendingVoids = d.voids;
    if (pendingVoids.length) {
      blocks.push(el("div", { class: "block approval" },
        el("h3", { text: S.void_pending }),
        pendingVoids.map((v) => el("div", { class: "block-row" },
          el("span", { text: `${t("void_request", { quantity: v.quantity, name: pick(v.name), amount: fmt(v.amount_minor), who: v.requested_by_name })} · ${v.reason}` }),
          me.is_manager ? el("span", { class: "qitem-actions" },
            el("button", { type: "button", class: "act act-go", "data-void-approve": v.id, text: S.approve_void }),
            el("button", { type: "button", class: "act act-warn", "data-void-reject": v.id, text: S.reject_void })) : null))));
    }

    if (!d.orders.length) blocks.push(el("p", { class: "muted", text: S.no_orders }));
    const pendingLines = new Set(pendingVoids.map((v) => v.order_line));
    const ticketOf = new Map();
    d.tickets.forEach((tk) => tk.order_lines.forEach((lineId) => ticketOf.set(lineId, tk)));
    for (const order of d.orders) blocks.push(orderBlock(order, { pendingLines, ticketOf, merged: session.group.length > 1 }));
    if (d.orders.length) {
      blocks.push(el("p", { class: "totals block" }, el("span", { text: S.total }), el("span", { text: fmt(d.total_minor) })));
    }

    blocks.push(el("div", { class: "block" },
      el("h3", { text: S.times }),
      el("dl", { class: "times" },
        [["time_seated", session.opened_at], ["time_first_order", session.first_order_at], ["time_food_served", session.food_served_at],
          ["time_bill", session.bill_requested_at], ["time_paid", session.paid_at]]
          .map(([key, iso]) => el("div", {}, el("dt", { text: S[key] }), el("dd", { text: hhmm(iso) }))))));
    return blocks;
  }

  function orderBlock(order, { pendingLines, ticketOf, merged }) {
    const cancelled = order.status === "cancelled";
    return el("article", { class: `order${cancelled ? " is-cancelled" : ""}`, "aria-labelledby": `order-${order.id}` },
      el("div", { class: "order-head" },
        el("h4", { id: `order-${order.id}`, text: t("order", { number: order.number }) }),
        merged ? el("span", { class: "muted", text: t("table", { label: order.table_label }) }) : null,
        el("span", { class: "muted", text: `${hhmm(order.placed_at)} · ${order.placed_by_staff ? S.placed_by_staff : S.placed_by_guest}` }),
        el("span", { class: "chip", text: boot.order_statuses[order.status] || order.status })),
      order.note ? el("p", { class: "order-note" }, el("span", { class: "visually-hidden", text: `${S.order_note}: ` }), order.note) : null,
      el("ul", { class: "lines" }, order.lines.map((line) => lineRow(order, line, { pending: pendingLines.has(line.id), ticket: ticketOf.get(line.id) }))));
  }

  function lineRow(order, line, { pending, ticket }) {
    const voided = line.status === "cancelled";
    const mods = (line.modifiers || []).map((m) => pick(m.name)).join(" · ");
    const canVoid = !voided && !pending && order.status !== "cancelled";
    return el("li", { class: `line${voided ? " is-cancelled" : ""}` },
      el("div", { class: "line-extra" },
        el("span", { class: "line-main" }, el("span", { text: `${line.quantity}×` }), el("span", { text: pick(line.name) })),
        mods ? el("span", { class: "mods", text: mods }) : null,
        line.note ? el("span", { class: "note" }, el("span", { class: "visually-hidden", text: `${S.note}: ` }), line.note) : null,
        line.allergens.length ? el("span", { class: "pills" },
          el("span", { class: "visually-hidden", text: `${S.allergens}: ` }),
          line.allergens.map((code) => el("span", { class: "pill", text: allergen(code) }))) : null,
        voided && line.void_reason ? el("span", { class: "void-note", text: t("voided", { reason: line.void_reason }) }) : null,
        pending ? el("span", { class: "void-note", text: S.void_pending }) : null),
      el("div", { class: "line-side" },
        el("span", { text: fmt(line.line_total_minor) }),
        el("span", { class: "line-status", text: `${boot.line_statuses[line.status] || line.status}${line.course > 1 ? ` · ${t("course", { course: line.course })}` : ""}` }),
        ticket && ticket.status === "ready" ? el("button", { type: "button", class: "act act-go", "data-serve-ticket": ticket.id, text: S.served }) : null,
        canVoid ? el("button", { type: "button", class: "act act-quiet", "data-void": line.id, "data-amount": line.line_total_minor, "data-name": pick(line.name), "data-quantity": line.quantity, text: S.void }) : null));
  }

  function membersBlock(card, d) {
    const members = d.members;
    const data = suggestionsBySession.get(card.table_session);
    const byMember = new Map((data?.members || []).map((m) => [m.member_id, m]));
    // Without members the suggestions panel stands alone (pairings).
    if (!members.length) return suggestionsPanel(card, data, "h3");
    const block = el("section", { class: "block members", "aria-labelledby": "members-title" },
      el("h3", { id: "members-title", text: S.members }));
    for (const member of members) {
      const extra = byMember.get(member.member);
      const usual = extra?.usual?.length
        ? el("div", { class: "usual" }, el("span", { text: t("usual", { items: "" }).trim() }), " ",
          extra.usual.map((item) => suggestionButton(item, member.member, null)))
        : el("p", { text: member.usual.length ? t("usual", { items: member.usual.join(", ") }) : S.no_usual, class: member.usual.length ? null : "muted" });
      block.append(el("div", { class: "member" },
        el("p", {},
          el("span", { class: "member-name", text: member.first_name }),
          el("span", { class: "member-meta", text: [member.tier, visits(member.visits)].filter(Boolean).join(" · ") }),
          member.is_birthday_week ? el("span", { class: "badge badge-ready", text: S.birthday }) : null),
        usual,
        member.diet_notes ? el("p", { class: "note", text: t("diet_notes", { notes: member.diet_notes }) }) : null));
    }
    block.append(suggestionsPanel(card, data, "h4"));
    return block;
  }

  const visits = (count) => (count === 0 ? S.first_visit : count === 1 ? S.visit_one : t("visits", { count }));

  function suggestionButton(item, memberId, reason, allergens = []) {
    return el("button", {
      type: "button", class: "suggestion", "data-suggest": item.menu_item_id, "data-member": memberId ?? "",
    },
    el("span", { class: "suggestion-name", text: item.name }),
    reason ? el("span", { class: "suggestion-reason", text: reason }) : null,
    allergens.length ? el("span", { class: "pills" }, el("span", { class: "visually-hidden", text: `${S.allergens}: ` }), allergens.map((code) => el("span", { class: "pill", text: allergen(code) }))) : null);
  }

  function suggestionsPanel(card, data, heading) {
    const panel = el("div", { class: "suggestions", role: "region", "aria-labelledby": "suggestions-title" },
      el(heading, { id: "suggestions-title", text: S.suggestions }));
    const members = (data?.members || []).filter((m) => m.suggestions?.length);
    const pairings = data?.pairings || [];
    if (!data || (!members.length && !pairings.length)) {
      panel.append(el("p", { class: "muted", text: S.suggestions_placeholder }));
      return panel;
    }
    for (const member of members) {
      panel.append(el("p", { class: "suggestions-for", text: t("for_member", { name: member.first_name }) }),
        el("div", { class: "suggestion-list" }, member.suggestions.map((s) => suggestionButton(s, member.member_id, s.reason, s.allergens || []))));
    }
    if (pairings.length) {
      panel.append(el("p", { class: "suggestions-for", text: S.pairings }),
        el("div", { class: "suggestion-list" }, pairings.map((s) => suggestionButton(s, null, s.reason))));
    }
    return panel;
  }

  // The learning part of loyalty answers when it is switched on; until then
  // (404, or any failure) the panel says suggestions will come.
  const suggestionsAsked = new Map(); // session → member count asked with
  async function loadSuggestions(sessionId, memberCount) {
    if (suggestionsAsked.get(sessionId) === memberCount) return;
    suggestionsAsked.set(sessionId, memberCount);
    let data = null;
    try {
      data = await get(`/api/v1/loyalty/staff/suggestions?session=${sessionId}`);
      if (!data || !Array.isArray(data.members)) data = null;
    } catch {
      data = null;
    }
    suggestionsBySession.set(sessionId, data);
    if (tables.get(panelTable)?.table_session === sessionId) drawPanel();
  }

  // ---- Ordering for the table ---------------------------------------------
  let orderSession = null;
  let menu = null;
  let cart = null; // the waiter's cart at the table (the server's)
  const accepted = new Map(); // session → Map(menu item → member or null)

  async function openOrder(sessionId) {
    const card = tableBySession(sessionId);
    orderSession = sessionId;
    ui.orderTitle.textContent = t("order_for", { label: card ? card.label : "" });
    ui.dish.hidden = true;
    ui.cartNote.value = "";
    cart = null;
    renderCart();
    if (!ui.order.open) ui.order.showModal();
    if (!menu) ui.menu.replaceChildren(el("p", { class: "muted", text: S.menu_loading }));
    try {
      const [loaded, current] = await Promise.all([
        menu ? Promise.resolve(menu) : get(`${boot.menu_url}?lang=${encodeURIComponent(boot.lang)}`),
        get(`/table-sessions/${sessionId}/cart`),
      ]);
      menu = loaded;
      cart = current;
      renderMenu();
      renderCart();
    } catch (error) {
      toast(error.message);
    }
  }

  const itemsById = () => new Map(menu.categories.flatMap((c) => c.items).map((i) => [i.id, i]));
  const groupsById = () => new Map(menu.modifier_groups.map((g) => [g.id, g]));

  function renderMenu() {
    ui.menu.replaceChildren(...menu.categories.map((category) => el("section", { "aria-labelledby": `cat-${category.id}` },
      el("h3", { id: `cat-${category.id}`, text: category.name }),
      el("div", { class: "dishes" }, category.items.map((item) => {
        const blocked = !item.orderable_now;
        return el("button", {
          type: "button", class: "dish-button", "data-dish": item.id, "aria-disabled": blocked ? "true" : null,
        },
        el("span", { class: "dish-name", text: item.name }),
        el("span", { class: "dish-meta", text: [
          fmt(item.price_minor),
          item.course > 1 ? t("course", { course: item.course }) : null,
          item.allergens.length ? item.allergens.map(allergen).join(", ") : null,
          item.sold_out ? S.sold_out : blocked ? S.not_now : null,
        ].filter(Boolean).join(" · ") }));
      })))));
  }

  function chooseDish(itemId, member) {
    const item = itemsById().get(itemId);
    if (!item) return;
    if (!item.orderable_now) { toast(item.sold_out ? S.sold_out : S.not_now); return; }
    if (!item.modifier_groups.length) { addLine({ menu_item_id: item.id, quantity: 1 }, member); return; }
    showDish(item, member);
  }

  function groupRule(group) {
    if (group.min === 1 && group.max === 1) return S.choose_one;
    if (group.min === 0) return group.max > 1 ? t("choose_up_to", { max: group.max }) : S.optional;
    return t("choose_between", { min: group.min, max: group.max });
  }

  function showDish(item, member) {
    const groups = groupsById();
    let quantity = 1;
    const sets = item.modifier_groups.map((id) => groups.get(id)).filter(Boolean).map((group) => {
      const single = group.max === 1;
      return el("fieldset", { "data-group": group.id },
        el("legend", {}, group.name, el("span", { class: "rule", text: groupRule(group) })),
        el("div", { class: "choices" }, group.modifiers.map((m) => el("label", { class: "choice" },
          el("input", { type: single ? "radio" : "checkbox", name: `g${group.id}`, value: m.id, checked: m.is_default || null, disabled: m.is_available ? null : true }),
          el("span", { text: m.price_delta_minor ? `${m.name} +${fmt(m.price_delta_minor)}` : m.name })))));
    });
    const note = el("input", { maxlength: 200, autocomplete: "off" });
    const add = el("button", { type: "button", class: "act act-primary", text: S.add });
    const cancel = el("button", { type: "button", class: "act act-quiet", text: S.cancel });
    const error = el("p", { class: "error", role: "alert" });
    ui.dish.replaceChildren(
      el("h4", { text: item.name }),
      ...sets,
      el("div", { class: "dish-row" }, el("span", { class: "field-label", text: S.quantity }), stepper(1, S.quantity, (n) => { quantity = n; })),
      el("label", { class: "field" }, S.note_for_kitchen, note),
      error,
      el("div", { class: "dish-actions" }, cancel, add));
    ui.dish.hidden = false;
    cancel.addEventListener("click", () => { ui.dish.hidden = true; });
    add.addEventListener("click", async () => {
      const modifierIds = [...ui.dish.querySelectorAll("input:checked")].map((input) => Number(input.value));
      add.disabled = true;
      const ok = await addLine({ menu_item_id: item.id, quantity, modifier_ids: modifierIds, note: note.value.trim() }, member, error);
      add.disabled = false;
      if (ok) ui.dish.hidden = true;
    });
    ui.dish.scrollIntoView({ block: "nearest" });
    ui.dish.querySelector("input")?.focus();
  }

  async function addLine(body, member, errorNode) {
    try {
      cart = await post(`/table-sessions/${orderSession}/cart/lines`, body);
      if (member !== undefined) remember(orderSession, body.menu_item_id, member);
      renderCart();
      toast(S.added);
      return true;
    } catch (error) {
      if (errorNode) errorNode.textContent = error.message; else toast(error.message);
      return false;
    }
  }

  function remember(sessionId, itemId, member) {
    if (!accepted.has(sessionId)) accepted.set(sessionId, new Map());
    accepted.get(sessionId).set(itemId, member);
  }

  function renderCart() {
    const lines = cart?.lines || [];
    ui.cartLines.replaceChildren(...(lines.length ? lines.map((line) => {
      const mods = (line.modifiers || []).map((m) => pick(m.name)).join(", ");
      const name = pick(line.name);
      return el("li", {},
        el("span", { class: "cart-line-name" }, el("strong", { text: name }), mods ? el("span", { class: "mods", text: ` ${mods}` }) : null,
          line.note ? el("span", { class: "note", text: line.note }) : null),
        el("span", { class: "cart-line-side" },
          el("span", { class: "stepper" },
            el("button", { type: "button", "data-cart-step": -1, "data-line": line.id, "data-quantity": line.quantity, "aria-label": `${S.one_less}: ${name}`, text: "−" }),
            el("output", { text: String(line.quantity) }),
            el("button", { type: "button", "data-cart-step": 1, "data-line": line.id, "data-quantity": line.quantity, "aria-label": `${S.one_more}: ${name}`, text: "+" })),
          el("span", { class: "cart-line-price", text: fmt(line.line_total_minor) })));
    }) : [el("li", { class: "muted", text: S.cart_empty })]));
    ui.cartTotal.textContent = lines.length ? `${S.total} ${fmt(cart.total_minor)}` : "";
    ui.cartSend.disabled = !lines.length;
  }

  async function cartStep(button) {
    const quantity = Number(button.dataset.quantity) + Number(button.dataset.cartStep);
    const url = `/table-sessions/${orderSession}/cart/lines/${button.dataset.line}`;
    const result = await act(button, quantity > 0 ? "PATCH" : "DELETE", url, quantity > 0 ? { quantity } : undefined);
    if (result) { cart = result; renderCart(); }
  }

  async function sendCart() {
    if (!cart?.id) return;
    const sessionId = orderSession;
    const sent = cart;
    const result = await act(ui.cartSend, "POST", `/table-sessions/${sessionId}/cart/submit`, { cart_id: cart.id, note: ui.cartNote.value.trim() });
    if (!result) {
      // A price changed, or a dish ran out: show the cart as the server has it.
      try { cart = await get(`/table-sessions/${sessionId}/cart`); renderCart(); } catch { /* keep */ }
      return;
    }
    toast(S.sent);
    ui.order.close();
    acceptSuggestions(sessionId, sent.lines.map((l) => l.menu_item));
    const card = tableBySession(sessionId);
    if (card) refetch([card.id]);
  }

  // Suggestions the waiter took and sent: the learning part hears which.
  function acceptSuggestions(sessionId, itemIds) {
    const taken = accepted.get(sessionId);
    if (!taken) return;
    for (const itemId of new Set(itemIds)) {
      if (!taken.has(itemId)) continue;
      const member = taken.get(itemId);
      taken.delete(itemId);
      post("/api/v1/loyalty/staff/suggestions/accept", { session: sessionId, menu_item_id: itemId, member_id: member }).catch(() => {});
    }
  }

  // Tapping a suggestion puts it in the table's cart (dishes with choices
  // open in the order panel first).
  async function takeSuggestion(button) {
    const card = tables.get(panelTable);
    if (!card?.table_session) return;
    const itemId = Number(button.dataset.suggest);
    const member = button.dataset.member ? Number(button.dataset.member) : null;
    await openOrder(card.table_session);
    if (menu) chooseDish(itemId, member);
  }

  // ---- Small dialogs -------------------------------------------------------
  let askHandler = null;
  function ask({ title, body, ok = S.confirm, onOk }) {
    ui.askTitle.textContent = title;
    ui.askBody.replaceChildren(...body);
    ui.askError.textContent = "";
    ui.askOk.textContent = ok;
    ui.askOk.disabled = false;
    askHandler = onOk;
    ui.ask.showModal();
    ui.askBody.querySelector("input")?.focus();
  }
  ui.askForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!askHandler) return;
    ui.askOk.disabled = true;
    ui.askError.textContent = "";
    try {
      await askHandler(new FormData(ui.askForm));
      ui.ask.close();
    } catch (error) {
      ui.askError.textContent = error.message;
    } finally {
      ui.askOk.disabled = false;
    }
  });

  function options(name, choices) {
    return el("div", { class: "options", role: "radiogroup" }, choices.map(([value, label], index) =>
      el("label", { class: "option" }, el("input", { type: "radio", name, value, checked: index === 0 || null, required: true }), el("span", { text: label }))));
  }

  function askMove(sessionId) {
    const card = tableBySession(sessionId);
    const free = [...tables.values()].filter((c) => !c.table_session && c.id !== card?.id);
    if (!free.length) return toast(S.no_free_tables);
    ask({
      title: S.move_title, ok: S.move,
      body: [options("table", free.map((c) => [c.id, `${t("table", { label: c.label })} · ${t("seats", { count: c.seats })}`]))],
      onOk: async (form) => {
        await post(`/table-sessions/${sessionId}/move`, { table_id: Number(form.get("table")) });
        ui.panel.close();
        refetch([card.id, Number(form.get("table"))]);
      },
    });
  }

  function askMerge(sessionId) {
    const card = tableBySession(sessionId);
    const mine = new Set(card ? card.sessions : [sessionId]);
    const seated = [...tables.values()].filter((c) => c.table_session && !mine.has(c.table_session));
    if (!seated.length) return toast(S.no_seated_tables);
    ask({
      title: S.merge_title, ok: S.merge,
      body: [options("table", seated.map((c) => [c.id, `${t("table", { label: c.label })} · ${c.party_size ? t("guests", { count: c.party_size }) : boot.states[c.state]}`]))],
      onOk: async (form) => {
        await post(`/table-sessions/${sessionId}/merge`, { table_id: Number(form.get("table")) });
        refetch([card.id, Number(form.get("table"))]);
      },
    });
  }

  function askVoid(button) {
    const amount = Number(button.dataset.amount);
    const needsManager = !me.is_manager && amount > (restaurant.void_approval_over_minor ?? Infinity);
    const other = el("input", { name: "other", maxlength: 200, autocomplete: "off" });
    const reasons = ["reason_wrong", "reason_changed", "reason_quality", "reason_comp", "reason_other"];
    ask({
      title: t("void_title", { quantity: button.dataset.quantity, name: button.dataset.name }), ok: S.void,
      body: [
        el("fieldset", { class: "section-area" }, el("legend", { text: S.void_reason_label }), options("reason", reasons.map((key) => [key, S[key]]))),
        el("label", { class: "field" }, S.reason_other, other),
        needsManager ? el("p", { class: "hint", text: t("void_needs_manager", { amount: fmt(restaurant.void_approval_over_minor) }) }) : null,
      ].filter(Boolean),
      onOk: async (form) => {
        const key = form.get("reason");
        const reason = key === "reason_other" ? String(form.get("other") || "").trim() : S[key];
        const result = await post(`/order-lines/${button.dataset.void}/void`, { reason });
        toast(result.status === "pending" ? S.void_sent : S.void_done);
        refreshPanel();
      },
    });
  }

  async function askCloseVisit(tableId) {
    const card = tables.get(tableId);
    let remaining = detail?.total_minor ?? 0;
    if (boot.bill_url && card?.table_session) {
      try {
        const bill = await get(boot.bill_url.replace("/0/", `/${card.table_session}/`));
        remaining = bill.total_minor - bill.paid_minor;
      } catch { /* the visit's total will do */ }
    }
    ask({
      title: S.close_visit, ok: S.close_visit,
      body: [el("p", { text: t("close_visit_question", { label: card.label, total: fmt(remaining) }) })],
      onOk: async () => {
        await post(`/tables/${tableId}/clear`);
        ui.panel.close();
        refetch([tableId]);
      },
    });
  }

  async function askPayment(sessionId) {
    let bill;
    try {
      bill = await get(boot.bill_url.replace("/0/", `/${sessionId}/`));
    } catch (error) {
      return toast(error.message);
    }
    if (bill.remaining_minor <= 0) return toast(S.nothing_to_pay);
    ask({
      title: S.record_payment, ok: S.record_payment,
      body: [
        el("p", { class: "totals", text: t("to_pay", { amount: fmt(bill.remaining_minor) }) }),
        options("method", [["terminal", S.pay_terminal], ["cash", S.pay_cash]]),
      ],
      onOk: async (form) => {
        await post(boot.pay_url.replace("/0/", `/${sessionId}/`), { method: form.get("method"), split: "all" });
        toast(S.payment_recorded);
        refreshPanel();
      },
    });
  }

  // ---- Sections --------------------------------------------------------------
  function renderSections() {
    const hint = me.is_manager ? S.sections_hint : S.sections_hint_waiter;
    const people = me.is_manager ? staff : staff.filter((s) => s.id === me.id);
    ui.sectionsBody.replaceChildren(el("p", { class: "muted", text: hint }), ...areas.map((area) => {
      const covering = new Set(sections.filter((s) => s.area === area.id).map((s) => s.waiter));
      return el("fieldset", { class: "section-area" },
        el("legend", { text: area.name }),
        el("div", { class: "options" }, people.map((person) => el("label", { class: "option" },
          el("input", { type: "checkbox", "data-area": area.id, "data-waiter": person.id, checked: covering.has(person.id) || null }),
          el("span", { text: person.name })))));
    }));
  }
  ui.sectionsBody.addEventListener("change", async (event) => {
    const box = event.target;
    if (!box.dataset.area) return;
    box.disabled = true;
    try {
      await post("/sections", { area: Number(box.dataset.area), waiter: Number(box.dataset.waiter), is_assigned: box.checked });
    } catch (error) {
      box.checked = !box.checked;
      toast(error.message);
    } finally {
      box.disabled = false;
    }
  });

  // ---- Taps --------------------------------------------------------------------
  document.addEventListener("click", async (event) => {
    if (!audio || audio.state !== "running") soundOn();
    const button = event.target.closest("button");
    if (!button || button.disabled) return;
    const d = button.dataset;
    if ("close" in d) { button.closest("dialog").close(); return; }
    if (d.table && !button.closest("dialog")) return openTable(Number(d.table));
    if (d.ack) return act(button, "POST", `/calls/${d.ack}/acknowledge`, {}, (call) => upsertCall(call) || changed());
    if (d.resolve) return act(button, "POST", `/calls/${d.resolve}/resolve`, {}, (call) => upsertCall(call) || changed());
    if (d.serveTicket) return act(button, "POST", `/tickets/${d.serveTicket}/serve`, {}, () => toast(S.served));
    if (d.serveAll) return act(button, "POST", `/table-sessions/${d.serveAll}/serve`, {}, () => toast(S.served));
    if (d.fire) return act(button, "POST", `/table-sessions/${d.session}/fire`, { course: Number(d.fire) }, () => toast(t("fired", { course: d.fire })));
    if (d.seat) {
      return act(button, "POST", `/tables/${d.seat}/seat`, { party_size: partySize }, async () => {
        toast(S.seated);
        toFetch.add(Number(d.seat));
        await fetchTables();
      });
    }
    if (d.clear) return act(button, "POST", `/tables/${d.clear}/clear`, {}, () => refetch([Number(d.clear)]));
    if (d.orderFor) return openOrder(Number(d.orderFor));
    if (d.move) return askMove(Number(d.move));
    if (d.merge) return askMerge(Number(d.merge));
    if (d.unmerge) return act(button, "POST", `/table-sessions/${d.unmerge}/unmerge`, {}, () => refetch([panelTable]));
    if (d.closeVisit) return askCloseVisit(Number(d.closeVisit));
    if (d.pay) return askPayment(Number(d.pay));
    if (d.void) return askVoid(button);
    if (d.voidApprove) return act(button, "POST", `/voids/${d.voidApprove}/approve`, {}, () => toast(S.void_done));
    if (d.voidReject) return act(button, "POST", `/voids/${d.voidReject}/reject`, {});
    if (d.approveOrder) {
      return act(button, "POST", boot.approve_order_url.replace("/0/", `/${d.approveOrder}/`), {}, () => { toast(S.approved); refreshPanel(); });
    }
    if (d.suggest) return takeSuggestion(button);
    if (d.dish) return chooseDish(Number(d.dish), undefined);
    if (d.cartStep) return cartStep(button);
  });
  ui.cartSend.addEventListener("click", sendCart);
  ui.sound.addEventListener("click", () => { soundOn(); beep(); });
  for (const [button, value] of [[ui.mine, "mine"], [ui.all, "all"]]) {
    button.addEventListener("click", () => {
      view = value;
      localStorage.setItem("floor.view", value);
      changed();
    });
  }
  $("open-sections").addEventListener("click", () => { renderSections(); ui.sections.showModal(); });
  for (const dialog of [ui.panel, ui.order, ui.sections]) {
    // A tap on the dimmed backdrop closes the panel.
    dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
  }
  ui.panel.addEventListener("close", () => { panelTable = null; detail = null; });
  ui.order.addEventListener("close", () => { if (ui.panel.open) refreshPanel(); });

  // ---- Time ---------------------------------------------------------------------
  function tick() {
    const now = serverNow();
    ui.clock.textContent = new Date(now).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    ui.clock.dateTime = new Date(now).toISOString();
    for (const node of document.querySelectorAll("time[data-since]")) {
      const text = since(node.dataset.since);
      if (node.textContent !== text) node.textContent = text;
    }
  }

  // ---- Connection ------------------------------------------------------------
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

  function signedOut() {
    stopped = true;
    ui.conn.dataset.state = "stopped";
    ui.connText.textContent = S.signed_out;
    ui.areas.replaceChildren(el("p", { class: "empty" }, S.signed_out, " ", el("a", { href: `/accounts/login/?next=${encodeURIComponent(location.pathname + location.search)}`, text: S.sign_in })));
    ui.queue.replaceChildren();
  }

  window.TablesideLive(boot.socket, {
    onMessage: receive,
    pingEvery: PING_MS,
    onPong: (data) => behind(data && data.seq),
    stopCodes: [4401, 4403],
    onState(state) {
      if (state === "stopped") return signedOut();
      socketState = state;
      if (state === "live") everLive = awaitingSnapshot = true;
      showConnection();
    },
  });

  let hidden = document.hidden;
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) { hidden = true; return; }
    if (hidden && lastSeq !== null) resync();
    hidden = false;
    keepAwake();
  });

  // Channel layers forget group members after a day, and new code ships:
  // reload once a day, when no panel is open.
  const loadedAt = Date.now();
  setInterval(() => {
    tick();
    const busy = ui.panel.open || ui.order.open || ui.ask.open || ui.sections.open;
    if (Date.now() - loadedAt > 20 * 3600000 && !busy) location.reload();
  }, 15000);
  showSound();
  tick();
  showConnection();

  // For browser tests: drop the next n events, as a flaky network would.
  window.__floor = {
    drop: (n = 1) => { dropNext = n; },
    state: () => ({ lastSeq, syncing, tables: tables.size }),
  };
})();
