// Buycard loader: turns <div data-buycard> elements and HOST/p/wgt_… links
// into server-rendered cards in shadow roots, and opens one checkout overlay
// per page; it reports card impressions and Buy taps in batched beacons.
// Contract: docs/contracts.md.
//
// The embed Go package serves this file minified by esbuild (ES2021), with
// "__CARD_CSS__" replaced by the card CSS.
(() => {
  "use strict";
  const w = window, d = document, html = d.documentElement;
  if (w.Buycard) return;
  const me = d.currentScript || [...d.scripts].filter((s) => /\/buycard(\.\w+)?\.js([?#]|$)/.test(s.src)).pop();
  if (!me) return;
  const HOST = new URL(me.src).origin;
  const ID = "_[0-9a-z]{1,40}";
  const WGT = RegExp(`^wgt${ID}$`), PLC = RegExp(`^plc${ID}$`), LINK = RegExp(`^/p/(wgt${ID})$`);
  const LANG = /^[A-Za-z0-9-]{1,35}$/.test(navigator.language) ? navigator.language : "en";
  // data-buycard-open names a widget on open links; data-buycard-lock on <html> locks scrolling while the overlay is open.
  const BUY = "[data-buycard-buy]", OPEN_ATTR = "data-buycard-open", OPENER = "[data-buycard-open^=wgt_]", LOCK = "data-buycard-lock";
  const enc = encodeURIComponent;
  const parse = (u) => {
    try {
      return new URL(u, location.href);
    } catch {}
  };
  const sheet = (css) => {
    const s = new CSSStyleSheet();
    s.replaceSync(css);
    return s;
  };
  const cardSheet = sheet("__CARD_CSS__");
  const warned = new Set();
  const warn = (key, ...msg) => warned.has(key) || (warned.add(key), console.warn("Buycard:", ...msg));

  // ---- Cards ----
  // cards maps every element we have handled to {el, ref, widget, root, token}.
  const cards = new WeakMap();
  // queue holds the refs found in this task: ref → [card…].
  let queue = new Map(), pending = false;

  const scan = (root = d) => {
    const all = (sel) => [...(root.matches?.(sel) ? [root] : []), ...root.querySelectorAll(sel)];
    for (const el of all("[data-buycard]")) mount(el);
    for (const a of all(`a[href]:not(${OPENER})`)) {
      const u = parse(a.href), m = u?.origin === HOST && LINK.exec(u.pathname);
      // A link inside a card host is that card's no-JS fallback.
      if (!m || a.isContentEditable || a.closest("[data-buycard]")) continue;
      const el = d.createElement("div");
      el.dataset.buycard = m[1];
      const pl = u.searchParams.get("pl");
      if (PLC.test(pl)) el.dataset.placement = pl;
      const label = a.textContent.trim();
      if (label) {
        el.setAttribute("role", "group");
        el.setAttribute("aria-label", label);
      }
      a.replaceWith(el);
      mount(el);
    }
  };

  const mount = (el) => {
    if (cards.has(el)) return;
    const widget = el.dataset.buycard.trim(), pl = el.dataset.placement?.trim();
    const ref = pl ? `${widget}:${pl}` : widget;
    const c = { el, ref, widget };
    cards.set(el, c);
    // The card stylesheet (buycard.css) sizes the element until it is
    // mounted; from here the shadow root does, or nothing when it fails.
    el.dataset.buycardMounted = "";
    if (!WGT.test(widget) || (pl && !PLC.test(pl))) return warn(ref, "bad widget or placement id", ref);
    try {
      c.root = el.attachShadow({ mode: "open" });
    } catch (e) {
      return warn(ref, "cannot attach a card to", el, e);
    }
    c.root.adoptedStyleSheets = [cardSheet];
    c.root.innerHTML = '<div class="bc-card bc-skeleton"></div>';
    listen(c);
    (queue.get(ref) || queue.set(ref, []).get(ref)).push(c);
    if (pending) return;
    pending = true;
    // While the page parses, wait for all of it so the first screen makes one request.
    if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", flush, { once: true });
    else queueMicrotask(flush);
  };

  const listen = (c) => {
    const r = c.root, buy = (e) => c.token && e.target.closest?.(BUY);
    r.addEventListener("click", (e) => {
      const b = buy(e);
      if (!b || b.disabled) return;
      // The card may sit in a clickable feed item: Buy must not also open the post.
      e.preventDefault();
      e.stopPropagation();
      track(c, "click");
      open(c, b);
    });
    const intent = (e) => buy(e) && !c.popup && prefetch(c);
    r.addEventListener("pointerover", intent);
    r.addEventListener("focusin", intent);
  };

  const flush = () => {
    pending = false;
    const batch = queue, refs = [...batch.keys()];
    queue = new Map();
    for (let i = 0; i < refs.length; i += 100) load(refs.slice(i, i + 100), batch);
  };

  const load = async (refs, batch) => {
    let data;
    try {
      const res = await fetch(`${HOST}/v1/cards?ids=${refs.join()}&lang=${enc(LANG)}`, { mode: "cors", credentials: "omit" });
      if (!res.ok) throw Error(`HTTP ${res.status}`);
      data = await res.json();
    } catch (e) {
      console.warn("Buycard: loading cards failed", e);
    }
    for (const ref of refs) for (const c of batch.get(ref)) show(c, data?.cards?.[ref], data);
  };

  // show renders one card, or nothing when the server has none for its ref.
  const show = (c, card, data) => {
    if (typeof card?.html === "string" && typeof card.token === "string") {
      c.root.innerHTML = card.html;
      c.token = card.token;
      // The widget or the publisher (data-buycard-checkout="popup") may prefer a window of its own.
      c.popup = [card.checkout, c.el.dataset.buycardCheckout].includes("popup");
      return seen.observe(c.el);
    }
    c.root.replaceChildren();
    // A failed request has warned already.
    if (data) warn(c.ref, "no card for widget", c.widget, c.ref);
  };

  // ---- Analytics ----
  // Impressions (a card at least half visible for one second) and Buy taps,
  // once per card per page view, go to HOST/v1/events in batches under a
  // random page-view id: no cookies of ours, no personal data.
  // data-buycard-analytics="off" on the script tag or on a card keeps it silent.
  const EVENTS = HOST + "/v1/events", PAGE = [...crypto.getRandomValues(new Uint8Array(22))].map((b) => (b & 31).toString(32)).join("");
  let events = [], timer;
  // send flushes the queue, at most 200 events a request.
  const send = () => {
    for (clearTimeout(timer), timer = 0; events.length; ) {
      const body = JSON.stringify({ v: 1, page: PAGE, events: events.splice(0, 200) });
      navigator.sendBeacon?.(EVENTS, body) || fetch(EVENTS, { method: "POST", body, keepalive: true, mode: "no-cors", credentials: "omit" }).catch(() => {});
    }
  };
  const track = (c, type) => {
    if (c[type] || [me, c.el].some((e) => e.dataset.buycardAnalytics == "off")) return;
    c[type] = 1;
    events.push({ type, token: c.token, at: Date.now() });
    timer ||= setTimeout(send, 3e3);
  };
  // A card half in view starts a one-second timer. If the page is hidden
  // when it fires, observing the card again starts over once it is shown.
  const seen = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const c = cards.get(e.target);
      clearTimeout(c.dwell);
      c.dwell = e.intersectionRatio >= 0.5 && setTimeout(() => (seen.unobserve(c.el), d.hidden ? seen.observe(c.el) : track(c, "impression")), 1e3);
    }
  }, { threshold: 0.5 });
  d.addEventListener("visibilitychange", () => d.hidden && send());
  w.addEventListener("pagehide", send);

  // ---- Overlay ----
  // ours: the frame's page said it is the checkout (not a browser's error page).
  let host, dialog, frame, ready = false, loading = false, ours = false, frameKey, opener, scroll, win, pop;
  const src = (widget, token, page = "") => `${HOST}/checkout/${widget}${page}?t=${enc(token)}&o=${enc(location.origin)}&lang=${enc(LANG)}`;
  const OVERLAY_CSS = ":host{display:contents!important}" +
    "dialog{box-sizing:border-box;width:calc(100% - 32px);max-width:460px;height:min(720px,calc(100vh - 32px));" +
    "height:min(720px,calc(100dvh - 32px));max-height:none;margin:auto;padding:0;border:0;border-radius:12px;" +
    "overflow:hidden;background:#fff;box-shadow:0 24px 64px #0006;overscroll-behavior:contain;outline:0}" +
    "dialog::backdrop{background:#0f1219b3}" +
    "iframe{display:block;width:100%;height:100%;border:0;outline:0}" +
    "@media(max-width:520px){dialog{width:100%;max-width:none;height:100%;border-radius:0}}";

  // prefetch starts the overlay for c, still hidden, on the first Buy intent
  // (hover or focus): its prerendered page and the WASM load while the
  // shopper moves to click. Nothing loads before any intent. (A <link
  // rel=prefetch> would not help: the HTTP cache is partitioned, so the
  // iframe could not use what this page fetched.)
  const prefetch = (c) => frameKey || point(c);

  const build = () => {
    host = d.createElement("div");
    host.setAttribute("data-buycard-overlay", "");
    const r = host.attachShadow({ mode: "open" });
    r.adoptedStyleSheets = [sheet(OVERLAY_CSS)];
    dialog = d.createElement("dialog");
    dialog.className = "bc-dialog";
    dialog.setAttribute("aria-label", "Checkout");
    // The dialog, not the frame, takes focus until the checkout says it
    // loaded: keys sent to a page that failed to load (refused, offline)
    // never reach this one, and Esc must still close.
    dialog.autofocus = true;
    dialog.tabIndex = -1;
    frame = d.createElement("iframe");
    frame.allow = "payment";
    frame.title = "Checkout";
    dialog.append(frame);
    r.append(dialog);
    // A constructed sheet, not an inline style: works under a strict CSP.
    d.adoptedStyleSheets = [...d.adoptedStyleSheets, sheet(`html[${LOCK}]{overflow:hidden}`)];
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      close();
    });
    dialog.addEventListener("close", closed);
    frame.addEventListener("load", () => (loading = false));
    dialog.addEventListener("click", (e) => {
      const b = frame.getBoundingClientRect(), x = e.clientX, y = e.clientY;
      if (e.target === dialog && (x < b.left || x > b.right || y < b.top || y > b.bottom)) close();
    });
  };

  // point aims the overlay at c ({el, widget, token}): a message when the
  // app runs and can switch cards itself, else a new page.
  const point = (c) => {
    if (!host) build();
    // A page that re-renders <body> may have dropped the overlay; re-adding reloads the iframe.
    if (!host.isConnected) {
      ready = false;
      d.body.append(host);
    }
    const { widget, token } = c, key = `${widget} ${token}`;
    if (ready) frame.contentWindow.postMessage({ bc: 1, type: "open", widget, token, lang: LANG }, HOST);
    else if (key !== frameKey) {
      frameKey = key;
      frame.src = src(widget, token);
      // The page being replaced may still announce "ready": ignore it until the new page has loaded.
      ready = ours = false;
      loading = true;
    }
  };

  // open shows the overlay for c; btn gets focus back on close. A popup
  // card opens its checkout window instead, here in the tap (an await
  // before window.open would get it blocked); if blocked, the overlay.
  // The popup's card (pop) and the overlay's (opener) are kept apart:
  // each one's purchase is announced on its own card.
  const open = (c, btn) => {
    if (c.popup && (win = w.open(src(c.widget, c.token, "/popup"), "buycard", "popup,width=480,height=720"))) return (pop = c), win.focus();
    opener = { c, btn };
    point(c);
    if (!dialog.open) {
      scroll = [scrollX, scrollY];
      html.setAttribute(LOCK, "");
      dialog.showModal();
    }
    (ours ? frame : dialog).focus();
  };

  const close = () => dialog?.open && dialog.close();

  // closed runs however the dialog was closed, Esc included. The frame
  // stays loaded, so it is told: it releases the order it was paying.
  const closed = () => {
    frame.contentWindow?.postMessage({ bc: 1, type: "closed" }, HOST);
    html.removeAttribute(LOCK);
    // Without the app the overlay may have gone on to another step's page: reopen from the start.
    if (!ready) frameKey = "";
    const [x, y] = scroll;
    if (scrollX !== x || scrollY !== y) scrollTo({ left: x, top: y, behavior: "instant" });
    if (opener.btn.isConnected) opener.btn.focus({ preventScroll: true });
  };

  // Links on the hosted product page: <a data-buycard-open="wgt_…" href="…?t=TOKEN">.
  d.addEventListener("click", (e) => {
    const a = e.target.closest?.(OPENER);
    if (!a || e.defaultPrevented || e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    const widget = a.getAttribute(OPEN_ATTR), token = parse(a.getAttribute("href"))?.searchParams.get("t");
    if (!WGT.test(widget) || !token) return;
    e.preventDefault();
    // A checkout opened from a link counts as a view and a tap, as the server counts one opened without script.
    const c = { el: a, widget, token };
    track(c, "impression"), track(c, "click"), open(c, a);
  });

  // ---- Messages from the overlay ----
  const int = Number.isSafeInteger, str = (v) => typeof v === "string";
  const order = (o) => {
    const t = o?.total;
    if (str(o?.id) && str(o.number) && int(o.quantity) && int(t?.amount) && str(t.currency) && /^[A-Z]{3}$/.test(t.currency))
      return { id: o.id, number: o.number, quantity: o.quantity, total: { amount: t.amount, currency: t.currency } };
  };
  // Both the app and the page script before it may announce an order: the page hears of it once.
  const announced = new Set();
  w.addEventListener("message", (e) => {
    const m = e.data, fromFrame = frame && e.source === frame.contentWindow;
    if (e.origin !== HOST || !(fromFrame || e.source === win) || m?.bc !== 1) return;
    const c = fromFrame ? opener?.c : pop;
    if (m.type === "ready") fromFrame && (ready = !loading);
    // The checkout's page script runs: hand it the focus.
    else if (m.type === "page") fromFrame && ((ours = true), dialog.open && (frame.blur(), frame.focus()));
    else if (m.type === "close") fromFrame && close();
    else if (m.type === "purchase" && c) {
      const detail = { widget: c.widget, order: order(m.order) };
      if (!detail.order || announced.has(detail.order.id)) return;
      announced.add(detail.order.id);
      c.el.dispatchEvent(new CustomEvent("buycard:purchase", { bubbles: true, composed: true, detail }));
    }
  });

  w.Buycard = Object.freeze({ scan, version: "1" });
  scan();
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) scan(n);
  }).observe(html, { childList: true, subtree: true });
})();
