// Package analytics ingests the funnel events the loader sends with
// navigator.sendBeacon (POST /v1/events): impressions and clicks, each
// attributed to a widget, placement and publisher by the card's signed
// placement token. An Ingestor checks a batch, drops bots and events it
// cannot attribute, counts each (page view, widget, placement, type) once,
// and rolls the rest up in memory per UTC day; Flush adds the rollup to
// the store every few seconds, so ingestion never writes the database per
// event. No cookies and no personal data: a page view is a random id the
// loader makes, and the IP address is not read.
package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/buycard/buycard"
)

// Limits of one batch, part of the wire contract (docs/contracts.md).
const (
	MaxBatchBytes  = 64 << 10
	MaxBatchEvents = 200
	pageIDLength   = 22
	// TokenGrace is how long after its expiry a placement token still
	// attributes events: a card can stay on a page longer than its
	// token's TTL.
	TokenGrace = 24 * time.Hour
	// clockSkew bounds how far an event's own time may be from the
	// server's before the event is dropped as stale or replayed.
	clockSkew = 24 * time.Hour
)

// Store is where a flush adds the rollup.
type Store interface {
	AddFunnelCounts(ctx context.Context, counts map[buycard.FunnelKey]buycard.FunnelCounts) error
}

// Stats count what the Ingestor did with what it received.
type Stats struct {
	Batches   int64 // accepted requests
	Malformed int64 // requests refused with an error
	Bots      int64 // requests dropped for their User-Agent
	Counted   int64 // events added to the rollup
	Duplicate int64 // events already counted for their page view
	BadToken  int64 // events whose token did not verify or was too old
	BadEvent  int64 // events of an unknown type or with a stale time
}

// Ingestor checks, de-duplicates and rolls up event batches. Its methods
// are safe for concurrent use.
type Ingestor struct {
	tokens *buycard.TokenSigner
	store  Store
	seen   *seenSet

	mu     sync.Mutex
	counts map[buycard.FunnelKey]buycard.FunnelCounts

	batches, malformed, bots, counted, duplicate, badToken, badEvent atomic.Int64
}

// DedupeWindow is how long a counted (page view, widget, placement, type)
// is remembered: longer than a page view sends beacons, in practice.
const DedupeWindow = 30 * time.Minute

// New returns an Ingestor that verifies tokens with tokens and flushes to
// store.
func New(tokens *buycard.TokenSigner, store Store) *Ingestor {
	return &Ingestor{
		tokens: tokens,
		store:  store,
		seen:   newSeenSet(DedupeWindow, 1<<20),
		counts: map[buycard.FunnelKey]buycard.FunnelCounts{},
	}
}

// batch is a request body as the loader sends it.
type batch struct {
	V      int     `json:"v"`
	Page   string  `json:"page"`
	Events []event `json:"events"`
}

type event struct {
	Type  string `json:"type"`
	Token string `json:"token"`
	At    int64  `json:"at"` // ms since the epoch, by the browser's clock
}

// Add ingests one request body received at now from userAgent. A body
// that is not a valid batch is refused with EINVALID and counts nothing;
// a bot's batch and single events that cannot be attributed are dropped
// without an error (beacons ignore answers anyway), and counted in Stats.
func (in *Ingestor) Add(body []byte, now time.Time, userAgent string) error {
	b, err := parseBatch(body)
	if err != nil {
		in.malformed.Add(1)
		return err
	}
	if IsBot(userAgent) {
		in.bots.Add(1)
		return nil
	}
	in.batches.Add(1)
	day := now.UTC().Format(buycard.DayLayout)
	keys := make([]countKey, 0, len(b.Events))
	for _, e := range b.Events {
		if k, ok := in.attribute(b.Page, e, now); ok {
			k.Day = day
			keys = append(keys, k)
		}
	}
	in.count(keys)
	return nil
}

// countKey is a rollup row and which of its counts an event adds to.
type countKey struct {
	buycard.FunnelKey
	click bool
}

// attribute verifies one event and reports whether it counts: a known
// type, a sane time, a token signed by us that expired at most TokenGrace
// ago, and the first of its kind for the page view.
func (in *Ingestor) attribute(page string, e event, now time.Time) (countKey, bool) {
	if (e.Type != buycard.EventImpression && e.Type != buycard.EventClick) || !saneTime(e.At, now) {
		in.badEvent.Add(1)
		return countKey{}, false
	}
	c, err := in.tokens.VerifyPlacement(e.Token, now.Add(-TokenGrace))
	if err != nil {
		in.badToken.Add(1)
		return countKey{}, false
	}
	if in.seen.seen(now, page, e.Type, c.WidgetID, c.PlacementID) {
		in.duplicate.Add(1)
		return countKey{}, false
	}
	k := buycard.FunnelKey{WidgetID: c.WidgetID, PlacementID: c.PlacementID, PublisherID: c.PublisherID}
	return countKey{FunnelKey: k, click: e.Type == buycard.EventClick}, true
}

// saneTime reports whether at (ms since the epoch) is within clockSkew of
// now. The day counted is always the server's.
func saneTime(at int64, now time.Time) bool {
	d := now.Sub(time.UnixMilli(at))
	return d < clockSkew && d > -clockSkew
}

// count adds the events to the rollup under one lock.
func (in *Ingestor) count(keys []countKey) {
	if len(keys) == 0 {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, k := range keys {
		c := in.counts[k.FunnelKey]
		if k.click {
			c.Clicks++
		} else {
			c.Impressions++
		}
		in.counts[k.FunnelKey] = c
	}
	in.counted.Add(int64(len(keys)))
}

// parseBatch decodes and checks a body: version 1, a page-view id, at
// most MaxBatchEvents events. What is inside each event is checked later,
// one event at a time.
func parseBatch(body []byte) (batch, error) {
	var b batch
	if len(body) > MaxBatchBytes {
		return b, buycard.Errorf(buycard.EINVALID, "An event batch is at most %d bytes.", MaxBatchBytes)
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return b, buycard.Errorf(buycard.EINVALID, "The event batch is not valid JSON: %s.", jsonProblem(err))
	}
	switch {
	case b.V != 1:
		return b, buycard.Errorf(buycard.EINVALID, `The event batch must have "v":1.`)
	case !validPageID(b.Page):
		return b, buycard.Errorf(buycard.EINVALID, `"page" must be %d characters of A-Z, a-z, 0-9, _ and -.`, pageIDLength)
	case len(b.Events) > MaxBatchEvents:
		return b, buycard.Errorf(buycard.EINVALID, "An event batch has at most %d events, not %d.", MaxBatchEvents, len(b.Events))
	}
	return b, nil
}

// jsonProblem describes a decoding error without echoing the body.
func jsonProblem(err error) string {
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return fmt.Sprintf("%q must be a %s", te.Field, te.Type)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func validPageID(s string) bool {
	if len(s) != pageIDLength {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
		if !ok {
			return false
		}
	}
	return true
}

// Flush adds the rollup gathered since the last flush to the store. Each
// count is taken out of memory by exactly one flush, so concurrent flushes
// never add it twice; when the store fails, the counts go back to be
// added by the next flush.
func (in *Ingestor) Flush(ctx context.Context) error {
	in.mu.Lock()
	counts := in.counts
	in.counts = make(map[buycard.FunnelKey]buycard.FunnelCounts, len(counts))
	in.mu.Unlock()
	if len(counts) == 0 {
		return nil
	}
	if err := in.store.AddFunnelCounts(ctx, counts); err != nil {
		in.restore(counts)
		return fmt.Errorf("flush funnel counts: %w", err)
	}
	return nil
}

// restore adds counts a failed flush took back into memory.
func (in *Ingestor) restore(counts map[buycard.FunnelKey]buycard.FunnelCounts) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for k, c := range counts {
		cur := in.counts[k]
		cur.Impressions += c.Impressions
		cur.Clicks += c.Clicks
		in.counts[k] = cur
	}
}

// Stats returns the counters since the Ingestor started.
func (in *Ingestor) Stats() Stats {
	return Stats{
		Batches: in.batches.Load(), Malformed: in.malformed.Load(), Bots: in.bots.Load(),
		Counted: in.counted.Load(), Duplicate: in.duplicate.Load(),
		BadToken: in.badToken.Load(), BadEvent: in.badEvent.Load(),
	}
}
