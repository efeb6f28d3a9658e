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
