package api_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

// shipNotebook makes the demo notebook a physical product its merchant
// ships to the United States (Standard $4.50, Express $15.00) and taxes
// at 8.875%, shipping included, with the code SPRING25 for 25% off.
func shipNotebook(t *testing.T, ts *testServer) {
	t.Helper()
	db, err := sql.Open("sqlite", ts.dbPath)
	must(t, err)
	defer db.Close()
	_, err = db.ExecContext(t.Context(), `UPDATE products SET kind = 'physical' WHERE id = 'prd_notebook'`)
	must(t, err)
	ctx := t.Context()
	must(t, ts.db.SaveMerchantSettings(ctx, &buycard.MerchantSettings{MerchantID: "mer_northwind", TaxMode: buycard.TaxRates, TaxShipping: true}))
	must(t, ts.db.CreateShippingZone(ctx, &buycard.ShippingZone{MerchantID: "mer_northwind", Name: "US", Countries: []string{"US"},
		Rates: []buycard.ShippingRate{
			{Name: "Standard", Currency: "USD", Kind: buycard.ShipFlat, Amount: 450},
			{Name: "Express", Currency: "USD", Kind: buycard.ShipFlat, Amount: 1500},
		}}))
	must(t, ts.db.CreateTaxRate(ctx, &buycard.TaxRate{MerchantID: "mer_northwind", Country: "US", RatePPM: 88_750}))
	must(t, ts.db.CreateDiscountCode(ctx, &buycard.DiscountCode{MerchantID: "mer_northwind", Code: "SPRING25", PercentBPS: 2500}))
}

// shipDetails are a buyer's details with an address in New York.
func shipDetails() url.Values {
	d := buyerDetails()
	for k, v := range map[string]string{
		"line1": "1 Main St", "city": "New York", "region": "NY", "postal_code": "10001", "country": "US",
	} {
		d.Set(k, v)
	}
	return d
}

// postDetails posts the details form of choice with d and action.
func (ts *testServer) postDetails(t *testing.T, choice, d url.Values, action string) (*http.Response, string) {
	t.Helper()
	form := url.Values{}
	for _, q := range []url.Values{choice, d} {
		for k, v := range q {
			form[k] = v
		}
	}
	if action != "" {
		form.Set("action", action)
	}
	return ts.postForm(t, "/checkout/wgt_notebook/details", form)
}

// rateID is the id of the shipping option called name on a details page.
func rateID(t *testing.T, page, name string) string {
	t.Helper()
	m := regexp.MustCompile(`value="(shr_[0-9a-z]+)"[^>]*>\s*<span class="bc-option-name">` + name + `<`).FindStringSubmatch(page)
	if m == nil {
		m = regexp.MustCompile(`id="bc-rate-(shr_[0-9a-z]+)"[^>]*>\s*<span class="bc-option-name">` + name + `<`).FindStringSubmatch(page)
	}
	if m == nil {
		t.Fatalf("no shipping option %s on:\n%s", name, page)
	}
	return m[1]
}

// wantRow checks that page lists term with value.
func wantRow(t *testing.T, page, term, value string) {
	t.Helper()
	if !regexp.MustCompile(`<dt>` + regexp.QuoteMeta(term) + `</dt>\s*<dd>` + regexp.QuoteMeta(value) + `</dd>`).MatchString(page) {
		t.Errorf("page lacks the row %s: %s", term, value)
	}
}

// A physical purchase without the WASM: the address prices the shipping
// options, the code the discount, the order restates all of it, and
// Change goes back to the details as they were, releasing the order.
func TestDetailsFormPhysicalPurchase(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	shipNotebook(t, ts)
	stock := ts.stock(t, "wgt_notebook", 0)
	choice := ts.chooseDetails(t, "wgt_notebook", "2")

	resp, page := ts.postDetails(t, choice, shipDetails(), "ship")
	if resp.StatusCode != 200 {
		t.Fatalf("update shipping = %d: %s", resp.StatusCode, page)
	}
	wantCheckoutHeaders(t, resp)
	express := rateID(t, page, "Express")
	for _, want := range []string{`>Standard<`, `>$4.50<`, `>$15.00<`, `value="1 Main St"`, `<option selected value="US">United States</option>`} {
		if !strings.Contains(page, want) {
			t.Errorf("priced details page lacks %s", want)
		}
	}
	wantRow(t, page, "Shipping (Standard)", "$4.50")
	wantRow(t, page, "Tax", "$4.66") // 8.875% of $48.00 and of $4.50, each rounded
	wantRow(t, page, "Total", "$57.16")

	d := shipDetails()
	d.Set("discount_code", "spring25")
	resp, page = ts.postDetails(t, choice, d, "apply")
	if resp.StatusCode != 200 {
		t.Fatalf("apply = %d: %s", resp.StatusCode, page)
	}
	wantRow(t, page, "Discount (SPRING25)", "−$12.00")
	wantRow(t, page, "Tax", "$3.60")    // 8.875% of $36.00 and of $4.50
	wantRow(t, page, "Total", "$44.10") // 48 − 12 + 4.50 + 3.60
	if got := ts.stock(t, "wgt_notebook", 0); got != stock || ts.pendingOrders(t) != 0 {
		t.Fatalf("pricing held stock (%d → %d) or made orders", stock, got)
	}

	d.Set("shipping_rate_id", express)
	resp, body := ts.postDetails(t, choice, d, "")
	q := seeOther(t, resp, body, "/checkout/wgt_notebook/pay")
	o := ts.order(t, q.Get("order"))
	if o.Buyer == nil || o.Buyer.Email != "ada@example.com" || o.ShipTo == nil || o.ShipTo.City != "New York" ||
		o.DiscountCode != "SPRING25" || o.ShippingRateName != "Express" || o.Discount != 1200 || o.Shipping != 1500 {
		t.Fatalf("order = %+v", o)
	}
	if got := ts.stock(t, "wgt_notebook", 0); got != stock-2 {
		t.Errorf("stock = %d, want %d", got, stock-2)
	}
	resp, page = ts.do(t, "GET", "/checkout/wgt_notebook/pay?"+q.Encode(), "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("pay page = %d", resp.StatusCode)
	}
	total := o.Total.Format("en")
	wantRow(t, page, "Standard × 2", "$48.00")
	wantRow(t, page, "Discount (SPRING25)", "−$12.00")
	wantRow(t, page, "Shipping (Express)", "$15.00")
	wantRow(t, page, "Total", total)
	if !strings.Contains(page, `action="/checkout/wgt_notebook/change"`) || !strings.Contains(page, "Pay "+total) {
		t.Errorf("pay page lacks Change or Pay %s", total)
	}

	change := url.Values{}
	for _, k := range []string{"order", "ot", "cs", "t", "o", "lang"} {
		change.Set(k, q.Get(k))
	}
	resp, page = ts.postForm(t, "/checkout/wgt_notebook/change", change)
	if resp.StatusCode != 200 {
		t.Fatalf("change = %d: %s", resp.StatusCode, page)
	}
	if o := ts.order(t, q.Get("order")); o.Status != buycard.OrderCanceled {
		t.Errorf("changed order = %s, want canceled", o.Status)
	}
	if got := ts.stock(t, "wgt_notebook", 0); got != stock {
		t.Errorf("stock after change = %d, want %d back", got, stock)
	}
	for _, want := range []string{`value="ada@example.com"`, `value="1 Main St"`, `value="SPRING25"`, `value="2"`} {
		if !strings.Contains(page, want) {
			t.Errorf("details after change lack %s", want)
		}
	}
	if !regexp.MustCompile(`<input [^>]*checked[^>]*value="` + express + `"`).MatchString(page) {
		t.Error("details after change do not keep Express")
	}
}

// Bad details get a 4xx with the message on the details step, tied to the
// field at fault, and write nothing: no order, no stock held.
func TestDetailsFormRejected(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	shipNotebook(t, ts)
	choice := ts.chooseDetails(t, "wgt_notebook", "1")
	with := func(action string, edit func(url.Values)) url.Values {
		d := shipDetails()
		d.Set("action", action)
		edit(d)
		return d
	}
	tests := []struct {
		name    string
		form    url.Values
		status  int
		field   string
		message string
	}{
		{"bad email", with("", func(d url.Values) { d.Set("email", "ada@") }), 400, "email", ""},
		{"no email", with("", func(d url.Values) { d.Del("email") }), 400, "email", "Enter your email address."},
		{"no street", with("", func(d url.Values) { d.Del("line1") }), 400, "line1", "Enter the street address."},
		{"no street to price shipping", with("ship", func(d url.Values) { d.Del("line1") }), 400, "line1", "Enter the street address."},
		{"country not shipped to", with("ship", func(d url.Values) { d.Set("country", "FR") }), 400, "country", "Choose a country this shop ships to."},
		{"bad postal code", with("", func(d url.Values) { d.Set("postal_code", "1") }), 400, "", "Enter a postal code of United States, such as 12345 or 12345-6789."},
		{"no shipping option", with("", func(url.Values) {}), 400, "shipping_rate_id", "Choose a shipping option."},
		{"not an option", with("", func(d url.Values) { d.Set("shipping_rate_id", "shr_forged") }), 400, "", "Choose one of the shipping options for United States."},
		{"unknown code", with("apply", func(d url.Values) { d.Set("discount_code", "NOPE") }), 404, "discount_code", ""},
		{"unknown code on continue", with("", func(d url.Values) { d.Set("discount_code", "NOPE") }), 404, "", ""},
	}
	stock := ts.stock(t, "wgt_notebook", 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.form.Get("shipping_rate_id") == "" && tt.field != "shipping_rate_id" {
				tt.form.Set("shipping_rate_id", "shr_any")
			}
			resp, page := ts.postDetails(t, choice, tt.form, "")
			if resp.StatusCode != tt.status || !strings.Contains(page, tt.message) || !strings.Contains(page, "Your details") {
				t.Fatalf("= %d, want %d with %q:\n%s", resp.StatusCode, tt.status, tt.message, page)
			}
			if tt.field != "" && !strings.Contains(page, `id="bc-f-`+tt.field+`-error"`) {
				t.Errorf("the error is not tied to %s", tt.field)
			}
			if !strings.Contains(page, `value="Ada Lovelace"`) {
				t.Error("the re-rendered step lost what was typed")
			}
		})
	}
	if got := ts.stock(t, "wgt_notebook", 0); got != stock || ts.pendingOrders(t) != 0 {
		t.Errorf("rejected details moved stock %d → %d or made orders", stock, got)
	}
}

// The shipping options' names are merchant text too: stored hostile,
// they cannot change the details page that lists them. (Names with
// control characters the price refuses, with a 400 on the same step.)
func TestShippingNamesCannotChangeDetailsPage(t *testing.T) {
	t.Parallel()
	render := func(t *testing.T, name string) (renderedPage, int) {
		ts := newTestServer(t)
		shipNotebook(t, ts)
		db, err := sql.Open("sqlite", ts.dbPath)
		must(t, err)
		defer db.Close()
		_, err = db.ExecContext(t.Context(), `UPDATE shipping_rates SET name = ?1`, name)
		must(t, err)
		resp, page := ts.postDetails(t, ts.chooseDetails(t, "wgt_notebook", "1"), shipDetails(), "ship")
		return parsePage(t, "details", page), resp.StatusCode
	}
	want, _ := render(t, "Post")
	for i, text := range markupBreakers {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			got, status := render(t, text)
			switch {
			case status == 400 && slices.Contains(got.texts, "The shipping rate name must not contain control characters or text direction controls."):
			case status != 200:
				t.Errorf("details with text %q = %d", text, status)
			case got.tree != want.tree:
				t.Errorf("the element tree changed with text %q:\n%s", text, diffLines(want.tree, got.tree))
			case !slices.Contains(got.texts, strings.ReplaceAll(text, "\x00", "")):
				t.Errorf("the option's name %q is not shown whole", text)
			}
		})
	}
}
