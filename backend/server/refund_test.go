package server

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/backend/pgtest"
	"github.com/buycard/buycard/backend/postgres"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

// postgresTemplate is the store's migrated database, made once (by this or
// another test process); each test gets a copy.
var postgresTemplate = pgtest.NewTemplate(postgres.Migrations(), postgres.MigrateDatabase)

// onEachStore runs test on a Stripe node on SQLite, and on one on
// PostgreSQL (when BUYCARD_TEST_POSTGRES_URL is set), the notebook's
// merchant (merchantID) taking charges on acct_northwind.
func onEachStore(t *testing.T, test func(t *testing.T, m *Main, fake *stripetest.Server, merchantID string)) {
	for name, databaseURL := range testStores() {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // each store is a node's own
			m, fake := startStripeNodeOn(t, databaseURL(t))
			test(t, m, fake, linkNotebookMerchant(t, m))
		})
	}
}

// TestRefundIdempotencyOnEachStore runs the Idempotency-Key rules of both
// refund routes on a Stripe node, on SQLite and on PostgreSQL: a refund
// sent again after the balance moved gets its first reply, byte for byte,
// without asking Stripe; the key with another amount is a 400 and neither
// Stripe nor the order hears of it.
func TestRefundIdempotencyOnEachStore(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, m *Main, fake *stripetest.Server, merchantID string) {
		routes := map[string]struct{ prefix, authorization string }{
			"operator": {"/v1/ledger/orders/", "Bearer " + testOperatorKey},
			"merchant": {"/v1/merchant/orders/", "Bearer " + merchantKey(t, m, merchantID)},
		}
		for caller, route := range routes {
			t.Run(caller, func(t *testing.T) {
				o := paidStripeOrder(t, m, "pi_"+caller)
				refund := func(key string, amount int64) (int, string) {
					status, body := postRaw(t, m, route.prefix+o.ID+"/refunds", fmt.Appendf(nil, `{"amount":%d}`, amount),
						map[string]string{"Authorization": route.authorization, "Idempotency-Key": key})
					return status, string(body)
				}
				status, first := refund("key-1", 600)
				if status != http.StatusCreated {
					t.Fatalf("refund = %d %s", status, first)
				}
				if status, body := refund("key-2", o.Total.Amount-600); status != http.StatusCreated {
					t.Fatalf("refund of the rest = %d %s", status, body)
				}
				calls := len(fake.Created("/v1/refunds"))
				if status, body := refund("key-1", 600); status != http.StatusCreated || body != first {
					t.Errorf("sent again = %d %s, want 201 %s", status, body, first)
				}
				if status, body := refund("key-1", 700); status != http.StatusBadRequest {
					t.Errorf("the key with another amount = %d %s, want 400", status, body)
				}
				if got := len(fake.Created("/v1/refunds")); got != calls {
					t.Errorf("%d refunds asked of Stripe by requests with a used key, want none", got-calls)
				}
				if got, err := m.DB.FindOrder(t.Context(), o.ID); err != nil || got.Refunded != o.Total.Amount {
					t.Errorf("order = %+v, %v; want refunded %d", got, err, o.Total.Amount)
				}
			})
		}
	})
}

// merchantKey stores an API key of the merchant and returns it.
func merchantKey(t *testing.T, m *Main, merchantID string) string {
	t.Helper()
	secret, shown, digest := auth.NewAPIKey(false)
	err := m.DB.CreateAPIKey(t.Context(), &buycard.APIKey{Prefix: shown, Hash: digest, Name: "refunds",
		PartyKind: buycard.PartyMerchant, PartyID: merchantID, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

// TestWebhookNotOursOnEachStore: on SQLite and on PostgreSQL, a signed
// refund of a charge no order has, and a signed payment of our session
// from a connected account that is not the merchant's, are acknowledged
// without a call to Stripe and change nothing.
func TestWebhookNotOursOnEachStore(t *testing.T) {
	t.Parallel()
	onEachStore(t, func(t *testing.T, m *Main, fake *stripetest.Server, _ string) {
		pending, session := stripeCheckout(t, m)
		calls := fake.Requests()
		deliver(t, m, fmt.Sprintf(`{"id":"evt_refund_unknown","object":"event","api_version":"2023-10-16","created":%d,"livemode":false,
			"type":"charge.refunded","data":{"object":{"id":"ch_unknown","object":"charge","amount":2400,"currency":"usd",
			"payment_intent":"pi_unknown","metadata":{}}}}`, time.Now().Unix()))
		deliver(t, m, fmt.Sprintf(`{"id":"evt_paid_elsewhere","object":"event","api_version":"2023-10-16","created":%d,"livemode":false,
			"account":"acct_someone_else","type":"checkout.session.completed","data":{"object":{"id":%q,"object":"checkout.session",
			"mode":"payment","status":"complete","payment_status":"paid","amount_total":%d,"currency":"usd","client_reference_id":%q,
			"payment_intent":"pi_elsewhere"}}}`, time.Now().Unix(), session, pending.Total.Amount, pending.ID))
		if got := fake.Requests() - calls; got != 0 {
			t.Errorf("%d calls to Stripe, want none", got)
		}
		o, err := m.DB.FindOrder(t.Context(), pending.ID)
		if err != nil || o.Status != buycard.OrderPending || o.ProviderPaymentID != "" {
			t.Errorf("order = %+v, %v; want pending, untouched", o, err)
		}
	})
}
