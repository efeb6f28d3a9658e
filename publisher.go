package buycard

import (
	"strings"
	"time"
)

// Publisher embeds widgets on its pages and earns a share of each sale.
type Publisher struct {
	ID        string    `json:"id"` // "pub_…"
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Placement is one spot where a publisher shows a widget (a post, a page
// slot). Sales are attributed to the placement through the placement token.
type Placement struct {
	ID          string    `json:"id"` // "plc_…"
	PublisherID string    `json:"publisher_id"`
	WidgetID    string    `json:"widget_id"`
	Name        string    `json:"name"`
	CreatedAt   time.Time `json:"created_at"`
}

// Validate checks a publisher before it is stored. Errors: EINVALID.
func (p *Publisher) Validate() error {
	if strings.TrimSpace(p.Name) == "" {
		return Errorf(EINVALID, "Publisher name is required.")
	}
	return PublisherNameText.Check(p.Name)
}

// Validate checks a placement before it is stored; that its publisher and
// widget exist is the store's to check. Errors: EINVALID.
func (p *Placement) Validate() error {
	switch {
	case p.PublisherID == "":
		return Errorf(EINVALID, "Placement publisher is required.")
	case p.WidgetID == "":
		return Errorf(EINVALID, "Placement widget is required.")
	case strings.TrimSpace(p.Name) == "":
		return Errorf(EINVALID, "Placement name is required.")
	}
	return PlacementNameText.Check(p.Name)
}

// PublisherContract is a merchant's own terms with one publisher: the
// publisher's share of every sale of the merchant's products it makes,
// instead of each widget's share. Orders snapshot the share in force when
// they are created, so changing a contract never changes a past order.
type PublisherContract struct {
	MerchantID  string    `json:"merchant_id"`
	PublisherID string    `json:"publisher_id"`
	ShareBPS    int       `json:"share_bps"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Validate checks a contract before a store writes it. Errors: EINVALID.
func (c *PublisherContract) Validate() error {
	switch {
	case c.MerchantID == "" || c.PublisherID == "":
		return Errorf(EINVALID, "A publisher contract names its merchant and its publisher.")
	case c.ShareBPS < 0 || c.ShareBPS > BPSDenominator:
		return Errorf(EINVALID, "The publisher's share must be 0 to 10000 basis points.")
	}
	return nil
}

// CatalogEntry is a widget open to publishers as one publisher sees it:
// its product, the product's price range, and the share of each sale the
// publisher would get (the merchant's contract with it, else the
// widget's), which is what a new order through it snapshots.
type CatalogEntry struct {
	WidgetID     string `json:"widget_id"`
	MerchantID   string `json:"merchant_id"`
	MerchantName string `json:"merchant_name"`
	ProductID    string `json:"product_id"`
	Title        string `json:"title"`
	Image        Image  `json:"image"`
	Currency     string `json:"currency"`
	// MinPrice and MaxPrice are the cheapest and dearest variant, in
	// minor units of Currency.
	MinPrice int64 `json:"min_price"`
	MaxPrice int64 `json:"max_price"`
	ShareBPS int   `json:"share_bps"`
}

// PlacementListing is a placement with the title of its widget's product
// and the share it earns, for a publisher's list of placements.
type PlacementListing struct {
	Placement
	WidgetName string         `json:"widget_name"`
	Share      PlacementShare `json:"share"`
}

// DefaultShareNotice is how long a placement keeps its share after its
// merchant lowered it, unless the operator sets another notice period.
const DefaultShareNotice = 30 * 24 * time.Hour

// ShareNotice is a share a placement keeps after its merchant lowered the
// share it earned (its widget's, or the merchant's contract with its
// publisher): publishers are told before a lower share applies, and until
// then the placement's sales earn the old one. A raise applies at once.
type ShareNotice struct {
	ShareBPS int       `json:"share_bps"`
	Until    time.Time `json:"until"`
}

// Where a placement's share comes from.
const (
	ShareFromWidget   = "widget"
	ShareFromContract = "contract"
)

// PlacementShare is the share a placement earns now and where it comes
// from: Source's share (BaseBPS), or a higher one a notice keeps until
// KeptUntil, after which it earns NextBPS.
type PlacementShare struct {
	ShareBPS  int        `json:"share_bps"`
	Source    string     `json:"source"`
	BaseBPS   int        `json:"base_share_bps"`
	KeptUntil *time.Time `json:"kept_until,omitempty"`
	NextBPS   *int       `json:"next_share_bps,omitempty"`
}

// EffectiveShare is the share a placement earns at t: base, the share of
// its widget or contract, unless a notice still in force at t keeps a
// higher one, the highest of them. until is when that share ends (zero
// for base).
func EffectiveShare(base int, notices []ShareNotice, t time.Time) (bps int, until time.Time) {
	bps = base
	for _, n := range notices {
		if n.Until.After(t) && n.ShareBPS > bps {
			bps, until = n.ShareBPS, n.Until
		}
	}
	return bps, until
}

// NewPlacementShare is the share of a placement at now, base coming from
// source, with the notices it has.
func NewPlacementShare(base int, source string, notices []ShareNotice, now time.Time) PlacementShare {
	s := PlacementShare{Source: source, BaseBPS: base}
	var until time.Time
	s.ShareBPS, until = EffectiveShare(base, notices, now)
	if !until.IsZero() {
		next, _ := EffectiveShare(base, notices, until)
		s.KeptUntil, s.NextBPS = &until, &next
	}
	return s
}
