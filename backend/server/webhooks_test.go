package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/mailpittest"
)

// receiver is a merchant's webhook endpoint: it verifies each request
// with the Standard Webhooks reference library, refuses the first fails
// of them with a 500, and accepts each event id once, as the spec asks
// receivers to (a repeat is answered 200 and dropped).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	fails    int
	requests int
	accepted map[string]string // event id → type
	repeats  int
	bad      []string
	arrived  chan string
}

func newReceiver(t *testing.T, fails int) *receiver {
	r := &receiver{fails: fails, accepted: map[string]string{}, arrived: make(chan string, 100)}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	wh, err := standardwebhooks.NewWebhook(r.secret)
	if err == nil {
		err = wh.Verify(body, req.Header)
	}
	if err != nil {
		r.bad = append(r.bad, err.Error())
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	if r.requests <= r.fails {
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
		return
	}
	var event struct{ ID, Type string }
	json.Unmarshal(body, &event)
	if event.ID != req.Header.Get("webhook-id") {
		r.bad = append(r.bad, "body id "+event.ID+" is not webhook-id "+req.Header.Get("webhook-id"))
	}
	if _, seen := r.accepted[event.ID]; seen {
		r.repeats++
		return
	}
	r.accepted[event.ID] = event.Type
	r.arrived <- event.Type
}

// subscribe registers the receiver as an endpoint of the party whose
// API key authorization is, with the other fields of the request body
// fields, and keeps its secret to verify deliveries with.
func (r *receiver) subscribe(t *testing.T, m *Main, authorization, fields string) buycard.WebhookEndpoint {
	t.Helper()
	var created struct{ Endpoint buycard.WebhookEndpoint }
	body := `{"url":"` + r.URL + `/hooks",` + fields + `}`
	if status := post(t, m, "/v1/webhooks", []byte(body), map[string]string{"Authorization": authorization}, &created); status != http.StatusCreated {
		t.Fatalf("create endpoint = %d %+v", status, created)
	}
	r.mu.Lock()
	r.secret = created.Endpoint.Secret
	r.mu.Unlock()
	return created.Endpoint
}

// wait waits for the next event accepted, and returns its type.
func (r *receiver) wait(t *testing.T) string {
	t.Helper()
	select {
	case typ := <-r.arrived:
		return typ
	case <-time.After(20 * time.Second):
		t.Fatal("no webhook arrived")
		return ""
	}
}

// TestMerchantWebhooksOnEachStore, on SQLite and on PostgreSQL: a
// merchant registers an endpoint through the API, which fails three
// times, then accepts. Paying, shipping and refunding an order each
// delivers its event, signed so the reference library verifies it, and
// accepted once; the deliveries list shows attempts, status and the
// answer; a resend sends the same event id again, which the receiver
// drops; a test event reaches the endpoint; another merchant sees none of
// it.
func TestMerchantWebhooksOnEachStore(t *testing.T) {
	t.Parallel()
	for name, databaseURL := range testStores() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, _ := startStripeNodeOn(t, databaseURL(t))
			shop := openOwnedShop(t, m)
			key := "Bearer " + merchantKey(t, m, shop.merchantID)
			recv := newReceiver(t, 3)

			endpoint := recv.subscribe(t, m, key, `"description":"fulfilment","event_types":["order.paid","order.fulfilled","order.refunded"]`)

			o := paidShopOrder(t, m, shop)
			if typ := recv.wait(t); typ != "order.paid" {
				t.Fatalf("first event %s, want order.paid", typ)
			}
			if status, b := send(t, m, "PATCH", "/v1/merchant/orders/"+o.ID+"/fulfillment", []byte(`{"status":"fulfilled","carrier":"UPS","tracking_number":"1Z999"}`),
				map[string]string{"Authorization": key}); status != http.StatusOK {
				t.Fatalf("mark shipped = %d %s", status, b)
			}
			if typ := recv.wait(t); typ != "order.fulfilled" {
				t.Fatalf("second event %s, want order.fulfilled", typ)
			}
			if status, b := postRaw(t, m, "/v1/merchant/orders/"+o.ID+"/refunds", []byte(`{"amount":500}`),
				map[string]string{"Authorization": key, "Idempotency-Key": "hook-refund"}); status != http.StatusCreated {
				t.Fatalf("refund = %d %s", status, b)
			}
			if typ := recv.wait(t); typ != "order.refunded" {
				t.Fatalf("third event %s, want order.refunded", typ)
			}

			var list struct{ Deliveries []buycard.WebhookDelivery }
			getJSON(t, m, "/v1/webhooks/"+endpoint.ID+"/deliveries", key, &list)
			if len(list.Deliveries) != 3 {
				t.Fatalf("%d deliveries listed, want 3", len(list.Deliveries))
			}
			paid := list.Deliveries[2]
			if paid.EventType != buycard.EventOrderPaid || paid.Status != buycard.DeliverySucceeded || paid.Attempts != 4 ||
				paid.ResponseStatus != 200 || paid.AttemptedAt == nil {
				t.Errorf("order.paid delivery = %+v, want succeeded at the 4th attempt", paid)
			}

			var resent struct{ Delivery buycard.WebhookDelivery }
			if status := post(t, m, "/v1/webhooks/deliveries/"+paid.ID+"/resend", nil, map[string]string{"Authorization": key}, &resent); status != http.StatusAccepted {
				t.Fatalf("resend = %d", status)
			}
			var test struct{ Delivery buycard.WebhookDelivery }
			if status := post(t, m, "/v1/webhooks/"+endpoint.ID+"/test", nil, map[string]string{"Authorization": key}, &test); status != http.StatusAccepted {
				t.Fatalf("test event = %d", status)
			}
			if typ := recv.wait(t); typ != string(buycard.EventTest) {
				t.Fatalf("after a resend and a test, %s arrived, want %s", typ, buycard.EventTest)
			}
			waitFor(t, "the resend", func() bool {
				recv.mu.Lock()
				defer recv.mu.Unlock()
				return recv.repeats == 1
			})
			recv.mu.Lock()
			if len(recv.bad) > 0 || len(recv.accepted) != 4 {
				t.Errorf("receiver: bad %v, accepted %v; want 4 events, all verified", recv.bad, recv.accepted)
			}
			recv.mu.Unlock()
			// The node counted each attempt once recorded: order.paid's
			// three failures and its delivery, then four deliveries; and
			// the payment and the refund it applied.
			waitFor(t, "the last attempt counted", func() bool {
				return strings.Contains(scrapeMetrics(t, m), "\n"+`buycard_webhook_attempts_total{outcome="delivered"} 5`+"\n")
			})
			scraped := scrapeMetrics(t, m)
			for _, want := range []string{
				`buycard_webhook_attempts_total{outcome="failed"} 3`,
				`buycard_webhook_attempts_total{outcome="gave_up"} 0`,
				`buycard_payment_events_applied_total{event="payment.succeeded",provider="stripe"} 1`,
				`buycard_payment_events_applied_total{event="payment.refunded",provider="stripe"} 1`,
			} {
				if !strings.Contains(scraped, "\n"+want+"\n") {
					t.Errorf("/metrics lacks %s", want)
				}
			}

			// Another merchant sees nothing of it.
			other := openOwnedShopNamed(t, m, "other@kiln.test", "wgt_othermug")
			otherKey := "Bearer " + merchantKey(t, m, other.merchantID)
			for _, path := range []string{"/v1/webhooks/" + endpoint.ID, "/v1/webhooks/" + endpoint.ID + "/deliveries"} {
				if status := getStatus(t, m, path, otherKey); status != http.StatusNotFound {
					t.Errorf("another merchant's GET %s = %d, want 404", path, status)
				}
			}
			if status := post(t, m, "/v1/webhooks/deliveries/"+paid.ID+"/resend", nil, map[string]string{"Authorization": otherKey}, nil); status != http.StatusNotFound {
				t.Errorf("another merchant's resend = %d, want 404", status)
			}
		})
	}
}

// waitFor waits until done, failing the test after 20 seconds.
func waitFor(t *testing.T, what string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 20s for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// getJSON decodes the 200 answer to GET path with an Authorization.
func getJSON(t *testing.T, m *Main, path, authorization string, v any) {
	t.Helper()
	status, body := send(t, m, "GET", path, nil, map[string]string{"Authorization": authorization})
	if status != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatal(err)
	}
}

// getStatus is the status of GET path with an Authorization.
func getStatus(t *testing.T, m *Main, path, authorization string) int {
	t.Helper()
	status, _ := send(t, m, "GET", path, nil, map[string]string{"Authorization": authorization})
	return status
}

// TestSandboxPurchaseNotifies: on the sandbox, as `make run` starts, a
// purchase paid with the test card sends, through the queue, the
// shopper's receipt, the merchant's new-order email and a signed
// order.paid webhook.
func TestSandboxPurchaseNotifies(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t)
	m, _ := startStripeNodeOn(t, "", map[string]string{
		"STRIPE_SECRET_KEY": "", "STRIPE_PUBLISHABLE_KEY": "", "STRIPE_WEBHOOK_SECRET": "", "STRIPE_API_URL": "",
		"BUYCARD_SMTP_URL": mp.SMTPURL, "BUYCARD_MAIL_FROM": "mail@buycard.test",
	})
	if m.sandbox == nil {
		t.Fatal("the node is not on the sandbox")
	}
	shop := openOwnedShop(t, m)
	recv := newReceiver(t, 0)
	recv.subscribe(t, m, "Bearer "+merchantKey(t, m, shop.merchantID), `"event_types":["order.paid"]`)
	var started struct {
		Order   buycard.Order
		Payment struct {
			ClientSecret string `json:"client_secret"`
		}
	}
	checkoutShop(t, m, shop, "", &started)
	pay, _ := json.Marshal(map[string]string{"client_secret": started.Payment.ClientSecret, "card_number": "4242 4242 4242 4242"})
	if status := post(t, m, "/v1/sandbox/pay", pay, nil, nil); status != http.StatusOK {
		t.Fatalf("sandbox pay = %d", status)
	}
	if typ := recv.wait(t); typ != "order.paid" {
		t.Fatalf("webhook %s, want order.paid", typ)
	}
	receipt := mp.Wait(t, "to:ann@example.com", 1, 20*time.Second)[0]
	if receipt.Subject != "Your order "+started.Order.Number+" from Kiln & Co <Ceramics>" {
		t.Errorf("receipt subject %q", receipt.Subject)
	}
	mp.Wait(t, "to:owner@kiln.test", 1, 20*time.Second)
}
