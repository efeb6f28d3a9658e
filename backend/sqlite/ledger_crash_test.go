package sqlite

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// crashDBEnv names the database the crash child posts to; set only in the
// child process.
const crashDBEnv = "BUYCARD_LEDGER_CRASH_DB"

// TestLedgerCrash kills a child process that posts journals as fast as it
// can with SIGKILL at random moments, several times, and checks after each
// kill that the database is intact, the ledger verifies (no partial
// journal, chain whole, balances equal to postings) and no committed
// journal was lost.
func TestLedgerCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: kills child processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	err = errors.Join(db.Migrate(t.Context()), db.Close())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	var lastJournals int
	for round := range 6 {
		child := exec.Command(os.Args[0], "-test.run=^TestLedgerCrashChild$", "-test.count=1")
		child.Env = append(os.Environ(), crashDBEnv+"="+path)
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(150+rng.IntN(400)) * time.Millisecond)
		child.Process.Signal(syscall.SIGKILL)
		child.Wait()

		db, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		var integrity string
		if err := db.write.QueryRowContext(t.Context(), `PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
			t.Fatalf("round %d: integrity_check = %q, %v", round, integrity, err)
		}
		v, err := db.VerifyLedger(t.Context())
		db.Close()
		if err != nil || !v.OK() {
			t.Fatalf("round %d: %v, %v", round, v, err)
		}
		if v.Journals < lastJournals {
			t.Fatalf("round %d: %d journals, fewer than the %d seen before", round, v.Journals, lastJournals)
		}
		t.Logf("round %d: killed after %d journals in all; ledger ok", round, v.Journals)
		lastJournals = v.Journals
	}
	if lastJournals == 0 {
		t.Fatal("the child never posted a journal")
	}
}

// TestLedgerCrashChild is the child of TestLedgerCrash: it posts sales,
// releases and payouts until it is killed.
func TestLedgerCrashChild(t *testing.T) {
	path := os.Getenv(crashDBEnv)
	if path == "" {
		t.Skip("run by TestLedgerCrash")
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	for i := 0; ; i++ {
		order := "ord_" + run + "_" + strconv.Itoa(i)
		sale, err := ledger.SalePaid(ledger.Sale{
			OrderID: order, MerchantID: "mer_crash", PublisherID: "pub_crash", Provider: "sandbox",
			Total: buycard.Money{Amount: 1999, Currency: "USD"}, Rates: ledger.Rates{PlatformBPS: 875, PublisherBPS: 375},
			EffectiveAt: time.Now(),
		})
		if err != nil {
			t.Fatal(err)
		}
		release, err := ledger.PublisherRelease(ledger.Release{OrderID: order, PublisherID: "pub_crash", Amount: buycard.Money{Amount: 75, Currency: "USD"}, EffectiveAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range []ledger.Journal{sale, release} {
			if _, err := db.Post(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
	}
}
