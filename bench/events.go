package main

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/buycard/buycard"
)

const eventsTitle = "Analytics ingestion on loopback"

// eventsPerBatch is how many events each beacon carries: a page whose ten
// cards were each seen and clicked.
const eventsPerBatch = 20

// eventsBudget is issue 6's ingestion floor.
var eventsBudget = &Budget{Text: "≥ 20,000 events/s", Min: 20_000, Max: math.Inf(1)}

// chromeUA is a browser's User-Agent: the bot filter drops Go's own.
const chromeUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// eventsEndpoint is POST /v1/events as sendBeacon sends it, every request
// from a new page view, with an impression and a click of ten cards.
func (e *env) eventsEndpoint(ctx context.Context) (*endpoint, error) {
	var events []string
	for _, w := range e.widgets[:eventsPerBatch/2] {
		token, err := e.placementToken(ctx, w)
		if err != nil {
			return nil, err
		}
		for _, typ := range []string{buycard.EventImpression, buycard.EventClick} {
			events = append(events, fmt.Sprintf(`{"type":%q,"token":%q,"at":%%d}`, typ, token))
		}
	}
	tmpl := `{"v":1,"page":"%022d","events":[` + strings.Join(events, ",") + `]}`
	var pages atomic.Int64
	newBody := func() []byte {
		args := make([]any, 1, eventsPerBatch+1)
		args[0] = pages.Add(1)
		now := time.Now().UnixMilli()
		for range eventsPerBatch {
			args = append(args, now)
		}
		return fmt.Appendf(nil, tmpl, args...)
	}
	// Each page view from a client network of its own: one network may
	// add only analytics.PerNetwork events per placement and minute.
	var clients atomic.Uint32
	newHeader := func(h http.Header) {
		n := clients.Add(1)
		h.Set("X-Forwarded-For", netip.AddrFrom4([4]byte{10, byte(n >> 16), byte(n >> 8), byte(n)}).String())
	}
	return &endpoint{
		name: fmt.Sprintf("event beacons, %d events each (POST /v1/events)", eventsPerBatch), method: "POST", path: "/v1/events",
		newBody: newBody, newHeader: newHeader, status: 204,
		header: map[string]string{"Content-Type": "text/plain;charset=UTF-8", "User-Agent": chromeUA},
	}, nil
}

// measureEvents loads the event beacon and a baseline answering 204 to the
// same requests, and checks the budget on events per second.
func measureEvents(ctx context.Context, e *env, s loadSettings) Section {
	sec := Section{Title: eventsTitle, Baseline: "a minimal Fiber handler answering 204 to the same beacons, in the same run", Notes: eventsNotes()}
	rows, err := e.loadEvents(ctx, s)
	sec.Rows, sec.Err = rows, err
	return sec
}

func (e *env) loadEvents(ctx context.Context, s loadSettings) ([]Row, error) {
	ep, err := e.eventsEndpoint(ctx)
	if err != nil {
		return nil, err
	}
	if err := e.probe(ctx, ep); err != nil {
		return nil, err
	}
	if err := e.eventsCounted(ctx); err != nil {
		return nil, err
	}
	base, err := startBaseline([]*endpoint{ep})
	if err != nil {
		return nil, err
	}
	defer base.close()
	bep := baselineEndpoint(0, ep)
	bep.newBody, bep.header, bep.newHeader = ep.newBody, ep.header, ep.newHeader
	bc, bl, err := loadPair(ctx, s, e.host, ep, base.origin, bep)
	if err != nil {
		return nil, err
	}
	rows := []Row{{What: "events ingested", Unit: perSecUnit, Buycard: eventsPerBatch * Median(bc.rps), Baseline: eventsPerBatch * Median(bl.rps), Budget: eventsBudget}}
	return append(rows, loadRows(ep, bc, bl)...), nil
}

// eventsCounted checks that the probe's events were counted, not dropped:
// otherwise the run would measure the bot filter or token failures.
func (e *env) eventsCounted(ctx context.Context) error {
	if err := e.main.FlushEvents(ctx); err != nil {
		return err
	}
	today := time.Now().UTC().Format(buycard.DayLayout)
	// The second widget: the backend section's checkouts are all of the
	// first, and a funnel counts a checkout as a click and an impression.
	w := e.widgets[1]
	days, err := e.main.DB.FunnelDays(ctx, buycard.FunnelQuery{WidgetID: w, From: today, To: today})
	if err != nil {
		return err
	}
	if len(days) != 1 || days[0].Impressions != 1 || days[0].Clicks != 1 {
		return fmt.Errorf("probe beacon: funnel of %s is %+v, want 1 impression and 1 click", w, days)
	}
	return nil
}

func eventsNotes() []string {
	return []string{
		fmt.Sprintf("The load generator of the backend section sends `POST /v1/events` as `navigator.sendBeacon` does (`text/plain;charset=UTF-8`, a browser "+
			"User-Agent): every request is a new page view (a distinct 22-character `page`) from a client network of its own (`X-Forwarded-For` "+
			"through a trusted proxy) with %d events, an impression and a click of 10 cards, each with its card's placement token from "+
			"`GET /v1/cards`. Every event is verified (HMAC and served-card proof), bounded per network, de-duplicated and counted in the in-memory "+
			"rollup; the server adds the rollup to SQLite every 5 s, off the request path. \"Events ingested\" is requests/s × %d; the budget "+
			"(issue 6) is on it. The probe beacon is flushed and read back from the funnel before the run, so the figure is of events counted, "+
			"not dropped.", eventsPerBatch, eventsPerBatch),
	}
}
