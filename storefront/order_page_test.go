//go:build !wasm

package storefront

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

// getOrderPage serves path with a prerender that loads orders with load.
func getOrderPage(t *testing.T, load OrderLoader, path string) (int, string) {
	t.Helper()
	return getWith(t, Loaders{Order: load}, path)
}

func orderLoader(o *buycard.Order, got *OrderRequest) OrderLoader {
	return func(_ context.Context, r OrderRequest) (*OrderView, error) {
		*got = r
		return &OrderView{Order: o, Offer: buycard.NewOffer(testCard(), "")}, nil
	}
}

const payPath = "/checkout/wgt_abc/pay?order=ord_1&ot=bc1.o.k1.tok&cs=sbx.ord_1.mac&o=https%3A%2F%2Fa.example&lang=en-US"

func TestPayPrerender(t *testing.T) {
	var got OrderRequest
	code, page := getOrderPage(t, orderLoader(testOrder(buycard.OrderPending), &got), payPath+"&"+FormErrorParam+"=Your+card+was+declined.")
	want := OrderRequest{WidgetID: "wgt_abc", OrderID: "ord_1", OrderToken: "bc1.o.k1.tok", ClientSecret: "sbx.ord_1.mac"}
	if code != 200 || got != want {
		t.Fatalf("status %d, loader called with %+v", code, got)
	}
	for _, want := range []string{
		`Leather notebook</h1>`, `Test payment — no real money moves`,
		`action="/checkout/wgt_abc/pay"`, `method="post"`, `name="card_number"`,
		`name="ot" value="bc1.o.k1.tok"`, `name="cs" value="sbx.ord_1.mac"`, `name="order" value="ord_1"`,
		`name="o" value="https://a.example"`, `type="submit"`, `>Pay $48.00<`,
		`Use 4242 4242 4242 4242 (succeeds)`,
	} {
		if !containsAttrs(page, want) {
			t.Errorf("pay page lacks %s", want)
		}
	}
	if !hasAlert(page, "Your card was declined.") {
		t.Error("pay page does not show the form error as an alert")
	}
	state := pageStateOf(t, page)
	if state.Step != "pay" || state.Order == nil || state.Order.ID != "ord_1" || state.ClientSecret != "sbx.ord_1.mac" || state.Origin != "https://a.example" {
		t.Errorf("page state = %+v", state)
	}
}

func TestReceiptPrerender(t *testing.T) {
	var got OrderRequest
	o := testOrder(buycard.OrderPaid)
	o.ProductTitle = `Notebook </script><script>alert(1)</script>`
	const pageURL = "https://buycard.example/order?t=bc1.op.k1.tok"
	load := func(_ context.Context, r OrderRequest) (*OrderView, error) {
		got = r
		return &OrderView{Order: o, Offer: buycard.NewOffer(testCard(), ""), PageURL: pageURL}, nil
	}
	code, page := getOrderPage(t, load, "/checkout/wgt_abc/receipt?order=ord_1&ot=bc1.o.k1.tok&lang=en")
	if code != 200 || got.ClientSecret != "" {
		t.Fatalf("status %d, loader called with %+v", code, got)
	}
	for _, want := range []string{
		`Thank you! Your order is confirmed.`, `>BC-7F3K-92QD<`,
		`&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;`, `action="/p/wgt_abc"`, `>Done<`,
		`href="` + pageURL + `" target="_blank" rel="noopener"`, `>Your order page: tracking`,
	} {
		if !containsAttrs(page, want) {
			t.Errorf("receipt lacks %s", want)
		}
	}
	wantRows(t, page, "A5 × 2", "$48.00", "Total", "$48.00")
	if strings.Contains(page, "<script>alert(1)") || strings.Contains(page, "card_number") {
		t.Error("receipt page is not escaped, or offers the payment form")
	}
	if s := pageStateOf(t, page); s.Step != "receipt" || s.Order == nil || s.Order.ProductTitle != o.ProductTitle || s.ClientSecret != "" || s.PageURL != pageURL {
		t.Errorf("page state = %+v", s)
	}
}

func TestOrderPrerenderRejected(t *testing.T) {
	load := func(context.Context, OrderRequest) (*OrderView, error) {
		return nil, buycard.Errorf(buycard.EFORBIDDEN, "The order token is for another order.")
	}
	_, page := getOrderPage(t, load, payPath)
	if !strings.Contains(page, "The order token is for another order.") || strings.Contains(page, "card_number") || strings.Contains(page, `id="bc-offer"`) {
		t.Errorf("rejected order page:\n%s", page)
	}
	if s := pageStateOf(t, page); s.Step != "failed" || s.Order != nil {
		t.Errorf("page state = %+v", s)
	}
}

func TestChoosePrerenderIsAForm(t *testing.T) {
	_, page := get(t, func(context.Context, string, string) (*buycard.Offer, error) { return testOffer(), nil },
		checkoutPath+"&quantity=3&variant_id=var_a5&"+FormErrorParam+"=Too+many.")
	for _, want := range []string{
		`action="/checkout/wgt_abc"`, `method="post"`, `name="t" value="bc1.p.k1.token"`, `name="lang" value="en-US"`,
		`name="variant_id"`, `name="quantity"`, `value="3"`, `type="submit"`,
	} {
		if !containsAttrs(page, want) {
			t.Errorf("choose step lacks %s", want)
		}
	}
	if !hasAlert(page, "Too many.") {
		t.Error("choose step does not show the form error as an alert")
	}
	s := pageStateOf(t, page)
	if p := s.Prices["var_a5"]; p.Unit != "$24.00" || len(p.Totals) != 5 || p.Totals[2] != "$72.00" {
		t.Errorf("prices = %+v", s.Prices)
	}
	if _, ok := s.Prices["var_a4"]; ok {
		t.Error("a sold-out variant has prices")
	}
}

// wantRows checks that page lists each term with its value, in a
// description list.
func wantRows(t *testing.T, page string, termsAndValues ...string) {
	t.Helper()
	for i := 0; i+1 < len(termsAndValues); i += 2 {
		term, value := termsAndValues[i], termsAndValues[i+1]
		if !regexp.MustCompile(`<dt>` + regexp.QuoteMeta(term) + `</dt>\s*<dd>` + regexp.QuoteMeta(value) + `</dd>`).MatchString(page) {
			t.Errorf("page lacks the row %s: %s", term, value)
		}
	}
}

// containsAttrs reports whether page holds want, or a start tag with all of
// want's space-separated attributes: go-app writes them in any order.
func containsAttrs(page, want string) bool {
	if strings.Contains(page, want) {
		return true
	}
	for _, tag := range startTag.FindAllString(page, -1) {
		all := true
		for _, a := range strings.Fields(want) {
			all = all && strings.Contains(tag, " "+a)
		}
		if all {
			return true
		}
	}
	return false
}

var startTag = regexp.MustCompile(`<[a-z]+ [^>]*>`)

// hasAlert reports whether page shows message in a role=alert element.
func hasAlert(page, message string) bool {
	return regexp.MustCompile(`<p [^>]*role="alert"[^>]*>` + regexp.QuoteMeta(message) + `</p>`).MatchString(page)
}

func pageStateOf(t *testing.T, page string) pageState {
	t.Helper()
	m := regexp.MustCompile(`<script type="application/json" id="bc-state">(.*?)</script>`).FindStringSubmatch(page)
	var s pageState
	if m == nil || json.Unmarshal([]byte(m[1]), &s) != nil {
		t.Fatalf("no page state in:\n%s", page)
	}
	return s
}

const stripePayPath = "/checkout/wgt_abc/pay?order=ord_1&ot=bc1.o.k1.tok&cs=cs_test_1_secret_x&o=https%3A%2F%2Fa.example&lang=en-US"

func stripeOrderLoader(o *buycard.Order) OrderLoader {
	return func(_ context.Context, r OrderRequest) (*OrderView, error) {
		return &OrderView{Order: o, Offer: buycard.NewOffer(testCard(), ""), Provider: "stripe", PublishableKey: "pk_test_1"}, nil
	}
}

// With Stripe the pay step is the mount container stripe-checkout.js fills,
// Stripe.js, and a note for browsers without JavaScript: no test cards.
func TestStripePayPrerender(t *testing.T) {
	code, page := getOrderPage(t, stripeOrderLoader(testOrder(buycard.OrderPending)), stripePayPath)
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	for _, want := range []string{
		`id="bc-stripe-checkout" data-publishable-key="pk_test_1" data-client-secret="cs_test_1_secret_x"`,
		`id="bc-stripe-status"`,
		`src="https://js.stripe.com/v3/" defer`,
		`>Pay $48.00</h2>`,
		`<noscript>`,
		`<p class="bc-note">Paying by card needs JavaScript. Turn it on and reload this page.</p>`,
	} {
		if !containsAttrs(page, want) {
			t.Errorf("stripe pay page lacks %s", want)
		}
	}
	for _, unwanted := range []string{`Test payment`, `name="card_number"`, `data-card=`, `action="/checkout/wgt_abc/pay"`} {
		if strings.Contains(page, unwanted) {
			t.Errorf("stripe pay page shows the sandbox's %s", unwanted)
		}
	}
	if n := strings.Count(page, `id="bc-stripe-checkout"`); n != 1 {
		t.Errorf("%d mount containers, want 1", n)
	}
	state := pageStateOf(t, page)
	if state.Step != "pay" || state.Provider != "stripe" || state.PublishableKey != "pk_test_1" || state.ClientSecret != "cs_test_1_secret_x" {
		t.Errorf("page state = %+v", state)
	}
}

// The sandbox's pay step has no trace of Stripe.
func TestSandboxPayPrerenderHasNoStripe(t *testing.T) {
	var got OrderRequest
	_, page := getOrderPage(t, orderLoader(testOrder(buycard.OrderPending), &got), payPath)
	for _, unwanted := range []string{`bc-stripe`, `js.stripe.com`, `stripe-checkout.js`, `data-publishable-key`} {
		if strings.Contains(page, unwanted) {
			t.Errorf("sandbox pay page contains %s", unwanted)
		}
	}
	if state := pageStateOf(t, page); state.Provider != "sandbox" || state.PublishableKey != "" {
		t.Errorf("page state provider %q key %q", state.Provider, state.PublishableKey)
	}
}

// The WASM pay component: the same container for Stripe, the test cards
// otherwise.
func TestPayStepByProvider(t *testing.T) {
	c := &checkout{params: checkoutParams{widgetID: "wgt_abc", lang: "en-US"}, flow: newFlow("en-US")}
	c.flow.resume(testOffer(), testOrder(buycard.OrderPending), "bc1.o.k1.tok",
		paymentSession{Provider: "stripe", ClientSecret: "cs_test_1_secret_x", PublishableKey: "pk_test_1"}, "")
	stripe, ok := c.renderPayment().(*stripeStep)
	if !ok || *stripe != (stripeStep{Total: "$48.00", Lang: "en-US", PublishableKey: "pk_test_1", ClientSecret: "cs_test_1_secret_x"}) {
		t.Errorf("stripe pay step = %#v", c.renderPayment())
	}
	c.flow.resume(testOffer(), testOrder(buycard.OrderPending), "bc1.o.k1.tok",
		paymentSession{Provider: "sandbox", ClientSecret: "sbx.ord_1.mac"}, "")
	if _, ok := c.renderPayment().(*paymentStep); !ok {
		t.Errorf("sandbox pay step = %#v", c.renderPayment())
	}
}

// Only a server that pays through Stripe loads stripe-checkout.js, on every
// checkout page: the WASM shows the pay step in place of the choose page.
func TestHandlerLoadsStripeScript(t *testing.T) {
	Register()
	for _, stripe := range []bool{false, true} {
		h := NewHandler(HandlerOptions{WasmPath: "/web/app.3f2a.wasm", Version: "v1", Stripe: stripe})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/checkout/wgt_abc", nil))
		page := rec.Body.String()
		if got := containsAttrs(page, `src="/web/stripe-checkout.js" defer`); got != stripe {
			t.Errorf("Stripe %v: loads stripe-checkout.js %v", stripe, got)
		}
		if !containsAttrs(page, `src="/web/checkout.js" defer`) {
			t.Errorf("Stripe %v: checkout.js is missing", stripe)
		}
	}
}
