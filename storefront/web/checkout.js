// Before the WASM app runs, the prerendered checkout already works: its
// steps are plain forms the browser posts, and this script adds what a form
// cannot do on its own — Esc and the close button, Done, the test-card
// buttons, −/+ with a live total, and telling the page about a purchase.
// Its clickjacking guard stays on after the WASM takes over.
// go-app removes #app-wasm-loader once the WASM runs; from then on the app
// does all of it and this script stands aside — except for the order's
// hold on its units, which this script keeps for both (see the end).
// Money is never formatted here: the page's JSON (#bc-state) holds every
// price it can show.
(() => {
  "use strict";
  const d = document, $ = (id) => d.getElementById(id);
  // go-app removes its loader at once when told not to load the WASM
  // (?wasm=false, as the Stripe pay page is sent): then this script stays on.
  const wasmOff = new URLSearchParams(location.search).get("wasm") === "false";
  const wasm = () => !wasmOff && !$("app-wasm-loader");
  const state = (() => {
    try {
      return JSON.parse($("bc-state")?.textContent || "{}");
    } catch {
      return {};
    }
  })();
  const parentOrigin = (() => {
    try {
      const o = state.o, u = new URL(o);
      return /^https?:$/.test(u.protocol) && u.origin === o ? o : "";
    } catch {
      return "";
    }
  })();
  const framed = parent !== window;
  // The popup checkout is a window the loader opened: it talks to its
  // opener as the overlay talks to its parent, and closes itself.
  const popup = !framed && opener && !opener.closed;
  const peer = framed ? parent : popup ? opener : null;
  const post = (m) => peer && parentOrigin && peer.postMessage({ bc: 1, ...m }, parentOrigin);
  const close = () => (framed ? post({ type: "close" }) : popup ? window.close() : history.back());

  // Tell the overlay its checkout loaded: it hands this page the focus,
  // which it keeps on itself until then (a page that failed to load
  // would swallow Esc).
  if (framed) post({ type: "page" });

  // Esc leaves the overlay; a window of its own stays open.
  d.addEventListener("keydown", (e) => e.key === "Escape" && !popup && !wasm() && close());
  d.addEventListener("click", (e) => {
    if (wasm()) return;
    const t = e.target;
    if (t.closest?.(".bc-close")) close();
    const card = t.closest?.("[data-card]");
    if (card && $("bc-card")) {
      $("bc-card").value = card.dataset.card;
      $("bc-card").focus();
    }
    const adjust = t.closest?.(".bc-adjust");
    if (adjust) showQuantity(+$("bc-qty").value + (adjust === d.querySelector(".bc-adjust") ? -1 : 1), true);
  });

  // Done closes the overlay or the popup; in a full page its form goes to the product page.
  // Other forms post once: a second click must not create a second order.
  // Each post says this script ran: in a frame the server takes no form
  // without it, since only this script guards against clickjacking (a
  // page can frame the checkout with scripts off, <iframe sandbox>).
  d.addEventListener("submit", (e) => {
    if (wasm()) return;
    const form = e.target, button = e.submitter || form.querySelector("[type=submit]");
    form.elements.js || form.append(Object.assign(d.createElement("input"), { type: "hidden", name: "js", value: "1" }));
    if (form.classList.contains("bc-done")) {
      if (peer) {
        e.preventDefault();
        close();
      }
    } else if (button?.disabled) e.preventDefault();
    else if (button) queueMicrotask(() => (button.disabled = true));
  });
  // Back to a page from the cache: its buttons work again.
  addEventListener("pageshow", () => {
    leaving = false;
    d.querySelectorAll("[type=submit]").forEach((b) => (b.disabled = false));
  });

  // ---- Quantity and total on the choose step ----
  const prices = () => {
    const v = d.querySelector('input[name="variant_id"]:checked, input[type=hidden][name="variant_id"]');
    return state.prices?.[v?.value];
  };
  const setText = (selector, text) => {
    const el = d.querySelector(selector);
    if (el) el.textContent = text;
  };
  // showQuantity shows the total for n when it can be bought; with write it
  // also clamps n and puts it in the field (on −/+, blur and option changes).
  const showQuantity = (n, write) => {
    const p = prices(), qty = $("bc-qty");
    if (!p || !qty) return;
    const max = p.totals.length, valid = Number.isInteger(n) && n >= 1 && n <= max;
    if (!valid && !write) return;
    if (!valid) n = Math.min(Math.max(Number.isInteger(n) ? n : 1, 1), max);
    if (write) qty.value = n;
    qty.max = max;
    const [dec, inc] = d.querySelectorAll(".bc-adjust");
    if (dec) dec.disabled = n <= 1;
    if (inc) inc.disabled = n >= max;
    setText(".bc-unit", p.unit);
    setText(".bc-total-amount", p.totals[n - 1]);
  };
  const typed = (e, write) => !wasm() && e.target.id === "bc-qty" && showQuantity(+e.target.value, write);
  d.addEventListener("input", (e) => typed(e, false));
  d.addEventListener("change", (e) => {
    if (typed(e, true) || wasm() || e.target.name !== "variant_id") return;
    showQuantity(+$("bc-qty")?.value, true);
  });

  // ---- Clickjacking ----
  // The checkout sits in a frame on someone else's page, which could hide
  // it (opacity 0, a layer painted over it) or slide it under the pointer
  // just before a click. A pointer click on a step's main action (pay,
  // continue) counts only once the page has stayed put for SETTLE ms since
  // it was shown, resized, re-aimed by its page or changed how much of it
  // is in view, and never while the browser says it is hidden or covered
  // (IntersectionObserver v2, where it exists). Keyboard activations
  // (click.detail 0) always count. The listener runs first, in the capture
  // phase on the window, so it stops the click before the form or the
  // WASM app sees it. A frame can see none of this of a move that keeps it
  // wholly in view: browsers tell a frame nothing of its position.
  // <html data-bc-armed> tells that clicks count now, data-bc-covered that
  // the browser says the page is covered, and data-bc-refused counts the
  // clicks stopped (the tests wait on them).
  const SETTLE = 500, root = d.documentElement;
  let settling, covered = false, refused = 0;
  const unsettle = () => {
    root.removeAttribute("data-bc-armed");
    clearTimeout(settling);
    settling = setTimeout(() => covered || root.setAttribute("data-bc-armed", ""), SETTLE);
  };
  addEventListener("pageshow", unsettle);
  addEventListener("resize", unsettle);
  addEventListener("message", (e) => e.source === peer && unsettle());
  d.addEventListener("visibilitychange", unsettle);
  if (window.IntersectionObserver) {
    const thresholds = [...Array(21).keys()].map((i) => i / 20);
    new IntersectionObserver((entries) => {
      // isVisible is undefined without v2: never covered then.
      covered = entries[entries.length - 1].isVisible === false;
      root.toggleAttribute("data-bc-covered", covered);
      unsettle();
    }, { threshold: thresholds, trackVisibility: true, delay: 100 }).observe(root);
  }
  unsettle();
  addEventListener("click", (e) => {
    if (!e.detail || !e.target.closest?.(".bc-primary, [type=submit]") || root.hasAttribute("data-bc-armed")) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    root.dataset.bcRefused = ++refused;
  }, true);

  // ---- The order's hold on its units ----
  // A new order holds its units for a few minutes. While the pay step is
  // open and in view, renew the hold every minute (and at once when the
  // page comes back into view); when the shopper leaves — the loader says
  // the overlay closed, or this page goes away — release the order, so its
  // units go back on sale at once. The pay step names its order on
  // #bc-panel, whether the server or the WASM rendered it. A form sent on
  // to the next step (paying without the WASM) leaves the page, not the
  // checkout. While the overlay is closed (until the loader opens it
  // again), an order that appears late, its request having been in flight,
  // is released rather than renewed.
  let leaving = false, shut = false;
  const released = new Set();
  const order = (what) => {
    const p = $("bc-panel"), id = p?.dataset.holdOrder, token = p?.dataset.holdToken;
    if (!id || !token || released.has(id)) return;
    if (what === "release") released.add(id);
    fetch(`/v1/orders/${encodeURIComponent(id)}/${what}`, { method: "POST", keepalive: true, headers: { Authorization: `Bearer ${token}` } }).catch(() => {});
  };
  const release = () => leaving || order("release");
  const renew = () => (shut ? release() : d.hidden || order("hold"));
  setInterval(renew, 60e3);
  d.addEventListener("visibilitychange", renew);
  d.addEventListener("submit", (e) => (leaving ||= !e.defaultPrevented));
  addEventListener("pagehide", release);
  addEventListener("message", (e) => {
    const m = e.data;
    if (!framed || e.source !== parent || e.origin !== parentOrigin || m?.bc !== 1) return;
    if (m.type === "open") shut = false;
    else if (m.type === "closed") {
      shut = true;
      release();
    }
  });

  // ---- The receipt tells the page, once ----
  const o = state.order;
  if (state.step === "receipt" && o && !wasm()) {
    post({ type: "purchase", order: { id: o.id, number: o.number, quantity: o.quantity, total: { amount: o.total.amount, currency: o.total.currency } } });
  }
})();
