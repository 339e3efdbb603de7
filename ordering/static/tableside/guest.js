/* Menu page: filters, the dish sheet with its choices, and the cart. */
"use strict";
(() => {
  const { $, boot, T, t, fmt, api, el, pick } = window.Tableside;
  const groups = boot.groups;
  let cart = boot.cart;
  // Dishes sold out right now, kept current by the live updates below.
  const soldOut = new Set(
    [...document.querySelectorAll(".item[data-sold-out='1']")].map((i) => Number(i.dataset.id)));

  /* Toast: short confirmations read out by screen readers. */
  let toastTimer;
  function toast(text) {
    const box = $("#toast");
    box.textContent = text;
    box.classList.add("show");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => box.classList.remove("show"), 2600);
  }

  /* Filters: hide what a guest cannot or will not eat. Kept across visits. */
  const filters = $("#filters");
  function applyFilters() {
    const checked = (name) => [...filters.querySelectorAll(`input[name=${name}]:checked`)].map((i) => i.value);
    const avoid = checked("allergen"), need = checked("diet");
    let shown = 0;
    document.querySelectorAll(".category").forEach((section) => {
      let visible = 0;
      section.querySelectorAll(".item").forEach((item) => {
        const has = item.dataset.allergens.split(" "), is = item.dataset.diets.split(" ");
        const ok = !avoid.some((a) => has.includes(a)) && need.every((d) => is.includes(d));
        item.hidden = !ok;
        visible += ok;
      });
      section.hidden = !visible;
      shown += visible;
    });
    const count = avoid.length + need.length;
    $("#filter-count").hidden = !count;
    $("#filter-count").textContent = count;
    $("#filter-empty").hidden = shown > 0;
    localStorage.setItem("tableside.filters", JSON.stringify({ avoid, need }));
  }
  try {
    const saved = JSON.parse(localStorage.getItem("tableside.filters") || "{}");
    filters.querySelectorAll("input").forEach((input) => {
      const list = input.name === "allergen" ? saved.avoid : saved.need;
      input.checked = Array.isArray(list) && list.includes(input.value);
    });
  } catch (e) { /* a broken saved value only loses the filter */ }
  filters.addEventListener("change", applyFilters);
  applyFilters();

  /* Dialogs close on their × button and on a tap outside. */
  document.querySelectorAll("dialog").forEach((dialog) => {
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog || event.target.closest("[data-close]")) dialog.close();
    });
  });

  /* The dish sheet. */
  const dish = $("#dish"), dishForm = $("#dish-form");
  let current = null, quantity = 1;

  function ruleText(g) {
    if (g.min === 1 && g.max === 1) return T.choose_one;
    if (g.min === 0) return `${T.optional} · ${t("choose_up_to", { max: g.max })}`;
    if (g.min === g.max) return t("choose_between", { min: g.min, max: g.max });
    return t("choose_between", { min: g.min, max: g.max });
  }

  function groupField(g) {
    const single = g.min === 1 && g.max === 1;
    const box = el("fieldset", { class: "group", "data-group": g.id },
      el("legend", {}, g.name, el("span", { class: "rule", text: ruleText(g) })));
    g.modifiers.forEach((m) => {
      const delta = m.price_delta_minor ? ` ${m.price_delta_minor > 0 ? "+" : "−"}${fmt(Math.abs(m.price_delta_minor))}` : "";
      box.append(el("label", { class: "option" },
        el("input", {
          type: single ? "radio" : "checkbox", name: `g${g.id}`, value: m.id,
          checked: m.is_default && m.is_available, disabled: !m.is_available,
          "data-delta": m.price_delta_minor,
        }),
        el("span", { text: m.name }),
        el("small", { text: m.is_available ? delta : T.sold_out })));
    });
    return box;
  }

  function chosen() {
    return [...dishForm.querySelectorAll("#dish-groups input:checked")];
  }

  function refreshDish() {
    $("#dish-qty").textContent = quantity;
    dishForm.querySelectorAll("#dish-groups fieldset").forEach((box) => {
      const g = groups[box.dataset.group];
      if (g.max > 1 || g.min !== 1) {
        const picked = box.querySelectorAll("input:checked").length;
        box.querySelectorAll("input:not(:checked)").forEach((input) => {
          const sold = input.closest(".option").querySelector("small").textContent === T.sold_out;
          input.disabled = sold || picked >= g.max;
        });
      }
    });
    const unit = current.price + chosen().reduce((sum, i) => sum + Number(i.dataset.delta), 0);
    $("#dish-add").textContent = `${T.add} · ${fmt(unit * quantity)}`;
  }

  function openDish(item) {
    const button = item.querySelector(".item-open");
    if (button.getAttribute("aria-disabled")) {
      toast(item.querySelector(".badge")?.textContent || T.not_now);
      return;
    }
    current = { id: Number(item.dataset.id), price: Number(item.dataset.price) };
    quantity = 1;
    $("#dish-name").textContent = item.querySelector(".item-name").textContent;
    $("#dish-desc").textContent = item.querySelector(".item-desc")?.textContent || "";
    $("#dish-allergens").textContent = item.querySelector(".item-allergens")?.textContent || "";
    const box = $("#dish-groups");
    box.replaceChildren(...item.dataset.groups.split(" ").filter(Boolean).map((id) => groupField(groups[id])));
    dishForm.note.value = "";
    $("#dish-error").textContent = "";
    refreshDish();
    dish.showModal();
  }

  document.querySelectorAll(".item-open").forEach((button) =>
    button.addEventListener("click", () => openDish(button.closest(".item"))));
  dishForm.addEventListener("change", () => {
    $("#dish-error").textContent = "";
    refreshDish();
  });
  dishForm.addEventListener("click", (event) => {
    const step = event.target.closest("[data-step]");
    if (!step) return;
    quantity = Math.min(50, Math.max(1, quantity + Number(step.dataset.step)));
    refreshDish();
  });

  dishForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const box of dishForm.querySelectorAll("#dish-groups fieldset")) {
      const g = groups[box.dataset.group];
      if (box.querySelectorAll("input:checked").length < g.min) {
        $("#dish-error").textContent = t("required_missing", { group: g.name });
        box.querySelector("input:not(:disabled)")?.focus();
        return;
      }
    }
    const add = $("#dish-add");
    add.disabled = true;
    try {
      cart = await api("POST", "/api/v1/cart/lines", {
        menu_item_id: current.id,
        quantity,
        modifier_ids: chosen().map((i) => Number(i.value)),
        note: dishForm.note.value,
      });
      dish.close();
      renderCart();
      toast(T.added);
    } catch (error) {
      $("#dish-error").textContent = error.message;
    } finally {
      add.disabled = false;
    }
  });

  /* The cart: the server prices every line and total. */
  const cartDialog = $("#cart"), cartForm = $("#cart-form");

  function lineItem(line) {
    const mods = line.modifiers.map((m) => pick(m.name)).join(", ");
    const gone = soldOut.has(line.menu_item);
    const li = el("li", { "data-line": line.id, class: gone ? "is-gone" : null },
      el("span", { class: "line-name", text: `${line.quantity} × ${pick(line.name)}` }),
      el("span", { text: fmt(line.line_total_minor) }),
      mods || line.note ? el("span", { class: "line-meta", text: [mods, line.note].filter(Boolean).join(" · ") }) : null,
      gone ? el("span", { class: "line-gone", role: "alert", text: T.line_unavailable }) : null,
      el("span", { class: "line-tools" },
        el("span", { class: "stepper", role: "group" },
          el("button", { type: "button", "data-qty": line.quantity - 1, "aria-label": T.one_less, text: "−" }),
          el("output", { text: line.quantity }),
          el("button", { type: "button", "data-qty": line.quantity + 1, "aria-label": T.one_more, text: "+" })),
        el("button", { type: "button", class: "link", "data-remove": "", text: T.remove })));
    return li;
  }

  function renderCart() {
    const lines = cart ? cart.lines : [];
    const count = lines.reduce((sum, l) => sum + l.quantity, 0);
    $("#cart-count").textContent = count;
    $("#cart-sum").textContent = count ? fmt(cart.total_minor) : "";
    $("#cart-lines").replaceChildren(...lines.map(lineItem));
    $("#cart-empty").hidden = lines.length > 0;
    $("#cart-total").textContent = fmt(cart ? cart.total_minor : 0);
    $("#cart-place").disabled = !lines.length;
  }

  $("#cart-open").addEventListener("click", () => {
    $("#cart-error").textContent = "";
    renderCart();
    cartDialog.showModal();
  });

  $("#cart-lines").addEventListener("click", async (event) => {
    const li = event.target.closest("[data-line]");
    const qty = event.target.closest("[data-qty]");
    const remove = event.target.closest("[data-remove]");
    if (!li || (!qty && !remove)) return;
    const url = `/api/v1/cart/lines/${li.dataset.line}`;
    try {
      const newQty = qty ? Number(qty.dataset.qty) : 0;
      cart = newQty > 0 ? await api("PATCH", url, { quantity: newQty }) : await api("DELETE", url);
      $("#cart-error").textContent = "";
      renderCart();
    } catch (error) {
      $("#cart-error").textContent = error.message;
    }
  });

  cartForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const place = $("#cart-place");
    place.disabled = true;
    place.textContent = T.placing;
    try {
      const order = await api("POST", "/api/v1/cart/submit", { cart_id: cart.id, note: cartForm.note.value });
      // Pay-first restaurants cook once the order is paid: straight to paying it.
      window.location.assign(order.status === "awaiting_payment"
        ? `${boot.urls.bill}?order=${order.id}` : document.querySelector(".bar-link").href);
    } catch (error) {
      $("#cart-error").textContent = error.message;
      if (error.code === "prices_changed" || error.code === "item_unavailable") {
        cart = await api("GET", "/api/v1/cart").catch(() => cart);
        renderCart();
      }
      place.disabled = false;
      place.textContent = cartForm.dataset.label;
    }
  });
  cartForm.dataset.label = $("#cart-place").textContent;

  /* Live availability: when the kitchen marks a dish sold out (or a table
     takes the last portions), every open menu and cart follows. */

  function setAvailability({ id, sold_out: isSoldOut, stock }) {
    if (isSoldOut) soldOut.add(id); else soldOut.delete(id);
    const item = document.querySelector(`.item[data-id="${id}"]`);
    if (!item) return;
    item.dataset.soldOut = isSoldOut ? "1" : "";
    const text = isSoldOut ? T.sold_out
      : item.dataset.hours || (stock != null && stock <= 5 ? t("only_left", { count: stock }) : "");
    const closed = isSoldOut || Boolean(item.dataset.hours);
    item.classList.toggle("is-unavailable", closed);
    const button = item.querySelector(".item-open");
    if (closed) button.setAttribute("aria-disabled", "true"); else button.removeAttribute("aria-disabled");
    const foot = item.querySelector(".item-foot");
    let badge = foot.querySelector(".badge");
    if (!text) { badge?.remove(); return; }
    if (!badge) { badge = el("span", { class: "badge" }); foot.append(badge); }
    badge.textContent = text;
  }

  function refreshAvailability() {
    api("GET", `${boot.menu_url}?lang=${boot.lang}`).then((menu) => {
      menu.categories.forEach((c) => c.items.forEach(setAvailability));
      renderCart();
    }).catch(() => { /* the next reconnect tries again */ });
  }

  let connections = 0;
  let menuVersion = boot.menu_version;
  window.TablesideLive("/ws/table/", {
    stopCodes: [4401, 4410],
    onState() {},
    onPong(digest) {
      // A menu change this page did not hear about: fetch availability again.
      if (digest.menu_version !== menuVersion) {
        menuVersion = digest.menu_version;
        refreshAvailability();
      }
    },
    onMessage(message) {
      if (message.event === "snapshot") {
        // Anything missed while the phone slept is fetched again.
        if (connections++ > 0) refreshAvailability();
      } else if (message.event === "menu.items_changed") {
        menuVersion = message.version;
        message.data.items.forEach(setAvailability);
        renderCart();
      }
    },
  });

  renderCart();
})();
