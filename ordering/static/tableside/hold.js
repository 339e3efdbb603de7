/* Holding a card for the table's tab (walkout protection): the card is
   authorized for a fixed amount, nothing is charged. Whether it worked comes
   from the server (Stripe's webhook, or the server asking Stripe). */
"use strict";
(() => {
  const { $, boot, T: S, api } = window.Tableside;
  const form = $("#hold-form");
  const button = $("#hold-button");
  let stripe = null, card = null;

  function wait(payment) {
    const timer = setInterval(async () => {
      let now;
      try { now = await api("POST", `/api/v1/bill/payments/${payment.id}/refresh`); } catch (e) { return; }
      if (now.status === "authorized") {
        clearInterval(timer);
        $("#hold-status").textContent = S.held;
        window.location.assign(boot.next);
      } else if (now.status === "failed" || now.status === "cancelled") {
        clearInterval(timer);
        $("#hold-status").textContent = "";
        $("#hold-error").textContent = now.failure_message || S.failed;
        button.disabled = false;
      }
    }, 1500);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    $("#hold-error").textContent = "";
    $("#hold-status").textContent = S.holding;
    try {
      let started;
      if (boot.stripe.card_element) {
        const { token, error } = await stripe.createToken(card);
        if (error) throw { message: error.message || S.network };
        started = await api("POST", "/api/v1/bill/hold", { payment_method: token.card.id });
        if (started.intent_status === "requires_action") {
          const result = await stripe.confirmCardPayment(started.client_secret);
          if (result.error) throw { message: result.error.message || S.network };
        }
      } else {
        started = await api("POST", "/api/v1/bill/hold", {});
        const elements = stripe.elements({ clientSecret: started.client_secret });
        elements.create("payment").mount("#card");
        const result = await stripe.confirmPayment({ elements, redirect: "if_required" });
        if (result.error) throw { message: result.error.message };
      }
      wait(started.payment);
    } catch (error) {
      $("#hold-status").textContent = "";
      $("#hold-error").textContent = error.message || S.network;
      button.disabled = false;
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
    button.disabled = true;
    $("#hold-error").textContent = S.card_unavailable;
  }
  // The table's socket: the staff-call button listens on it (calls.js).
  window.TablesideLive("/ws/table/", { stopCodes: [4401, 4410], onState() {}, onMessage() {} });
})();
