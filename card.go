package buycard

import "context"

// Availability says whether a card can be bought, and if not, why.
type Availability string

const (
	Buyable Availability = "buyable"
	// SoldOut: no variant has stock left.
	SoldOut Availability = "sold_out"
	// Unavailable: the merchant cannot take payments.
	Unavailable Availability = "unavailable"
)

// Card is everything needed to render a widget: the widget, its product
// and its merchant.
type Card struct {
	Widget   Widget   `json:"widget"`
	Product  Product  `json:"product"`
	Merchant Merchant `json:"merchant"`
}

// Availability tells whether the card is buyable now.
func (c *Card) Availability() Availability {
	switch {
	case !c.Merchant.ChargesEnabled:
		return Unavailable
	case !c.Product.InStock():
		return SoldOut
	}
	return Buyable
}

// CatalogService reads and writes merchants, products and widgets.
type CatalogService interface {
	// FindCards returns the cards for the given widget ids, keyed by id.
	// Unknown ids are absent from the map; that is not an error.
	FindCards(ctx context.Context, widgetIDs []string) (map[string]*Card, error)
	// FindCard returns one card. Errors: ENOTFOUND.
	FindCard(ctx context.Context, widgetID string) (*Card, error)

	// CreateMerchant stores m, setting ID and CreatedAt when empty.
	// Errors: EINVALID, ECONFLICT (id taken).
	CreateMerchant(ctx context.Context, m *Merchant) error
	// CreateProduct stores p and its variants, setting ids when empty.
	// Errors: EINVALID, ENOTFOUND (merchant), ECONFLICT.
	CreateProduct(ctx context.Context, p *Product) error
	// CreateWidget stores w. Errors: EINVALID, ENOTFOUND (merchant or
	// product), ECONFLICT.
	CreateWidget(ctx context.Context, w *Widget) error
	// SetPublisherContract creates or replaces the merchant's contract
	// with the publisher, setting UpdatedAt when zero. New orders through
	// that publisher take its share. Errors: EINVALID, ENOTFOUND
	// (merchant or publisher).
	SetPublisherContract(ctx context.Context, c *PublisherContract) error
}

// PublisherService reads and writes publishers and their placements.
type PublisherService interface {
	// CreatePublisher stores p. Errors: EINVALID, ECONFLICT.
	CreatePublisher(ctx context.Context, p *Publisher) error
	// CreatePlacement stores p. Errors: EINVALID, ENOTFOUND (publisher or
	// widget), ECONFLICT.
	CreatePlacement(ctx context.Context, p *Placement) error
	// FindPlacements returns placements by id; unknown ids are absent.
	FindPlacements(ctx context.Context, ids []string) (map[string]*Placement, error)
}
