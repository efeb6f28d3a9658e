package faulttest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/sandbox"
	"github.com/buycard/buycard/backend/storetest"
	"github.com/buycard/buycard/ledger"
)

// The kill test's size: orders whose lifecycles make the deliveries, and
// how many times a child is killed in the middle of them.
const (
	killOrders = 80
	minKills   = 50
)

// TestKillDuringFulfilment delivers payment events (payments, declines,
// expiries, refunds, disputes, redeliveries) through a child process that
// applies them in order with ApplyPaymentEvent, as a node does, and
// acknowledges each on a pipe once it returned. The child is killed with
// SIGKILL at a random moment after a random number of acknowledgements,
// at least 50 times, and started again a little before the first event
// it did not acknowledge, as a provider redelivers. After each kill every
// acknowledged event must be recorded and the ledger verify; after a last
// child has delivered every event again, each is recorded once and the
// orders, the stock, every party's balances and each order's journals are
// what the books (books_test.go) hold, fed the same events. SQLite and
// PostgreSQL run side by side.
func TestKillDuringFulfilment(t *testing.T) {
	scenario(t)
	for _, tt := range []struct {
		name        string
		databaseURL func(t testing.TB) string
	}{
		{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "kill.db") }},
		{"postgres", postgresTemplate.Database},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			killDuringFulfilment(t, tt.databaseURL(t))
		})
	}
}

// killDuringFulfilment is TestKillDuringFulfilment on the database
// databaseURL names.
func killDuringFulfilment(t *testing.T, databaseURL string) {
	db := openDirect(t, databaseURL)
	f := storetest.Seed(t, db, withStock(1000))
	orders := openOrders(t, db, f)
	b := newBooks(orders, f.Stock(t, db, 0))
	events := script(t, b, orders)
	k := &killer{t: t, spec: childSpec{DatabaseURL: databaseURL, Events: writeEvents(t, events)}}
	k.killRepeatedly(db, events)
	if acked, _ := k.child(0, 0); len(acked) != len(events) {
		t.Fatalf("the last child acknowledged %d of the %d events", len(acked), len(events))
	}
	wantBooks(t, db, b, f, events)
}

// openOrders stores the kill test's orders, pending with their sandbox
// sessions, as the checkout leaves them.
func openOrders(t *testing.T, db *direct, f storetest.Fixture) []*buycard.Order {
	t.Helper()
	orders := make([]*buycard.Order, killOrders)
	for i := range orders {
		o, err := db.CreateOrder(t.Context(), f.NewOrder(0, 1+i%3))
		if err != nil {
			t.Fatal(err)
		}
		o.Provider, o.ProviderSessionID = sandbox.Name, buycard.NewID("cs")
		if err := db.AttachPaymentSession(t.Context(), o.ID, o.Provider, o.ProviderSessionID); err != nil {
			t.Fatal(err)
		}
		orders[i] = o
	}
	return orders
}

// killChildEnv carries a childSpec to TestKillChild; it is set only in the
// children.
const killChildEnv = "BUYCARD_FAULTTEST_KILL_CHILD"

// childSpec is what a child delivers: the events of the file Events, from
// the one at index From, to the database DatabaseURL names.
type childSpec struct {
	DatabaseURL string `json:"database_url"`
	Events      string `json:"events"`
	From        int    `json:"from"`
}

// TestKillChild is the child of TestKillDuringFulfilment: it opens the
// store as a node does, applies the events from the one it is given, in
// order, and writes the index of each on file descriptor 3 once
// ApplyPaymentEvent has returned, that is once its transaction
// committed, until it is killed or has delivered them all.
func TestKillChild(t *testing.T) {
	env := os.Getenv(killChildEnv)
	if env == "" {
		t.Skip("run by TestKillDuringFulfilment")
	}
	spec, events := readSpec(t, env)
	m, err := openNode(context.Background(), nodeEnv(spec.DatabaseURL))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	acks := os.NewFile(3, "acks")
	for i := spec.From; i < len(events); i++ {
		if _, err := m.DB.ApplyPaymentEvent(context.Background(), events[i]); err != nil {
			t.Fatalf("event %d (%s %s): %v", i, events[i].Type, events[i].ID, err)
		}
		if _, err := fmt.Fprintln(acks, i); err != nil {
			t.Fatal(err)
		}
	}
}

// readSpec reads a child's spec from env, and the events it names.
func readSpec(t *testing.T, env string) (spec childSpec, events []buycard.PaymentEvent) {
	t.Helper()
	err := json.Unmarshal([]byte(env), &spec)
	var b []byte
	if err == nil {
		b, err = os.ReadFile(spec.Events)
	}
	if err == nil {
		err = json.Unmarshal(b, &events)
	}
	if err != nil {
		t.Fatal(err)
	}
	return spec, events
}

// killer runs the children of one kill test.
type killer struct {
	t    *testing.T
	spec childSpec
}

// killRepeatedly runs children until minKills of them were killed, each
// starting a little before the first event the one before did not
// acknowledge, as providers redeliver. After each, every acknowledged
// event must be recorded and the ledger verify.
func (k *killer) killRepeatedly(db *direct, events []buycard.PaymentEvent) {
	t := k.t
	t.Helper()
	start, next, kills := time.Now(), 0, 0
	var rolledBack, unacknowledged int // kills inside a first delivery, before and after its commit
	for kills < minKills {
		from := max(0, next-rand.IntN(3))
		acked, killed := k.child(from, 2+rand.IntN(3))
		recorded := wantRecorded(t, db, events, acked)
		db.wantLedgerOK(t)
		next = from + len(acked)
		if killed {
			kills++
			switch {
			case next == len(events) || !firstDelivery(events, next):
			case recorded[events[next].ID] == 0:
				rolledBack++
			default:
				unacknowledged++
			}
		}
		if next == len(events) {
			next = 0 // all delivered: start over
		}
	}
	t.Logf("%d events, %d kills in %v; of the first deliveries killed, %d had not committed, %d had but were not acknowledged",
		len(events), kills, time.Since(start).Round(time.Millisecond), rolledBack, unacknowledged)
}

// child runs a child delivering the events from index from and returns
// the indexes it acknowledged. After its n-th acknowledgement (n ≥ 2; 0:
// never) it kills the child at a random moment within as long again as
// the delivery before took, that is inside one of the deliveries that
// follow. killed is false when the child delivered every event first.
func (k *killer) child(from, n int) (acked []int, killed bool) {
	k.t.Helper()
	cmd, acks, out := k.start(from)
	var kill *time.Timer
	last := time.Now()
	for i := range acks {
		if want := from + len(acked); i != want {
			k.t.Fatalf("child acknowledged event %d, want %d", i, want)
		}
		acked = append(acked, i)
		if len(acked) == n {
			took := time.Since(last)
			kill = time.AfterFunc(rand.N(took+1), func() { cmd.Process.Kill() })
		}
		last = time.Now()
	}
	err := cmd.Wait()
	if kill != nil {
		kill.Stop()
	}
	return acked, wasKilled(k.t, err, out.Bytes())
}

// start starts a child (this test binary again) delivering the events
// from index from. acks brings the indexes it acknowledges, until it ends;
// out collects what it prints.
func (k *killer) start(from int) (cmd *exec.Cmd, acks <-chan int, out *bytes.Buffer) {
	k.t.Helper()
	spec := k.spec
	spec.From = from
	env, err := json.Marshal(spec)
	if err != nil {
		k.t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		k.t.Fatal(err)
	}
	cmd = exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+string(env))
	cmd.ExtraFiles = []*os.File{w} // file descriptor 3
	out = new(bytes.Buffer)
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Start()
	w.Close() // the child holds the only writer now: the pipe ends when it does
	if err != nil {
		k.t.Fatal(err)
	}
	return cmd, readAcks(r), out
}

// wasKilled reports whether a child that ended with err was killed, and
// fails the test if it failed on its own.
func wasKilled(t *testing.T, err error, output []byte) bool {
	t.Helper()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return false
	case errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
		return true
	}
	t.Fatalf("child: %v\n%s", err, output)
	return false
}

// readAcks sends the indexes a child writes on r until the pipe ends.
func readAcks(r *os.File) <-chan int {
	acks := make(chan int)
	go func() {
		defer close(acks)
		defer r.Close()
		lines := bufio.NewScanner(r)
		for lines.Scan() {
			if i, err := strconv.Atoi(lines.Text()); err == nil {
				acks <- i
			}
		}
	}()
	return acks
}

// wantRecorded checks that every acknowledged event is recorded: what the
// child acknowledged had committed. It returns the records by event id.
func wantRecorded(t *testing.T, db *direct, events []buycard.PaymentEvent, acked []int) map[string]int {
	t.Helper()
	recorded := db.paymentEvents(t)
	for _, i := range acked {
		if recorded[events[i].ID] != 1 {
			t.Fatalf("event %d (%s) was acknowledged, and is recorded %d times", i, events[i].ID, recorded[events[i].ID])
		}
	}
	return recorded
}

// firstDelivery reports whether events[i] is its event's first delivery.
func firstDelivery(events []buycard.PaymentEvent, i int) bool {
	return slices.IndexFunc(events, func(e buycard.PaymentEvent) bool { return e.ID == events[i].ID }) == i
}

// wantBooks checks the store against the books once every event was
// delivered: each event recorded once, and the orders, the stock, every
// party's balances and each order's journals as the books have them.
func wantBooks(t *testing.T, db *direct, b *books, f storetest.Fixture, events []buycard.PaymentEvent) {
	t.Helper()
	ctx := t.Context()
	recorded := db.paymentEvents(t)
	for i, e := range events {
		if recorded[e.ID] != 1 {
			t.Errorf("event %d (%s %s) is recorded %d times, want once", i, e.Type, e.ID, recorded[e.ID])
		}
	}
	for id, want := range b.orders {
		if got, err := db.FindOrder(ctx, id); err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("order %s: %v\n got %+v\nwant %+v", id, err, got, want)
		}
	}
	if got := f.Stock(t, db, 0); got != b.stock {
		t.Errorf("stock = %d, want %d", got, b.stock)
	}
	wantBalances(t, db, b, f)
	wantJournals(t, db, b)
}

// wantBalances checks that every party's balances are what the books
// have.
func wantBalances(t *testing.T, db *direct, b *books, f storetest.Fixture) {
	t.Helper()
	parties := []ledger.Party{ledger.Merchant(f.Merchant.ID), ledger.Publisher(f.Publisher.ID), ledger.Platform(), ledger.Provider(sandbox.Name)}
	for _, p := range parties {
		got, err := db.Balances(t.Context(), p)
		want, _ := b.ledger.Balances(t.Context(), p)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("balances of %s: %v\n got %+v\nwant %+v", p, err, got, want)
		}
	}
}

// wantJournals checks that the ledger verifies and that each order has the
// journals the books have for it, in the same order.
func wantJournals(t *testing.T, db *direct, b *books) {
	t.Helper()
	want := make(map[string][]string)
	model := b.ledger.Journals()
	for _, l := range model {
		want[l.Journal.OrderID] = append(want[l.Journal.OrderID], l.Journal.Key)
	}
	if v := db.wantLedgerOK(t); v.Journals != len(model) {
		t.Errorf("%d journals, want %d", v.Journals, len(model))
	}
	for id := range b.orders {
		journals, err := db.OrderJournals(t.Context(), id)
		var got []string
		for _, j := range journals {
			got = append(got, j.Key)
		}
		if err != nil || !slices.Equal(got, want[id]) {
			t.Errorf("journals of order %s: %q, %v; want %q", id, got, err, want[id])
		}
	}
}
