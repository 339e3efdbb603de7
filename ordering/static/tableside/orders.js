/* Orders page: the table's orders, live. */
"use strict";
(() => {
  const { $, boot, T, t, fmt, el, pick, locale } = window.Tableside;
  const orders = new Map();
  const live = $("#live");

  function progress(order) {
    const reached = boot.steps.indexOf(order.status);
    return el("ol", { class: "progress" }, ...boot.steps.map((step, i) =>
      el("li", {
        class: i < reached || order.status === "served" ? "done" : i === reached ? "current" : null,
        "aria-current": i === reached ? "step" : null,
        text: boot.status_labels[step],
      })));
  }

  function card(order) {
    const mine = order.guest === boot.guest;
    const placed = new Date(order.placed_at).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
    return el("article", { class: `order${order.status === "cancelled" ? " is-cancelled" : ""}`, "data-order": order.id, "data-status": order.status },
      el("header", {},
        el("h2", { text: t("order_number", { number: order.number }) }),
        el("span", { class: "who", text: `${mine ? T.by_you : T.by_table} · ${placed}` })),
      order.status === "cancelled" ? el("p", { class: "status-cancelled", text: boot.status_labels.cancelled }) : progress(order),
      el("ul", { class: "lines" }, ...order.lines.map((line) => {
        const mods = line.modifiers.map((m) => pick(m.name)).join(", ");
        return el("li", {},
          el("span", { class: "line-name", text: `${line.quantity} × ${pick(line.name)}` }),
          el("span", { text: fmt(line.line_total_minor) }),
          order.status !== "cancelled" && order.status !== line.status
            ? el("span", { class: "line-status", "data-status": line.status, text: boot.line_labels[line.status] })
            : null,
          mods || line.note ? el("span", { class: "line-meta", text: [mods, line.note].filter(Boolean).join(" · ") }) : null);
      })),
      el("p", { class: "total" }, `${T.total} `, el("strong", { text: fmt(order.total_minor) })),
      order.status === "awaiting_payment" && mine
        ? el("a", { class: "primary pay-now", href: `${boot.urls.bill}?order=${order.id}`, text: T.pay_now })
        : null);
  }

  function render() {
    const list = [...orders.values()].sort((a, b) => b.id - a.id);
    $("#orders").replaceChildren(...list.map(card));
    $("#orders-empty").hidden = list.length > 0;
  }

  function snapshot(data) {
    orders.clear();
    data.orders.forEach((o) => orders.set(o.id, o));
    render();
  }

  function apply(message) {
    if (message.event === "snapshot") return snapshot(message.data);
    if (message.event.startsWith("order.")) {
      const known = orders.get(message.data.id);
      // Versions only grow: an older event arriving late changes nothing.
      if (!known || known.version < message.version) orders.set(message.data.id, message.data);
      return render();
    }
    if (message.event === "table_session.closed") ended(T.ended);
  }

  function ended(text) {
    live.dataset.state = "lost";
    live.textContent = text;
  }

  snapshot(boot.snapshot);
  const link = window.TablesideLive("/ws/table/", {
    onMessage: apply,
    onPong(digest) {
      // The server's count and version total of this table's orders; if ours
      // differs, an update went missing: fetch a fresh snapshot.
      const list = [...orders.values()];
      const versions = list.reduce((sum, o) => sum + o.version, 0);
      if (digest.orders !== list.length || digest.versions !== versions) link.reconnect();
    },
    stopCodes: [4401, 4410],
    onState(state, code) {
      if (state === "stopped") return ended(code === 4410 ? T.ended : T.rescan);
      live.dataset.state = state;
      live.textContent = state === "live" ? T.live : state === "lost" ? T.reconnecting : live.textContent;
    },
  });
})();
