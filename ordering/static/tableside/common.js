/* Shared by the guest pages: boot data, money, API calls with CSRF. */
"use strict";
window.Tableside = (() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const json = (id) => JSON.parse(document.getElementById(id).textContent);
  const boot = json("boot");
  const T = json("strings");
  // British English reads like the rest of Europe: 24-hour clock, € before.
  const locale = boot.lang === "en" ? "en-GB" : boot.lang;
  const money = new Intl.NumberFormat(locale, { style: "currency", currency: boot.currency });
  const fmt = (minor) => money.format(minor / 100);
  const t = (key, vars = {}) => T[key].replace(/%\((\w+)\)s/g, (_, k) => vars[k]);
  const csrf = () => (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  const pick = (texts) => texts[boot.lang] || texts.fi || Object.values(texts).find(Boolean) || "";

  async function api(method, url, body) {
    let res;
    try {
      res = await fetch(url, {
        method,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw { code: "network", message: T.network };
    }
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw { status: res.status, code: data.code, message: data.message || T.network, extra: data.extra || {} };
    return data;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === false || v == null) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    node.append(...children.filter((c) => c != null));
    return node;
  }

  return { $, boot, T, t, fmt, api, el, pick, locale };
})();
