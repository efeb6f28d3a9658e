package buycard

import "time"

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
