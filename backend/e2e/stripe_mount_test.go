package e2e

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
)

// The pay step with Stripe: the overlay mounts Stripe's embedded Checkout
// with Stripe.js. Stripe.js cannot load offline, so the browser gets a stub
// in its place (the Fetch domain answers https://js.stripe.com/v3/) that
// records the mount and draws a grey box: the tests stop at the mount call,
// which is where Buycard's part ends and Stripe's begins.

const stripeKey = "pk_test_e2e"

// stripeStub stands in for Stripe.js: Stripe(pk).initEmbeddedCheckout(…)
// resolves to a checkout whose mount records its arguments in
// window.__stripeMount and fills the container. __stripeInits counts the
// checkouts made, __stripeDiscarded those destroyed without a mount.
const stripeStub = `(() => {
  window.__stripeLoads = (window.__stripeLoads || 0) + 1;
  window.__stripeMount ??= [];
  window.__stripeDestroy ??= 0;
  window.__stripeInits ??= 0;
  window.__stripeDiscarded ??= 0;
  window.Stripe = (pk) => ({
    initEmbeddedCheckout: async ({ clientSecret }) => {
      __stripeInits++;
      let box;
      return {
        mount(sel) {
          __stripeMount.push({ pk, clientSecret, sel });
          box = document.createElement("div");
          box.className = "stripe-stub";
          box.textContent = "Stripe Checkout (stub)";
          Object.assign(box.style, { height: "320px", display: "grid", placeItems: "center", background: "#d0d4d9",
            color: "#333", borderRadius: "10px", font: "600 16px system-ui" });
          document.querySelector(sel).append(box);
        },
        destroy() {
          __stripeDestroy++;
          if (!box) __stripeDiscarded++;
          box?.remove();
        },
      };
    },
  });
})();`

// fakeStripe is a payment provider named "stripe" whose sessions look like
// Stripe's embedded Checkout Sessions ("cs_…", secret "cs_…_secret_…").
type fakeStripe struct{}

func (fakeStripe) Name() string { return "stripe" }

func (fakeStripe) CreatePaymentSession(_ context.Context, o *buycard.Order) (*buycard.PaymentSession, error) {
	id := "cs_test_e2e_" + strings.TrimPrefix(o.ID, "ord_")
	return &buycard.PaymentSession{ID: id, ClientSecret: id + "_secret_e2e"}, nil
}

var stripeHost = struct {
	once      sync.Once
	publicURL string
	err       error
}{}

// stripeOrigin starts, once, a second server that pays through fakeStripe
// and returns its origin. server.Main picks the sandbox offline, so this one
// is assembled from the harness server's store, tokens and assets with
// api.New, as server.Main does.
func stripeOrigin(t *testing.T) string {
	t.Helper()
	stripeHost.once.Do(func() {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			stripeHost.err = err
			return
		}
		cfg, svc := h.main.Server.Config, h.main.Server.Services
		cfg.PublicURL = fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
		cfg.StripePublishableKey = stripeKey
		svc.Payments = fakeStripe{}
		stripeHost.publicURL = cfg.PublicURL
		go api.New(cfg, svc).Serve(ln)
	})
	if stripeHost.err != nil {
		t.Fatal(stripeHost.err)
	}
	return stripeHost.publicURL
}

// stripeTab is a tab whose requests for Stripe.js get the stub, or fail
// while fail is set.
type stripeTab struct {
	*tab
	fail atomic.Bool
}

func newStripeTab(t *testing.T) *stripeTab {
	t.Helper()
	st := &stripeTab{tab: newTab(t)}
	paused := make(chan *fetch.EventRequestPaused, 16)
	if err := chromedp.Listen(st.ctx, func(ev any) {
		if ev, ok := ev.(*fetch.EventRequestPaused); ok {
			paused <- ev
		}
	}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			select {
			case ev := <-paused:
				st.answer(ev)
			case <-st.ctx.Done():
				return
			}
		}
	}()
	if _, err := chromedp.Call(st.ctx, fetch.Enable, fetch.EnableParams{
		Patterns: []*fetch.RequestPattern{{URLPattern: "https://js.stripe.com/*"}},
	}); err != nil {
		t.Fatal(err)
	}
	return st
}

func (st *stripeTab) answer(ev *fetch.EventRequestPaused) {
	if st.fail.Load() {
		chromedp.Call(st.ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonInternetDisconnected})
		return
	}
	chromedp.Call(st.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
		RequestID: ev.RequestID, ResponseCode: 200, Body: []byte(stripeStub),
		ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/javascript"}},
	})
}

// blockWasm keeps the WASM from loading in the tab.
func (st *stripeTab) blockWasm() {
	st.t.Helper()
	if _, err := chromedp.Call(st.ctx, network.Enable, network.EnableParams{}); err != nil {
		st.t.Fatal(err)
	}
	block := network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/*.wasm", Block: true}}}
	if _, err := chromedp.Call(st.ctx, network.SetBlockedURLs, block); err != nil {
		st.t.Fatal(err)
	}
}

// chooseURL is the checkout of the notebook on origin, opened directly.
func chooseURL(t *testing.T, origin string) string {
	t.Helper()
	var cards struct {
		Cards map[string]struct{ Token string }
	}
	getJSONAt(t, origin, "GET", "/v1/cards?ids=wgt_notebook", nil, &cards)
	return origin + "/checkout/wgt_notebook?t=" + url.QueryEscape(cards.Cards["wgt_notebook"].Token)
}

// mounted waits for the stub's mount and checks it was called once, with
// the publishable key, the container's client secret and its selector.
func mounted(t *testing.T, ctx context.Context) {
	t.Helper()
	waitFor(t, ctx, `window.__stripeMount?.length >= 1 && !!document.querySelector('#bc-stripe-checkout .stripe-stub')`)
	calls := eval[[]map[string]string](t, ctx, `__stripeMount`)
	secret := eval[string](t, ctx, `document.querySelector('#bc-stripe-checkout').dataset.clientSecret`)
	if len(calls) != 1 {
		t.Fatalf("mount called %d times: %v", len(calls), calls)
	}
	if c := calls[0]; c["pk"] != stripeKey || c["clientSecret"] != secret || c["sel"] != "#bc-stripe-checkout" ||
		!strings.HasPrefix(secret, "cs_test_e2e_") || !strings.HasSuffix(secret, "_secret_e2e") {
		t.Errorf("mount = %v, want %s, %s, #bc-stripe-checkout", c, stripeKey, secret)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('.stripe-stub').length`); n != 1 {
		t.Errorf("%d Stripe forms in the page, want 1", n)
	}
	if got := text(t, ctx, "#bc-stripe-status"); got != "" {
		t.Errorf("status line = %q after the mount", got)
	}
}

// The WASM shows the pay step in place; stripe-checkout.js loads Stripe.js
// and mounts, once, and go-app's re-renders leave the mounted form alone.
func TestStripeMountWithWasm(t *testing.T) {
	t.Parallel()
	origin := stripeOrigin(t)
	st := newStripeTab(t)
	st.do(navigate(chooseURL(t, origin)))
	appReady(t, st.ctx)
	clickIn(t, st.ctx, "#bc-primary") // Continue
	enterDetails(t, st.ctx)
	mounted(t, st.ctx)
	if eval[bool](t, st.ctx, `location.pathname.endsWith('/pay')`) {
		t.Error("the WASM left the page for the pay step")
	}
	screenshot(t, st.ctx, "stripe-pay-stub.png")

	// Re-render the checkout: focus the sentinels (the WASM's focus trap
	// handles them), then check the same container still holds the form.
	eval[bool](t, st.ctx, `(window.__container = document.querySelector('#bc-stripe-checkout'),
		document.querySelectorAll('.bc-sentinel').forEach(s => s.focus()), true)`)
	// The WASM's focus trap has handled them (and re-rendered): focus is
	// back on a control of the panel.
	waitFor(t, st.ctx, `!!document.activeElement?.closest('.bc-checkout') && !document.activeElement.classList.contains('bc-sentinel')`)
	if !eval[bool](t, st.ctx, `window.__container === document.querySelector('#bc-stripe-checkout') &&
		!!__container.querySelector('.stripe-stub')`) {
		t.Error("a re-render replaced the mounted form")
	}
	if n := eval[int](t, st.ctx, `__stripeMount.length * 10 + __stripeLoads`); n != 11 {
		t.Errorf("mounts*10+Stripe.js loads = %d, want 11", n)
	}
	st.noErrors()
}

// Without the WASM the choose form posts, and the prerendered pay page
// (sent with wasm=false) mounts Stripe's form itself.
func TestStripeMountWithoutWasm(t *testing.T) {
	t.Parallel()
	origin := stripeOrigin(t)
	st := newStripeTab(t)
	st.blockWasm()
	st.do(navigate(chooseURL(t, origin)))
	waitFor(t, st.ctx, `!!document.querySelector('#bc-primary')`)
	clickIn(t, st.ctx, "#bc-primary") // Continue: a form post
	enterDetails(t, st.ctx)           // a form post
	waitNavigated(t, st.ctx, `location.pathname.endsWith('/pay') && window.__stripeMount?.length >= 1`)
	mounted(t, st.ctx)
	if !eval[bool](t, st.ctx, `new URLSearchParams(location.search).get('wasm') === 'false'`) {
		t.Error("the Stripe pay page lets the WASM take over")
	}
}

// A prerendered pay page without wasm=false: when the WASM takes over, it
// replaces the page, Stripe's iframe with it. The script then destroys the
// lost checkout before mounting in the new container, so there is never
// more than one.
func TestStripeMountSurvivesWasmTakeover(t *testing.T) {
	t.Parallel()
	origin := stripeOrigin(t)
	var r struct {
		Order      struct{ ID string }
		OrderToken string `json:"order_token"`
		Payment    struct {
			ClientSecret string `json:"client_secret"`
		}
	}
	token, _ := url.ParseQuery(strings.SplitN(chooseURL(t, origin), "?", 2)[1])
	var offer struct{ Variants []struct{ ID string } }
	getJSONAt(t, origin, "GET", "/v1/offers/wgt_notebook?t="+url.QueryEscape(token.Get("t")), nil, &offer)
	getJSONAt(t, origin, "POST", "/v1/checkout", map[string]any{"token": token.Get("t"), "variant_id": offer.Variants[0].ID, "quantity": 1,
		"buyer": testBuyer}, &r)
	st := newStripeTab(t)
	st.do(navigate(origin + "/checkout/wgt_notebook/pay?" + url.Values{
		"order": {r.Order.ID}, "ot": {r.OrderToken}, "cs": {r.Payment.ClientSecret},
	}.Encode()))
	appReady(t, st.ctx)
	// Settled: the container in the page holds a form, and every
	// checkout made has been mounted or thrown away unmounted.
	waitFor(t, st.ctx, `!!document.querySelector('#bc-stripe-checkout .stripe-stub') &&
		__stripeInits === __stripeMount.length + __stripeDiscarded`)
	if n := eval[int](t, st.ctx, `document.querySelectorAll('.stripe-stub').length`); n != 1 {
		t.Errorf("%d Stripe forms in the page, want 1", n)
	}
	if live := eval[int](t, st.ctx, `__stripeMount.length - __stripeDestroy`); live != 1 {
		t.Errorf("%d live embedded checkouts, want 1", live)
	}
	t.Logf("mounts %d, destroyed %d", eval[int](t, st.ctx, `__stripeMount.length`), eval[int](t, st.ctx, `__stripeDestroy`))
	if n := eval[int](t, st.ctx, `__stripeLoads`); n != 1 {
		t.Errorf("Stripe.js ran %d times, want 1", n)
	}
	st.noErrors()
}

// When Stripe.js cannot load, the overlay says so and offers a retry,
// which mounts the form once Stripe.js answers.
func TestStripeLoadFailureShowsRetry(t *testing.T) {
	t.Parallel()
	origin := stripeOrigin(t)
	st := newStripeTab(t)
	st.fail.Store(true)
	st.blockWasm()
	st.do(navigate(chooseURL(t, origin)))
	waitFor(t, st.ctx, `!!document.querySelector('#bc-primary')`)
	clickIn(t, st.ctx, "#bc-primary") // Continue: a form post
	enterDetails(t, st.ctx)           // a form post
	const failed = "The payment form could not load. Check your connection and try again."
	waitNavigated(t, st.ctx, `location.pathname.endsWith('/pay') && document.querySelector('#bc-stripe-status [role=alert]')?.textContent === '`+failed+`'`)
	if !eval[bool](t, st.ctx, `!!document.querySelector('[data-stripe-retry]') && !window.Stripe`) {
		t.Fatal("no retry button after the failure")
	}
	screenshot(t, st.ctx, "stripe-load-failed.png")
	st.fail.Store(false)
	clickIn(t, st.ctx, "[data-stripe-retry]")
	mounted(t, st.ctx)
}
