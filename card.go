package buycard

import (
	"context"
	"time"
)

// Availability says whether a card can be bought, and if not, why.
type Availability string

const (
	Buyable Availability = "buyable"
	// SoldOut: no variant has stock left.
	SoldOut Availability = "sold_out"
	// Held: no variant has stock left, but open checkouts hold units that
	// go back on sale unless they are paid (Product.HeldUntil says when the
	// first hold ends).
	Held Availability = "held"
	// Unavailable: the merchant cannot take payments, the product is
	// archived, or it is physical and ships nowhere in its currency
	// (Product.ShipsNowhere).
	Unavailable Availability = "unavailable"
	// NotHere: the page showing the card is on a site the widget's
	// allowed domains leave out (Card.OffSite), so its checkout would not
	// open there.
	NotHere Availability = "not_here"
)

// Card is everything needed to render a widget: the widget, its product
// and its merchant.
type Card struct {
	Widget   Widget   `json:"widget"`
	Product  Product  `json:"product"`
	Merchant Merchant `json:"merchant"`
	// OffSite is set, for one request, when the page that shows the card
	// is on a site the widget does not allow (Widget.AllowsSite).
	OffSite bool `json:"-"`
}

// Availability tells whether the card is buyable now.
func (c *Card) Availability() Availability {
	switch {
	case c.OffSite:
		return NotHere
	case !c.Merchant.ChargesEnabled, c.Product.ArchivedAt != nil, c.Product.ShipsNowhere:
		return Unavailable
	case c.Product.InStock():
		return Buyable
	case c.Product.LicenseKeysFree != nil && *c.Product.LicenseKeysFree <= 0:
		return SoldOut // a hold that lapses frees no key
	case c.Product.HeldUntil() != nil:
		return Held
	}
	return SoldOut
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

	// ListProducts returns the merchant's products, archived ones too,
	// newest first, with their variants.
	ListProducts(ctx context.Context, merchantID string) ([]*Product, error)
	// FindProduct returns one product with its variants. Errors: ENOTFOUND.
	FindProduct(ctx context.Context, id string) (*Product, error)
	// UpdateProduct replaces the editable fields of the stored product
	// p.ID of merchant p.MerchantID (title, description, image, option
	// name, max per order) and its variants: a variant with a known id is
	// updated, one without an id is added, and a stored variant missing
	// from p is removed. A price change bumps PriceVersion, so tokens
	// naming the old version are refused. Currency and CreatedAt do not
	// change; p is filled in with the stored product. Errors: EINVALID,
	// ENOTFOUND (product of another merchant too), ECONFLICT (a removed
	// variant has orders).
	UpdateProduct(ctx context.Context, p *Product) error
	// ArchiveProduct marks the merchant's product archived at at; archiving
	// it again keeps the first time. Errors: ENOTFOUND.
	ArchiveProduct(ctx context.Context, merchantID, id string, at time.Time) error
	// ListWidgets returns the merchant's widgets, newest first.
	ListWidgets(ctx context.Context, merchantID string) ([]*Widget, error)
	// FindWidget returns one widget. Errors: ENOTFOUND.
	FindWidget(ctx context.Context, id string) (*Widget, error)
	// UpdateWidget replaces the button label, publisher share, allowed
	// domains and checkout mode of the stored widget w.ID of merchant
	// w.MerchantID; its product does not change. Errors: EINVALID,
	// ENOTFOUND (widget of another merchant too).
	UpdateWidget(ctx context.Context, w *Widget) error
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
	// ListPlacements returns the publisher's placements, newest first,
	// with their widgets' product titles.
	ListPlacements(ctx context.Context, publisherID string) ([]*PlacementListing, error)
	// PublisherCatalog returns the widgets open to publishers, newest
	// first, with the share publisherID would get: widgets the merchant
	// did not close (widgets.closed_to_publishers), whose merchant can take
	// charges and whose product is not archived; a widget whose share for
	// publisherID is 0% only when its merchant lists it all the same
	// (Widget.ListedWithoutShare).
	PublisherCatalog(ctx context.Context, publisherID string) ([]*CatalogEntry, error)
	// PublisherSales returns the publisher's paid sales, newest first, at
	// most limit, each SharePending or ShareAvailable as the ledger
	// released its share (SettleSales tells the rest).
	PublisherSales(ctx context.Context, publisherID string, limit int) ([]*PublisherSale, error)
}
