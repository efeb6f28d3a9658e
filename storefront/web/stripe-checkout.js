// Mounts Stripe's embedded Checkout in the overlay's pay step, inside the
// checkout iframe (never on the publisher's page). The pay step renders an
// empty #bc-stripe-checkout carrying the publishable key and the client
// secret — prerendered by the server, or rendered later by the WASM — and
// this script loads Stripe.js and mounts into it, so paying works before
// and without the WASM. go-app leaves the mounted iframe alone when it
// re-renders; each container is mounted once. A new container (the WASM
// took over the page, or the overlay was reused for another order) first
// destroys the old checkout: Stripe allows one per page.
(() => {
  "use strict";
  const d = document, SRC = "https://js.stripe.com/v3/", MOUNT = "#bc-stripe-checkout";
  const FAILED = "The payment form could not load. Check your connection and try again.";
  let stripe; // promise of window.Stripe
  let mounting = null; // the container being or last mounted
  let current = null; // its embedded checkout, once mounted

  // loadStripe loads Stripe.js once: the prerendered pay page's own tag
  // (deferred after this script, so its load and error events are still
  // to come), or one this script adds.
  const loadStripe = () =>
    (stripe ??= new Promise((resolve, reject) => {
      if (window.Stripe) return resolve(window.Stripe);
      let tag = d.querySelector(`script[src="${SRC}"]`);
      if (!tag) {
        tag = d.createElement("script");
        tag.src = SRC;
        d.head.append(tag);
      }
      const timer = setTimeout(() => reject(new Error("Stripe.js timed out")), 20000);
      tag.addEventListener("load", () => {
        clearTimeout(timer);
        typeof window.Stripe === "function" ? resolve(window.Stripe) : reject(new Error("no Stripe"));
      });
      tag.addEventListener("error", () => {
        clearTimeout(timer);
        tag.remove(); // a retry adds a fresh tag
        reject(new Error("Stripe.js did not load"));
      });
    }).catch((err) => {
      stripe = null;
      throw err;
    }));

  // status shows the loading line, the failure with a retry, or nothing.
  const status = (state) => {
    const el = d.getElementById("bc-stripe-status");
    if (!el) return;
    el.replaceChildren();
    const p = d.createElement("p");
    if (state === "loading") {
      p.className = "bc-status";
      p.setAttribute("role", "status");
      p.textContent = "Loading the payment form…";
      el.append(p);
    } else if (state === "failed") {
      p.className = "bc-error";
      p.setAttribute("role", "alert");
      p.textContent = FAILED;
      const retry = d.createElement("button");
      retry.type = "button";
      retry.id = "bc-primary";
      retry.className = "bc-primary";
      retry.dataset.stripeRetry = "";
      retry.textContent = "Try again";
      el.append(p, retry);
    }
  };

  // mount mounts Stripe's checkout into the container el, once: el is
  // remembered whether it mounted, is mounting or failed, so re-renders
  // and the script's own DOM changes never start a second mount.
  const mount = async (el) => {
    mounting = el;
    status("loading");
    try {
      const Stripe = await loadStripe();
      if (current) {
        current.destroy?.();
        current = null;
      }
      if (el !== mounting || !el.isConnected) return;
      const { publishableKey, clientSecret } = el.dataset;
      if (!publishableKey || !clientSecret) throw new Error("no publishable key or client secret");
      const checkout = await Stripe(publishableKey).initEmbeddedCheckout({ clientSecret });
      if (el !== mounting || !el.isConnected) return checkout.destroy?.();
      checkout.mount(MOUNT);
      current = checkout;
      status("");
    } catch (err) {
      console.warn("buycard: the payment form could not load:", err?.message);
      if (el === mounting) status("failed");
    }
  };

  const check = () => {
    const el = d.querySelector(MOUNT);
    if (el && el !== mounting) mount(el);
  };
  d.addEventListener("click", (e) => {
    const el = d.querySelector(MOUNT);
    if (el && e.target.closest?.("[data-stripe-retry]")) mount(el);
  });
  new MutationObserver(check).observe(d.body, { childList: true, subtree: true });
  check();
})();
