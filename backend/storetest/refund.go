package storetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
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

// paidOrder is a paid order for one unit of the variant at index variant,
// its payment recorded as "pi_" + its id.
func paidOrder(t *testing.T, s Store, f Fixture, variant int) *buycard.Order {
	t.Helper()
	o := openOrder(t, s, f, variant, 1)
	paid := event(o, buycard.PaymentSucceeded)
	paid.PaymentID = "pi_" + o.ID
	return applyEvent(t, s, paid)
}

// testFindPaymentOrder finds an order by its provider session and by its
// payment, and nothing by another provider's or unknown ones.
func testFindPaymentOrder(t *testing.T, s Store) {
	f := Seed(t, s)
	o := paidOrder(t, s, f, 0)
	for _, tt := range []struct {
		name                       string
		provider, session, payment string
		found                      bool
	}{
		{"session", o.Provider, o.ProviderSessionID, "", true},
		{"payment", o.Provider, "", o.ProviderPaymentID, true},
		{"unknown session", o.Provider, "cs_unknown", "", false},
		{"unknown payment", o.Provider, "", "pi_unknown", false},
		{"session of another provider", "stripe", o.ProviderSessionID, "", false},
		{"payment of another provider", "stripe", "", o.ProviderPaymentID, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.FindPaymentOrder(t.Context(), tt.provider, tt.session, tt.payment)
			if !tt.found {
				wantCode(t, "find payment order", err, buycard.ENOTFOUND)
				return
			}
			must(t, err)
			if got.ID != o.ID {
				t.Errorf("order %s, want %s", got.ID, o.ID)
			}
		})
	}
}

// refundState is what a refund request may change: the order and its
// journals.
func refundState(t *testing.T, s Store, orderID string) string {
	t.Helper()
	o, err := s.FindOrder(t.Context(), orderID)
	must(t, err)
	journals, err := s.OrderJournals(t.Context(), orderID)
	must(t, err)
	b, err := json.Marshal([]any{o, journals})
	must(t, err)
	return string(b)
}

// testRefundRequests records a refund with its key, finds it again under
// the caller's key only, and, when the key is taken, applies nothing and
// returns the refund holding it; a refund the order refuses records no
// key.
func testRefundRequests(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	o, other := paidOrder(t, s, f, 0), paidOrder(t, s, f, 1)
	operator, merchant := buycard.RefundByOperator, buycard.RefundByMerchant(f.Merchant.ID)
	req := buycard.RefundRequest{Caller: operator, Key: "key-1", OrderID: o.ID, Amount: 600}
	first, err := s.ApplyRefund(ctx, req, moneyEvent(o, buycard.PaymentRefunded, "re_key1", 600))
	must(t, err)
	if first.RefundRequest != req || first.RefundID != "re_key1" || first.Order.ID != o.ID || first.Order.Refunded != 600 {
		t.Fatalf("refund = %+v, order %+v", first, first.Order)
	}
	found, err := s.FindRefund(ctx, operator, "key-1")
	must(t, err)
	wantEqual(t, "refund found by its key", mustJSON(t, found), mustJSON(t, first))
	_, err = s.FindRefund(ctx, merchant, "key-1")
	wantError(t, err, buycard.ENOTFOUND, "No refund was asked for under this Idempotency-Key.")

	before := refundState(t, s, o.ID)
	for _, tt := range []struct {
		name   string
		req    buycard.RefundRequest
		differ string
	}{
		{"the caller's key, another amount", buycard.RefundRequest{Caller: operator, Key: "key-1", OrderID: o.ID, Amount: 700}, "amount"},
		{"the caller's key, another order", buycard.RefundRequest{Caller: operator, Key: "key-1", OrderID: other.ID, Amount: 600}, "order"},
		{"the order's key, another caller", buycard.RefundRequest{Caller: merchant, Key: "key-1", OrderID: o.ID, Amount: 600}, "caller"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			target := map[string]*buycard.Order{o.ID: o, other.ID: other}[tt.req.OrderID]
			held, err := s.ApplyRefund(ctx, tt.req, moneyEvent(target, buycard.PaymentRefunded, buycard.NewID("re"), tt.req.Amount))
			must(t, err)
			wantEqual(t, "refund holding the key", mustJSON(t, held), mustJSON(t, first))
			if err := held.CheckSameRequest(tt.req); !strings.Contains(buycard.ErrorMessage(err), "another "+tt.differ) {
				t.Errorf("CheckSameRequest = %v, want another %s", err, tt.differ)
			}
		})
	}
	wantEqual(t, "order after the refused requests", refundState(t, s, o.ID), before)
	if got, _ := s.FindOrder(ctx, other.ID); got.Refunded != 0 {
		t.Errorf("the other order was refunded %d", got.Refunded)
	}

	// The merchant's own key-1 on another order is its own.
	mine := buycard.RefundRequest{Caller: merchant, Key: "key-1", OrderID: other.ID, Amount: 100}
	if r, err := s.ApplyRefund(ctx, mine, moneyEvent(other, buycard.PaymentRefunded, "re_mine", 100)); err != nil || r.RefundRequest != mine {
		t.Errorf("the merchant's key = %+v, %v", r, err)
	}
	// A refund the order refuses records no key.
	tooMuch := buycard.RefundRequest{Caller: operator, Key: "key-2", OrderID: o.ID, Amount: 5000}
	_, err = s.ApplyRefund(ctx, tooMuch, moneyEvent(o, buycard.PaymentRefunded, "re_big", 5000))
	wantError(t, err, buycard.EINVALID, "The refund exceeds what is left of the payment.")
	_, err = s.FindRefund(ctx, operator, "key-2")
	wantError(t, err, buycard.ENOTFOUND, "No refund was asked for under this Idempotency-Key.")
}

// testConcurrentRefundRequests sends many requests with one key at once,
// each with another amount and another refund (as if each had reached the
// provider): one is applied and recorded, and every request gets it back.
func testConcurrentRefundRequests(t *testing.T, s Store) {
	f := Seed(t, s)
	o := paidOrder(t, s, f, 0)
	const n = 8
	refunds := make([]*buycard.Refund, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			req := buycard.RefundRequest{Caller: buycard.RefundByOperator, Key: "one-key", OrderID: o.ID, Amount: int64(100 + i)}
			refunds[i], errs[i] = s.ApplyRefund(t.Context(), req, moneyEvent(o, buycard.PaymentRefunded, fmt.Sprintf("re_race%d", i), req.Amount))
		})
	}
	wg.Wait()
	for i := range n {
		must(t, errs[i])
		wantEqual(t, fmt.Sprintf("refund of request %d", i), mustJSON(t, refunds[i]), mustJSON(t, refunds[0]))
	}
	got, err := s.FindOrder(t.Context(), o.ID)
	must(t, err)
	journals, err := s.OrderJournals(t.Context(), o.ID)
	must(t, err)
	if got.Refunded != refunds[0].Amount || len(journals) != 2 || journals[1].Key != "refund:"+refunds[0].RefundID {
		t.Errorf("refunded %d with journals %v; want %d once, as %s", got.Refunded, journals, refunds[0].Amount, refunds[0].RefundID)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	return string(b)
}
