package stripeconnect

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
	"github.com/buycard/buycard/ledger"
)

// loadEvent reads a fixture and takes it through VerifyWebhook, as the
// webhook handler will.
func loadEvent(t *testing.T, name string) stripe.Event {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1717171800, 0)
	ev, err := VerifyWebhook(body, stripetest.Sign(body, secret, now), []string{secret}, now, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func usd(n int64) buycard.Money { return buycard.Money{Amount: n, Currency: "USD"} }

func TestTranslate(t *testing.T) {
	at := func(sec int64) time.Time { return time.Unix(sec, 0).UTC() }
	session := func(id string, typ buycard.PaymentEventType, amount int64, msg string) []buycard.PaymentEvent {
		e := buycard.PaymentEvent{ID: id, Provider: "stripe", Type: typ, SessionID: "cs_test_a1b2c3", PaymentID: "pi_3PabcDEF123", Message: msg, OccurredAt: at(1717171717)}
		if amount != 0 {
			e.Amount = usd(amount)
		}
		return []buycard.PaymentEvent{e}
	}
	// A dispute's steps; a closing one opens the dispute first (it may
	// arrive before the opening), as of the dispute's creation.
	dispute := func(id string, typ buycard.PaymentEventType, sec int64) []buycard.PaymentEvent {
		e := buycard.PaymentEvent{ID: id, Provider: "stripe", Type: typ, PaymentID: "pi_3PabcDEF123", Amount: usd(2500), ObjectID: "dp_1Dispute", OccurredAt: at(sec)}
		if typ == buycard.DisputeOpened {
			return []buycard.PaymentEvent{e}
		}
		opened := e
		opened.ID, opened.Type, opened.OccurredAt = "dp_1Dispute:opened", buycard.DisputeOpened, at(1717190000)
		return []buycard.PaymentEvent{opened, e}
	}
	paidSession := Translation{Kind: KindPayment, SessionID: "cs_test_a1b2c3", OrderID: "ord_7f3k92qd", PaymentIntentID: "pi_3PabcDEF123"}
	charge := Translation{ChargeID: "ch_3PabcDEF123", PaymentIntentID: "pi_3PabcDEF123"}
	with := func(base Translation, f func(*Translation)) Translation { f(&base); return base }

	for _, tt := range []struct {
		file    string
		handled bool
		want    Translation // EventID, EventType, OccurredAt and Livemode are checked apart
	}{
		{"checkout_session_completed_paid.json", true, with(paidSession, func(t *Translation) {
			t.Events = session("evt_1PaidCompleted", buycard.PaymentSucceeded, 2500, "")
			t.Events[0].Payer = &buycard.Buyer{Email: "shopper@example.com", Name: "Ada Shopper"}
		})},
		// Shipped with Stripe Tax: the payer (phone normalized), the
		// address (trimmed), and the tax, 0.40 of it on shipping.
		{"checkout_session_completed_shipped_taxed.json", true, with(paidSession, func(t *Translation) {
			t.SessionID = "cs_test_shipped"
			t.Events = session("evt_1PaidShippedTaxed", buycard.PaymentSucceeded, 3212, "")
			t.Events[0].SessionID = "cs_test_shipped"
			t.Events[0].Payer = &buycard.Buyer{Email: "ada@example.com", Name: "Ada Lovelace", Phone: "+12125550100"}
			t.Events[0].ShipTo = &buycard.Address{Name: "Ada Lovelace", Line1: "9 Elm St", City: "Brooklyn", Region: "NY", PostalCode: "11201", Country: "US"}
			t.Events[0].Tax = &buycard.TaxQuote{Tax: 262, OnShipping: 40}
		})},
		{"checkout_session_completed_unpaid.json", true, with(paidSession, func(t *Translation) { t.Kind = KindAwaitingPayment })},
		{"checkout_session_async_payment_succeeded.json", true, with(paidSession, func(t *Translation) {
			t.Events = session("evt_1AsyncSucceeded", buycard.PaymentSucceeded, 2500, "")
			t.Events[0].OccurredAt = at(1717259999)
			t.Events[0].Payer = &buycard.Buyer{Email: "shopper@example.com", Name: "Ada Shopper"}
		})},
		{"checkout_session_async_payment_failed.json", true, with(paidSession, func(t *Translation) {
			t.Events = session("evt_1AsyncFailed", buycard.PaymentFailed, 0, AsyncFailedMessage)
		})},
		{"checkout_session_expired.json", true, with(paidSession, func(t *Translation) {
			t.PaymentIntentID = ""
			t.Events = session("evt_1Expired", buycard.SessionExpired, 0, "")
			t.Events[0].PaymentID = ""
		})},
		{"charge_refunded.json", true, with(charge, func(t *Translation) { t.Kind = KindRefundLookup; t.OrderID = "ord_7f3k92qd" })},
		{"charge_refunded_with_refunds.json", true, with(charge, func(t *Translation) {
			t.Kind, t.OrderID = KindPayment, "ord_7f3k92qd"
			t.Events = []buycard.PaymentEvent{
				{ID: "re_3Second", Provider: "stripe", Type: buycard.PaymentRefunded, PaymentID: "pi_3PabcDEF123", Amount: usd(500), ObjectID: "re_3Second", OccurredAt: at(1717180000)},
				{ID: "re_3First", Provider: "stripe", Type: buycard.PaymentRefunded, PaymentID: "pi_3PabcDEF123", Amount: usd(1000), ObjectID: "re_3First", OccurredAt: at(1717172000)},
			}
		})},
		{"charge_dispute_created.json", true, with(charge, func(t *Translation) {
			t.Kind, t.Events = KindPayment, dispute("dp_1Dispute:opened", buycard.DisputeOpened, 1717190000)
		})},
		{"charge_dispute_created_inquiry.json", true, with(charge, func(t *Translation) { t.Kind = KindNoChange })},
		{"charge_dispute_funds_withdrawn.json", true, with(charge, func(t *Translation) {
			t.Kind, t.Events = KindPayment, dispute("dp_1Dispute:opened", buycard.DisputeOpened, 1717190000)
		})},
		{"charge_dispute_closed_won.json", true, with(charge, func(t *Translation) {
			t.Kind, t.Events = KindPayment, dispute("dp_1Dispute:won", buycard.DisputeWon, 1718500000)
		})},
		{"charge_dispute_closed_lost.json", true, with(charge, func(t *Translation) {
			t.Kind, t.Events = KindPayment, dispute("dp_1Dispute:lost", buycard.DisputeLost, 1718500000)
		})},
		{"account_updated.json", true, Translation{Kind: KindAccount, AccountID: "acct_1Merchant", ChargesEnabled: true, DetailsSubmitted: true}},
		{"transfer_reversed.json", true, Translation{Kind: KindShareReversal, OrderID: "ord_7f3k92qd", ShareReversals: []ledger.Journal{
			shareReversal(t, "trr_2Second", 50, at(1717171700)), shareReversal(t, "trr_1First", 100, at(1717100000)),
		}}},
		{"customer_created.json", false, Translation{}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			ev := loadEvent(t, tt.file)
			got, handled, err := Translate(ev)
			if err != nil {
				t.Fatal(err)
			}
			if handled != tt.handled {
				t.Fatalf("handled = %v, want %v", handled, tt.handled)
			}
			if !handled {
				return
			}
			if got.EventID != ev.ID || got.EventType != string(ev.Type) || got.Livemode || !got.OccurredAt.Equal(time.Unix(ev.Created, 0)) {
				t.Errorf("event fields = %s %s %v %v", got.EventID, got.EventType, got.Livemode, got.OccurredAt)
			}
			got.EventID, got.EventType, got.OccurredAt = "", "", time.Time{}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Translate =\n%+v\nwant\n%+v", got, tt.want)
			}
			// Every event passes the order service's checks as it is:
			// charge events name the order by payment intent.
			for _, e := range got.Events {
				if err := e.Validate(); err != nil {
					t.Errorf("event %s: %v", e.ID, err)
				}
			}
		})
	}
}

// shareReversal is the journal of reversal id of the fixture's share
// transfer.
func shareReversal(t *testing.T, id string, amount int64, at time.Time) ledger.Journal {
	j, err := ledger.ReversalJournal(id, "ord_7f3k92qd", "pub_9x2", usd(amount), at)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestTranslateMalformed(t *testing.T) {
	ev := loadEvent(t, "checkout_session_completed_paid.json")
	ev.Data.Raw = []byte(`{"id":"cs_1","payment_status":"no_payment_required"}`)
	_, handled, err := Translate(ev)
	if !handled {
		t.Error("handled = false")
	}
	wantCode(t, err, buycard.EINVALID)

	ev = loadEvent(t, "charge_dispute_closed_won.json")
	ev.Data.Raw = []byte(`{"id":"dp_1","amount":"lots"}`)
	_, _, err = Translate(ev)
	wantCode(t, err, buycard.EINVALID)
}

func TestRefundEvents(t *testing.T) {
	tr := Translation{ChargeID: "ch_1", PaymentIntentID: "pi_1"}
	got := RefundEvents(tr, []*stripe.Refund{
		{ID: "re_1", Amount: 100, Currency: "eur", Status: stripe.RefundStatusPending, Created: 10},
		{ID: "re_2", Amount: 100, Currency: "eur", Status: stripe.RefundStatusCanceled},
		nil,
	})
	want := []buycard.PaymentEvent{{ID: "re_1", Provider: "stripe", Type: buycard.PaymentRefunded, ObjectID: "re_1", PaymentID: "pi_1",
		Amount: buycard.Money{Amount: 100, Currency: "EUR"}, OccurredAt: time.Unix(10, 0).UTC()}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("RefundEvents = %+v", got)
	}
}
