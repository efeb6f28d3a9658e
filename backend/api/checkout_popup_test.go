package api_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/stripeconnect"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

const publisherOrigin = "http://127.0.0.1:9000"

// The Stripe provider opens hosted sessions for the popup.
var _ api.PaymentSessionOpener = (*stripeconnect.Provider)(nil)

// hostedTest is a server whose payment provider is Stripe, against the
// stateful fake.
type hostedTest struct {
	*testServer
	fake *stripetest.Server
}

// newFakeStripe starts the fake Stripe API and a provider for it whose
// merchants can all take charges.
func newFakeStripe(t *testing.T) (*stripetest.Server, *stripeconnect.Provider) {
	t.Helper()
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	provider, err := stripeconnect.New(stripeconnect.Config{
		SecretKey: "sk_test_api_tests", APIURL: fake.URL, BaseURL: publicURL, MaxRetries: -1,
		MerchantAccount: func(context.Context, string) (string, bool, error) { return "acct_test", true, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	return fake, provider
}

func newHostedTest(t *testing.T) *hostedTest {
	t.Helper()
	fake, provider := newFakeStripe(t)
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.StripePublishableKey = "pk_test_api"
		svc.Payments, svc.TestPayments, svc.StripeReturns = provider, nil, provider
	})
	return &hostedTest{testServer: ts, fake: fake}
}

// popupForm is the popup's choose form: the overlay's, without the WASM.
func (ts *testServer) popupForm(t *testing.T) url.Values {
	f := ts.chooseForm(t, "wgt_notebook", 0, "1")
	f.Set("wasm", "false")
	return f
}

// popupDetails runs the popup's choose form and returns its details form,
// filled in.
func (ts *testServer) popupDetails(t *testing.T) url.Values {
	t.Helper()
	resp, body := ts.postForm(t, "/checkout/wgt_notebook/popup", ts.popupForm(t))
	q := seeOther(t, resp, body, "/checkout/wgt_notebook/details")
	if q.Get("wasm") != "false" || q.Get("popup") != "1" {
		t.Fatalf("popup's details query = %v", q)
	}
	resp, page := ts.do(t, "GET", "/checkout/wgt_notebook/details?"+q.Encode(), "", "")
	if resp.StatusCode != http.StatusOK || !carriesNoWasm(page) || !containsTag(page, "input", `name="popup"`, `value="1"`) {
		t.Fatalf("popup's details page = %d, carries wasm=false %v:\n%s", resp.StatusCode, carriesNoWasm(page), page)
	}
	for k, v := range buyerDetails() {
		q[k] = v
	}
	return q
}

// The popup's first page runs without the WASM, and its form posts to the
// popup's own path so the server knows to open a hosted session.
func TestPopupPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	q := url.Values{"t": {ts.cardToken(t, "wgt_notebook")}, "o": {publisherOrigin}, "lang": {"en-US"}}
	resp, body := ts.do(t, "GET", "/checkout/wgt_notebook/popup?"+q.Encode(), "", "")
	if got := seeOther(t, resp, body, "/checkout/wgt_notebook/popup"); got.Get("wasm") != "false" || got.Get("t") != q.Get("t") {
		t.Fatalf("popup without wasm=false sent to %v", got)
	}
	q.Set("wasm", "false")
	resp, page := ts.do(t, "GET", "/checkout/wgt_notebook/popup?"+q.Encode(), "", "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") != sandboxCSP {
		t.Fatalf("popup page = %d, CSP %q: %s", resp.StatusCode, resp.Header.Get("Content-Security-Policy"), page)
	}
	for _, want := range []string{`action="/checkout/wgt_notebook/popup"`, `>Continue<`} {
		if !strings.Contains(page, want) {
			t.Errorf("popup page lacks %s", want)
		}
	}
	if !carriesNoWasm(page) {
		t.Error("popup page's form does not carry wasm=false")
	}
}

// carriesNoWasm reports whether page has the hidden input wasm=false.
func carriesNoWasm(page string) bool {
	return containsTag(page, "input", `name="wasm"`, `value="false"`)
}

// containsTag reports whether page has a tag element with all of attrs
// (go-app writes attributes in any order).
func containsTag(page, tag string, attrs ...string) bool {
	for _, el := range regexp.MustCompile(`<`+tag+` [^>]*>`).FindAllString(page, -1) {
		all := true
		for _, a := range attrs {
			all = all && strings.Contains(el, a)
		}
		if all {
			return true
		}
	}
	return false
}

// With the sandbox the popup runs the sandbox's pages in the window, each
// without the WASM, and the receipt learns the publisher's origin.
func TestPopupWithSandbox(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	resp, body := ts.postForm(t, "/checkout/wgt_notebook/details", ts.popupDetails(t))
	q := seeOther(t, resp, body, "/checkout/wgt_notebook/pay")
	if q.Get("wasm") != "false" || q.Get("o") != publisherOrigin {
		t.Fatalf("pay page query = %v", q)
	}
	resp, page := ts.do(t, "GET", "/checkout/wgt_notebook/pay?"+q.Encode(), "", "")
	if resp.StatusCode != http.StatusOK || !carriesNoWasm(page) {
		t.Fatalf("pay page = %d, carries wasm=false: %v", resp.StatusCode, carriesNoWasm(page))
	}
	pay := url.Values{"card_number": {"4242 4242 4242 4242"}}
	for k := range q {
		pay.Set(k, q.Get(k))
	}
	resp, body = ts.postForm(t, "/checkout/wgt_notebook/pay", pay)
	r := seeOther(t, resp, body, "/checkout/wgt_notebook/receipt")
	if r.Get("wasm") != "false" || r.Get("o") != publisherOrigin || r.Get("cs") != "" {
		t.Errorf("receipt query = %v", r)
	}
	if o := ts.order(t, q.Get("order")); o.Status != buycard.OrderPaid {
		t.Errorf("order = %s, want paid", o.Status)
	}
}

// With Stripe the popup's form opens a hosted Checkout Session and sends
// the window to it; Stripe's return leads to the receipt with the
// publisher's origin and still without the WASM.
func TestPopupWithStripe(t *testing.T) {
	t.Parallel()
	ts := newHostedTest(t)
	resp, body := ts.postForm(t, "/checkout/wgt_notebook/details", ts.popupDetails(t))
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "https://checkout.stripe.com/c/pay/cs_test_") {
		t.Fatalf("popup submit = %d to %q: %s", resp.StatusCode, loc, body)
	}
	created := ts.fake.Created("/v1/checkout/sessions")
	if len(created) != 1 || created[0].Get("ui_mode") != "hosted" {
		t.Fatalf("sessions = %v, want one hosted", created)
	}
	success := created[0].Get("success_url")
	if want := publicURL + "/checkout/return?session_id={CHECKOUT_SESSION_ID}&lang=en-US&o=http%3A%2F%2F127.0.0.1%3A9000&wasm=false"; success != want {
		t.Errorf("success_url = %q, want %q", success, want)
	}

	id := strings.TrimPrefix(loc, "https://checkout.stripe.com/c/pay/")
	ts.fake.PaySession(id, "pi_popup")
	resp, body = ts.do(t, "GET", strings.Replace(strings.TrimPrefix(success, publicURL), "{CHECKOUT_SESSION_ID}", id, 1), "", "")
	q := seeOther(t, resp, body, "/checkout/wgt_notebook/receipt")
	if q.Get("o") != publisherOrigin || q.Get("lang") != "en-US" || q.Get("wasm") != "false" {
		t.Errorf("receipt query = %v", q)
	}
	resp, page := ts.do(t, "GET", "/checkout/wgt_notebook/receipt?"+q.Encode(), "", "")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Security-Policy") != stripeCSP {
		t.Fatalf("receipt = %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	if o := ts.order(t, q.Get("order")); o.Status != buycard.OrderPaid || !strings.Contains(page, o.Number) {
		t.Errorf("order %s %s not on the receipt", o.Number, o.Status)
	}
}

// The JSON API's embedded sessions return with the origin and language
// the overlay sends, so the receipt after Stripe can tell the page; values
// that are not an origin are left out, not refused.
func TestCheckoutReturnCarriesOrigin(t *testing.T) {
	t.Parallel()
	for origin, want := range map[string]string{
		publisherOrigin: "&lang=fr&o=http%3A%2F%2F127.0.0.1%3A9000",
		"null":          "&lang=fr",
	} {
		ts := newHostedTest(t)
		resp, body := ts.do(t, "POST", "/v1/checkout", "application/json", jsonBody(map[string]any{
			"token": ts.cardToken(t, "wgt_notebook"), "variant_id": ts.variantID(t, "wgt_notebook", 0), "quantity": 1,
			"origin": origin, "lang": "fr", "buyer": testBuyer,
		}))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("checkout with origin %q = %d: %s", origin, resp.StatusCode, body)
		}
		created := ts.fake.Created("/v1/checkout/sessions")
		if got := created[0].Get("return_url"); got != publicURL+stripeconnect.ReturnPath+want {
			t.Errorf("origin %q: return_url = %q", origin, got)
		}
	}
}

// expiredLink is what a checkout page says about a token it cannot use.
const expiredLink = "This checkout link is no longer valid. Close and try again."

// Bad input to the popup changes nothing: no order (the stock stays), no
// session at Stripe, and a clear error.
func TestPopupBadInput(t *testing.T) {
	t.Parallel()
	// Bad input changes nothing, which each case checks: the cases can
	// share one server per provider.
	servers := map[string]*hostedTest{"sandbox": {testServer: newTestServer(t)}, "stripe": newHostedTest(t)}
	for _, tc := range []struct {
		name, method, path string
		form               func(ts *testServer, f url.Values)
		headers            []string
		status             int
		message            string
	}{
		{"bad token page", "GET", "/checkout/wgt_notebook/popup?wasm=false&t=bc1.forged", nil, nil, 401, expiredLink},
		{"unknown widget page", "GET", "/checkout/wgt_unknown/popup?wasm=false&t=bc1.forged", nil, nil, 404, `Widget "wgt_unknown" not found.`},
		{"bad token", "POST", "/checkout/wgt_notebook/popup", func(_ *testServer, f url.Values) { f.Set("t", "bc1.forged") }, nil, 401, expiredLink},
		{"token of another card", "POST", "/checkout/wgt_notebook/popup", func(ts *testServer, f url.Values) { f.Set("t", ts.cardToken(t, "wgt_oud")) }, nil, 401, expiredLink},
		{"unknown widget", "POST", "/checkout/wgt_unknown/popup", nil, nil, 404, `Widget "wgt_unknown" not found.`},
		{"quantity not a number", "POST", "/checkout/wgt_notebook/popup", func(_ *testServer, f url.Values) { f.Set("quantity", "two") }, nil, 400, "Quantity must be a whole number."},
		{"cross-site post", "POST", "/checkout/wgt_notebook/popup", nil, []string{"Sec-Fetch-Site", "cross-site"}, 403, "This form can only be sent from the checkout page."},
	} {
		for provider, ts := range servers {
			t.Run(tc.name+" "+provider, func(t *testing.T) {
				stock := ts.stock(t, "wgt_notebook", 0)
				resp, body := popupRequest(t, ts.testServer, tc.method, tc.path, tc.form, tc.headers)
				if body = html.UnescapeString(body); resp.StatusCode != tc.status || !strings.Contains(body, tc.message) {
					t.Errorf("= %d, want %d with %q; body %.300s", resp.StatusCode, tc.status, tc.message, body)
				}
				if got := ts.stock(t, "wgt_notebook", 0); got != stock {
					t.Errorf("stock %d → %d: an order was created", stock, got)
				}
				if ts.fake != nil && len(ts.fake.Created("/v1/checkout/sessions")) != 0 {
					t.Error("a session was opened at Stripe")
				}
			})
		}
	}
}

// popupRequest sends a GET to path, or POSTs the popup form changed by
// form.
func popupRequest(t *testing.T, ts *testServer, method, path string, form func(*testServer, url.Values), headers []string) (*http.Response, string) {
	t.Helper()
	if method == "GET" {
		return ts.do(t, method, path, "", "")
	}
	f := ts.popupForm(t)
	if form != nil {
		form(ts, f)
	}
	return ts.postForm(t, path, f, headers...)
}

// Card data tells the loader which cards open in a popup; overlay cards
// say nothing, so their data is as before.
func TestCardDataNamesPopupCheckout(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	card, err := ts.db.FindCard(t.Context(), "wgt_notebook")
	if err != nil {
		t.Fatal(err)
	}
	popup := buycard.Widget{MerchantID: card.Merchant.ID, ProductID: card.Product.ID, CTA: "Buy", CheckoutMode: buycard.CheckoutPopup}
	if err := ts.db.CreateWidget(t.Context(), &popup); err != nil {
		t.Fatal(err)
	}
	_, body := ts.do(t, "GET", "/v1/cards?ids=wgt_notebook,"+popup.ID, "", "")
	var data struct {
		Cards map[string]map[string]any
	}
	if err := json.Unmarshal([]byte(body), &data); err != nil {
		t.Fatal(err)
	}
	if got := data.Cards[popup.ID]["checkout"]; got != "popup" {
		t.Errorf("popup card checkout = %v", got)
	}
	if _, ok := data.Cards["wgt_notebook"]["checkout"]; ok {
		t.Error("overlay card names a checkout mode")
	}
}
