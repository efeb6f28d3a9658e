// Before the WASM app runs, the prerendered checkout already answers Esc and
// its close button, so a shopper on a slow link is never stuck in the
// overlay. go-app removes #app-wasm-loader once the WASM runs; from then on
// the app handles both itself and this script stands aside.
(() => {
  "use strict";
  const o = new URLSearchParams(location.search).get("o");
  const parentOrigin = (() => {
    try {
      const u = new URL(o);
      return /^https?:$/.test(u.protocol) && u.origin === o ? o : "";
    } catch {
      return "";
    }
  })();
  const close = () => {
    if (!document.getElementById("app-wasm-loader")) return;
    if (parent === window) history.back();
    else if (parentOrigin) parent.postMessage({ bc: 1, type: "close" }, parentOrigin);
  };
  document.addEventListener("keydown", (e) => e.key === "Escape" && close());
  document.addEventListener("click", (e) => e.target.closest?.(".bc-close") && close());
})();
