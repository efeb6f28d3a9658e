package faulttest

import (
	"context"
	"maps"
	"syscall"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/cluster"
	"github.com/buycard/buycard/backend/sandbox"
	"github.com/buycard/buycard/backend/storetest"
)

// TestClusterChaos runs shoppers through Caddy against three nodes (the
// sandbox provider) on a PostgreSQL and a Redis of the test's own
// (services_test.go), and breaks the cluster under them in phases: one
// node killed with SIGKILL (Caddy must route around it: purchases go on),
// the node started again, PostgreSQL stopped as by a crash (immediate
// shutdown) and started again, Redis stopped and started again. Each
// phase lasts until enough requests ended in it, and the healthy ones
// until enough purchases did. Afterwards every checkout and payment the
// cluster acknowledged is in the database, nothing is half-written
// (wantWhole), the ledger verifies, and every party's balances are those
// of the reference books (books_test.go) paying the paid orders once
// each.
func TestClusterChaos(t *testing.T) {
	scenario(t)
	pg, databaseURL := startPostgres(t)
	rd, redisURL := startRedis(t)
	db := openDirect(t, databaseURL)
	f := storetest.Seed(t, db, withStock(1000))
	stock := f.Stock(t, db, 0)
	env := nodeEnv(databaseURL)
	maps.Copy(env, map[string]string{"BUYCARD_REDIS_URL": redisURL})
	c := startCluster(t, env)
	outcomes := conduct(t, chaosPhases(t, c, pg, rd), newShopper(t, c.URL, f), c.URL)
	// A pool of its own: the first one's connections died with the
	// database.
	db = openDirect(t, databaseURL)
	wantAcknowledged(t, db, outcomes)
	wantWhole(t, db, f, stock)
	wantBalances(t, db, paidBooks(t, db), f)
}

// chaosPhases break and mend the cluster c, its database pg and its
// Redis rd.
func chaosPhases(t *testing.T, c *cluster.Cluster, pg, rd *service) []phase {
	victim := c.Nodes[1]
	restart := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := victim.Start(ctx); err != nil {
			t.Error(err)
		}
	}
	return []phase{
		{name: "healthy", purchases: 5},
		{name: "node killed", enter: func() { victim.Kill() }, requests: 20, purchases: 5},
		{name: "node started again", enter: restart, purchases: 5},
		{name: "database crashed", enter: func() { pg.stop(syscall.SIGQUIT) }, requests: 20},
		{name: "database started again", enter: func() { pg.start(t) }, purchases: 5},
		{name: "redis stopped", enter: func() { rd.stop(syscall.SIGKILL) }, purchases: 5},
		{name: "redis started again", enter: func() { rd.start(t) }, purchases: 5},
	}
}

// paidBooks are the reference books of the orders paid in db: each paid
// once, as the sandbox pays it.
func paidBooks(t *testing.T, db *direct) *books {
	t.Helper()
	var paid []*buycard.Order
	for _, id := range db.column(t, `SELECT id FROM orders WHERE status = 'paid'`) {
		o, err := db.FindOrder(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		o.Status = buycard.OrderPending
		paid = append(paid, o)
	}
	b := newBooks(paid, 0)
	provider := sandbox.New(make([]byte, 32), time.Now)
	for _, o := range paid {
		e, err := provider.Charge(o, sandbox.CardSucceeds)
		if err == nil {
			err = b.apply(t.Context(), e)
		}
		if err != nil {
			t.Fatalf("books: pay order %s: %v", o.ID, err)
		}
	}
	return b
}
