package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/jobs"
)

// Notifier is what the notification tests need of a store beyond Store:
// its events and webhooks, and the relay's dispatch.
type Notifier interface {
	buycard.EventService
	buycard.WebhookService
	UndispatchedEvents(ctx context.Context, limit int) ([]*buycard.Event, error)
	DispatchEvents(ctx context.Context, events []*buycard.Event, emails map[string][]jobs.Job) (int, error)
}

// notifier returns s's notifications.
func notifier(t *testing.T, s Store) Notifier {
	t.Helper()
	n, ok := s.(Notifier)
	if !ok {
		t.Fatalf("%T has no events or webhooks", s)
	}
	return n
}

// relay dispatches the events recorded since the last relay, as the
// relay of package notify does, and returns them, oldest first.
func relay(t *testing.T, n Notifier) []*buycard.Event {
	t.Helper()
	events, err := n.UndispatchedEvents(t.Context(), 100)
	must(t, err)
	dispatched, err := n.DispatchEvents(t.Context(), events, nil)
	must(t, err)
	if dispatched != len(events) {
		t.Fatalf("%d of %d events dispatched", dispatched, len(events))
	}
	return events
}

// relayOne relays and wants one event.
func relayOne(t *testing.T, n Notifier) *buycard.Event {
	t.Helper()
	events := relay(t, n)
	if len(events) != 1 {
		t.Fatalf("%d events recorded, want 1: %v", len(events), eventTypes(events))
	}
	return events[0]
}

func eventTypes(events []*buycard.Event) []buycard.EventType {
	types := make([]buycard.EventType, len(events))
	for i, ev := range events {
		types[i] = ev.Type
	}
	return types
}

// testJobsWaitingByKind: the queue's health counts the jobs waiting by
// kind, as the dispatch of events inserts them.
func testJobsWaitingByKind(t *testing.T, s Store) {
	ctx := t.Context()
	q, ok := s.(interface {
		QueueHealth(ctx context.Context) (jobs.Health, error)
	})
	if !ok {
		t.Fatalf("%T has no job queue", s)
	}
	n := notifier(t, s)
	f := Seed(t, s)
	applyEvent(t, s, event(openOrder(t, s, f, 0, 1), buycard.PaymentSucceeded))
	events, err := n.UndispatchedEvents(ctx, 100)
	must(t, err)
	kind, other := "storetest_"+buycard.NewID("k"), "storetest_"+buycard.NewID("k")
	emails := map[string][]jobs.Job{}
	for _, ev := range events {
		args := map[string]string{"event_id": ev.ID}
		emails[ev.ID] = []jobs.Job{{Kind: kind, Args: args}, {Kind: kind, Args: args}, {Kind: other, Args: args}}
	}
	_, err = n.DispatchEvents(ctx, events, emails)
	must(t, err)
	h, err := q.QueueHealth(ctx)
	must(t, err)
	if len(events) == 0 || h.Waiting[kind] != 2*len(events) || h.Waiting[other] != len(events) {
		t.Errorf("after %d events of 3 jobs each: %v waiting, want %d %s and %d %s",
			len(events), h.Waiting, 2*len(events), kind, len(events), other)
	}
}

// testOrderEvents: each change of an order commits with its event,
// dispatched once: paid (a replayed payment records nothing more),
// refunded with the amount, canceled; the cleanup of old events keeps
// those not dispatched yet.
func testOrderEvents(t *testing.T, s Store) {
	ctx := t.Context()
	n := notifier(t, s)
	f := Seed(t, s)
	o := openOrder(t, s, f, 0, 2)
	paid := event(o, buycard.PaymentSucceeded)
	applyEvent(t, s, paid)
	ev := relayOne(t, n)
	var data buycard.OrderEventData
	must(t, json.Unmarshal(ev.Data, &data))
	if ev.Type != buycard.EventOrderPaid || ev.OrderID != o.ID || ev.PartyKind != buycard.PartyMerchant || ev.PartyID != f.Merchant.ID ||
		data.Order == nil || data.Order.Status != buycard.OrderPaid || data.Order.Number != o.Number {
		t.Fatalf("event %+v with data %s, want order.paid of %s for its merchant", ev, ev.Data, o.ID)
	}
	applyEvent(t, s, paid) // replayed: no second event
	applyEvent(t, s, moneyEvent(o, buycard.PaymentRefunded, "re_events", 1000))
	if ev := relayOne(t, n); ev.Type != buycard.EventOrderRefunded {
		t.Fatalf("after a replay and a refund, %s was told, want %s", ev.Type, buycard.EventOrderRefunded)
	} else if must(t, json.Unmarshal(ev.Data, &data)); data.Refund == nil || data.Refund.Amount != 1000 {
		t.Errorf("refund event data %s, want a refund of 1000", ev.Data)
	}
	pending := openOrder(t, s, f, 0, 1)
	must(t, s.CancelOrder(ctx, pending.ID))
	// The cleanup deletes the dispatched events, never one that waits.
	if deleted, err := n.DeleteOldEvents(ctx, time.Now().Add(time.Hour)); err != nil || deleted != 2 {
		t.Fatalf("cleanup deleted %d events, %v; want the 2 dispatched", deleted, err)
	}
	if ev := relayOne(t, n); ev.Type != buycard.EventOrderCanceled || ev.OrderID != pending.ID {
		t.Fatalf("after a cancel, %s of %s was recorded", ev.Type, ev.OrderID)
	}
	if events := relay(t, n); len(events) != 0 {
		t.Errorf("events dispatched twice: %v", eventTypes(events))
	}
}

// testWebhookEndpoints: a party's endpoints, scoped to it, at most
// buycard.MaxWebhookEndpoints.
func testWebhookEndpoints(t *testing.T, s Store) {
	ctx := t.Context()
	n := notifier(t, s)
	f := Seed(t, s)
	e := newEndpoint(f.Merchant.ID)
	must(t, n.CreateWebhookEndpoint(ctx, e))
	got, err := n.FindWebhookEndpoint(ctx, buycard.PartyMerchant, f.Merchant.ID, e.ID)
	must(t, err)
	wantEqual(t, "endpoint", got, e)
	if _, err := n.FindWebhookEndpoint(ctx, buycard.PartyPublisher, f.Publisher.ID, e.ID); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("another party's endpoint: %v, want ENOTFOUND", err)
	}
	if err := n.DeleteWebhookEndpoint(ctx, buycard.PartyPublisher, f.Publisher.ID, e.ID); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("another party deletes: %v, want ENOTFOUND", err)
	}
	for range buycard.MaxWebhookEndpoints - 1 {
		must(t, n.CreateWebhookEndpoint(ctx, newEndpoint(f.Merchant.ID)))
	}
	if err := n.CreateWebhookEndpoint(ctx, newEndpoint(f.Merchant.ID)); buycard.ErrorCode(err) != buycard.ECONFLICT {
		t.Errorf("one endpoint too many: %v, want ECONFLICT", err)
	}
	list, err := n.WebhookEndpoints(ctx, buycard.PartyMerchant, f.Merchant.ID)
	if err != nil || len(list) != buycard.MaxWebhookEndpoints || list[0].ID != e.ID {
		t.Fatalf("%d endpoints, %v; want %d, oldest first", len(list), err, buycard.MaxWebhookEndpoints)
	}
	must(t, n.DeleteWebhookEndpoint(ctx, buycard.PartyMerchant, f.Merchant.ID, e.ID))
	if _, err := n.FindWebhookEndpoint(ctx, buycard.PartyMerchant, f.Merchant.ID, e.ID); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("deleted endpoint: %v, want ENOTFOUND", err)
	}
}

func newEndpoint(merchantID string) *buycard.WebhookEndpoint {
	return &buycard.WebhookEndpoint{PartyKind: buycard.PartyMerchant, PartyID: merchantID, URL: "https://hooks.example.com/buycard",
		Description: "fulfilment", EventTypes: []buycard.EventType{buycard.EventOrderPaid, buycard.EventOrderRefunded},
		Secret: "whsec_dGVzdA=="}
}

// testWebhookDeliveries: an event's dispatch creates one delivery per
// enabled endpoint subscribed to its type, once however many relays
// dispatch it at once;
// attempts record their outcome, and an endpoint failing for
// buycard.WebhookDisableAfter is disabled; resends and test events reach
// one endpoint; old events go with their deliveries.
func testWebhookDeliveries(t *testing.T, s Store) {
	ctx := t.Context()
	n := notifier(t, s)
	f := Seed(t, s)
	subscribed, other, off := newEndpoint(f.Merchant.ID), newEndpoint(f.Merchant.ID), newEndpoint(f.Merchant.ID)
	other.EventTypes = []buycard.EventType{buycard.EventOrderRefunded}
	for _, e := range []*buycard.WebhookEndpoint{subscribed, other, off} {
		must(t, n.CreateWebhookEndpoint(ctx, e))
	}
	_, err := n.UpdateWebhookEndpoint(ctx, buycard.PartyMerchant, f.Merchant.ID, off.ID, func(e *buycard.WebhookEndpoint) error {
		now := time.Now()
		e.DisabledAt = &now
		return nil
	})
	must(t, err)

	const orders = 3
	for range orders {
		applyEvent(t, s, event(openOrder(t, s, f, 0, 1), buycard.PaymentSucceeded))
	}
	events, err := n.UndispatchedEvents(ctx, 100)
	if err != nil || len(events) != orders {
		t.Fatalf("%d events recorded, %v; want %d", len(events), err, orders)
	}
	// Three relays dispatch the same events at once, as relays on
	// several nodes may.
	var wg sync.WaitGroup
	var dispatched atomic.Int64
	for range 3 {
		wg.Go(func() {
			n, err := n.DispatchEvents(ctx, events, nil)
			if err != nil {
				t.Error(err)
			}
			dispatched.Add(int64(n))
		})
	}
	wg.Wait()
	if dispatched.Load() != orders {
		t.Fatalf("%d dispatches of %d events", dispatched.Load(), orders)
	}
	list, err := n.WebhookDeliveries(ctx, buycard.PartyMerchant, f.Merchant.ID, subscribed.ID, 10)
	if err != nil || len(list) != orders || list[0].Status != buycard.DeliveryPending {
		t.Fatalf("deliveries to the subscribed endpoint: %+v, %v; want %d, pending", list, err, orders)
	}
	for _, d := range list {
		if !slices.ContainsFunc(events, func(ev *buycard.Event) bool { return ev.ID == d.EventID }) {
			t.Errorf("delivery of event %s, not one of the orders'", d.EventID)
		}
	}
	for _, e := range []*buycard.WebhookEndpoint{other, off} {
		if list, _ := n.WebhookDeliveries(ctx, buycard.PartyMerchant, f.Merchant.ID, e.ID, 10); len(list) != 0 {
			t.Errorf("an endpoint not subscribed or disabled got %d deliveries, want none", len(list))
		}
	}
	test, err := n.SendTestEvent(ctx, buycard.PartyMerchant, f.Merchant.ID, other.ID)
	must(t, err)
	if test.Status != buycard.DeliveryPending || test.EventType != buycard.EventTest || test.EndpointID != other.ID {
		t.Errorf("test delivery %+v", test)
	}
	if left := relay(t, n); len(left) != 0 {
		t.Errorf("the test event was relayed: %v", eventTypes(left))
	}
	attempts(t, n, subscribed, list[0])
}

// attempts records attempts at d: failures start the endpoint's failing
// time, a success clears it, failures for WebhookDisableAfter disable it.
func attempts(t *testing.T, n Notifier, e *buycard.WebhookEndpoint, d *buycard.WebhookDelivery) {
	ctx := t.Context()
	start := time.Now()
	disabled, err := n.RecordWebhookAttempt(ctx, buycard.WebhookAttempt{DeliveryID: d.ID, At: start, ResponseStatus: 500,
		ResponseBody: "down", Latency: 12 * time.Millisecond})
	must(t, err)
	got, _ := n.FindWebhookEndpoint(ctx, e.PartyKind, e.PartyID, e.ID)
	if disabled || got.FailingSince == nil {
		t.Fatalf("after a failure: disabled %v, failing since %v", disabled, got.FailingSince)
	}
	_, err = n.RecordWebhookAttempt(ctx, buycard.WebhookAttempt{DeliveryID: d.ID, At: start.Add(time.Minute), ResponseStatus: 204, OK: true})
	must(t, err)
	list, _ := n.WebhookDeliveries(ctx, e.PartyKind, e.PartyID, e.ID, 10)
	got, _ = n.FindWebhookEndpoint(ctx, e.PartyKind, e.PartyID, e.ID)
	if list[0].Status != buycard.DeliverySucceeded || list[0].Attempts != 2 || list[0].ResponseStatus != 204 || got.FailingSince != nil {
		t.Fatalf("after a success: %+v, failing since %v", list[0], got.FailingSince)
	}

	// Resent, it fails from now on for days: the endpoint is disabled.
	_, err = n.ResendWebhookDelivery(ctx, e.PartyKind, e.PartyID, d.ID)
	must(t, err)
	for _, at := range []time.Time{start.Add(time.Hour), start.Add(time.Hour + buycard.WebhookDisableAfter)} {
		disabled, err = n.RecordWebhookAttempt(ctx, buycard.WebhookAttempt{DeliveryID: d.ID, At: at, ResponseBody: "No answer"})
		must(t, err)
	}
	got, _ = n.FindWebhookEndpoint(ctx, e.PartyKind, e.PartyID, e.ID)
	if !disabled || got.DisabledAt == nil || got.DisabledReason == "" {
		t.Fatalf("failing for %v: disabled %v, endpoint %+v", buycard.WebhookDisableAfter, disabled, got)
	}
	if _, err := n.ResendWebhookDelivery(ctx, e.PartyKind, e.PartyID, d.ID); buycard.ErrorCode(err) != buycard.ECONFLICT {
		t.Errorf("resend to a disabled endpoint: %v, want ECONFLICT", err)
	}
	if _, err := n.SendTestEvent(ctx, e.PartyKind, e.PartyID, e.ID); buycard.ErrorCode(err) != buycard.ECONFLICT {
		t.Errorf("test event to a disabled endpoint: %v, want ECONFLICT", err)
	}
	deleted, err := n.DeleteOldEvents(ctx, time.Now().Add(time.Hour))
	must(t, err)
	if _, err := n.FindEvent(ctx, d.EventID); deleted == 0 || buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("old events: %d deleted, the test event %v", deleted, err)
	}
}

// testLowStock: a sale that leaves a variant at or below
// buycard.LowStockThreshold tells its merchant once; a restock above it
// lets the next fall tell again.
func testLowStock(t *testing.T, s Store) {
	ctx := t.Context()
	n := notifier(t, s)
	f := Seed(t, s) // A4: 3 in stock
	var lows []*buycard.Event
	// pay pays an order of one unit of variant, keeping the low-stock
	// events recorded with its order.paid.
	pay := func(variant int) {
		applyEvent(t, s, event(openOrder(t, s, f, variant, 1), buycard.PaymentSucceeded))
		for _, ev := range relay(t, n) {
			if ev.Type != buycard.EventOrderPaid {
				lows = append(lows, ev)
			}
		}
	}
	wantLows := func(n int) {
		t.Helper()
		if len(lows) != n {
			t.Fatalf("%d low-stock events in all, want %d", len(lows), n)
		}
	}
	pay(1)
	wantLows(1)
	var low buycard.LowStock
	must(t, json.Unmarshal(lows[0].Data, &low))
	if lows[0].Type != buycard.EventLowStock || lows[0].PartyID != f.Merchant.ID || low.Variant.ID != f.Product.Variants[1].ID ||
		low.Variant.Stock != 2 || low.Product.Title != f.Product.Title {
		t.Fatalf("told %s %s, want product.low_stock of A4 at 2", lows[0].Type, lows[0].Data)
	}
	pay(1)
	pay(0) // A5: 10 → 9, above the threshold
	restocked := f.Product
	restocked.Variants = slices.Clone(f.Product.Variants)
	restocked.Variants[1].Stock = 20
	must(t, s.UpdateProduct(ctx, &restocked))
	pay(1)
	wantLows(1)
	restocked.Variants[1].Stock = 6
	must(t, s.UpdateProduct(ctx, &restocked))
	pay(1)
	wantLows(2)
}
