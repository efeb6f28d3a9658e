package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/buycard/buycard"
)

// TestSignatureVerifiesWithTheReferenceLibrary: what a delivery sends
// verifies with the Standard Webhooks reference library, which is not
// ours, with the endpoint's secret, and with the previous secret during
// the overlap after a rotation; a changed body does not.
func TestSignatureVerifiesWithTheReferenceLibrary(t *testing.T) {
	t.Parallel()
	now := time.Now()
	until := now.Add(time.Hour)
	e := &buycard.WebhookEndpoint{ID: "whe_1", URL: "https://example.com/hook", Secret: NewSecret(),
		PreviousSecret: NewSecret(), PreviousSecretExpiresAt: &until}
	ev := &buycard.Event{ID: "evt_1", Type: buycard.EventOrderPaid, CreatedAt: now, Data: json.RawMessage(`{"order":{"id":"ord_1"}}`)}
	s := &Sender{Now: time.Now}
	req, err := s.request(context.Background(), e, ev, now)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(req.Body)
	for name, secret := range map[string]string{"secret": e.Secret, "previous secret": e.PreviousSecret} {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		if err := wh.Verify(body, req.Header); err != nil {
			t.Errorf("the %s does not verify: %v", name, err)
		}
		if err := wh.Verify(append(body[:len(body):len(body)], ' '), req.Header); err == nil {
			t.Errorf("a changed body verifies with the %s", name)
		}
	}
	if req.Header.Get("webhook-id") != "evt_1" {
		t.Errorf("webhook-id = %q, want the event's id", req.Header.Get("webhook-id"))
	}

	// After the overlap, the previous secret signs no more.
	later := until.Add(time.Second)
	req, _ = s.request(context.Background(), e, ev, later)
	if n := len(strings.Fields(req.Header.Get("webhook-signature"))); n != 1 {
		t.Errorf("%d signatures after the overlap, want 1", n)
	}
}

// TestBodyIsStable: every attempt sends the same bytes, with the event's
// id, type, API version, time and data.
func TestBodyIsStable(t *testing.T) {
	t.Parallel()
	ev := &buycard.Event{ID: "evt_2", Type: buycard.EventOrderRefunded, CreatedAt: time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC),
		Data: json.RawMessage(`{"order":{"id":"ord_2"}}`)}
	a, _ := Body(ev)
	b, _ := Body(ev)
	want := `{"id":"evt_2","type":"order.refunded","api_version":"` + buycard.EventAPIVersion +
		`","timestamp":"2026-12-07T10:00:00Z","data":{"order":{"id":"ord_2"}}}`
	if string(a) != want || string(b) != want {
		t.Errorf("body = %s\nwant %s", a, want)
	}
}

// TestClientRefusesPrivateAddresses: in production the client refuses to
// dial loopback, private and link-local addresses, whether named by IP or
// by a name that resolves to one, and follows no redirect.
func TestClientRefusesPrivateAddresses(t *testing.T) {
	t.Parallel()
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		http.Redirect(w, r, "https://example.com/elsewhere", http.StatusFound)
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	guarded := NewClient(false)
	for _, url := range []string{srv.URL, "http://localhost" + port, "http://[::1]" + port, "http://169.254.169.254/latest/meta-data",
		"http://10.0.0.1" + port, "http://[::ffff:127.0.0.1]" + port} {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		req, _ := http.NewRequestWithContext(ctx, "POST", url, nil)
		_, err := guarded.Do(req)
		cancel()
		if !errors.Is(err, ErrNotPublic) {
			t.Errorf("POST %s = %v, want refused as not public", url, err)
		}
	}
	if hits != 0 {
		t.Fatalf("the guarded client reached the server %d times", hits)
	}
	resp, err := NewClient(true).Post(srv.URL, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || hits != 1 {
		t.Errorf("development client: %d after %d hits, want the 302 itself, not followed", resp.StatusCode, hits)
	}
}

// TestBackoffSpansAboutThreeDays: the retries of a failing delivery
// spread over about three days.
func TestBackoffSpansAboutThreeDays(t *testing.T) {
	t.Parallel()
	var total time.Duration
	for attempt := 1; attempt < 15; attempt++ {
		d := Backoff(attempt)
		base := schedule[min(attempt, len(schedule))-1]
		if d < base*4/5 || d > base*6/5 {
			t.Errorf("attempt %d waits %s, want %s give or take a fifth", attempt, d, base)
		}
		total += d
	}
	if total < 60*time.Hour || total > 90*time.Hour {
		t.Errorf("retries span %s, want about three days", total)
	}
}
