package faulttest

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/sandbox"
)

// The deliveries of the kill test: what happens to its orders, as a
// provider reports it.

// A step is the next event a provider reports about an order, made from
// the order as it stands.
type step func(p *provider, o buycard.Order) buycard.PaymentEvent

// A lifecycle is what happens to an order, step by step.
type lifecycle struct {
	name  string
	steps []step
}

// lifecycles are what happens to the kill test's orders, order i living
// lifecycle i modulo their number.
var lifecycles = []lifecycle{
	{"paid", []step{paid}},
	{"declined, then paid", []step{declined, paid}},
	{"paid, then reported again by the shopper's return", []step{paid, paidAgain}},
	{"expired", []step{expired}},
	{"paid after it expired", []step{expired, paid}},
	{"refunded in two parts", []step{paid, refund(3), refund(1)}},
	{"dispute won", []step{paid, disputeOpened, disputeClosed(buycard.DisputeWon)}},
	{"refunded in part, then a dispute lost", []step{paid, refund(4), disputeOpened, disputeClosed(buycard.DisputeLost)}},
}

// provider makes the events a payment provider reports, with fresh ids
// and times that move forward (whole microseconds, which every store
// keeps).
type provider struct{ now time.Time }

func (p *provider) event(o buycard.Order, typ buycard.PaymentEventType, amount int64) buycard.PaymentEvent {
	p.now = p.now.Add(time.Millisecond)
	return buycard.PaymentEvent{
		ID: buycard.NewID("evt"), Provider: o.Provider, Type: typ, SessionID: o.ProviderSessionID,
		Amount: buycard.Money{Amount: amount, Currency: o.Total.Currency}, OccurredAt: p.now,
	}
}

// paid is the payment of o, with the processor's fee and the payment id
// that later refunds name.
func paid(p *provider, o buycard.Order) buycard.PaymentEvent {
	e := p.event(o, buycard.PaymentSucceeded, o.Total.Amount)
	e.PaymentID, e.Fee = "pi_"+o.ID, sandbox.Fee(o.Total)
	return e
}

// paidAgain is the same payment read back by the shopper's return, under
// the session's event id.
func paidAgain(p *provider, o buycard.Order) buycard.PaymentEvent {
	e := p.event(o, buycard.PaymentSucceeded, o.Total.Amount)
	e.ID = "session_paid:" + o.ProviderSessionID
	return e
}

func declined(p *provider, o buycard.Order) buycard.PaymentEvent {
	e := p.event(o, buycard.PaymentFailed, 0)
	e.Message = sandbox.DeclineMessage
	return e
}

func expired(p *provider, o buycard.Order) buycard.PaymentEvent {
	return p.event(o, buycard.SessionExpired, 0)
}

// refund refunds 1/part of what is left of the payment, naming the order
// by its payment id, as Stripe's charge events do.
func refund(part int64) step {
	return func(p *provider, o buycard.Order) buycard.PaymentEvent {
		e := p.event(o, buycard.PaymentRefunded, left(o)/part)
		e.ObjectID, e.SessionID, e.PaymentID = buycard.NewID("re"), "", o.ProviderPaymentID
		return e
	}
}

// disputeOpened disputes all that is left of the payment.
func disputeOpened(p *provider, o buycard.Order) buycard.PaymentEvent {
	e := p.event(o, buycard.DisputeOpened, left(o))
	e.ObjectID = "dp_" + o.ID
	return e
}

// disputeClosed ends the open dispute, won or lost.
func disputeClosed(typ buycard.PaymentEventType) step {
	return func(p *provider, o buycard.Order) buycard.PaymentEvent {
		e := p.event(o, typ, o.DisputeHeld)
		e.ObjectID = "dp_" + o.ID
		return e
	}
}

// left is what is left of o's payment to refund or dispute.
func left(o buycard.Order) int64 { return o.Total.Amount - o.Reversed() - o.DisputeHeld }

// script returns the kill test's deliveries: the lifecycles of orders,
// interleaved at random, with about one delivery in five a redelivery of
// an earlier one. It applies each to b.
func script(t *testing.T, b *books, orders []*buycard.Order) []buycard.PaymentEvent {
	t.Helper()
	p := &provider{now: time.Now().UTC().Truncate(time.Microsecond)}
	lives := make(map[*buycard.Order]lifecycle, len(orders))
	for i, o := range orders {
		lives[o] = lifecycles[i%len(lifecycles)]
	}
	var events []buycard.PaymentEvent
	for open := slices.Clone(orders); len(open) > 0; {
		if len(events) > 0 && rand.IntN(5) == 0 {
			events = append(events, events[rand.IntN(len(events))])
			continue
		}
		i := rand.IntN(len(open))
		o, life := open[i], lives[open[i]]
		e := life.steps[0](p, *b.orders[o.ID])
		if err := b.apply(t.Context(), e); err != nil {
			t.Fatalf("%s: event %s of order %s: %v", life.name, e.Type, o.ID, err)
		}
		if life.steps = life.steps[1:]; len(life.steps) == 0 {
			open = slices.Delete(open, i, i+1)
		}
		lives[o] = life
		events = append(events, e)
	}
	return events
}

// writeEvents writes the deliveries for the children to read.
func writeEvents(t *testing.T, events []buycard.PaymentEvent) string {
	t.Helper()
	b, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "events.json")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
