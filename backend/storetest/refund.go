package storetest

import (
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// moneyEvent is a provider event after payment about o: a refund or a
// dispute step of amount, under the provider's object id.
func moneyEvent(o *buycard.Order, typ buycard.PaymentEventType, objectID string, amount int64) buycard.PaymentEvent {
	e := event(o, typ)
	e.ObjectID, e.Amount.Amount = objectID, amount
	return e
}

// testRefundsAndDisputes takes a paid order (6200) through a partial
// refund, a lost dispute and a last refund, replaying each event, and
// checks the order and every party's balances against the reference
// model fed the same journals.
func testRefundsAndDisputes(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	o, err := s.CreateOrder(ctx, f.NewOrder(1, 2))
	must(t, err)
	attachSession(t, s, o)
	paid := event(o, buycard.PaymentSucceeded)
	paid.Fee = buycard.Money{Amount: 210, Currency: "USD"}
	paid.PaymentID = "pi_" + o.ID
	o = applyEvent(t, s, paid)

	byPayment := moneyEvent(o, buycard.PaymentRefunded, "re_1", 1000)
	byPayment.SessionID, byPayment.PaymentID = "", paid.PaymentID // as Stripe's charge.refunded names it
	steps := []buycard.PaymentEvent{
		byPayment,
		moneyEvent(o, buycard.DisputeOpened, "dp_1", 2000),
		moneyEvent(o, buycard.DisputeLost, "dp_1", 2000),
		moneyEvent(o, buycard.PaymentRefunded, "re_2", 3200),
	}
	for _, e := range steps {
		applyEvent(t, s, e)
		applyEvent(t, s, e) // replayed: nothing changes
	}
	o, err = s.FindOrder(ctx, o.ID)
	must(t, err)
	if o.Refunded != 4200 || o.DisputeLost != 2000 || o.DisputeHeld != 0 || o.Reversed() != o.Total.Amount {
		t.Fatalf("order after refunds and disputes: refunded %d, lost %d, held %d", o.Refunded, o.DisputeLost, o.DisputeHeld)
	}

	// The model: the same sale and events, built by the ledger package.
	model := ledger.NewMemory()
	sale := ledger.SaleOf(o, ledger.RatesOf(o))
	var reversed int64
	for _, build := range []func() (ledger.Journal, error){
		func() (ledger.Journal, error) { return ledger.SalePaid(sale) },
		func() (ledger.Journal, error) {
			return ledger.ProcessorFee(ledger.Fee{FeeID: paid.ID, OrderID: o.ID, Provider: "sandbox", Amount: paid.Fee, EffectiveAt: ledgerT0})
		},
		func() (ledger.Journal, error) {
			defer func() { reversed += 1000 }()
			return ledger.Refunded(ledger.Refund{Sale: sale, RefundID: "re_1", Amount: 1000, ReversedBefore: reversed, EffectiveAt: ledgerT0})
		},
		func() (ledger.Journal, error) {
			return ledger.DisputeOpened(ledger.Dispute{Sale: sale, DisputeID: "dp_1", Amount: 2000, EffectiveAt: ledgerT0})
		},
		func() (ledger.Journal, error) {
			defer func() { reversed += 2000 }()
			return ledger.DisputeLost(ledger.Dispute{Sale: sale, DisputeID: "dp_1", Amount: 2000, ReversedBefore: reversed, EffectiveAt: ledgerT0})
		},
		func() (ledger.Journal, error) {
			return ledger.Refunded(ledger.Refund{Sale: sale, RefundID: "re_2", Amount: 3200, ReversedBefore: reversed, EffectiveAt: ledgerT0})
		},
	} {
		j, err := build()
		must(t, err)
		_, err = model.Post(ctx, j)
		must(t, err)
	}
	for _, p := range []ledger.Party{ledger.Merchant(f.Merchant.ID), ledger.Publisher(f.Publisher.ID)} {
		got, err := s.Balances(ctx, p)
		must(t, err)
		want, _ := model.Balances(ctx, p)
		wantEqual(t, "balances of "+p.String(), got, want)
		for _, b := range got {
			if b.Amount != 0 {
				t.Errorf("%s = %d after a full reversal, want 0", b.Account, b.Amount)
			}
		}
	}
	journals, err := s.OrderJournals(ctx, o.ID)
	must(t, err)
	if len(journals) != 6 {
		t.Errorf("%d journals for the order, want 6 (sale, fee, refund, dispute opened and lost, refund)", len(journals))
	}
}

// testRefundRejected checks that refunds and disputes that do not fit the
// order are refused and change nothing, not even the event's record (so
// a corrected delivery can still apply).
func testRefundRejected(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	pending := openOrder(t, s, f, 0, 1)
	_, err := s.ApplyPaymentEvent(ctx, moneyEvent(pending, buycard.PaymentRefunded, "re_early", 100))
	wantError(t, err, buycard.ECONFLICT, "This order is pending: only a paid order can be refunded or disputed.")

	o := openOrder(t, s, f, 1, 1) // 3100
	o = applyEvent(t, s, event(o, buycard.PaymentSucceeded))
	tooMuch := moneyEvent(o, buycard.PaymentRefunded, "re_big", 3101)
	_, err = s.ApplyPaymentEvent(ctx, tooMuch)
	wantError(t, err, buycard.EINVALID, "The refund exceeds what is left of the payment.")
	_, err = s.ApplyPaymentEvent(ctx, moneyEvent(o, buycard.DisputeWon, "dp_x", 100))
	wantError(t, err, buycard.EINVALID, "The dispute's outcome does not match the open dispute.")
	wrongCurrency := moneyEvent(o, buycard.PaymentRefunded, "re_jpy", 100)
	wrongCurrency.Amount.Currency = "JPY"
	_, err = s.ApplyPaymentEvent(ctx, wrongCurrency)
	wantError(t, err, buycard.EINVALID, "The amount must be positive, in the order's currency.")
	_, err = s.ApplyPaymentEvent(ctx, moneyEvent(o, buycard.PaymentRefunded, "", 100))
	wantError(t, err, buycard.EINVALID, "A payment.refunded event needs the provider's refund or dispute id.")

	journals, err := s.OrderJournals(ctx, o.ID)
	must(t, err)
	if len(journals) != 1 {
		t.Fatalf("%d journals after refused events, want only the sale", len(journals))
	}
	tooMuch.Amount.Amount = 3100 // the provider's corrected delivery of the same event
	if got := applyEvent(t, s, tooMuch); got.Refunded != 3100 {
		t.Errorf("refunded = %d after the corrected event, want 3100", got.Refunded)
	}
}
