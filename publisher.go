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
	return nil
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
	return nil
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
