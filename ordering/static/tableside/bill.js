/* The bill page: what is owed and by whom, how to split it, the tip, and
   paying by card through Stripe (or localstripe's card Element in the demo).
   Every amount comes from the server; this page only chooses. */
"use strict";
(() => {
  const { $, boot, T, t, fmt, api, el, pick } = window.Tableside;
  const S = T; // strings of this page
  // The loyalty strings live in the page's template, translated there.
  for (const node of $("#reward-strings").content.querySelectorAll("[data-key]")) {
    S[node.dataset.key] = node.textContent;
  }
  const MIN_CARD_CHARGE_MINOR = 50; // as the server keeps (Stripe's minimum)
  let bill = boot.bill;
  let split = boot.order ? "order" : "mine";
  let tipBp = 0, tipCustom = null, peopleLeft = 2, itemLine = null, parts = 2, amount = null;
  let payment = null; // {id, status}
  let stripe = null, card = null, elements = null;
  let notice = ""; // the latest word on this guest's payment, if any

  /* Lines: who pays what; "not mine" leaves a line to share. */
  function renderLines() {
    $("#bill-summary").textContent = bill.is_settled ? S.settled
      : `${S.to_pay}: ${fmt(bill.remaining_minor)} / ${fmt(bill.total_minor)}`;
    $("#bill-lines").replaceChildren(...bill.lines.map((line) => {
      const paid = line.remaining_minor === 0;
      const claim = paid ? null : el("button", {
        type: "button", class: "link", "data-claim": line.id, "data-mine": line.mine ? "0" : "1",
        text: line.mine ? S.not_mine : S.claim,
      });
      return el("li", { class: paid ? "is-paid" : null },
        el("span", { class: "line-name", text: `${line.quantity} × ${pick(line.name)}` }),
        el("span", { text: fmt(line.total_minor) }),
        el("span", { class: "line-meta", text: paid ? S.paid
          : line.remaining_minor < line.total_minor ? t("left", { amount: fmt(line.remaining_minor) })
          : line.mine ? S.mine : line.bill_guest ? S.someone : S.shared }),
        claim ? el("span", { class: "line-tools" }, claim) : null);
    }));
  }

  /* Split choices. */
  const SPLITS = [["mine", S.split_mine], ["all", S.split_all], ["equal", S.split_equal],
    ["item", S.split_item], ["amount", S.split_amount]];

  function renderSplit() {
    $("#split-options").replaceChildren(...SPLITS.map(([value, label]) =>
      el("label", { class: "option" },
        el("input", { type: "radio", name: "split", value, checked: value === split }),
        el("span", { text: label }))));
    const extra = $("#split-extra");
    if (split === "equal") {
      extra.replaceChildren(el("label", { class: "field" }, S.people_left,
        el("input", { type: "number", name: "people", min: "1", max: "50", value: String(peopleLeft), inputmode: "numeric" })));
    } else if (split === "item") {
      const open = bill.lines.filter((l) => l.remaining_minor > 0);
      if (!itemLine && open.length) itemLine = open[0].id;
      extra.replaceChildren(
        el("label", { class: "field" }, S.which_item,
          el("select", { name: "item" }, ...open.map((l) =>
            el("option", { value: l.id, selected: l.id === itemLine, text: `${pick(l.name)} (${fmt(l.remaining_minor)})` })))),
        el("label", { class: "field" }, S.parts,
          el("input", { type: "number", name: "parts", min: "1", max: "20", value: String(parts), inputmode: "numeric" })));
    } else if (split === "amount") {
      extra.replaceChildren(el("label", { class: "field" }, S.amount,
        el("input", { type: "number", name: "amount", min: "0.01", step: "0.01", inputmode: "decimal",
          value: amount ? (amount / 100).toFixed(2) : "" })));
    } else {
      extra.replaceChildren();
    }
  }

  /* What the chosen split comes to: shown for choosing, charged by the server. */
  function preview() {
    const open = bill.lines.filter((l) => l.remaining_minor > 0);
    const left = open.reduce((s, l) => s + l.remaining_minor, 0);
    if (split === "mine") return open.filter((l) => l.mine).reduce((s, l) => s + l.remaining_minor, 0);
    if (split === "all") return left;
    if (split === "order") return open.filter((l) => String(l.order) === String(boot.order)).reduce((s, l) => s + l.remaining_minor, 0);
    if (split === "equal") return Math.ceil(left / Math.max(1, peopleLeft));
    if (split === "item") {
      const line = open.find((l) => l.id === itemLine);
      if (!line) return 0;
      const base = Math.floor(line.total_minor / parts), extra = line.total_minor % parts;
      let end = 0, paid = line.total_minor - line.remaining_minor;
      for (let i = 0; i < parts; i++) { end += base + (i < extra ? 1 : 0); if (end > paid) return end - paid; }
      return 0;
    }
    return Math.min(amount || 0, left);
  }

  function tipFor(base) {
    if (tipCustom !== null) return tipCustom;
    return Math.round(base * tipBp / 10000);
  }

  function renderTips() {
    const presets = bill.tip_presets_bp;
    $("#tip-options").replaceChildren(
      ...presets.map((bp) => el("label", { class: "chip" },
        el("input", { type: "radio", name: "tip", value: bp, checked: tipCustom === null && bp === tipBp }),
        bp ? `${bp / 100} %` : S.no_tip)),
      el("label", { class: "chip" },
        el("input", { type: "radio", name: "tip", value: "custom", checked: tipCustom !== null }), S.other_tip),
      ...(tipCustom === null ? [] : [el("input", { type: "number", name: "tip_amount", min: "0", step: "0.5", inputmode: "decimal",
        "aria-label": S.tip, value: (tipCustom / 100).toFixed(2) })]));
  }

  /* A reward the member applied comes off what this phone pays: a preview of
     what the server works out when the payment starts. */
  function discountFor(base, tip) {
    const applied = bill.loyalty && bill.loyalty.applied;
    if (!applied || !base) return 0;
    let off = applied.percent_off != null
      ? Math.floor((2 * base * applied.percent_off + 100) / 200)
      : applied.up_to_minor;
    off = Math.min(off, base, Math.max(0, base + tip - MIN_CARD_CHARGE_MINOR));
    return Math.max(0, off);
  }

  function renderReward() {
    const loyalty = bill.loyalty;
    const box = $("#bill-reward");
    box.hidden = !loyalty || bill.is_settled || (!loyalty.applied && !loyalty.rewards.length);
    if (box.hidden) return;
    const applied = loyalty.applied;
    $("#reward-applied").replaceChildren(...(applied ? [
      t("reward_applied", { reward: applied.name }), " ",
      el("button", { type: "button", class: "link", "data-reward-remove": applied.reward, text: S.reward_remove,
        disabled: payment !== null })] : []));
    $("#reward-list").replaceChildren(...(applied ? [] : loyalty.rewards.map((reward) => el("li", {},
      el("button", { type: "button", class: "chip", "data-reward": reward.id, disabled: !reward.is_affordable,
        text: t(reward.is_affordable ? "reward_use" : "reward_needs", { reward: reward.name, points: reward.cost_points }) })))));
  }

  function renderThanks() {
    const thanks = bill.thank_you;
    const box = $("#thank-you");
    box.hidden = !thanks;
    if (!thanks) return;
    box.querySelector("[data-subject]").textContent = thanks.subject;
    // The body ends with the feedback address; the link below carries it.
    box.querySelector("[data-body]").replaceChildren(...thanks.body.split("\n\n")
      .filter((part) => !part.includes(thanks.url)).map((part) => el("p", { text: part })));
    box.querySelector("[data-url]").setAttribute("href", thanks.url);
  }

  function renderPay() {
    const base = preview();
    const tip = tipFor(base);
    const off = discountFor(base, tip);
    const total = base - off + tip;
    $("#pay-discount").textContent = off ? t("reward_discount", { amount: fmt(off) }) : "";
    const button = $("#pay-button");
    // Nothing left to pay: the choices go, the word on the payment stays.
    $("#pay-form").classList.toggle("is-settled", bill.is_settled && !payment);
    button.textContent = t("pay", { amount: fmt(total) });
    button.disabled = !base || !stripe || payment !== null;
    if (!boot.stripe.enabled) $("#pay-error").textContent = S.card_unavailable;
    $("#pay-status").textContent = notice
      || (split === "mine" && !base && !bill.is_settled ? S.nothing_mine : "");
  }

  function renderPayments() {
    const mine = bill.payments.filter((p) => p.mine && p.status === "succeeded");
    $("#my-payments").replaceChildren(...mine.map((p) => el("p", {},
      `${S.paid}: ${fmt(p.total_minor)} `,
      p.receipt ? el("a", { href: `/table/receipts/${p.id}/`, text: `${S.receipt} ${p.receipt}` }) : null)));
  }

  function render() { renderLines(); renderReward(); renderThanks(); renderSplit(); renderTips(); renderPay(); renderPayments(); }

  async function reload() {
    try { bill = await api("GET", "/api/v1/bill"); } catch (e) { return; }
    renderLines(); renderReward(); renderThanks(); renderPay(); renderPayments();
    if (payment) follow();
  }

  $("#bill-lines").addEventListener("click", async (event) => {
    const button = event.target.closest("[data-claim]");
    if (!button) return;
    try {
      await api("POST", `/api/v1/bill/lines/${button.dataset.claim}/claim`, { mine: button.dataset.mine === "1" });
      await reload();
    } catch (error) { $("#pay-error").textContent = error.message; }
  });

  $("#bill-reward").addEventListener("click", async (event) => {
    const use = event.target.closest("[data-reward]");
    const remove = event.target.closest("[data-reward-remove]");
    if (!use && !remove) return;
    $("#reward-error").textContent = "";
    try {
      if (use) await api("POST", `/api/v1/loyalty/bill/rewards/${use.dataset.reward}`);
      else await api("DELETE", `/api/v1/loyalty/bill/rewards/${remove.dataset.rewardRemove}`);
    } catch (error) { $("#reward-error").textContent = error.message || S.network; }
    await reload();
  });

  const form = $("#pay-form");
  form.addEventListener("change", (event) => {
    const { name, value } = event.target;
    if (name && !payment) notice = "";
    if (name === "split") { split = value; renderSplit(); }
    else if (name === "people") peopleLeft = Math.max(1, Number(value) || 1);
    else if (name === "item") itemLine = Number(value);
    else if (name === "parts") parts = Math.max(1, Number(value) || 1);
    else if (name === "amount") amount = Math.round(Number(value) * 100) || null;
    else if (name === "tip") { tipCustom = value === "custom" ? tipFor(preview()) : null; tipBp = value === "custom" ? 0 : Number(value); renderTips(); }
    else if (name === "tip_amount") tipCustom = Math.max(0, Math.round(Number(value) * 100) || 0);
    $("#pay-error").textContent = "";
    renderPay();
  });
  // Numbers update the amount as they are typed, not only when the field is left.
  form.addEventListener("input", (event) => {
    if (event.target.type === "number") event.target.dispatchEvent(new Event("change", { bubbles: true }));
  });

  /* Paying. The outcome comes from the server (Stripe's webhook, or the
     server asking Stripe), never from this page's say-so. */
  function body(paymentMethod) {
    const data = { split };
    if (split === "equal") data.people_left = peopleLeft;
    if (split === "item") Object.assign(data, { item_line_id: itemLine, parts });
    if (split === "amount") data.amount_minor = amount;
    if (split === "order") data.order_id = Number(boot.order);
    if (tipCustom !== null) data.tip_minor = tipCustom; else data.tip_bp = tipBp;
    if (paymentMethod) data.payment_method = paymentMethod;
    return data;
  }

  let following = null;
  function follow() {
    if (!payment || following) return;
    following = setInterval(async () => {
      try { payment = { ...payment, ...(await api("POST", `/api/v1/bill/payments/${payment.id}/refresh`)) }; } catch (e) { return; }
      if (payment.status === "succeeded") {
        clearInterval(following); following = null;
        notice = S.paid_thanks;
        payment = null;
        reload();
      } else if (payment.status === "failed" || payment.status === "cancelled") {
        clearInterval(following); following = null;
        notice = "";
        $("#pay-error").textContent = t("failed", { reason: payment.failure_message || "" });
        payment = null;
        reload();
      }
    }, 2000);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = $("#pay-button");
    button.disabled = true;
    $("#pay-error").textContent = "";
    notice = S.paying;
    renderPay();
    try {
      let started;
      if (boot.stripe.card_element) {
        const { token, error } = await stripe.createToken(card);
        if (error) throw { message: error.message || S.network };
        started = await api("POST", "/api/v1/bill/payments", body(token.card.id));
        if (started.intent_status === "requires_action") {
          const result = await stripe.confirmCardPayment(started.client_secret);
          if (result.error) throw { message: result.error.message || S.network };
        }
      } else {
        started = await api("POST", "/api/v1/bill/payments", body());
        elements = stripe.elements({ clientSecret: started.client_secret });
        const element = elements.create("payment");
        element.mount("#card");
        const result = await stripe.confirmPayment({ elements, redirect: "if_required" });
        if (result.error) throw { message: result.error.message };
      }
      payment = started.payment;
      notice = S.processing;
      renderPay();
      follow();
    } catch (error) {
      notice = "";
      $("#pay-error").textContent = error.message || S.network;
      button.disabled = false;
      reload();
    }
  });

  if (boot.stripe.enabled && window.Stripe) {
    stripe = window.Stripe(boot.stripe.publishable_key);
    if (boot.stripe.card_element) {
      card = stripe.elements().create("card");
      card.mount("#card");
    }
  } else {
    $("#card-box").hidden = true;
  }

  window.TablesideLive("/ws/table/", {
    stopCodes: [4401, 4410],
    onState() {},
    onMessage(message) {
      if (message.event === "bill.updated" || message.event === "snapshot") reload();
      // The thank-you after paying is addressed to one phone.
      else if (message.event === "message.sent" && message.data.guest === boot.guest) reload();
    },
  });
  render();
})();
