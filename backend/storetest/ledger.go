package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// LedgerStore is a store's ledger.
type LedgerStore = ledger.Books

// RunLedger runs the ledger suite, opening an empty, migrated store for
// each test with open. Every test compares the store with ledger.Memory,
// the reference model, or checks an invariant under concurrency.
func RunLedger(t *testing.T, open func(t *testing.T) LedgerStore) {
	tests := []struct {
		name string
		test func(t *testing.T, s LedgerStore)
	}{
		{"MatchesModel", testLedgerMatchesModel},
		{"Idempotent", testLedgerIdempotent},
		{"RejectedChangesNothing", testLedgerRejectedChangesNothing},
		{"ConcurrentSameJournal", testLedgerConcurrentSameJournal},
		{"Bank", testLedgerBank},
		{"ConcurrentPayouts", testLedgerConcurrentPayouts},
		{"ReleasesAndPayouts", testLedgerReleasesAndPayouts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each test has a store of its own
			tt.test(t, open(t))
		})
	}
}

var ledgerT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// sale is a USD sale through a publisher at 8.75% platform / 3.75%
// publisher.
func sale(orderID string, total int64) ledger.Sale {
	return ledger.Sale{
		OrderID: orderID, MerchantID: "mer_ledger", PublisherID: "pub_ledger", Provider: "sandbox",
		Total: buycard.Money{Amount: total, Currency: "USD"},
		Rates: ledger.Rates{PlatformBPS: 875, PublisherBPS: 375}, EffectiveAt: ledgerT0,
	}
}

// modelHistory is a life of two sales: paid, fee, partial refund, release,
// payout, settlement.
func modelHistory(t *testing.T) []ledger.Journal {
	t.Helper()
	s1, s2 := sale("ord_l1", 1999), sale("ord_l2", 5000)
	c1, err := s1.Commission()
	must(t, err)
	remaining, err := c1.Remaining(333)
	must(t, err)
	usd := func(a int64) buycard.Money { return buycard.Money{Amount: a, Currency: "USD"} }
	build := []func() (ledger.Journal, error){
		func() (ledger.Journal, error) { return ledger.SalePaid(s1) },
		func() (ledger.Journal, error) { return ledger.SalePaid(s2) },
		func() (ledger.Journal, error) {
			return ledger.ProcessorFee(ledger.Fee{FeeID: "txn_1", OrderID: "ord_l1", Provider: "sandbox", Amount: usd(88), EffectiveAt: ledgerT0})
		},
		func() (ledger.Journal, error) {
			return ledger.Refunded(ledger.Refund{Sale: s1, RefundID: "re_1", Amount: 333, EffectiveAt: ledgerT0})
		},
		func() (ledger.Journal, error) {
			return ledger.PublisherRelease(ledger.Release{OrderID: "ord_l1", PublisherID: "pub_ledger", Amount: usd(remaining.Publisher), EffectiveAt: ledgerT0})
		},
		func() (ledger.Journal, error) {
			return ledger.PublisherPayout(ledger.Payout{PayoutID: "po_1", PublisherID: "pub_ledger", Amount: usd(50), Available: remaining.Publisher, EffectiveAt: ledgerT0})
		},
		func() (ledger.Journal, error) {
			return ledger.MerchantSettlement(ledger.Settlement{SettlementID: "st_1", MerchantID: "mer_ledger", Provider: "sandbox", Amount: usd(1000), EffectiveAt: ledgerT0})
		},
	}
	journals := make([]ledger.Journal, len(build))
	for i, b := range build {
		j, err := b()
		must(t, err)
		journals[i] = j
	}
	return journals
}

var ledgerParties = []ledger.Party{
	ledger.Merchant("mer_ledger"), ledger.Publisher("pub_ledger"), ledger.Platform(), ledger.Provider("sandbox"),
}

func testLedgerMatchesModel(t *testing.T, s LedgerStore) {
	ctx := t.Context()
	model := ledger.NewMemory()
	for _, j := range modelHistory(t) {
		_, err := s.Post(ctx, j)
		must(t, err)
		_, err = model.Post(ctx, j)
		must(t, err)
	}
	for _, p := range ledgerParties {
		got, err := s.Balances(ctx, p)
		must(t, err)
		want, _ := model.Balances(ctx, p)
		wantEqual(t, "balances of "+p.String(), got, want)
		for _, b := range want {
			got, err := s.Statement(ctx, ledger.StatementQuery{Account: b.Account})
			must(t, err)
			want, _ := model.Statement(ctx, ledger.StatementQuery{Account: b.Account})
			wantEqual(t, "statement of "+b.Account.String(), got, want)
		}
	}
	pending := ledger.Account(ledger.Publisher("pub_ledger"), ledger.Pending, "USD")
	page, err := s.Statement(ctx, ledger.StatementQuery{Account: pending, After: 1, Limit: 2})
	must(t, err)
	want, _ := model.Statement(ctx, ledger.StatementQuery{Account: pending, After: 1, Limit: 2})
	wantEqual(t, "statement page", page, want)
	v, err := s.VerifyLedger(ctx)
	must(t, err)
	if !v.OK() || v.Journals != len(modelHistory(t)) {
		t.Fatalf("verify: %v", v)
	}
}

func testLedgerIdempotent(t *testing.T, s LedgerStore) {
	ctx := t.Context()
	j, err := ledger.SalePaid(sale("ord_idem", 1999))
	must(t, err)
	if res, err := s.Post(ctx, j); err != nil || res.Existed {
		t.Fatalf("first post = %+v, %v", res, err)
	}
	if res, err := s.Post(ctx, j); err != nil || !res.Existed {
		t.Fatalf("same journal again = %+v, %v; want Existed", res, err)
	}
	other, err := ledger.SalePaid(sale("ord_idem", 2999))
	must(t, err)
	_, err = s.Post(ctx, other)
	wantError(t, err, buycard.ECONFLICT, "Journal sale:ord_idem already exists with other content.")
	b, err := s.Balance(ctx, ledger.Account(ledger.Provider("sandbox"), ledger.Clearing, "USD"))
	must(t, err)
	if b.Amount != 1999 {
		t.Errorf("clearing = %d after replays, want 1999", b.Amount)
	}
	_, err = s.Post(ctx, ledger.Journal{Key: "bad", Kind: ledger.KindAdjustment, Currency: "USD", EffectiveAt: ledgerT0})
	if buycard.ErrorCode(err) != buycard.EINVALID {
		t.Errorf("invalid journal: %v, want EINVALID", err)
	}
}

func testLedgerRejectedChangesNothing(t *testing.T, s LedgerStore) {
	ctx := t.Context()
	j, err := ledger.SalePaid(sale("ord_rej", 1000))
	must(t, err)
	_, err = s.Post(ctx, j)
	must(t, err)
	before, err := s.Balances(ctx, ledger.Publisher("pub_ledger"))
	must(t, err)
	// Releasing more than is pending would take pending negative.
	release, err := ledger.PublisherRelease(ledger.Release{OrderID: "ord_rej", PublisherID: "pub_ledger", Amount: buycard.Money{Amount: 10_000, Currency: "USD"}, EffectiveAt: ledgerT0})
	must(t, err)
	_, err = s.Post(ctx, release)
	wantError(t, err, buycard.ECONFLICT, "Balance of publisher:pub_ledger:pending:USD would go negative.")
	after, err := s.Balances(ctx, ledger.Publisher("pub_ledger"))
	must(t, err)
	wantEqual(t, "balances after a refused journal", after, before)
	v, err := s.VerifyLedger(ctx)
	must(t, err)
	if v.Journals != 1 || !v.OK() {
		t.Fatalf("verify after a refused journal: %v", v)
	}
}

func testLedgerConcurrentSameJournal(t *testing.T, s LedgerStore) {
	j, err := ledger.SalePaid(sale("ord_race", 1999))
	must(t, err)
	var created, existed atomic.Int32
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			res, err := s.Post(context.Background(), j)
			switch {
			case err != nil:
				t.Error(err)
			case res.Existed:
				existed.Add(1)
			default:
				created.Add(1)
			}
		})
	}
	wg.Wait()
	if created.Load() != 1 || existed.Load() != 199 {
		t.Fatalf("200 posts of one journal: %d created, %d existed; want 1 and 199", created.Load(), existed.Load())
	}
	v, err := s.VerifyLedger(t.Context())
	must(t, err)
	if v.Journals != 1 || !v.OK() {
		t.Fatalf("verify: %v", v)
	}
}

// testLedgerBank moves money among a publisher's three accounts from 32
// workers for a bounded time while a reader checks that every snapshot of
// the publisher's balances holds the same total.
func testLedgerBank(t *testing.T, s LedgerStore) {
	const total = 1_000_000
	pub := ledger.Publisher("pub_bank")
	fund, err := ledger.SalePaid(ledger.Sale{
		OrderID: "ord_bank", MerchantID: "mer_bank", PublisherID: "pub_bank", Provider: "sandbox",
		Total: buycard.Money{Amount: total, Currency: "USD"}, Rates: ledger.Rates{PublisherBPS: 10_000}, EffectiveAt: ledgerT0,
	})
	must(t, err)
	_, err = s.Post(t.Context(), fund)
	must(t, err)
	kinds := []ledger.AccountKind{ledger.Pending, ledger.Available, ledger.Paid}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	var moved, refused, snapshots, anomalies atomic.Int64
	var wg sync.WaitGroup
	for w := range 32 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := 0; ctx.Err() == nil; i++ {
				from, to := kinds[rng.IntN(3)], kinds[rng.IntN(3)]
				if from == to {
					continue
				}
				j := ledger.Journal{
					Key: fmt.Sprintf("adjustment:bank/%d/%d", w, i), Kind: ledger.KindAdjustment, Currency: "USD", EffectiveAt: ledgerT0,
					Postings: []ledger.Posting{
						{Account: ledger.Account(pub, from, "USD"), Amount: 1 + rng.Int64N(5000)},
						{Account: ledger.Account(pub, to, "USD"), Amount: 0},
					},
				}
				j.Postings[1].Amount = -j.Postings[0].Amount
				_, err := s.Post(ctx, j)
				switch {
				case err == nil:
					moved.Add(1)
				case buycard.ErrorCode(err) == buycard.ECONFLICT:
					refused.Add(1) // would overdraw pending or paid
				case ctx.Err() == nil:
					t.Error(err)
				}
			}
		})
	}
	wg.Go(func() {
		for ctx.Err() == nil {
			balances, err := s.Balances(ctx, pub)
			if err != nil {
				if ctx.Err() == nil {
					t.Error(err)
				}
				return
			}
			var sum int64
			for _, b := range balances {
				sum += b.Amount
			}
			snapshots.Add(1)
			if sum != total {
				anomalies.Add(1)
			}
		}
	})
	wg.Wait()
	t.Logf("bank: %d moves, %d refused, %d snapshots, %d anomalies", moved.Load(), refused.Load(), snapshots.Load(), anomalies.Load())
	if anomalies.Load() != 0 || moved.Load() == 0 || snapshots.Load() == 0 {
		t.Fatalf("%d of %d snapshots did not sum to %d (%d moves)", anomalies.Load(), snapshots.Load(), total, moved.Load())
	}
	v, err := s.VerifyLedger(t.Context())
	must(t, err)
	if !v.OK() {
		t.Fatal(v)
	}
}

// testLedgerConcurrentPayouts races payouts of one publisher, each decided
// on a balance read before posting: the store must never pay out more than
// is available.
func testLedgerConcurrentPayouts(t *testing.T, s LedgerStore) {
	ctx := t.Context()
	j, err := ledger.SalePaid(ledger.Sale{
		OrderID: "ord_payout", MerchantID: "mer_payout", PublisherID: "pub_payout", Provider: "sandbox",
		Total: buycard.Money{Amount: 1000, Currency: "USD"}, Rates: ledger.Rates{PublisherBPS: 10_000}, EffectiveAt: ledgerT0,
	})
	must(t, err)
	_, err = s.Post(ctx, j)
	must(t, err)
	release, err := ledger.PublisherRelease(ledger.Release{OrderID: "ord_payout", PublisherID: "pub_payout", Amount: buycard.Money{Amount: 1000, Currency: "USD"}, EffectiveAt: ledgerT0})
	must(t, err)
	_, err = s.Post(ctx, release)
	must(t, err)
	available := ledger.Account(ledger.Publisher("pub_payout"), ledger.Available, "USD")
	var paid atomic.Int64
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			b, err := s.Balance(ctx, available)
			if err != nil {
				t.Error(err)
				return
			}
			payout, err := ledger.PublisherPayout(ledger.Payout{
				PayoutID: "po_race_" + strconv.Itoa(i), PublisherID: "pub_payout",
				Amount: buycard.Money{Amount: 300, Currency: "USD"}, Available: b.Amount, EffectiveAt: ledgerT0,
			})
			if buycard.ErrorCode(err) == buycard.ECONFLICT {
				return // too little was left when this worker looked
			}
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := s.Post(ctx, payout); err == nil {
				paid.Add(300)
			} else if buycard.ErrorCode(err) != buycard.ECONFLICT {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	b, err := s.Balance(ctx, available)
	must(t, err)
	if paid.Load() != 900 || b.Amount != 100 {
		t.Fatalf("paid out %d, available left %d; want 900 and 100 (three payouts of 300 from 1000)", paid.Load(), b.Amount)
	}
}

// refusedEdits change or remove journals or postings: every database
// must refuse them.
var refusedEdits = []string{
	`UPDATE ledger_postings SET amount = amount + 1`,
	`UPDATE ledger_journals SET order_id = 'ord_other'`,
	`DELETE FROM ledger_postings`,
	`DELETE FROM ledger_journals`,
}

// Tamper is how LedgerTamper reaches a store's database directly.
type Tamper struct {
	// Refused are a database's own statements that change or remove
	// journals or postings, besides those of every database; it must
	// refuse every one.
	Refused []string
	// Bypass are statements that lift the refusal, as someone with full
	// access to the database could.
	Bypass []string
	// Exec runs one statement on the store's database.
	Exec func(query string) error
}

// LedgerTamper checks that the database refuses edits of the ledger, and
// that once someone bypasses that and alters a journal, VerifyLedger names
// the first altered journal.
func LedgerTamper(t *testing.T, s LedgerStore, tamper Tamper) {
	ctx := t.Context()
	history := modelHistory(t)
	for _, j := range history {
		_, err := s.Post(ctx, j)
		must(t, err)
	}
	for _, q := range slices.Concat(refusedEdits, tamper.Refused) {
		if err := tamper.Exec(q); err == nil {
			t.Errorf("the database let %q through: journals and postings must be append-only", q)
		}
	}
	if v, err := s.VerifyLedger(ctx); err != nil || !v.OK() || v.Journals != len(history) {
		t.Fatalf("after refused edits: %v, %v", v, err)
	}
	for _, q := range tamper.Bypass {
		must(t, tamper.Exec(q))
	}
	// Move one cent between two postings of the fourth journal: the journal
	// still balances, so only the chain can tell.
	must(t, tamper.Exec(`UPDATE ledger_postings SET amount = amount + 1 WHERE journal_seq = 4 AND account = 'provider:sandbox:clearing:USD'`))
	must(t, tamper.Exec(`UPDATE ledger_postings SET amount = amount - 1 WHERE journal_seq = 4 AND account = 'merchant:mer_ledger:payable:USD'`))
	v, err := s.VerifyLedger(ctx)
	must(t, err)
	if v.OK() || v.FirstAltered != 4 || v.FirstAlteredKey != history[3].Key {
		t.Fatalf("verify after tampering with journal 4 (%s): %v", history[3].Key, v)
	}
	t.Log(v)
}

// testLedgerReleasesAndPayouts runs the publisher's side of two sales: one
// partly refunded, one inside the hold window; releases are due only for
// the first, for what is left of its share, once; a payout batch pays the
// available balance once however often it runs.
func testLedgerReleasesAndPayouts(t *testing.T, s LedgerStore) {
	ctx := t.Context()
	old, recent := sale("ord_rel_old", 10_000), sale("ord_rel_new", 10_000)
	recent.EffectiveAt = ledgerT0.Add(7 * 24 * time.Hour)
	refund, err := ledger.Refunded(ledger.Refund{Sale: old, RefundID: "re_rel", Amount: 2_000, EffectiveAt: ledgerT0})
	must(t, err)
	for _, j := range []func() (ledger.Journal, error){
		func() (ledger.Journal, error) { return ledger.SalePaid(old) },
		func() (ledger.Journal, error) { return ledger.SalePaid(recent) },
		func() (ledger.Journal, error) { return refund, nil },
	} {
		j, err := j()
		must(t, err)
		_, err = s.Post(ctx, j)
		must(t, err)
	}
	cutoff, now := ledgerT0.Add(24*time.Hour), ledgerT0.Add(8*24*time.Hour)
	due, err := s.DueReleases(ctx, cutoff, now)
	must(t, err)
	// 10000 at 375 bps = 375; a refund of a fifth takes 75 back.
	want := []ledger.Release{{OrderID: "ord_rel_old", PublisherID: "pub_ledger", Amount: buycard.Money{Amount: 300, Currency: "USD"}, EffectiveAt: now}}
	wantEqual(t, "due releases", due, want)
	for _, r := range due {
		j, err := ledger.PublisherRelease(r)
		must(t, err)
		_, err = s.Post(ctx, j)
		must(t, err)
	}
	due, err = s.DueReleases(ctx, cutoff, now)
	must(t, err)
	if len(due) != 0 {
		t.Fatalf("releases due after releasing: %+v", due)
	}
	available, err := s.BalancesOfKind(ctx, ledger.PartyPublisher, ledger.Available)
	must(t, err)
	wantEqual(t, "available balances", available, []ledger.Balance{{Account: ledger.Account(ledger.Publisher("pub_ledger"), ledger.Available, "USD"), Amount: 300}})
	for run := range 2 {
		payouts, err := ledger.PublisherPayouts("batch_1", available, map[string]int64{"USD": 100}, now)
		must(t, err)
		for _, j := range payouts {
			res, err := s.Post(ctx, j)
			must(t, err)
			if res.Existed != (run == 1) {
				t.Fatalf("run %d of the batch: existed = %v", run, res.Existed)
			}
		}
	}
	paid, err := s.Balance(ctx, ledger.Account(ledger.Publisher("pub_ledger"), ledger.Paid, "USD"))
	must(t, err)
	if paid.Amount != 300 {
		t.Errorf("paid = %d, want 300 (one payout of the whole available balance)", paid.Amount)
	}
	journals, err := s.OrderJournals(ctx, "ord_rel_old")
	must(t, err)
	var keys []string
	for _, j := range journals {
		keys = append(keys, j.Key)
	}
	wantEqual(t, "journals of the order", keys, []string{"sale:ord_rel_old", "refund:re_rel", "publisher_release:ord_rel_old"})
}
