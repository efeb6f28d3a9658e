package postgres

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/pgtest"
	"github.com/buycard/buycard/backend/storetest"
)

// migrated is a migrated database, made once (by this or another test
// process); each test gets a copy.
var migrated = pgtest.NewTemplate(Migrations(), MigrateDatabase)

// openTest opens a store on a fresh copy of the migrated database.
func openTest(t testing.TB) *DB {
	t.Helper()
	return openURL(t, migrated.Database(t))
}

// openURL opens the store at url, a copy of the migrated database
// (migrated.Database) seen another way.
func openURL(t testing.TB, url string) *DB {
	t.Helper()
	db, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() }) // before the database is dropped
	return db
}

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Store { return openTest(t) })
}

// TestMigrate checks that migrating again, in the same process or from
// another pool, or from many at once, is a no-op that keeps the data.
func TestMigrate(t *testing.T) {
	t.Parallel()
	u := pgtest.Schema(t)
	open := func() *DB {
		db, err := Open(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	dbs := []*DB{open(), open(), open()}
	if current, target, err := dbs[0].SchemaVersions(t.Context()); err == nil && current >= target {
		t.Errorf("a new schema is at migration %d of %d", current, target)
	}
	var wg sync.WaitGroup
	for _, db := range dbs {
		wg.Go(func() {
			if err := db.Migrate(t.Context()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	f := storetest.Seed(t, dbs[0])
	if err := dbs[1].Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := dbs[2].FindCard(t.Context(), f.Widget.ID); err != nil {
		t.Fatalf("card after migrating again: %v", err)
	}
	if current, target, err := dbs[2].SchemaVersions(t.Context()); err != nil || current != target || target < 30 {
		t.Errorf("a migrated schema is at %d of %d: %v", current, target, err)
	}
}

func TestOrderNumberTaken(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	storetest.OrderNumberTaken(t, db, func(next func() string) { db.OrderNumbers = next })
}

func TestOpenRejectsBadURL(t *testing.T) {
	_, err := Open(t.Context(), "postgres://user:secret@[::1")
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("error %v: want an error that does not show the password", err)
	}
}

// TestConcurrentPaymentEvents delivers the same events many times at
// once, as a provider retrying webhooks across nodes does: each applies
// once. An expiry and a payment racing on one order leave it paid with
// its stock taken once.
func TestConcurrentPaymentEvents(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	f := storetest.Seed(t, db)
	ctx := t.Context()
	o, err := db.CreateOrder(ctx, f.NewOrder(0, 2))
	if err != nil {
		t.Fatal(err)
	}
	session := buycard.NewID("cs")
	if err := db.AttachPaymentSession(ctx, o.ID, "sandbox", session); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	expired := buycard.PaymentEvent{ID: buycard.NewID("evt"), Provider: "sandbox", Type: buycard.SessionExpired,
		SessionID: session, OccurredAt: now}
	paid := buycard.PaymentEvent{ID: buycard.NewID("evt"), Provider: "sandbox", Type: buycard.PaymentSucceeded,
		SessionID: session, Amount: o.Total, OccurredAt: now.Add(time.Second)}

	var wg sync.WaitGroup
	for i := range 40 {
		e := expired
		if i%2 == 1 {
			e = paid
		}
		wg.Go(func() {
			if _, err := db.ApplyPaymentEvent(ctx, e); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, err := db.FindOrder(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != buycard.OrderPaid || got.PaidAt == nil || !got.PaidAt.Equal(paid.OccurredAt) {
		t.Errorf("status %q, paid at %v: want paid at %v", got.Status, got.PaidAt, paid.OccurredAt)
	}
	if stock := f.Stock(t, db, 0); stock != 8 {
		t.Errorf("stock = %d, want 10 - 2 = 8", stock)
	}
	var events int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM payment_events WHERE order_id = $1`, o.ID).Scan(&events); err != nil {
		t.Fatal(err)
	}
	if events != 2 {
		t.Errorf("%d payment events recorded, want 2", events)
	}
}

// TestTransactRetries checks that a transaction PostgreSQL aborts with a
// serialization failure is rolled back and run again.
func TestTransactRetries(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	m := buycard.Merchant{ID: buycard.NewID("mer"), Name: "Retried", CreatedAt: storedTime(time.Now())}
	runs := 0
	err := db.inWrite(t.Context(), func(tx pgx.Tx) error {
		runs++
		if _, err := tx.Exec(t.Context(), `INSERT INTO merchants (id, name, charges_enabled, created_at) VALUES ($1, $2, true, $3)`,
			m.ID, m.Name, m.CreatedAt); err != nil {
			return err
		}
		if runs == 1 {
			_, err := tx.Exec(t.Context(), `DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$`)
			return err
		}
		return nil
	})
	if err != nil || runs != 2 {
		t.Fatalf("error %v after %d runs, want success on the second", err, runs)
	}
	var n int
	if err := db.pool.QueryRow(t.Context(), `SELECT count(*) FROM merchants WHERE id = $1`, m.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d merchants (%v), want the one of the second run", n, err)
	}
}

// TestTimesInUTC checks that times come back in UTC even when the
// session's zone is another, as the SQLite store returns them.
func TestTimesInUTC(t *testing.T) {
	t.Parallel()
	u, err := url.Parse(migrated.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("timezone", "Asia/Tokyo")
	u.RawQuery = q.Encode()
	db := openURL(t, u.String())
	f := storetest.Seed(t, db)
	card, err := db.FindCard(t.Context(), f.Widget.ID)
	if err != nil {
		t.Fatal(err)
	}
	if card.Merchant.CreatedAt.Location() != time.UTC || !card.Merchant.CreatedAt.Equal(f.Merchant.CreatedAt) {
		t.Errorf("CreatedAt = %v, want %v in UTC", card.Merchant.CreatedAt, f.Merchant.CreatedAt)
	}
}
