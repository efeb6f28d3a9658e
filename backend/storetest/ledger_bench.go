package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// The ledger benchmarks (go test -bench in each store, and the "ledger"
// section of bench/) share what follows, so that both stores and both
// harnesses write the same journals and the same baseline rows.

// BenchWriters are the writer counts the ledger benchmarks run with: one
// writer alone, and eight at once contending for the ledger's append lock.
var BenchWriters = []int{1, 8}

// BaselineTable and BaselineInsert are the baseline the ledger benchmarks
// compare a sale journal with: one plain single-row INSERT per
// transaction into a small table of the same database. The SQL reads the
// same in SQLite (where INTEGER PRIMARY KEY is the rowid) and PostgreSQL.
const (
	BaselineTable  = `CREATE TABLE bench_inserts (id INTEGER PRIMARY KEY, note TEXT NOT NULL)`
	BaselineInsert = `INSERT INTO bench_inserts (id, note) VALUES ($1, $2)`
)

// BaselineNote is the text column of baseline row i, as long as a sale
// journal's key.
func BaselineNote(i int64) string { return fmt.Sprintf("sale:ord_bench%09d", i) }

// benchT0 is when the benchmark sales were paid; sale i is i seconds later.
var benchT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// BenchSale returns benchmark sale i: order ord_benchNNNNNNNNN (unique for
// each i), one of 10 merchants and 50 publishers, 10.00 to 106.00 USD at
// 8.75% + 0.30 platform and 10% publisher. Its journal has four postings.
func BenchSale(i int64) ledger.Sale {
	return ledger.Sale{
		OrderID:     fmt.Sprintf("ord_bench%09d", i),
		MerchantID:  fmt.Sprintf("mer_bench%02d", i%10),
		PublisherID: fmt.Sprintf("pub_bench%02d", i%50),
		Provider:    "sandbox",
		Total:       buycard.Money{Amount: 1000 + i%97*100, Currency: "USD"},
		Rates:       ledger.Rates{PlatformBPS: 875, PlatformFixed: 30, PublisherBPS: 1000},
		EffectiveAt: benchT0.Add(time.Duration(i) * time.Second),
	}
}

// PostFunc is a ledger.Store's Post.
type PostFunc func(ctx context.Context, j ledger.Journal) (ledger.PostResult, error)

// PostBenchSale builds the journal of BenchSale(i) and posts it. A journal
// that already existed is an error: every i must be new, or the benchmark
// would measure the idempotency check alone.
func PostBenchSale(ctx context.Context, post PostFunc, i int64) error {
	j, err := ledger.SalePaid(BenchSale(i))
	if err != nil {
		return err
	}
	res, err := post(ctx, j)
	if err == nil && res.Existed {
		err = fmt.Errorf("journal %s existed: benchmark sales must be new", j.Key)
	}
	return err
}

// Writers calls op from writers goroutines at once, each call with the
// next number from seq, until n calls were started in all (n > 0) or d has
// passed (d > 0), whichever comes first; calls under way then finish. It
// returns the calls that succeeded and the time from the start until the
// last one ended. The first error stops every writer.
func Writers(ctx context.Context, writers int, n int64, d time.Duration, seq *atomic.Int64, op func(ctx context.Context, i int64) error) (calls int64, elapsed time.Duration, err error) {
	if writers < 1 || n <= 0 && d <= 0 {
		return 0, 0, errors.New("writers: want at least one writer and a call count or a duration")
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	start := time.Now()
	deadline := start.Add(d)
	var started, done atomic.Int64
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for ctx.Err() == nil {
				if n > 0 && started.Add(1) > n || d > 0 && !time.Now().Before(deadline) {
					return
				}
				if err := op(ctx, seq.Add(1)); err != nil {
					cancel(err)
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed = time.Since(start)
	return done.Load(), elapsed, context.Cause(ctx)
}

// LedgerBench runs a store's ledger benchmarks. Each store opens a fresh
// database, creates BaselineTable in it and passes its Post and a function
// running BaselineInsert on its own (one statement, autocommit).
type LedgerBench struct {
	Post   PostFunc
	Insert func(ctx context.Context, i int64) error
	// journals and rows number the sales and baseline rows, so that they
	// stay unique across sub-benchmarks and b.N rounds on one database.
	journals, rows atomic.Int64
}

// SaleJournals measures Post of new sale journals (ledger.SalePaid), one
// sub-benchmark per BenchWriters count, reporting journals/s.
func (lb *LedgerBench) SaleJournals(b *testing.B) {
	lb.run(b, "journals/s", &lb.journals, func(ctx context.Context, i int64) error {
		return PostBenchSale(ctx, lb.Post, i)
	})
}

// BaselineInserts measures Insert in the same way, reporting inserts/s.
func (lb *LedgerBench) BaselineInserts(b *testing.B) {
	lb.run(b, "inserts/s", &lb.rows, lb.Insert)
}

func (lb *LedgerBench) run(b *testing.B, unit string, seq *atomic.Int64, op func(context.Context, int64) error) {
	for _, w := range BenchWriters {
		b.Run(fmt.Sprintf("writers=%d", w), func(b *testing.B) {
			calls, elapsed, err := Writers(b.Context(), w, int64(b.N), 0, seq, op)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(calls)/elapsed.Seconds(), unit)
		})
	}
}
