package ledger_test

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

func TestPostIsIdempotent(t *testing.T) {
	m := ledger.NewMemory()
	j := validJournal()
	res, err := m.Post(t.Context(), j)
	if err != nil || res.Existed {
		t.Fatalf("first Post = %+v, %v", res, err)
	}
	swapped := validJournal()
	swapped.Postings[0], swapped.Postings[2] = swapped.Postings[2], swapped.Postings[0]
	res, err = m.Post(t.Context(), swapped)
	if err != nil || !res.Existed {
		t.Fatalf("second Post = %+v, %v; want Existed", res, err)
	}
	if n := len(m.Journals()); n != 1 {
		t.Errorf("%d journals, want 1", n)
	}
	wantBalances(t, m, map[ledger.AccountID]int64{clearingUSD: 100, revenueUSD: 30, payableUSD: 70})
}

func TestPostSameKeyOtherContentConflicts(t *testing.T) {
	m := ledger.NewMemory()
	must[ledger.PostResult](t)(m.Post(t.Context(), validJournal()))
	before := m.AllBalances()
	j := validJournal()
	j.Postings[1].Amount, j.Postings[2].Amount = -31, -69
	_, err := m.Post(t.Context(), j)
	wantErr(t, err, buycard.ECONFLICT, "Journal adjustment:a1 already exists with other content.")
	if after := m.AllBalances(); !reflect.DeepEqual(before, after) {
		t.Errorf("balances changed: %v -> %v", before, after)
	}
}

func TestPostRejectsNegativeAndChangesNothing(t *testing.T) {
	m := ledger.NewMemory()
	post(t, m, must[ledger.Journal](t)(ledger.SalePaid(sale(1999))), nil)
	before, journals := m.AllBalances(), len(m.Journals())
	j, err := ledger.PublisherRelease(ledger.Release{OrderID: "ord_1", PublisherID: "pub_1", Amount: usd(76), EffectiveAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Post(t.Context(), j)
	wantErr(t, err, buycard.ECONFLICT, "Balance of publisher:pub_1:pending:USD would go negative.")
	if after := m.AllBalances(); !reflect.DeepEqual(before, after) || len(m.Journals()) != journals {
		t.Errorf("a rejected journal changed the ledger: %v -> %v", before, after)
	}
	// The key stays free for the right content.
	j, err = ledger.PublisherRelease(ledger.Release{OrderID: "ord_1", PublisherID: "pub_1", Amount: usd(75), EffectiveAt: t0})
	post(t, m, j, err)
}

func TestPostInvalid(t *testing.T) {
	m := ledger.NewMemory()
	j := validJournal()
	j.Postings[0].Amount = 99
	_, err := m.Post(t.Context(), j)
	wantErr(t, err, buycard.EINVALID, "Journal adjustment:a1 is unbalanced: postings sum to -1.")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := m.Post(ctx, validJournal()); err != context.Canceled {
		t.Errorf("Post with a canceled context = %v", err)
	}
	if len(m.Journals()) != 0 {
		t.Error("a failed Post appended a journal")
	}
}

func TestStatement(t *testing.T) {
	m := ledger.NewMemory()
	s := sale(1999)
	post(t, m, must[ledger.Journal](t)(ledger.SalePaid(s)), nil)
	post(t, m, must[ledger.Journal](t)(ledger.ProcessorFee(ledger.Fee{FeeID: "f1", Provider: "sandbox", Amount: usd(88), EffectiveAt: t0})), nil)
	post(t, m, must[ledger.Journal](t)(ledger.Refunded(ledger.Refund{Sale: s, RefundID: "re_1", Amount: 1000, EffectiveAt: t0})), nil)
	// Revenue: +175 at the sale. The refund splits 1000 by 175/75/1749:
	// 87.54, 37.52, 874.94; the two cents left go to the merchant (.94) and
	// the platform (.54), so revenue gives back 88.
	entries, err := m.Statement(t.Context(), ledger.StatementQuery{Account: revenueUSD})
	if err != nil {
		t.Fatal(err)
	}
	want := []ledger.Entry{
		{Seq: 1, JournalKey: "sale:ord_1", Kind: ledger.KindSale, OrderID: "ord_1", EffectiveAt: t0, Amount: 175, Balance: 175},
		{Seq: 3, JournalKey: "refund:re_1", Kind: ledger.KindRefund, OrderID: "ord_1", EffectiveAt: t0, Amount: -88, Balance: 87},
	}
	if !reflect.DeepEqual(entries, want) {
		t.Errorf("statement = %+v\nwant %+v", entries, want)
	}
	page, err := m.Statement(t.Context(), ledger.StatementQuery{Account: revenueUSD, After: 1, Limit: 1})
	if err != nil || len(page) != 1 || page[0].Seq != 3 {
		t.Errorf("page after 1 = %+v, %v", page, err)
	}
	clearing, _ := m.Statement(t.Context(), ledger.StatementQuery{Account: clearingUSD})
	if got := clearing[len(clearing)-1].Balance; got != 1999-88-1000 {
		t.Errorf("clearing balance = %d, want 911", got)
	}
}

func TestBalancesOfParty(t *testing.T) {
	m := ledger.NewMemory()
	post(t, m, must[ledger.Journal](t)(ledger.SalePaid(sale(1999))), nil)
	jpy := sale(999)
	jpy.OrderID, jpy.Total = "ord_2", buycard.Money{Amount: 999, Currency: "JPY"}
	post(t, m, must[ledger.Journal](t)(ledger.SalePaid(jpy)), nil)
	got, err := m.Balances(t.Context(), ledger.Publisher("pub_1"))
	if err != nil {
		t.Fatal(err)
	}
	want := []ledger.Balance{
		{Account: ledger.Account(ledger.Publisher("pub_1"), ledger.Pending, "JPY"), Amount: 38},
		{Account: pendingUSD, Amount: 75},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Balances = %v, want %v", got, want)
	}
	_, err = m.Balances(t.Context(), ledger.Party{Kind: "shopper", ID: "x"})
	wantErr(t, err, buycard.EINVALID, `Unknown party kind "shopper".`)
}

func TestConcurrentPostOfOneJournal(t *testing.T) {
	m := ledger.NewMemory()
	j := must[ledger.Journal](t)(ledger.SalePaid(sale(1999)))
	var wg sync.WaitGroup
	var mu sync.Mutex
	created := 0
	for range 200 {
		wg.Go(func() {
			res, err := m.Post(context.Background(), j)
			if err != nil {
				t.Error(err)
				return
			}
			if !res.Existed {
				mu.Lock()
				created++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if created != 1 || len(m.Journals()) != 1 {
		t.Errorf("created %d, stored %d journals; want 1 and 1", created, len(m.Journals()))
	}
	wantBalances(t, m, map[ledger.AccountID]int64{clearingUSD: 1999, pendingUSD: 75})
}

// TestAppendPaymentEvent feeds the model a payment with the processor's
// fee and a refund, as a store applies them to an order: the journals are
// the ones the builders make, and a payment to an order that did not
// become paid appends nothing.
func TestAppendPaymentEvent(t *testing.T) {
	paidAt := t0
	o := &buycard.Order{ID: "ord_1", Status: buycard.OrderPaid, PaidAt: &paidAt, MerchantID: "mer_1", PublisherID: "pub_1",
		Provider: "sandbox", Total: usd(1999), PublisherShareBPS: 375, PlatformFeeBPS: 875}
	event := func(id string, typ buycard.PaymentEventType, amount int64) buycard.PaymentEvent {
		return buycard.PaymentEvent{ID: id, Provider: "sandbox", Type: typ, Amount: usd(amount), OccurredAt: t0}
	}
	paid, refund := event("evt_1", buycard.PaymentSucceeded, 1999), event("evt_2", buycard.PaymentRefunded, 500)
	paid.Fee, refund.ObjectID = usd(88), "re_1"

	m := ledger.NewMemory()
	pending := *o
	pending.Status = buycard.OrderPending
	for _, step := range []struct {
		o *buycard.Order
		e buycard.PaymentEvent
	}{{&pending, paid}, {o, paid}, {&buycard.Order{}, event("evt_0", buycard.PaymentFailed, 0)}} {
		if err := m.AppendPaymentEvent(t.Context(), step.o, step.e); err != nil {
			t.Fatal(err)
		}
	}
	o.Refunded = 500
	if err := m.AppendPaymentEvent(t.Context(), o, refund); err != nil {
		t.Fatal(err)
	}

	want := ledger.NewMemory()
	sale := ledger.SaleOf(o, ledger.RatesOf(o))
	post(t, want, must[ledger.Journal](t)(ledger.SalePaid(sale)), nil)
	post(t, want, must[ledger.Journal](t)(ledger.ProcessorFee(ledger.Fee{FeeID: "evt_1", OrderID: "ord_1", Provider: "sandbox", Amount: usd(88), EffectiveAt: t0})), nil)
	post(t, want, must[ledger.Journal](t)(ledger.Refunded(ledger.Refund{Sale: sale, RefundID: "re_1", Amount: 500, EffectiveAt: t0})), nil)
	if got, want := m.Journals(), want.Journals(); !reflect.DeepEqual(got, want) {
		t.Errorf("journals:\n got %+v\nwant %+v", got, want)
	}
}
