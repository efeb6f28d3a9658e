package faulttest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/server"
	"github.com/buycard/buycard/backend/storetest"
	"github.com/buycard/buycard/backend/webhooks"
)

// notifyOrders is how many orders the notification kill test pays.
const notifyOrders = 12

// TestKillBeforeWebhookDelivery, on SQLite and PostgreSQL: a node pays
// orders while the merchant's webhook endpoint is down, so each payment
// commits with its order.paid event and the job that tells of it, and
// nothing is delivered; the node is killed with SIGKILL. A new node on
// the same database, with the endpoint up, delivers every order.paid
// event: each is accepted once, its signature verified by the Standard
// Webhooks reference library, and none is lost.
func TestKillBeforeWebhookDelivery(t *testing.T) {
	scenario(t)
	for _, tt := range []struct {
		name        string
		databaseURL func(t testing.TB) string
	}{
		{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "notify.db") }},
		{"postgres", postgresTemplate.Database},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			killBeforeDelivery(t, tt.databaseURL(t))
		})
	}
}

func killBeforeDelivery(t *testing.T, databaseURL string) {
	db := openDirect(t, databaseURL)
	f := storetest.Seed(t, db, withStock(1000))
	addr := freeAddr(t) // the endpoint's, where nothing listens yet
	endpoint := &buycard.WebhookEndpoint{PartyKind: buycard.PartyMerchant, PartyID: f.Merchant.ID, URL: "http://" + addr + "/hooks",
		EventTypes: []buycard.EventType{buycard.EventOrderPaid}, Secret: webhooks.NewSecret()}
	if err := db.CreateWebhookEndpoint(t.Context(), endpoint); err != nil {
		t.Fatal(err)
	}
	var events []buycard.PaymentEvent
	p := &provider{now: time.Now().UTC()}
	for _, o := range openOrders(t, db, f)[:notifyOrders] {
		events = append(events, paid(p, *o))
	}
	spec := childSpec{DatabaseURL: databaseURL, Events: writeEvents(t, events)}

	// The first node pays every order, then is killed while its jobs
	// fail to reach the endpoint.
	cmd, acks, out := startNotifyChild(t, spec)
	for range acks {
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	paidEvents := db.paidEventIDs(t)
	if len(paidEvents) != notifyOrders {
		t.Fatalf("%d order.paid events recorded, want %d\n%s", len(paidEvents), notifyOrders, out)
	}

	// The endpoint comes up; a new node delivers what the first left.
	recv := listenReceiver(t, addr, endpoint.Secret)
	spec.From = len(events)
	cmd, _, out = startNotifyChild(t, spec)
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	// A job running when the first node died waits for River's rescuer,
	// which the new leader runs every 30 seconds once elected.
	deadline := time.After(3 * time.Minute)
	for len(recv.ids()) < notifyOrders {
		select {
		case <-recv.arrived:
		case <-deadline:
			t.Fatalf("%d of %d events delivered after the restart\n%s", len(recv.ids()), notifyOrders, out)
		}
	}
	got := recv.ids()
	for _, id := range paidEvents {
		if got[id] != 1 {
			t.Errorf("event %s accepted %d times, want once", id, got[id])
		}
	}
	if len(recv.bad) > 0 {
		t.Errorf("deliveries that did not verify: %v", recv.bad)
	}
}

// notifyChildEnv carries a childSpec to TestNotifyChild.
const notifyChildEnv = "BUYCARD_FAULTTEST_NOTIFY_CHILD"

// TestNotifyChild is a node of TestKillBeforeWebhookDelivery: it runs as
// the binary does, with its job queue, applies the events from the one
// it is given, acknowledging each on file descriptor 3 once committed,
// then goes on working jobs until it is killed.
func TestNotifyChild(t *testing.T) {
	env := os.Getenv(notifyChildEnv)
	if env == "" {
		t.Skip("run by TestKillBeforeWebhookDelivery")
	}
	spec, events := readSpec(t, env)
	cfg := nodeEnv(spec.DatabaseURL)
	cfg["BUYCARD_WEB_DIR"] = webDir(t)
	m, err := newMain(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m.Config.Jobs = server.JobTiming{Poll: 50 * time.Millisecond, Rescue: 2 * time.Second,
		WebhookBackoff: func(int) time.Duration { return 200 * time.Millisecond }}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	acks := os.NewFile(3, "acks")
	for i := spec.From; i < len(events); i++ {
		if _, err := m.DB.ApplyPaymentEvent(context.Background(), events[i]); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		fmt.Fprintln(acks, i)
	}
	acks.Close()
	select {} // work jobs until killed
}

// startNotifyChild starts a TestNotifyChild node with spec.
func startNotifyChild(t *testing.T, spec childSpec) (*exec.Cmd, <-chan int, *output) {
	t.Helper()
	env, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNotifyChild$", "-test.count=1", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), notifyChildEnv+"="+string(env))
	cmd.ExtraFiles = []*os.File{w}
	out := new(output)
	cmd.Stdout, cmd.Stderr = out, out
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	return cmd, readAcks(r), out
}

// output collects what a child prints, read while it runs.
type output struct {
	mu  sync.Mutex
	buf []byte
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf = append(o.buf, p...)
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.buf)
}

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// hookReceiver is the merchant's endpoint: it verifies each delivery
// with the reference library and counts acceptances per event id.
type hookReceiver struct {
	mu       sync.Mutex
	secret   string
	accepted map[string]int
	bad      []string
	arrived  chan struct{}
}

// listenReceiver serves a receiver at addr until the test ends.
func listenReceiver(t *testing.T, addr, secret string) *hookReceiver {
	t.Helper()
	r := &hookReceiver{secret: secret, accepted: map[string]int{}, arrived: make(chan struct{}, 1000)}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: r}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return r
}

func (r *hookReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	wh, err := standardwebhooks.NewWebhook(r.secret)
	if err == nil {
		err = wh.Verify(body, req.Header)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		r.bad = append(r.bad, err.Error())
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.accepted[req.Header.Get("webhook-id")]++
	r.arrived <- struct{}{}
}

// ids are the accepted event ids, with how many times each came.
func (r *hookReceiver) ids() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	ids := make(map[string]int, len(r.accepted))
	for id, n := range r.accepted {
		ids[id] = n
	}
	return ids
}

// paidEventIDs are the ids of the order.paid events recorded.
func (db *direct) paidEventIDs(t *testing.T) []string {
	t.Helper()
	rows, err := db.sql.QueryContext(t.Context(), `SELECT id FROM events WHERE type = 'order.paid' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}
