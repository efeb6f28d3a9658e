// Package analytics ingests the funnel events the loader sends with
// navigator.sendBeacon (POST /v1/events): impressions and clicks, each
// attributed to a widget, placement and publisher by the card's signed
// placement token. An Ingestor checks a batch and counts an event only
// when
//
//   - its sender is not an obvious bot (User-Agent),
//   - its token came from a card response served in the last ProofTTL
//     (the signed PlacementClaims.ServedAt): placement tokens are public,
//     but only the server can vouch that it served one lately,
//   - its client network (an IPv4 address, an IPv6 /64) has added fewer
//     than PerNetwork events of its type to its placement this minute:
//     page-view ids are the client's to choose, so without this bound one
//     client could count a fresh impression per request, and
//   - its (page view, type, widget, placement) was not counted before.
//
// The bound and the de-duplication are kept in Counters shared by every
// node (Redis) when there are some, else in this node's memory. An event
// that fails a check is still attributed: it is added to its row as
// discarded, by reason, and the funnel reports it. Events that cannot be
// attributed (bad token, unknown type) only show in Stats.
//
// Counts are rolled up in memory per UTC day; Flush adds the rollup to
// the store every few seconds, so ingestion never writes the database per
// event. No cookies and no personal data: a page view is a random id the
// loader makes, and the client network is only ever stored hashed, for
// two minutes.
package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/failover"
)

// Limits of one batch, part of the wire contract (docs/contracts.md).
const (
	MaxBatchBytes  = 64 << 10
	MaxBatchEvents = 200
	pageIDLength   = 22
	// clockSkew bounds how far an event's own time may be from the
	// server's before the event is dropped as stale or replayed.
	clockSkew = 24 * time.Hour
)

// What makes an event count (docs/contracts.md).
const (
	// ProofTTL is how long after a card response served a token that
	// token's events count: cards are seen and tapped within minutes of
	// loading, and a token harvested from a response is worthless after.
	ProofTTL = 30 * time.Minute
	// PerNetwork is how many impressions, and how many clicks, one client
	// network may add to one placement per minute: roomy for the shoppers
	// behind one NAT, the ceiling of a flood from one network.
	PerNetwork = 30
	// DedupeWindow is how long a counted (page view, type, widget,
	// placement) is remembered: longer than a page view sends beacons,
	// in practice.
	DedupeWindow = 30 * time.Minute
	// boundTTL keeps a minute's bound counters for two minutes, so that
	// memory counters, which may forget after half their TTL, hold them
	// for the whole minute.
	boundTTL = 2 * time.Minute
	// memoryCapacity bounds each of this node's count sets (about 2×
	// this many entries).
	memoryCapacity = 1 << 20
)

// Keys of the shared counters, under a prefix of their own in a Redis
// that may hold other things.
const (
	boundKeyPrefix = "buycard:events:bound:"
	seenKeyPrefix  = "buycard:events:seen:"
)

// Store is where a flush adds the rollup.
type Store interface {
	AddFunnelCounts(ctx context.Context, counts map[buycard.FunnelKey]buycard.FunnelCounts) error
}

// Options are an Ingestor's optional parts.
type Options struct {
	// Shared holds the bounds and the de-duplication of every node; nil
	// keeps them in this node's memory, which also stands in while
	// Shared fails.
	Shared Counters
	// Logger hears when Shared fails and when it answers again; nil
	// discards.
	Logger *slog.Logger
	// Now tells when to try a failing Shared again; nil is time.Now.
	Now func() time.Time
}

// Stats count what the Ingestor did with what it received.
type Stats struct {
	Batches   int64 // accepted requests
	Malformed int64 // requests refused with an error
	Counted   int64 // events added to the rollup
	BadToken  int64 // events whose token did not verify
	BadEvent  int64 // events of an unknown type or with a stale time
	// Discarded are the attributed events not counted, by reason, as
	// the funnel reports them.
	Discarded buycard.FunnelDiscards
}

// Ingestor checks, bounds, de-duplicates and rolls up event batches. Its
// methods are safe for concurrent use.
type Ingestor struct {
	tokens *buycard.TokenSigner
	store  Store
	tally  *tally

	mu     sync.Mutex
	counts map[buycard.FunnelKey]buycard.FunnelCounts

	batches, malformed, badToken, badEvent atomic.Int64
	verdicts                               [numVerdicts]atomic.Int64
}

// New returns an Ingestor that verifies tokens with tokens and flushes to
// store.
func New(tokens *buycard.TokenSigner, store Store, opts Options) *Ingestor {
	logger, now := opts.Logger, opts.Now
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &Ingestor{
		tokens: tokens,
		store:  store,
		tally:  &tally{shared: opts.Shared, local: newMemoryCounters(memoryCapacity), route: failover.New("event bounds and de-duplication", logger, now)},
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

// verdict is what becomes of an attributed event.
type verdict uint8

const (
	counted verdict = iota
	discardedBot
	unproven
	overLimit
	duplicate
	numVerdicts
)

// attributed is an event whose token verified: the rollup row it goes
// to, its type, and what becomes of it so far.
type attributed struct {
	key     buycard.FunnelKey
	typ     string
	verdict verdict
}

// Add ingests one request body received at now from a client with this
// User-Agent on this network (an IPv4 address or an IPv6 /64). A body
// that is not a valid batch is refused with EINVALID and counts nothing;
// events that do not count are dropped without an error (beacons ignore
// answers anyway) and show in Stats and, when attributed, in the funnel.
func (in *Ingestor) Add(ctx context.Context, body []byte, now time.Time, userAgent, network string) error {
	b, err := parseBatch(body)
	if err != nil {
		in.malformed.Add(1)
		return err
	}
	in.batches.Add(1)
	events := in.attribute(b.Events, now, IsBot(userAgent))
	in.bound(ctx, events, now, network)
	in.dedupe(ctx, events, b.Page)
	in.count(events)
	return nil
}

// Entry counts a shopper who opened a checkout from a link rather than
// from a card: a hosted product page read without JavaScript, or a link
// of the publisher's own. No loader saw that shopper, so the server counts
// the page it served as both the view and the tap, under the same checks
// as a beacon's events: a bot's entry is discarded, one network adds at
// most PerNetwork entries to a placement a minute, and the same network
// entering with the same token again (a reload, a form sent back) counts
// once. token is the checkout link's placement token, client text: one
// that does not verify counts nothing.
func (in *Ingestor) Entry(ctx context.Context, token string, now time.Time, userAgent, network string) {
	at := now.UnixMilli()
	events := in.attribute([]event{{Type: buycard.EventImpression, Token: token, At: at}, {Type: buycard.EventClick, Token: token, At: at}}, now, IsBot(userAgent))
	in.bound(ctx, events, now, network)
	in.dedupe(ctx, events, "entry\x00"+network+"\x00"+token)
	in.count(events)
}

// attribute verifies each event and returns those it can attribute to a
// card, judged as far as the sender and the token tell.
func (in *Ingestor) attribute(events []event, now time.Time, bot bool) []attributed {
	day := now.UTC().Format(buycard.DayLayout)
	out := make([]attributed, 0, len(events))
	for _, e := range events {
		if (e.Type != buycard.EventImpression && e.Type != buycard.EventClick) || !saneTime(e.At, now) {
			in.badEvent.Add(1)
			continue
		}
		c, err := in.tokens.VerifyPlacement(e.Token, now)
		if err != nil {
			in.badToken.Add(1)
			continue
		}
		a := attributed{key: buycard.FunnelKey{Day: day, WidgetID: c.WidgetID, PlacementID: c.PlacementID, PublisherID: c.PublisherID}, typ: e.Type}
		if bot {
			a.verdict = discardedBot
		} else if !served(c.ServedAt, now) {
			a.verdict = unproven
		}
		out = append(out, a)
	}
	return out
}

// saneTime reports whether at (ms since the epoch) is within clockSkew of
// now. The day counted is always the server's.
func saneTime(at int64, now time.Time) bool {
	d := now.Sub(time.UnixMilli(at))
	return d < clockSkew && d > -clockSkew
}

// served reports whether a token served at servedAt still proves its
// events at now. A node whose clock runs ahead may have signed a minute
// in the future.
func served(servedAt, now time.Time) bool {
	age := now.Sub(servedAt)
	return !servedAt.IsZero() && age < ProofTTL && age > -time.Minute
}

// bound discards the events still counting beyond PerNetwork per type and
// placement from network in now's minute. Events discarded already do not
// spend the bound, and events over it are not remembered as seen, so that
// a flood costs one counter per network, placement and minute.
func (in *Ingestor) bound(ctx context.Context, events []attributed, now time.Time, network string) {
	minute := strconv.FormatInt(now.Unix()/60, 10)
	in.judge(ctx, events, boundTTL, PerNetwork, overLimit, func(a attributed) string {
		return countKey(boundKeyPrefix, network, minute, a.key.WidgetID, a.key.PlacementID, a.typ)
	})
}

// dedupe discards the events still counting whose page view counted them
// already.
func (in *Ingestor) dedupe(ctx context.Context, events []attributed, page string) {
	in.judge(ctx, events, DedupeWindow, 1, duplicate, func(a attributed) string {
		return countKey(seenKeyPrefix, page, a.typ, a.key.WidgetID, a.key.PlacementID)
	})
}

// judge counts key(a) for each event a still counting, in one call to
// the counters, and gives v to those whose count is over limit.
func (in *Ingestor) judge(ctx context.Context, events []attributed, ttl time.Duration, limit int64, v verdict, key func(attributed) string) {
	var keys []string
	var judged []*attributed
	for i := range events {
		if events[i].verdict == counted {
			keys = append(keys, key(events[i]))
			judged = append(judged, &events[i])
		}
	}
	if len(keys) == 0 {
		return
	}
	for i, n := range in.tally.incr(ctx, ttl, keys) {
		if n > limit {
			judged[i].verdict = v
		}
	}
}

// count adds the events to the rollup under one lock.
func (in *Ingestor) count(events []attributed) {
	if len(events) == 0 {
		return
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, a := range events {
		c := in.counts[a.key]
		c.Add(a.counts())
		in.counts[a.key] = c
		in.verdicts[a.verdict].Add(1)
	}
}

// counts is a's contribution to its rollup row.
func (a attributed) counts() buycard.FunnelCounts {
	var c buycard.FunnelCounts
	switch a.verdict {
	case counted:
		if a.typ == buycard.EventClick {
			c.Clicks = 1
		} else {
			c.Impressions = 1
		}
	case discardedBot:
		c.Discarded.Bot = 1
	case unproven:
		c.Discarded.Unproven = 1
	case overLimit:
		c.Discarded.OverLimit = 1
	case duplicate:
		c.Discarded.Duplicate = 1
	}
	return c
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
		cur.Add(c)
		in.counts[k] = cur
	}
}

// Stats returns the counters since the Ingestor started.
func (in *Ingestor) Stats() Stats {
	return Stats{
		Batches: in.batches.Load(), Malformed: in.malformed.Load(), Counted: in.verdicts[counted].Load(),
		BadToken: in.badToken.Load(), BadEvent: in.badEvent.Load(),
		Discarded: buycard.FunnelDiscards{
			Bot: in.verdicts[discardedBot].Load(), Unproven: in.verdicts[unproven].Load(),
			OverLimit: in.verdicts[overLimit].Load(), Duplicate: in.verdicts[duplicate].Load(),
		},
	}
}
