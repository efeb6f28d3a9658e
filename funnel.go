package buycard

import (
	"context"
	"time"
)

// Funnel event types the loader reports. Checkouts, sales and refunds are
// not events: they are read from the orders.
const (
	EventImpression = "impression"
	EventClick      = "click"
)

// DayLayout is how funnel days are written: the UTC date, "2026-12-01".
const DayLayout = "2006-01-02"

// FunnelKey names one rollup row: a UTC day and the widget, placement and
// publisher a placement token attributed the events to (placement and
// publisher may be empty).
type FunnelKey struct {
	Day         string // DayLayout
	WidgetID    string
	PlacementID string
	PublisherID string
}

// FunnelCounts are the loader-reported counts of one rollup row, and the
// reported events that were not counted.
type FunnelCounts struct {
	Impressions int64
	Clicks      int64
	Discarded   FunnelDiscards
}

// FunnelDiscards count, by reason, the impressions and clicks the server
// received for a card and did not count, so that a flood or a broken
// integration shows as a number instead of vanishing.
type FunnelDiscards struct {
	// Bot: sent by a crawler or an HTTP library (its User-Agent).
	Bot int64 `json:"bot"`
	// Unproven: its token did not come from a card response served in
	// the last half hour (PlacementClaims.ServedAt).
	Unproven int64 `json:"unproven"`
	// OverLimit: over what one client network may add to one placement
	// per minute.
	OverLimit int64 `json:"over_limit"`
	// Duplicate: its page view had counted it already.
	Duplicate int64 `json:"duplicate"`
}

// Total is how many events were discarded, whatever the reason.
func (d FunnelDiscards) Total() int64 {
	return d.Bot + d.Unproven + d.OverLimit + d.Duplicate
}

// Add adds o to d.
func (d *FunnelDiscards) Add(o FunnelDiscards) {
	d.Bot += o.Bot
	d.Unproven += o.Unproven
	d.OverLimit += o.OverLimit
	d.Duplicate += o.Duplicate
}

// Add adds o to c.
func (c *FunnelCounts) Add(o FunnelCounts) {
	c.Impressions += o.Impressions
	c.Clicks += o.Clicks
	c.Discarded.Add(o.Discarded)
}

// FunnelQuery selects a funnel over the UTC days From to To inclusive
// (both DayLayout): a widget's, or one placement's, narrowed to one
// merchant's widgets and one publisher's placements when MerchantID and
// PublisherID are set. Every set field must match; without a widget, a
// merchant's or publisher's scope is required, and the funnel sums all of
// its widgets (or placements).
type FunnelQuery struct {
	WidgetID    string `json:"widget,omitempty"`    // "" for every widget of the scope
	PlacementID string `json:"placement,omitempty"` // "" for every placement of the widget
	// MerchantID keeps the widgets of one merchant only.
	MerchantID string `json:"merchant,omitempty"`
	// PublisherID keeps the events and orders of one publisher's
	// placements only (direct traffic has no publisher).
	PublisherID string `json:"publisher,omitempty"`
	From        string `json:"from"`
	To          string `json:"to"`
}

// Funnel breakdowns: one row per widget or per placement.
const (
	BreakdownByWidget    = "widget"
	BreakdownByPlacement = "placement"
)

// FunnelRow is the total of one widget or placement over a breakdown's
// range, with its conversion rates. Key is the widget or placement id; ""
// is the traffic of no placement (direct links and untokened cards).
type FunnelRow struct {
	Key   string      `json:"key"`
	Total FunnelDay   `json:"total"`
	Rates FunnelRates `json:"rates"`
}

// FunnelBreakdown is a funnel query's total split by widget or placement,
// rows sorted by key.
type FunnelBreakdown struct {
	FunnelQuery
	By   string      `json:"by"`
	Rows []FunnelRow `json:"rows"`
}

// FunnelDay is one day of a funnel. Checkouts are orders created that
// day; sales are those of them paid since, and Revenue their totals per
// currency; refunds are those sales refunded since in part or whole, and
// Refunded the amounts per currency. Each stage is a subset of the one
// before (see Nested). Discarded are the loader's events of the day that
// were not counted.
type FunnelDay struct {
	Day         string           `json:"day"`
	Impressions int64            `json:"impressions"`
	Clicks      int64            `json:"clicks"`
	Checkouts   int64            `json:"checkouts"`
	Sales       int64            `json:"sales"`
	Revenue     map[string]int64 `json:"revenue"`
	Refunds     int64            `json:"refunds"`
	Refunded    map[string]int64 `json:"refunded"`
	Discarded   FunnelDiscards   `json:"discarded"`
}

// FunnelRates are the conversion rates between the steps, 0 when the
// step before had nothing.
type FunnelRates struct {
	ClickThrough float64 `json:"click_through"` // clicks / impressions
	CheckoutRate float64 `json:"checkout_rate"` // checkouts / clicks
	SaleRate     float64 `json:"sale_rate"`     // sales / checkouts
}

// Funnel is a widget's (or placement's) funnel over a range of days: the
// days that had anything, their total and its conversion rates.
type Funnel struct {
	FunnelQuery
	Days  []FunnelDay `json:"days"`
	Total FunnelDay   `json:"total"`
	Rates FunnelRates `json:"rates"`
}

// FunnelService stores the loader's counts and reads funnels back.
type FunnelService interface {
	// AddFunnelCounts adds counts to the stored rollup rows, in one
	// transaction: adding twice counts twice.
	AddFunnelCounts(ctx context.Context, counts map[FunnelKey]FunnelCounts) error
	// FunnelDays returns the days of q that had events or orders, oldest
	// first.
	FunnelDays(ctx context.Context, q FunnelQuery) ([]FunnelDay, error)
	// FunnelBreakdown returns q's totals per widget or placement (by is
	// BreakdownByWidget or BreakdownByPlacement), rows without anything
	// left out, sorted by key; each row's Day is "". Errors: EINVALID.
	FunnelBreakdown(ctx context.Context, q FunnelQuery, by string) ([]FunnelRow, error)
}

// maxFunnelDays bounds the range of one funnel query.
const maxFunnelDays = 366

// Validate checks q: a widget or a merchant's or publisher's scope, and
// From ≤ To at most a year apart.
func (q FunnelQuery) Validate() error {
	if q.WidgetID == "" && q.MerchantID == "" && q.PublisherID == "" {
		return Errorf(EINVALID, "widget is required.")
	}
	return q.ValidateRange()
}

// ValidateRange checks From ≤ To, at most a year apart.
func (q FunnelQuery) ValidateRange() error {
	from, err1 := time.Parse(DayLayout, q.From)
	to, err2 := time.Parse(DayLayout, q.To)
	switch {
	case err1 != nil || err2 != nil:
		return Errorf(EINVALID, "from and to must be dates as YYYY-MM-DD.")
	case to.Before(from):
		return Errorf(EINVALID, "from must not be after to.")
	case to.Sub(from) >= maxFunnelDays*24*time.Hour:
		return Errorf(EINVALID, "A funnel covers at most %d days.", maxFunnelDays)
	}
	return nil
}

// Bounds are the instants q covers: from the start of From to the start
// of the day after To, UTC. q must be valid.
func (q FunnelQuery) Bounds() (start, end time.Time) {
	start, _ = time.Parse(DayLayout, q.From)
	end, _ = time.Parse(DayLayout, q.To)
	return start, end.AddDate(0, 0, 1)
}

// NewFunnel sums days into a funnel of q with its conversion rates.
func NewFunnel(q FunnelQuery, days []FunnelDay) *Funnel {
	f := &Funnel{FunnelQuery: q, Days: days}
	if f.Days == nil {
		f.Days = []FunnelDay{}
	}
	f.Total = FunnelDay{Revenue: map[string]int64{}, Refunded: map[string]int64{}}
	for _, d := range days {
		f.Total.Add(d)
	}
	f.Rates = ratesOf(f.Total)
	return f
}

// ValidateBreakdown checks by: BreakdownByWidget or BreakdownByPlacement.
func ValidateBreakdown(by string) error {
	if by != BreakdownByWidget && by != BreakdownByPlacement {
		return Errorf(EINVALID, "by must be widget or placement.")
	}
	return nil
}

// NewFunnelRow is a row of key with its rates; total's maps must not be
// nil.
func NewFunnelRow(key string, total FunnelDay) FunnelRow {
	total.Day = ""
	return FunnelRow{Key: key, Total: total, Rates: ratesOf(total)}
}

func ratesOf(t FunnelDay) FunnelRates {
	return FunnelRates{
		ClickThrough: rate(t.Clicks, t.Impressions),
		CheckoutRate: rate(t.Checkouts, t.Clicks),
		SaleRate:     rate(t.Sales, t.Checkouts),
	}
}

// Add adds the counts and amounts of o to d; d's maps must not be nil.
func (d *FunnelDay) Add(o FunnelDay) {
	d.Impressions += o.Impressions
	d.Clicks += o.Clicks
	d.Checkouts += o.Checkouts
	d.Sales += o.Sales
	d.Refunds += o.Refunds
	for cur, v := range o.Revenue {
		d.Revenue[cur] += v
	}
	for cur, v := range o.Refunded {
		d.Refunded[cur] += v
	}
	d.Discarded.Add(o.Discarded)
}

// Nested returns d with every stage at least the next, so that no rate
// exceeds 100%. Checkouts and sales are exact (orders, and sales are
// orders of those checkouts), but the loader's counts can miss a step: a
// checkout from the hosted page, a link or the no-JS form has no click, a
// quick tap no impression, and an opted-out card or a lost beacon
// neither. Every checkout was a click and every click an impression, so
// a step the loader missed counts as done. Apply it to the finest rows
// (one day, widget, placement and publisher) before summing them: sums
// of nested rows are nested, and a surplus of clicks on one row cannot
// hide checkouts without a click on another.
func (d FunnelDay) Nested() FunnelDay {
	d.Clicks = max(d.Clicks, d.Checkouts)
	d.Impressions = max(d.Impressions, d.Clicks)
	return d
}

func rate(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}
