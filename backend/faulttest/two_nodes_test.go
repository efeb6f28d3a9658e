package faulttest

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/server"
	"github.com/buycard/buycard/backend/storetest"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

// webhookSecret signs the webhooks of TestTwoNodesOnePayment's fake Stripe.
const webhookSecret = "whsec_faulttest"

// How many orders TestTwoNodesOnePayment pays, and in how many lanes side
// by side.
const (
	payments = 100
	lanes    = 4
)

// TestTwoNodesOnePayment runs two nodes, each with its own PostgreSQL pool
// on one database, as a cluster does, with Stripe (the stripetest fake)
// as the payment provider. Each of 100 orders is paid at Stripe, and four
// deliveries of the payment race each other: Stripe's webhook to both
// nodes (a retry landing on the other node) and the shopper's return from
// checkout to both (a reload), whose event id is the session's
// ("session_paid:cs_…") rather than Stripe's. Every delivery must succeed,
// and every order end paid with one payment event record per event id, one
// sale journal and its unit taken once; the ledger verifies. Lanes pay
// orders side by side, as a cluster's traffic does.
func TestTwoNodesOnePayment(t *testing.T) {
	scenario(t)
	c := newTwoNodes(t)
	var byReturn atomic.Int64
	t.Run("payments", func(t *testing.T) {
		for lane := range lanes {
			t.Run(fmt.Sprint("lane ", lane), func(t *testing.T) {
				t.Parallel()
				// Each lane is a shopper of its own: one network may
				// hold only a fifth of the units left.
				s := c.shopper.from(fmt.Sprintf("198.51.100.%d", lane+1))
				for i := lane; i < payments; i += lanes {
					if !c.payOnce(t, s, c.nodes[i%len(c.nodes)]) {
						byReturn.Add(1)
					}
				}
			})
		}
	})
	t.Logf("the shopper's return paid %d of %d orders before the webhook did", byReturn.Load(), payments)
	if n := byReturn.Load(); n == 0 || n == payments {
		t.Errorf("the webhook and the return never raced: the return paid %d of %d orders", n, payments)
	}
	if stock := c.fixture.Stock(t, c.db, 0); stock != 0 {
		t.Errorf("stock = %d after %d sales of its %d units, want 0", stock, payments, payments)
	}
	c.db.wantLedgerOK(t)
}

// stripeShop is a PostgreSQL database selling the fixture's card of a
// merchant connected to a fake Stripe, and the configuration of the nodes
// that sell it.
type stripeShop struct {
	fake    *stripetest.Server
	env     map[string]string
	db      *direct
	fixture storetest.Fixture
}

// newStripeShop makes a stripeShop on a database of its own whose card
// has stock units.
func newStripeShop(t *testing.T, stock int) *stripeShop {
	t.Helper()
	s := &stripeShop{fake: stripetest.NewServer()}
	t.Cleanup(s.fake.Close)
	databaseURL := postgresTemplate.Database(t)
	s.env = nodeEnv(databaseURL)
	maps.Copy(s.env, map[string]string{
		"STRIPE_SECRET_KEY": "sk_test_faulttest", "STRIPE_PUBLISHABLE_KEY": "pk_test_faulttest",
		"STRIPE_WEBHOOK_SECRET": webhookSecret, "STRIPE_API_URL": s.fake.URL,
	})
	s.db = openDirect(t, databaseURL)
	s.fixture = storetest.Seed(t, s.db, withStock(stock))
	err := s.db.LinkPaymentAccount(t.Context(), &buycard.PaymentAccount{
		ID: "acct_faulttest", PartyKind: buycard.PartyMerchant, PartyID: s.fixture.Merchant.ID, ChargesEnabled: true, PayoutsEnabled: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// twoNodes is two nodes sharing a stripeShop's database.
type twoNodes struct {
	*stripeShop
	nodes   []*server.Main
	shopper *shopper
}

func newTwoNodes(t *testing.T) *twoNodes {
	t.Helper()
	c := &twoNodes{stripeShop: newStripeShop(t, payments)}
	c.nodes = []*server.Main{startNode(t, c.env), startNode(t, c.env)}
	c.shopper = newShopper(t, c.nodes[0].Config.PublicURL, c.fixture)
	return c
}

// payOnce checks out one unit at node, pays it at Stripe, delivers the
// payment four times at once and checks that the order was paid once. It
// reports whether the webhook's event paid it, rather than the return's.
func (c *twoNodes) payOnce(t *testing.T, s *shopper, node *server.Main) (byWebhook bool) {
	t.Helper()
	started, status, err := s.checkout(t.Context(), node.Config.PublicURL, 1)
	if status != http.StatusCreated || err != nil {
		t.Fatalf("checkout: %d, %v", status, err)
	}
	c.fake.PaySession(started.Payment.SessionID, "pi_"+started.Order.ID)
	webhook := payment{eventID: "evt_" + started.Order.ID, created: time.Now().Truncate(time.Second)}
	var urls []string
	for _, n := range c.nodes {
		urls = append(urls, n.Config.PublicURL)
	}
	webhook.deliver(t, c.fake, started, urls, urls)
	return wantPaidOnce(t, c.db, started, webhook.eventID).PaidAt.Equal(webhook.created)
}

// payment is Stripe's checkout.session.completed event of one order.
type payment struct {
	eventID string
	created time.Time // whole seconds, as Stripe's events say
}

// deliver delivers the payment of c at once as Stripe's webhook to each
// node of webhooks and as the shopper's return from checkout to each
// node of returns (their URLs). Each must be answered as a success: 200
// for the webhook, a redirect to the receipt (303) for the return.
func (p payment) deliver(t *testing.T, fake *stripetest.Server, c checkout, webhooks, returns []string) {
	t.Helper()
	payload := fake.Event(p.eventID, "checkout.session.completed", c.Payment.SessionID, p.created)
	type delivery struct {
		req  *http.Request
		want int
	}
	var deliveries []delivery
	for _, base := range webhooks {
		webhook, err := newRequest(t.Context(), http.MethodPost, base+"/v1/stripe/webhook", payload)
		if err != nil {
			t.Fatal(err)
		}
		webhook.Header.Set("Stripe-Signature", stripetest.Sign(payload, webhookSecret, time.Now()))
		deliveries = append(deliveries, delivery{webhook, http.StatusOK})
	}
	for _, base := range returns {
		back, err := newRequest(t.Context(), http.MethodGet, base+"/checkout/return?session_id="+c.Payment.SessionID, nil)
		if err != nil {
			t.Fatal(err)
		}
		deliveries = append(deliveries, delivery{back, http.StatusSeeOther})
	}
	start := make(chan struct{}) // released at once, so that they race
	errs := make([]error, len(deliveries))
	var wg sync.WaitGroup
	for i, d := range deliveries {
		wg.Go(func() {
			<-start
			if status, err := send(d.req, nil); status != d.want {
				errs[i] = fmt.Errorf("%s %s: %d, %v; want %d", d.req.Method, d.req.URL.Path, status, err, d.want)
			}
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// wantPaidOnce checks that c's order is paid, that the webhook's event and
// the return's were each recorded once, and that the order has one
// journal, its sale. It returns the order.
func wantPaidOnce(t *testing.T, db *direct, c checkout, webhookEventID string) *buycard.Order {
	t.Helper()
	o, err := db.FindOrder(t.Context(), c.Order.ID)
	if err != nil || o.Status != buycard.OrderPaid || o.PaidAt == nil {
		t.Fatalf("order %s after the deliveries: %+v, %v; want it paid", c.Order.ID, o, err)
	}
	events := db.column(t, `SELECT event_id FROM payment_events WHERE order_id = $1 ORDER BY event_id`, o.ID)
	want := []string{webhookEventID, "session_paid:" + c.Payment.SessionID}
	slices.Sort(want)
	if !slices.Equal(events, want) {
		t.Errorf("order %s: payment events %q, want each of %q once", o.ID, events, want)
	}
	journals, err := db.OrderJournals(t.Context(), o.ID)
	if err != nil || len(journals) != 1 || journals[0].Key != "sale:"+o.ID {
		t.Errorf("order %s: journals %+v, %v; want its sale once", o.ID, journals, err)
	}
	return o
}
