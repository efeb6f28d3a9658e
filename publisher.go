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

// PlacementListing is a placement with the title of its widget's product,
// for a publisher's list of placements.
type PlacementListing struct {
	Placement
	WidgetName string `json:"widget_name"`
}
