//go:build !wasm

package storefront

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

// detailsLoaders load testPhysicalOffer and price with testQuote,
// recording the quote's request.
func detailsLoaders(got *CheckoutRequest) Loaders {
	return Loaders{
		Offer: func(context.Context, string, string) (*buycard.Offer, error) { return testPhysicalOffer(), nil },
		Quote: func(_ context.Context, r CheckoutRequest) (*Quote, error) {
			*got = r
			return testQuote(), nil
		},
	}
}

func detailsPath(extra url.Values) string {
	q := url.Values{"t": {"bc1.p.k1.token"}, "o": {"https://a.example"}, "lang": {"en-US"}, "variant_id": {"var_a5"}, "quantity": {"2"}}
	for k, v := range extra {
		q[k] = v
	}
	return "/checkout/wgt_abc/details?" + q.Encode()
}

func TestDetailsPrerender(t *testing.T) {
	var got CheckoutRequest
	code, page := getWith(t, detailsLoaders(&got), detailsPath(testDetails().Values()))
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	if got.ShipTo == nil || got.ShipTo.Country != "US" || got.DiscountCode != "SPRING25" || got.Quantity != 2 || got.Buyer != nil {
		t.Errorf("quoted %+v", got)
	}
	for _, want := range []string{
		`action="/checkout/wgt_abc/details"`, `method="post"`, `novalidate`, `>Your details</h2>`,
		`name="t" value="bc1.p.k1.token"`, `name="variant_id" value="var_a5"`, `name="quantity" value="2"`,
		`type="email" id="bc-f-email" autocomplete="email" name="email" value="ada@example.com"`,
		`id="bc-f-name" autocomplete="name"`, `type="tel" id="bc-f-phone" autocomplete="tel"`,
		`id="bc-f-line1" autocomplete="address-line1"`, `id="bc-f-postal_code" autocomplete="postal-code"`,
		`id="bc-f-country" autocomplete="country" name="country"`, `<option selected value="US">United States</option>`,
		`<option value="DE">Germany</option>`, `<option selected value="NY">New York</option>`,
		`type="radio" id="bc-rate-shr_std" checked name="shipping_rate_id" value="shr_std"`,
		`type="radio" id="bc-rate-shr_exp" name="shipping_rate_id" value="shr_exp"`,
		`name="discount_code" value=" SPRING25 "`, `name="action" value="apply"`, `name="action" value="ship"`,
		`>Continue to payment<`,
	} {
		if !containsAttrs(page, want) {
			t.Errorf("details page lacks %s", want)
		}
	}
	if strings.Contains(page, `value="FR"`) {
		t.Error("the country select lists a country the offer does not ship to")
	}
	wantRows(t, page, "Subtotal", "$48.00", "Discount (SPRING25)", "−$12.00", "Shipping (Standard)", "$4.50",
		"Tax", "$3.59", "Total", "$44.09")
	s := pageStateOf(t, page)
	if s.Step != "details" || s.VariantID != "var_a5" || s.Quantity != 2 || s.Quote == nil || s.Quote.Price.Total.Amount != 4409 {
		t.Errorf("page state = %+v", s)
	}
}

// A digital product asks for no address and offers no shipping.
func TestDetailsPrerenderDigital(t *testing.T) {
	l := detailsLoaders(new(CheckoutRequest))
	l.Offer = func(context.Context, string, string) (*buycard.Offer, error) {
		o := testOffer()
		o.Checkout.Kind = buycard.ProductDigital
		return o, nil
	}
	_, page := getWith(t, l, detailsPath(url.Values{"email": {"ada@example.com"}}))
	for _, unwanted := range []string{`name="line1"`, `name="country"`, `name="shipping_rate_id"`, `name="phone"`, `value="ship"`} {
		if strings.Contains(page, unwanted) {
			t.Errorf("digital details page has %s", unwanted)
		}
	}
	if !containsAttrs(page, `name="email" value="ada@example.com"`) || !containsAttrs(page, `name="discount_code"`) {
		t.Error("digital details page lacks the email or the code")
	}
}

func TestDetailsPrerenderFieldError(t *testing.T) {
	var got CheckoutRequest
	extra := testDetails().Values()
	extra.Set(FormErrorParam, "Enter a valid email address.")
	extra.Set(FormErrorFieldParam, fieldEmail)
	_, page := getWith(t, detailsLoaders(&got), detailsPath(extra))
	input := regexp.MustCompile(`<input [^>]*id="bc-f-email"[^>]*>`).FindString(page)
	if !strings.Contains(input, `aria-invalid="true"`) || !strings.Contains(input, `aria-describedby="bc-f-email-hint bc-f-email-error"`) {
		t.Errorf("email input not tied to its error: %s", input)
	}
	if !containsAttrs(page, `<p class="bc-field-error" id="bc-f-email-error">Enter a valid email address.</p>`) {
		t.Error("no error under the email field")
	}
	if hasAlert(page, "Enter a valid email address.") {
		t.Error("a field's error also shows as the step's")
	}
	if s := pageStateOf(t, page); s.ErrorField != fieldEmail {
		t.Errorf("page state error field = %q", s.ErrorField)
	}
	if got.DiscountCode != "SPRING25" {
		t.Errorf("quote dropped a code not at fault: %+v", got)
	}

	extra.Set(FormErrorParam, "This code has expired.")
	extra.Set(FormErrorFieldParam, FieldDiscountCode)
	_, page = getWith(t, detailsLoaders(&got), detailsPath(extra))
	if got.DiscountCode != "" {
		t.Errorf("the code the form was refused for was priced again: %+v", got)
	}
	if !containsAttrs(page, `id="bc-f-discount_code" aria-describedby="bc-f-discount_code-error" aria-invalid="true"`) {
		t.Error("code input not tied to its error")
	}
}

// A quote the prerender cannot get shows why, on the step.
func TestDetailsPrerenderQuoteRefused(t *testing.T) {
	l := detailsLoaders(new(CheckoutRequest))
	l.Quote = func(context.Context, CheckoutRequest) (*Quote, error) {
		return nil, buycard.Errorf(buycard.EINVALID, "Paper & Co doesn't ship to Germany.")
	}
	_, page := getWith(t, l, detailsPath(url.Values{"country": {"DE"}}))
	if !hasAlert(page, "Paper &amp; Co doesn&#39;t ship to Germany.") {
		t.Errorf("refused quote not shown:\n%s", page)
	}
}

func TestPayPrerenderRestatesTheOrder(t *testing.T) {
	o := testOrder(buycard.OrderPending)
	q := testQuote()
	o.OrderPrice, o.Total = q.Price.OrderPrice, q.Price.Total
	var got OrderRequest
	_, page := getOrderPage(t, orderLoader(o, &got), payPath+"&t=bc1.p.k1.token")
	wantRows(t, page, "A5 × 2", "$48.00", "Discount (SPRING25)", "−$12.00", "Shipping (Standard)", "$4.50",
		"Tax", "$3.59", "Total", "$44.09")
	for _, want := range []string{
		`action="/checkout/wgt_abc/change"`, `name="order" value="ord_1"`, `name="t" value="bc1.p.k1.token"`,
		`>Change<`, `>Pay $44.09<`,
	} {
		if !containsAttrs(page, want) {
			t.Errorf("pay page lacks %s", want)
		}
	}
	o.TaxInclusive = true
	_, page = getOrderPage(t, orderLoader(o, &got), payPath)
	wantRows(t, page, "Tax (included)", "$3.59")
}
