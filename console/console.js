// The console page's script before its WASM runs: an emailed link
// carries its token in the fragment, which browsers never send to the
// server, so this copies it into the form that spends it. The WASM reads
// the fragment itself.
"use strict";
(() => {
  const m = /^#token=([^&]+)$/.exec(location.hash);
  if (!m) return;
  for (const input of document.querySelectorAll('form input[name="token"]')) input.value = decodeURIComponent(m[1]);
})();
