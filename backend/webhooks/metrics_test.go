package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/backend/metrics"
)

// recordingStore holds one delivery to an endpoint, and records attempts
// as the store would: failing while fail is set, and disabling the
// endpoint when disable is.
type recordingStore struct {
	url           string
	fail, disable bool
}

func (s *recordingStore) FindWebhookDelivery(context.Context, string) (*buycard.WebhookDelivery, *buycard.WebhookEndpoint, *buycard.Event, error) {
	ev := &buycard.Event{ID: "evt_1", Type: buycard.EventOrderPaid, CreatedAt: time.Now(), Data: json.RawMessage(`{}`)}
	return &buycard.WebhookDelivery{ID: "whd_1"}, &buycard.WebhookEndpoint{ID: "whe_1", URL: s.url, Secret: NewSecret()}, ev, nil
}

func (s *recordingStore) RecordWebhookAttempt(context.Context, buycard.WebhookAttempt) (bool, error) {
	if s.fail {
		return false, errors.New("database gone")
	}
	return s.disable, nil
}

// TestAttemptsCounted: an attempt counts by its outcome once it is
// recorded: delivered, failed while attempts are left, gave up at the
// last attempt or when the endpoint was disabled; an attempt the store
// failed to record counts nothing (its retry will).
func TestAttemptsCounted(t *testing.T) {
	t.Parallel()
	status := http.StatusOK
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }))
	defer endpoint.Close()
	store := &recordingStore{url: endpoint.URL}
	m := metrics.New()
	work := (&Sender{Store: store, Client: endpoint.Client(), Now: time.Now, Metrics: m}).Kind().Work
	attempt := func(n int) {
		work(t.Context(), jobs.Run{ID: 1, Args: json.RawMessage(`{"delivery_id":"whd_1"}`), Attempt: n})
	}
	attempt(1) // delivered
	status = http.StatusInternalServerError
	attempt(1) // failed
	attempt(2) // failed
	attempt(jobs.WebhookAttempts)
	store.disable = true
	attempt(3) // the endpoint is disabled with it
	store.fail = true
	attempt(4)
	status = http.StatusOK
	attempt(5)

	w := httptest.NewRecorder()
	m.Handler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{
		`buycard_webhook_attempts_total{outcome="delivered"} 1`,
		`buycard_webhook_attempts_total{outcome="failed"} 2`,
		`buycard_webhook_attempts_total{outcome="gave_up"} 2`,
	} {
		if !strings.Contains(w.Body.String(), "\n"+want+"\n") {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
