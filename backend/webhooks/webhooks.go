// Package webhooks sends merchants' and publishers' webhook deliveries:
// each event their endpoints subscribed to, POSTed as JSON and signed as
// Standard Webhooks (https://www.standardwebhooks.com) specifies —
// webhook-id (the event's id, the same on every retry), webhook-timestamp
// and webhook-signature ("v1,<base64 HMAC-SHA256 of id.timestamp.body>",
// one per secret while a rotated one still signs).
//
// A delivery is a job (jobs.KindWebhook): a failure — no answer within
// Timeout, or anything but a 2xx — is retried with exponential backoff
// and jitter for about three days, and an endpoint failing for
// buycard.WebhookDisableAfter is disabled (the store does that, and its
// owner is emailed). In production the client refuses at dial time every
// address that is not on the public internet, and follows no redirect.
package webhooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/backend/metrics"
)

// Store is what deliveries read and record.
type Store interface {
	FindWebhookDelivery(ctx context.Context, id string) (*buycard.WebhookDelivery, *buycard.WebhookEndpoint, *buycard.Event, error)
	RecordWebhookAttempt(ctx context.Context, a buycard.WebhookAttempt) (disabled bool, err error)
}

// Sender sends deliveries.
type Sender struct {
	Store  Store
	Client *http.Client
	Now    func() time.Time
	// Backoff is how long a delivery waits after its attempt-th
	// failure; nil is Backoff, about three days in all. Tests shorten it.
	Backoff func(attempt int) time.Duration
	// Metrics counts each attempt's outcome once it is recorded; nil
	// counts nothing.
	Metrics *metrics.Metrics
}

// Kind is the webhook job.
func (s *Sender) Kind() jobs.Kind {
	backoff := s.Backoff
	if backoff == nil {
		backoff = Backoff
	}
	return jobs.Kind{Name: jobs.KindWebhook, Work: s.deliver, Backoff: backoff, Timeout: 2 * Timeout}
}

// schedule is the wait after each failed attempt: about three days in
// all over jobs.WebhookAttempts attempts.
var schedule = []time.Duration{
	5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 12 * time.Hour,
	12 * time.Hour, 12 * time.Hour, 12 * time.Hour, 12 * time.Hour,
}

// Backoff is how long a delivery waits after its attempt-th failure:
// the schedule, give or take a fifth, so that the retries of an outage
// do not arrive all at once.
func Backoff(attempt int) time.Duration {
	d := schedule[min(max(attempt, 1), len(schedule))-1]
	return d + time.Duration(rand.Int64N(int64(d)*2/5)) - d/5
}

// Body is the JSON a delivery of ev carries: the same bytes on every
// attempt.
func Body(ev *buycard.Event) ([]byte, error) {
	return json.Marshal(struct {
		ID         string            `json:"id"`
		Type       buycard.EventType `json:"type"`
		APIVersion string            `json:"api_version"`
		Timestamp  time.Time         `json:"timestamp"`
		Data       json.RawMessage   `json:"data"`
	}{ev.ID, ev.Type, buycard.EventAPIVersion, ev.CreatedAt.UTC(), ev.Data})
}

// maxResponse is how much of an answer a delivery keeps to show.
const maxResponse = 1024

// deliver works a webhook job: one attempt at its delivery.
func (s *Sender) deliver(ctx context.Context, run jobs.Run) error {
	var args jobs.WebhookArgs
	if err := run.Decode(&args); err != nil {
		return err
	}
	d, e, ev, err := s.Store.FindWebhookDelivery(ctx, args.DeliveryID)
	switch {
	case buycard.ErrorCode(err) == buycard.ENOTFOUND:
		return jobs.Cancel(err) // the endpoint was deleted, its deliveries with it
	case err != nil:
		return err
	case e.DisabledAt != nil:
		return jobs.Cancel(fmt.Errorf("endpoint %s is disabled", e.ID))
	}
	a := s.attempt(ctx, d, e, ev)
	a.Final = !a.OK && run.Attempt >= jobs.WebhookAttempts
	disabled, err := s.Store.RecordWebhookAttempt(context.WithoutCancel(ctx), a)
	if err != nil {
		return err // not counted: the job tries again, and that attempt counts
	}
	s.Metrics.WebhookAttempt(outcome(a, disabled))
	switch {
	case a.OK:
		return nil
	case disabled:
		return jobs.Cancel(fmt.Errorf("endpoint %s disabled after failing for days", e.ID))
	}
	return fmt.Errorf("delivery %s to endpoint %s: %s", d.ID, e.ID, a.ResponseBody)
}

// outcome is what became of attempt a, recorded, after which its
// endpoint was disabled or not.
func outcome(a buycard.WebhookAttempt, disabled bool) metrics.WebhookOutcome {
	switch {
	case a.OK:
		return metrics.WebhookDelivered
	case a.Final || disabled:
		return metrics.WebhookGaveUp
	}
	return metrics.WebhookFailed
}

// attempt POSTs ev to e once and returns the outcome.
func (s *Sender) attempt(ctx context.Context, d *buycard.WebhookDelivery, e *buycard.WebhookEndpoint, ev *buycard.Event) buycard.WebhookAttempt {
	start := s.Now()
	a := buycard.WebhookAttempt{DeliveryID: d.ID, At: start}
	req, err := s.request(ctx, e, ev, start)
	if err != nil {
		a.ResponseBody = err.Error()
		return a
	}
	resp, err := s.Client.Do(req)
	a.Latency = s.Now().Sub(start)
	if err != nil {
		a.ResponseBody = "No answer: " + err.Error()
		return a
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	a.ResponseStatus, a.OK = resp.StatusCode, resp.StatusCode >= 200 && resp.StatusCode < 300
	a.ResponseBody = strings.ToValidUTF8(string(snippet), "\uFFFD")
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		a.ResponseBody = "Redirect to " + resp.Header.Get("Location") + " not followed: answer 2xx at the endpoint's URL."
	}
	return a
}

// request is the signed POST of ev to e, sent at ts.
func (s *Sender) request(ctx context.Context, e *buycard.WebhookEndpoint, ev *buycard.Event, ts time.Time) (*http.Request, error) {
	body, err := Body(ev)
	if err != nil {
		return nil, err
	}
	sig, err := Signature(signingSecrets(e, ts), ev.ID, ts, body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(body))
	if err != nil {
		return nil, errors.New("the endpoint URL cannot be requested")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Buycard-Webhooks/1")
	req.Header.Set("webhook-id", ev.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	return req, nil
}

// signingSecrets are the secrets that sign e's deliveries at ts: its
// secret, and the previous one during the overlap after a rotation.
func signingSecrets(e *buycard.WebhookEndpoint, ts time.Time) []string {
	secrets := []string{e.Secret}
	if e.PreviousSecret != "" && e.PreviousSecretExpiresAt != nil && ts.Before(*e.PreviousSecretExpiresAt) {
		secrets = append(secrets, e.PreviousSecret)
	}
	return secrets
}
