package storefront

import (
	"testing"

	"github.com/buycard/buycard"
)

func startedFlow(lang string) flow {
	f := newFlow(lang)
	f.start(testOffer())
	return f
}

func TestFlowStartsWithDefaultVariant(t *testing.T) {
	f := startedFlow("en-US")
	if f.step != stepChoose || f.variantID != "var_a5" || f.quantity != 1 {
		t.Fatalf("start: step %v, variant %q, quantity %d", f.step, f.variantID, f.quantity)
	}
	if got := f.totalText(); got != "$24.00" {
		t.Errorf("total = %q, want $24.00", got)
	}
}

func TestFlowTotal(t *testing.T) {
	tests := []struct {
		name     string
		currency string
		lang     string
		price    int64
		quantity int
		want     string
	}{
		{"USD", "USD", "en-US", 2400, 3, "$72.00"},
		{"JPY", "JPY", "ja", 4800, 3, "￥14,400"},
		{"KWD", "KWD", "en", 12500, 3, "KWD\u00a037.500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startedFlow(tt.lang)
			f.offer.Currency = tt.currency
			f.offer.Variants[0].Price = tt.price
			f.setQuantity(tt.quantity)
			if got := f.totalText(); got != tt.want {
				t.Errorf("%d × %d %s = %q, want %q", tt.quantity, tt.price, tt.currency, got, tt.want)
			}
		})
	}
}

func TestFlowQuantityIsClamped(t *testing.T) {
	tests := []struct {
		name string
		set  int
		want int
	}{
		{"zero", 0, 1},
		{"negative", -4, 1},
		{"in range", 4, 4},
		{"above available", 7, 5}, // 7 in stock, at most 5 per order
		{"far above", 1000, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := startedFlow("en")
			f.setQuantity(tt.set)
			if f.quantity != tt.want {
				t.Errorf("setQuantity(%d) = %d, want %d", tt.set, f.quantity, tt.want)
			}
		})
	}
}

func TestFlowSelectVariant(t *testing.T) {
	o := testOffer()
	o.Variants[1].Available = 2
	f := newFlow("en")
	f.start(o)
	f.setQuantity(4)
	f.selectVariant("var_a4")
	if f.variantID != "var_a4" || f.quantity != 2 {
		t.Errorf("after choosing A4: variant %q quantity %d, want var_a4 and 2 (clamped)", f.variantID, f.quantity)
	}
	f.selectVariant("var_nope")
	if f.variantID != "var_a4" {
		t.Errorf("an unknown variant was selected: %q", f.variantID)
	}
}

func TestFlowIgnoresSoldOutVariant(t *testing.T) {
	f := startedFlow("en")
	f.selectVariant("var_a4")
	if f.variantID != "var_a5" {
		t.Errorf("sold-out variant selected: %q", f.variantID)
	}
}

func TestFlowUnavailableReason(t *testing.T) {
	tests := []struct {
		name         string
		availability buycard.Availability
		want         string
	}{
		{"buyable", buycard.Buyable, ""},
		{"sold out", buycard.SoldOut, "Sold out"},
		{"unavailable", buycard.Unavailable, "Not available right now"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOffer()
			o.Availability = tt.availability
			f := newFlow("en")
			f.start(o)
			if got := f.unavailableReason(); got != tt.want {
				t.Errorf("unavailableReason = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFlowNoDoubleSubmit(t *testing.T) {
	f := startedFlow("en")
	if !f.begin() {
		t.Fatal("first begin refused")
	}
	if f.begin() {
		t.Fatal("second begin accepted while a request is in flight")
	}
	f.fail(buycard.Errorf(buycard.ECONFLICT, "This option is sold out."))
	if f.busy || f.err != "This option is sold out." {
		t.Errorf("after fail: busy %v err %q", f.busy, f.err)
	}
	if !f.begin() || f.err != "" {
		t.Errorf("begin after fail: busy %v err %q", f.busy, f.err)
	}
}

func TestFlowPayment(t *testing.T) {
	f := startedFlow("en")
	f.checkoutStarted(&checkoutSession{Payment: paymentSession{Provider: "sandbox", ClientSecret: "sec_1"}})
	if f.step != stepPay {
		t.Fatalf("step = %v, want stepPay", f.step)
	}
	if _, ok := f.payRequest(); ok || f.err != english[msgNoCardNumber] {
		t.Errorf("empty card number: ok %v err %q", ok, f.err)
	}
	f.cardNumber = " 4000 0000 0000 0002 "
	r, ok := f.payRequest()
	if !ok || r != (payRequest{ClientSecret: "sec_1", CardNumber: "4000 0000 0000 0002", Lang: "en"}) {
		t.Fatalf("payRequest = %+v, %v", r, ok)
	}
	f.begin()
	f.fail(buycard.Errorf(buycard.EPAYMENT, "Your card was declined. Try another card."))
	if f.step != stepPay || f.err != "Your card was declined. Try another card." {
		t.Errorf("declined: step %v err %q, want to stay on the payment step", f.step, f.err)
	}
	f.begin()
	f.paid(&buycard.Order{Number: "BC-1234-5678"}, "https://buycard.example/order?t=tok")
	if f.step != stepReceipt || f.busy || f.orderPage != "https://buycard.example/order?t=tok" {
		t.Errorf("paid: step %v busy %v order page %q", f.step, f.busy, f.orderPage)
	}
}

func TestFlowRefusesOtherProviders(t *testing.T) {
	for name, p := range map[string]paymentSession{
		"unknown provider":          {Provider: "paypal", ClientSecret: "sec_1"},
		"stripe without key":        {Provider: "stripe", ClientSecret: "cs_1_secret_x"},
		"stripe without the secret": {Provider: "stripe", PublishableKey: "pk_test_1"},
	} {
		f := startedFlow("en")
		f.begin()
		f.checkoutStarted(&checkoutSession{Payment: p})
		if f.step != stepChoose || f.err != english[msgNoTestPayments] || f.busy {
			t.Errorf("%s: step %v err %q busy %v", name, f.step, f.err, f.busy)
		}
	}
}

func TestFlowStripePayment(t *testing.T) {
	f := startedFlow("en")
	f.begin()
	p := paymentSession{Provider: "stripe", SessionID: "cs_1", ClientSecret: "cs_1_secret_x", PublishableKey: "pk_test_1"}
	f.checkoutStarted(&checkoutSession{Payment: p})
	if f.step != stepPay || f.err != "" || f.busy || f.session.Payment != p {
		t.Errorf("stripe session: step %v err %q busy %v session %+v", f.step, f.err, f.busy, f.session)
	}
}

func TestFlowLoadFailed(t *testing.T) {
	f := newFlow("en")
	f.load()
	f.loadFailed(errUnreachable)
	if f.step != stepFailed || f.err != english[msgUnreachable] || !f.retry {
		t.Errorf("network failure: step %v err %q retry %v", f.step, f.err, f.retry)
	}
	f.load()
	f.loadFailed(buycard.Errorf(buycard.EUNAUTHORIZED, "The checkout token is for another card."))
	if f.err != english[msgInvalidLink] || f.retry {
		t.Errorf("bad token: err %q retry %v", f.err, f.retry)
	}
}

// detailsFlow is a flow at the details step of testPhysicalOffer.
func detailsFlow() flow {
	f := newFlow("en-US")
	f.start(testPhysicalOffer())
	f.setQuantity(2)
	f.toDetails()
	return f
}

func TestFlowChooseThenDetails(t *testing.T) {
	f := detailsFlow()
	if f.step != stepDetails || f.variantID != "var_a5" || f.quantity != 2 {
		t.Fatalf("toDetails: step %v, variant %q, quantity %d", f.step, f.variantID, f.quantity)
	}
	o := testPhysicalOffer()
	o.Availability = buycard.SoldOut
	g := newFlow("en")
	g.start(o)
	if g.toDetails(); g.step != stepChoose {
		t.Errorf("a sold-out offer went on to the details step")
	}
}

func TestFlowDetailsErrorsTieToFields(t *testing.T) {
	f := detailsFlow()
	f.details = testDetails()
	f.details.Email = "ada@"
	if _, ok := f.checkoutRequest(); ok || f.errField != fieldEmail || f.err == "" {
		t.Fatalf("bad email: ok %v, field %q, err %q", ok, f.errField, f.err)
	}
	f.setDetail(fieldEmail, "ada@example.com")
	if f.err != "" || f.errField != "" {
		t.Errorf("fixing the field keeps its error: %q on %q", f.err, f.errField)
	}
	f.setDetail(fieldCountry, "FR")
	if _, ok := f.checkoutRequest(); ok || f.errField != fieldCountry {
		t.Errorf("country not shipped to: ok %v, field %q", ok, f.errField)
	}
	f.setDetail(fieldCountry, "US")
	f.setDetail(fieldRate, "shr_std")
	r, ok := f.checkoutRequest()
	if !ok || r.Buyer == nil || r.ShipTo == nil || r.ShippingRateID != "shr_std" || r.DiscountCode != "SPRING25" ||
		r.Token != "bc1.p.k1.token" || r.VariantID != "var_a5" || r.Quantity != 2 {
		t.Errorf("checkoutRequest = %+v, %v", r, ok)
	}
}

func TestFlowOneCountryIsChosen(t *testing.T) {
	o := testPhysicalOffer()
	o.Checkout.ShipCountries = []string{"US"}
	f := newFlow("en")
	f.start(o)
	if f.toDetails(); f.details.Country != "US" {
		t.Errorf("country = %q, want the only one shipped to", f.details.Country)
	}
	if g := detailsFlow(); g.details.Country != "" {
		t.Errorf("country = %q with two to choose from", g.details.Country)
	}
}

func TestFlowCountryChangeDropsTheRate(t *testing.T) {
	f := detailsFlow()
	f.details = testDetails()
	f.setDetail(fieldCountry, "US")
	if f.details.ShippingRateID != "shr_std" {
		t.Errorf("same country dropped the rate")
	}
	f.setDetail(fieldCountry, "DE")
	if f.details.ShippingRateID != "" {
		t.Errorf("new country kept the rate %q", f.details.ShippingRateID)
	}
}

func TestFlowQuotes(t *testing.T) {
	f := detailsFlow()
	if r := f.quoteRequest(); r.ShipTo != nil || r.DiscountCode != "" || r.Quantity != 2 {
		t.Errorf("first quote = %+v, want the choice alone", r)
	}
	f.details = testDetails()
	if r := f.quoteRequest(); r.ShipTo == nil || r.DiscountCode != "" {
		t.Errorf("quote = %+v, want the address and no code until applied", r)
	}
	if r := f.applyRequest(); r.DiscountCode != "SPRING25" {
		t.Errorf("apply = %+v, want the typed code", r)
	}
	q := testQuote()
	q.ShippingRateID = "shr_exp"
	if f.quoted(q, false) {
		t.Error("quoted asks again without a rate to find")
	}
	if f.code != "SPRING25" || f.details.ShippingRateID != "shr_exp" || f.quote != q {
		t.Errorf("after quote: code %q rate %q", f.code, f.details.ShippingRateID)
	}
	f.details.DiscountCode = "WRONG"
	f.quoteFailed(buycard.Errorf(buycard.ENOTFOUND, "This code does not exist."), true)
	if f.errField != FieldDiscountCode || f.err != "This code does not exist." || f.quote != q {
		t.Errorf("code refused: field %q err %q, breakdown kept %v", f.errField, f.err, f.quote == q)
	}
	if r := f.quoteRequest(); r.DiscountCode != "SPRING25" {
		t.Errorf("after a refused code the quote prices %q, want the applied SPRING25", r.DiscountCode)
	}
	f.quoteFailed(errUnreachable, true)
	if f.errField != "" {
		t.Errorf("a network failure is the code field's fault")
	}
}

// A quote that priced clears the error it answers (the address, the
// shipping, the step; the code only when it applied the code) and keeps
// one about the buyer.
func TestFlowQuoteClearsWhatItAnswers(t *testing.T) {
	for _, tt := range []struct {
		field    string
		applying bool
		cleared  bool
	}{
		{fieldPostalCode, false, true},
		{fieldRegion, false, true},
		{fieldRate, false, true},
		{"", false, true},
		{FieldDiscountCode, false, false},
		{FieldDiscountCode, true, true},
		{fieldEmail, true, false},
		{fieldName, false, false},
	} {
		f := detailsFlow()
		f.details = testDetails()
		f.err, f.errField = "wrong", tt.field
		f.quoted(testQuote(), tt.applying)
		if cleared := f.err == "" && f.errField == ""; cleared != tt.cleared {
			t.Errorf("error on %q after a quote (applying %v): %q, cleared %v, want %v", tt.field, tt.applying, f.err, cleared, tt.cleared)
		}
	}
}

func TestFlowNeedsQuote(t *testing.T) {
	f := detailsFlow()
	f.details = testDetails()
	f.details.City = ""
	if f.needsQuote(fieldLine1) || f.needsQuote(FieldDiscountCode) || f.needsQuote(fieldEmail) {
		t.Error("an incomplete address asks for a quote")
	}
	if !f.needsQuote(fieldRate) {
		t.Error("a new shipping option asks for no quote")
	}
	f.setDetail(fieldCity, "Springfield")
	if !f.needsQuote(fieldCity) {
		t.Error("the address became complete and asks for no quote")
	}
	f.quoted(testQuote(), false)
	if f.needsQuote(fieldLine2) || !f.needsQuote(fieldRegion) || !f.needsQuote(fieldCountry) {
		t.Error("after pricing: only the region, the country and the rate change the price")
	}
	f.setDetail(fieldLine1, "")
	if !f.needsQuote(fieldLine1) {
		t.Error("the address became incomplete and its shipping stays priced")
	}
}

func TestFlowChangeKeepsDetails(t *testing.T) {
	f := detailsFlow()
	f.details = testDetails()
	f.quoted(testQuote(), false)
	f.begin()
	s := &checkoutSession{OrderToken: "ot", Payment: paymentSession{Provider: "sandbox", ClientSecret: "sec_1"}}
	s.Order.ID = "ord_1"
	f.checkoutStarted(s)
	if f.step != stepPay {
		t.Fatalf("step = %v", f.step)
	}
	if got := f.change(); got != s {
		t.Errorf("change returned %+v, want the session to release", got)
	}
	if f.step != stepDetails || f.session != nil || f.details != testDetails() || f.quote == nil {
		t.Errorf("after change: step %v, session %v, details %+v", f.step, f.session, f.details)
	}
}

// Change from a pay page the server rendered: the details come from the
// order, and its shipping option is found by name.
func TestFlowChangeFromOrder(t *testing.T) {
	o := testOrder(buycard.OrderPending)
	o.Buyer = &buycard.Buyer{Email: "ada@example.com", Name: "Ada Lovelace"}
	o.ShipTo = testDetails().ShipTo()
	o.DiscountCode, o.ShippingRateName = "SPRING25", "Express"
	f := newFlow("en")
	f.resume(testPhysicalOffer(), o, "ot", paymentSession{Provider: "sandbox", ClientSecret: "sec"}, "")
	f.change()
	if f.step != stepDetails || f.details.Email != "ada@example.com" || f.details.City != "Springfield" || f.code != "SPRING25" {
		t.Fatalf("after change: step %v, details %+v, code %q", f.step, f.details, f.code)
	}
	if r := f.quoteRequest(); r.ShipTo == nil || r.DiscountCode != "SPRING25" {
		t.Errorf("quote after change = %+v", r)
	}
	if !f.quoted(testQuote(), false) || f.details.ShippingRateID != "shr_exp" {
		t.Errorf("the cheapest option was kept, not the order's Express: rate %q", f.details.ShippingRateID)
	}
	q := testQuote()
	q.ShippingRateID = "shr_exp"
	if f.quoted(q, false) {
		t.Error("asks again once the order's option is priced")
	}
}
