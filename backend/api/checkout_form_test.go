package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

const formType = "application/x-www-form-urlencoded"

// postForm posts a checkout form as the overlay page would, same-origin.
func (ts *testServer) postForm(t *testing.T, path string, form url.Values, headers ...string) (*http.Response, string) {
	t.Helper()
	headers = append([]string{"Origin", publicURL, "Sec-Fetch-Site", "same-origin"}, headers...)
	return ts.do(t, "POST", path, formType, form.Encode(), headers...)
}

// chooseForm is the choose step's form for variant i and quantity q.
func (ts *testServer) chooseForm(t *testing.T, widgetID string, i int, q string) url.Values {
	return url.Values{
		"t": {ts.cardToken(t, widgetID)}, "o": {"http://127.0.0.1:9000"}, "lang": {"en-US"},
		"variant_id": {ts.variantID(t, widgetID, i)}, "quantity": {q}, "email": {"ann@example.com"}, "name": {"Ann Lee"},
	}
}

// seeOther checks a 303 to the checkout page at path and returns its query.
func seeOther(t *testing.T, resp *http.Response, body, path string) url.Values {
	t.Helper()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || err != nil || loc.Path != path {
		t.Fatalf("= %d to %q, want 303 to %s; body %s", resp.StatusCode, resp.Header.Get("Location"), path, body)
	}
	if resp.Header.Get("Referrer-Policy") != "same-origin" {
		t.Errorf("Referrer-Policy = %q", resp.Header.Get("Referrer-Policy"))
	}
	return loc.Query()
}

func (ts *testServer) order(t *testing.T, id string) *buycard.Order {
	t.Helper()
	o, err := ts.db.FindOrder(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// formCheckout runs the choose and details forms and returns the pay
// page's query.
func (ts *testServer) formCheckout(t *testing.T, quantity string) url.Values {
	t.Helper()
	return ts.formCheckoutOf(t, "wgt_notebook", quantity, buyerDetails())
}

// formCheckoutOf runs the choose form of widgetID and the details form
// with d, and returns the pay page's query.
func (ts *testServer) formCheckoutOf(t *testing.T, widgetID, quantity string, d url.Values) url.Values {
	t.Helper()
	form := ts.chooseDetails(t, widgetID, quantity)
	for k, v := range d {
		form[k] = v
	}
	resp, body := ts.postForm(t, "/checkout/"+widgetID+"/details", form)
	return seeOther(t, resp, body, "/checkout/"+widgetID+"/pay")
}

// chooseDetails runs the choose form of widgetID and returns the details
// page's query: the choice the details form carries.
func (ts *testServer) chooseDetails(t *testing.T, widgetID, quantity string) url.Values {
	t.Helper()
	resp, body := ts.postForm(t, "/checkout/"+widgetID, ts.chooseForm(t, widgetID, 0, quantity))
	return seeOther(t, resp, body, "/checkout/"+widgetID+"/details")
}

// detailsForm is the details form of widgetID's first variant, one unit,
// with buyerDetails.
func (ts *testServer) detailsForm(t *testing.T, widgetID string) url.Values {
	t.Helper()
	form := ts.chooseDetails(t, widgetID, "1")
	for k, v := range buyerDetails() {
		form[k] = v
	}
	return form
}

// buyerDetails are the details form's fields of a buyer of a product that
// does not ship.
func buyerDetails() url.Values {
	return url.Values{"email": {"ada@example.com"}, "name": {"Ada Lovelace"}}
}

func TestCheckoutFormHappyPath(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	before := ts.stock(t, "wgt_notebook", 0)
	choice := ts.chooseDetails(t, "wgt_notebook", "2")
	if choice.Get("variant_id") == "" || choice.Get("quantity") != "2" || choice.Get("t") == "" || choice.Get("o") != "http://127.0.0.1:9000" {
		t.Fatalf("details query = %v", choice)
	}
	resp, page := ts.do(t, "GET", "/checkout/wgt_notebook/details?"+choice.Encode(), "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("details page = %d: %s", resp.StatusCode, page)
	}
	wantCheckoutHeaders(t, resp)
	for _, want := range []string{"Your details", `action="/checkout/wgt_notebook/details"`, `name="email"`, "Continue to payment", "$48.00"} {
		if !strings.Contains(page, want) {
			t.Errorf("details page lacks %s", want)
		}
	}
	if got := ts.stock(t, "wgt_notebook", 0); got != before {
		t.Errorf("the choose and details pages held stock: %d, want %d", got, before)
	}
	q := ts.formCheckout(t, "2")
	if q.Get("order") == "" || q.Get("ot") == "" || q.Get("cs") == "" || q.Get("o") != "http://127.0.0.1:9000" || q.Get("lang") != "en-US" || q.Get("t") == "" {
		t.Fatalf("pay query = %v", q)
	}
	o := ts.order(t, q.Get("order"))
	if o.Status != buycard.OrderPending || o.Quantity != 2 || o.Total.Amount != 4800 || o.Buyer == nil || o.Buyer.Email != "ada@example.com" {
		t.Errorf("order = %+v", o)
	}
	if got := ts.stock(t, "wgt_notebook", 0); got != before-2 {
		t.Errorf("stock = %d, want %d", got, before-2)
	}

	resp, page = ts.do(t, "GET", "/checkout/wgt_notebook/pay?"+q.Encode(), "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("pay page = %d: %s", resp.StatusCode, page)
	}
	wantCheckoutHeaders(t, resp)
	for _, want := range []string{
		"Test payment — no real money moves", "Leather field notebook", "Pay $48.00",
		`action="/checkout/wgt_notebook/pay"`, `name="card_number"`, `value="` + q.Get("cs") + `"`,
		"4242 4242 4242 4242", `id="bc-state"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("pay page lacks %s", want)
		}
	}

	resp, body := ts.postForm(t, "/checkout/wgt_notebook/pay", url.Values{
		"order": {q.Get("order")}, "ot": {q.Get("ot")}, "cs": {q.Get("cs")}, "o": {q.Get("o")}, "lang": {"en-US"},
		"card_number": {"4242 4242 4242 4242"},
	})
	r := seeOther(t, resp, body, "/checkout/wgt_notebook/receipt")
	if r.Get("cs") != "" || r.Get("order") != q.Get("order") || r.Get("ot") != q.Get("ot") {
		t.Errorf("receipt query = %v", r)
	}
	o = ts.order(t, q.Get("order"))
	if o.Status != buycard.OrderPaid {
		t.Fatalf("order after pay = %s", o.Status)
	}
	resp, page = ts.do(t, "GET", "/checkout/wgt_notebook/receipt?"+r.Encode(), "", "")
	for _, want := range []string{"Thank you! Your order is confirmed.", o.Number, "$48.00", `action="/p/wgt_notebook"`} {
		if resp.StatusCode != 200 || !strings.Contains(page, want) {
			t.Errorf("receipt = %d, lacks %s", resp.StatusCode, want)
		}
	}
}

// hasAlert reports whether page shows message in a role=alert element;
// go-app writes attributes in any order.
func hasAlert(page, message string) bool {
	return regexp.MustCompile(`<p [^>]*role="alert"[^>]*>` + regexp.QuoteMeta(message) + `</p>`).MatchString(page)
}

func wantCheckoutHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors *") || !strings.Contains(csp, "form-action 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	if rp := resp.Header.Get("Referrer-Policy"); rp != "same-origin" {
		t.Errorf("Referrer-Policy = %q", rp)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q", cc)
	}
}

func TestCheckoutFormRejected(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	good := func(mod func(url.Values)) url.Values {
		f := ts.chooseForm(t, "wgt_notebook", 0, "1")
		mod(f)
		return f
	}
	tests := []struct {
		name    string
		widget  string
		form    url.Values
		headers []string
		status  int
		message string
	}{
		{"too many", "wgt_notebook", good(func(f url.Values) { f.Set("quantity", "99") }), nil, 400, "You can buy at most 5 at a time."},
		{"not a number", "wgt_notebook", good(func(f url.Values) { f.Set("quantity", "two") }), nil, 400, "Quantity must be a whole number."},
		{"zero", "wgt_notebook", good(func(f url.Values) { f.Set("quantity", "0") }), nil, 400, "Quantity must be at least 1."},
		{"sold out", "wgt_print", ts.chooseForm(t, "wgt_print", 0, "1"), nil, 409, "Sold out"},
		{"tampered token", "wgt_notebook", good(func(f url.Values) { f.Set("t", f.Get("t")[:len(f.Get("t"))-3]+"abc") }), nil, 401, "This checkout link is no longer valid."},
		{"token of another card", "wgt_tee", good(func(url.Values) {}), nil, 401, "This checkout link is no longer valid."},
		{"cross-site origin", "wgt_notebook", good(func(url.Values) {}), []string{"Origin", "https://evil.example"}, 403, "This form can only be sent from the checkout page."},
		{"cross-site fetch", "wgt_notebook", good(func(url.Values) {}), []string{"Sec-Fetch-Site", "cross-site"}, 403, "This form can only be sent from the checkout page."},
	}
	before := ts.stock(t, "wgt_notebook", 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, page := ts.postForm(t, "/checkout/"+tt.widget, tt.form, tt.headers...)
			if resp.StatusCode != tt.status || !strings.Contains(page, tt.message) {
				t.Errorf("= %d, want %d with %q:\n%s", resp.StatusCode, tt.status, tt.message, page)
			}
		})
	}
	t.Run("error shown as alert with the choice kept", func(t *testing.T) {
		_, page := ts.postForm(t, "/checkout/wgt_notebook", good(func(f url.Values) { f.Set("quantity", "99") }))
		if !hasAlert(page, "You can buy at most 5 at a time.") || !strings.Contains(page, `value="5"`) {
			t.Errorf("re-rendered choose step:\n%s", page)
		}
	})
	if resp, _ := ts.do(t, "POST", "/checkout/wgt_notebook", "application/json", "{}"); resp.StatusCode != 415 {
		t.Errorf("JSON body = %d, want 415", resp.StatusCode)
	}
	if got := ts.stock(t, "wgt_notebook", 0); got != before {
		t.Errorf("stock moved from %d to %d after rejected forms", before, got)
	}
}

func TestPayFormDecline(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	q := ts.formCheckout(t, "1")
	form := url.Values{"order": {q.Get("order")}, "ot": {q.Get("ot")}, "cs": {q.Get("cs")}, "card_number": {"4000 0000 0000 0002"}}
	resp, page := ts.postForm(t, "/checkout/wgt_notebook/pay", form)
	if resp.StatusCode != 402 || !hasAlert(page, "Your card was declined. Try another card.") || !strings.Contains(page, "Pay $24.00") {
		t.Errorf("decline = %d:\n%s", resp.StatusCode, page)
	}
	if o := ts.order(t, q.Get("order")); o.Status != buycard.OrderPending {
		t.Errorf("order after decline = %s", o.Status)
	}
	// The receipt of an unpaid order is not shown.
	resp, _ = ts.do(t, "GET", "/checkout/wgt_notebook/receipt?order="+q.Get("order")+"&ot="+url.QueryEscape(q.Get("ot")), "", "")
	if resp.StatusCode != 409 {
		t.Errorf("receipt of a pending order = %d, want 409", resp.StatusCode)
	}
}

func TestOrderPagesNeedTheirTokens(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	a, b := ts.formCheckout(t, "1"), ts.formCheckout(t, "1")
	query := func(order, ot, cs string) string {
		return url.Values{"order": {order}, "ot": {ot}, "cs": {cs}}.Encode()
	}
	tests := []struct {
		name, path string
		status     int
		message    string
	}{
		{"receipt with another order's token", "/checkout/wgt_notebook/receipt?" + query(a.Get("order"), b.Get("ot"), ""), 403, "The order token is for another order."},
		{"pay with another order's secret", "/checkout/wgt_notebook/pay?" + query(a.Get("order"), a.Get("ot"), b.Get("cs")), 403, "The payment session is for another order."},
		{"pay on another card", "/checkout/wgt_tee/pay?" + query(a.Get("order"), a.Get("ot"), a.Get("cs")), 403, "This order was placed on another card."},
		{"tampered order token", "/checkout/wgt_notebook/pay?" + query(a.Get("order"), a.Get("ot")+"x", a.Get("cs")), 401, "The checkout token is not valid."},
		{"expired placement token", "/checkout/wgt_notebook?t=bc1.p.k1.x.y", 401, "This checkout link is no longer valid."},
		{"unknown widget", "/checkout/wgt_nope/pay?" + query(a.Get("order"), a.Get("ot"), a.Get("cs")), 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, page := ts.do(t, "GET", tt.path, "", "")
			if resp.StatusCode != tt.status || !strings.Contains(page, tt.message) {
				t.Errorf("= %d, want %d with %q:\n%s", resp.StatusCode, tt.status, tt.message, page)
			}
			if strings.Contains(page, "card_number") {
				t.Error("an error page offers the payment form")
			}
		})
	}
	// A form error message never comes from the URL.
	_, page := ts.do(t, "GET", "/checkout/wgt_notebook?t="+url.QueryEscape(ts.cardToken(t, "wgt_notebook"))+"&e=Call+555-FAKE", "", "")
	if strings.Contains(page, "555-FAKE") {
		t.Error("the e parameter of a link reached the page")
	}
}

// TestCheckoutFormInFrameNeedsScript: a page may frame the checkout with
// scripts off (<iframe sandbox="allow-forms allow-same-origin">), where
// checkout.js cannot guard Pay against clickjacking. A form posted from a
// frame without the field checkout.js adds is refused and pays nothing;
// in a window of its own the form works without JavaScript.
func TestCheckoutFormInFrameNeedsScript(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		dest   string
		js     string
		status int
		paid   bool
	}{
		{"framed without the script", "iframe", "", 403, false},
		{"framed with the script", "iframe", "1", 303, true},
		{"own window without the script", "document", "", 303, true},
		{"no fetch metadata", "", "", 303, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			q := ts.formCheckout(t, "1")
			form := url.Values{
				"order": {q.Get("order")}, "ot": {q.Get("ot")}, "cs": {q.Get("cs")}, "o": {q.Get("o")}, "lang": {"en"},
				"card_number": {"4242 4242 4242 4242"},
			}
			if tt.js != "" {
				form.Set("js", tt.js)
			}
			resp, body := ts.postForm(t, "/checkout/wgt_notebook/pay", form, "Sec-Fetch-Dest", tt.dest)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if !tt.paid && !strings.Contains(body, "Inside another page this checkout needs JavaScript. Open it in a window of its own to pay without.") {
				t.Errorf("refused page does not say why: %s", body)
			}
			if got := ts.order(t, q.Get("order")).Status == buycard.OrderPaid; got != tt.paid {
				t.Errorf("paid = %v, want %v", got, tt.paid)
			}
		})
	}
}
