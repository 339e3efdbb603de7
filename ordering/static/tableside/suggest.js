/* Cart suggestions: "your usual?" and "goes well with" for members who agreed
   to personal suggestions, popular dishes for everyone else. Fetched only
   when the cart opens or changes, so the menu page itself costs nothing. */
"use strict";
(() => {
  const { $, api, el } = window.Tableside;
  const cart = $("#cart"), lines = $("#cart-lines");
  if (!cart || !lines) return;
  const URL = "/api/v1/loyalty/me/suggestions";
  let box = null, pending = null, timer = null, asked = "";

  /* Only dishes this phone could order now and its filters let through:
     the menu's own list knows (sold out, out of hours, hidden by filters). */
  function orderable(id) {
    const item = document.querySelector(`.item[data-id="${id}"]`);
    return item && !item.hidden && !item.querySelector(".item-open[aria-disabled]");
  }

  function group(label, picks) {
    const shown = picks.filter((p) => orderable(p.menu_item_id));
    if (!shown.length) return null;
    return el("fieldset", { class: "group" }, el("legend", { text: label }),
      el("div", { class: "chips" }, ...shown.map((p) =>
        el("button", { type: "button", class: "chip", "data-suggest": p.menu_item_id },
          el("span", { text: p.name }), " ", el("small", { class: "muted", text: p.reason })))));
  }

  function render(data) {
    const parts = [
      group(data.labels.usual, data.usual),
      group(data.labels.pairings, data.pairings),
      group(data.labels.more, data.more),
    ].filter(Boolean);
    if (!box) {
      box = el("section", { class: "suggest", "aria-live": "polite" });
      $("#cart-empty").after(box);
    }
    box.replaceChildren(...parts);
    box.hidden = !parts.length;
  }

  function refresh() {
    // The same cart asks once; a changed cart asks again.
    const key = [...lines.querySelectorAll("[data-line]")].map((li) => li.textContent).join("|");
    if (key === asked && box) return;
    asked = key;
    api("GET", URL).then(render).catch(() => { if (box) box.hidden = true; });
  }

  cart.addEventListener("click", (event) => {
    const chosen = event.target.closest("[data-suggest]");
    if (!chosen) return;
    const item = document.querySelector(`.item[data-id="${chosen.dataset.suggest}"] .item-open`);
    if (!item) return;
    // The dish sheet (with its choices) adds it; taking it counts on "add".
    pending = Number(chosen.dataset.suggest);
    cart.close();
    item.click();
  });
  // The sheet closes by itself only once the dish is in the cart; closed by
  // hand, or still showing an error, it was not taken.
  let submitted = false;
  $("#dish-form").addEventListener("submit", () => { submitted = pending !== null; });
  $("#dish").addEventListener("close", () => {
    if (submitted && pending !== null && !$("#dish-error").textContent) {
      api("POST", `${URL}/accept`, { menu_item_id: pending }).catch(() => {});
    }
    pending = null;
    submitted = false;
  });

  $("#cart-open").addEventListener("click", refresh);
  new MutationObserver(() => {
    if (!cart.open) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  }).observe(lines, { childList: true });
})();
