package server

import (
	"fmt"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
	"github.com/buycard/buycard/ledger"
)

// TestStripeTaxOnEachStore sells a notebook for a merchant using Stripe
// Tax on a Stripe node: the session asks Stripe for the tax and shows the
// merchant, the completed session's tax, payer's phone and total are stored on
// the order before its sale posts (the commission on the goods only, the
// tax the merchant's), and a completed session whose total was tampered
// with pays nothing and flags the order.
func TestStripeTaxOnEachStore(t *testing.T) {
	onEachStore(t, func(t *testing.T, m *Main, fake *stripetest.Server, merchantID string) {
		ctx := t.Context()
		fake.TaxBPS = 1000
		settings := &buycard.MerchantSettings{MerchantID: merchantID, BusinessName: "Northwind Paper Co.", OriginCountry: "US",
			TaxMode: buycard.TaxStripe, SupportEmail: "help@northwind.example"}
		if err := m.DB.SaveMerchantSettings(ctx, settings); err != nil {
			t.Fatal(err)
		}
		o, session := stripeCheckout(t, m)
		created := fake.Created("/v1/checkout/sessions")[0]
		if created.Get("automatic_tax[enabled]") != "true" || created.Get("line_items[0][price_data][tax_behavior]") != "exclusive" ||
			created.Get("custom_text[submit][message]") != "Sold by Northwind Paper Co. · Questions about your order: help@northwind.example" {
			t.Fatalf("session parameters %v: want Stripe Tax and the merchant's texts", created)
		}

		// The card's holder pays; the checkout's buyer stays the order's,
		// the payer's phone filling in the one the checkout did not ask.
		fake.PaySessionWith(session, "pi_taxed", stripetest.Shopper{Email: "grace@example.com", Name: "Grace Hopper", Phone: "+12125550100"})
		deliver(t, m, string(fake.Event("evt_taxed", "checkout.session.completed", session, time.Now())))
		paid, err := m.DB.FindOrder(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		tax := (o.Total.Amount + 5) / 10
		if paid.Status != buycard.OrderPaid || paid.Tax != tax || paid.Total.Amount != o.Total.Amount+tax ||
			paid.Buyer == nil || *paid.Buyer != (buycard.Buyer{Email: o.Buyer.Email, Name: o.Buyer.Name, Phone: "+12125550100"}) {
			t.Fatalf("order after the webhook: %s, tax %d, total %v, buyer %+v; want paid with %d of tax, the checkout's buyer with the payer's phone",
				paid.Status, paid.Tax, paid.Total, paid.Buyer, tax)
		}
		journals, err := m.DB.OrderJournals(ctx, o.ID)
		if err != nil || len(journals) != 1 {
			t.Fatalf("journals %+v, %v; want the sale", journals, err)
		}
		sale := ledger.SaleOf(paid, ledger.RatesOf(paid))
		c, err := sale.Commission()
		if err != nil || c.Tax != tax || c.Total != paid.Total.Amount ||
			fmt.Sprint(c.Platform+c.Publisher) != created.Get("payment_intent_data[application_fee_amount]") {
			t.Errorf("commission %+v, %v: want the tax outside it and the application fee %s unchanged",
				c, err, created.Get("payment_intent_data[application_fee_amount]"))
		}
		for _, p := range journals[0].Postings {
			if p.Memo == ledger.MemoTax && p.Amount != -tax {
				t.Errorf("tax posting %+v, want the merchant's %d", p, tax)
			}
		}

		// Tampered: the session reports a total of a cent more.
		o, session = stripeCheckout(t, m)
		deliver(t, m, fmt.Sprintf(`{"id":"evt_tampered","object":"event","api_version":"2023-10-16","created":%d,"livemode":false,
			"type":"checkout.session.completed","data":{"object":{"id":%q,"object":"checkout.session","mode":"payment","status":"complete",
			"payment_status":"paid","amount_total":%d,"currency":"usd","client_reference_id":%q,"payment_intent":"pi_tampered",
			"automatic_tax":{"enabled":true,"status":"complete"},"total_details":{"amount_tax":0}}}}`,
			time.Now().Unix(), session, o.Total.Amount+1, o.ID))
		flagged, err := m.DB.FindOrder(ctx, o.ID)
		if err != nil || flagged.Status != buycard.OrderPending || flagged.MismatchedPayment != (buycard.Money{Amount: o.Total.Amount + 1, Currency: "USD"}) {
			t.Fatalf("tampered order %+v, %v: want pending, flagged with what was taken", flagged, err)
		}
		if journals, _ := m.DB.OrderJournals(ctx, o.ID); len(journals) != 0 {
			t.Errorf("journals of the tampered order: %+v, want none", journals)
		}
	})
}
