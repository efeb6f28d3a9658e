package buycard

import (
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Product is something a merchant sells. Every product has at least one
// variant; a product without options has exactly one.
type Product struct {
	ID          string `json:"id"` // "prd_…"
	MerchantID  string `json:"merchant_id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Image       Image  `json:"image"`
	Currency    string `json:"currency"`
	// Kind says what the shopper gets. Products made before kinds existed,
	// and those a client creates without naming one, are services, so
	// their checkout asks for nothing more than it did.
	Kind ProductKind `json:"kind"`
	// OptionName labels the variant picker ("Size", "Colour"); empty when
	// the product has a single variant.
	OptionName string    `json:"option_name,omitempty"`
	Variants   []Variant `json:"variants"`
	// MaxPerOrder caps the quantity a shopper can buy at once.
	MaxPerOrder int `json:"max_per_order"`
	// PriceVersion increases whenever a variant price changes; placement
	// tokens name it so a checkout can tell the shopper the price moved.
	PriceVersion int64     `json:"price_version"`
	CreatedAt    time.Time `json:"created_at"`
	// ArchivedAt is when the merchant archived the product, nil while it
	// is on sale. Cards of an archived product cannot be bought.
	ArchivedAt *time.Time `json:"archived_at,omitempty"`
	// LicenseKeysFree is, for a product that delivers license keys, how
	// many keys its pool has free, counted up to MaxOrderLimit (no order
	// takes more): every variant's units are capped by it,
	// for a unit paid for takes one (delivery.go). Nil for other
	// products. Stores fill it in when they read a card; it is not part
	// of the catalog.
	LicenseKeysFree *int `json:"-"`
	// ShipsNowhere is true for a physical product whose merchant has no
	// shipping zone with a rate in the product's currency: no address
	// can be priced, so nobody can buy it until the merchant adds one.
	// Stores fill it in when they read a card; it is not part of the
	// catalog.
	ShipsNowhere bool `json:"-"`
}

// ProductKind says what a product's buyer gets, and so what its checkout
// asks for.
type ProductKind string

const (
	// ProductPhysical ships: its checkout asks for a shipping address in a
	// country the merchant ships to.
	ProductPhysical ProductKind = "physical"
	// ProductDigital is a file download or a license key.
	ProductDigital ProductKind = "digital"
	// ProductService has nothing to deliver (a class, a donation, a
	// made-to-order item arranged with the buyer).
	ProductService ProductKind = "service"
)

// Valid reports whether k is a known kind.
func (k ProductKind) Valid() bool {
	return k == ProductPhysical || k == ProductDigital || k == ProductService
}

// Image is a product picture with its intrinsic size, so cards can reserve
// the box before the image arrives.
type Image struct {
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Alt    string `json:"alt"`
}

// ownImagePath matches the paths of images on Buycard's own server: an
// upload (ImageFile.ImageURL) or one of its static files (the demo's).
var ownImagePath = regexp.MustCompile(`^/(images/[0-9a-f]{64}\.(png|jpg|gif|webp)|web/[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\.(png|jpe?g|gif|webp|svg))$`)

// Validate checks an image a merchant gives a product. Its URL is empty
// (no image yet), an https URL, or a path on Buycard's own server
// (ownImagePath). Anything else could run script (javascript:), carry a
// document of any size or kind (data:), leak shoppers' visits over plain
// http, or point at our own API. Width and height, when given, are at
// most MaxImageDimension. Errors: EINVALID.
func (img *Image) Validate() error {
	if err := ImageURLText.Check(img.URL); err != nil {
		return err
	}
	if err := ImageAltText.Check(img.Alt); err != nil {
		return err
	}
	switch {
	case img.URL != "" && !ownImagePath.MatchString(img.URL) && !isHTTPSURL(img.URL):
		return Errorf(EINVALID, "The image URL must start with https:// or be an uploaded image (/images/…).")
	case img.Width < 0 || img.Height < 0 || img.Width > MaxImageDimension || img.Height > MaxImageDimension:
		return Errorf(EINVALID, "The image's width and height must be between 0 and %d pixels.", MaxImageDimension)
	}
	return nil
}

// isHTTPSURL reports whether s is an absolute https URL with a host and
// no user name or password.
func isHTTPSURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && u.Opaque == ""
}

// Variant is one purchasable version of a product (a size, a colour).
type Variant struct {
	ID    string `json:"id"` // "var_…"
	Name  string `json:"name"`
	Price int64  `json:"price"` // minor units of the product currency
	// Stock is the number of units still available, reservations of
	// pending orders already taken off. It is 0 and ignored when the
	// variant has unlimited stock.
	Stock int `json:"stock"`
	// Unlimited marks a variant that never runs out (a download, a made-
	// to-order item): orders neither reserve nor decrement its stock, and
	// it always counts as in stock.
	Unlimited bool `json:"unlimited"`
	// HeldUntil is when the first hold of a pending order on this
	// variant's units ends, nil when none holds any. Stores fill it in
	// when they read a card; it is not part of the catalog.
	HeldUntil *time.Time `json:"-"`
}

// Available reports whether n units of v can be ordered now.
func (v *Variant) Available(n int) bool {
	return v.Unlimited || v.Stock >= n
}

// Variant returns the variant with id, or nil.
func (p *Product) Variant(id string) *Variant {
	for i := range p.Variants {
		if p.Variants[i].ID == id {
			return &p.Variants[i]
		}
	}
	return nil
}

// OutOfStock is the error for an order of more units than a variant has
// left. Errors: ECONFLICT.
func OutOfStock(left int) *Error {
	if left <= 0 {
		return Errorf(ECONFLICT, "Sold out.")
	}
	return Errorf(ECONFLICT, "Only %d left.", left)
}

// InStock reports whether any variant has stock left.
func (p *Product) InStock() bool {
	if p.LicenseKeysFree != nil && *p.LicenseKeysFree <= 0 {
		return false
	}
	for _, v := range p.Variants {
		if v.Unlimited || v.Stock > 0 {
			return true
		}
	}
	return false
}

// CheckLicenseKeys refuses an order of more units than p has license
// keys free. Keys are not held for pending orders: of checkouts racing
// for the last key, the one paid first gets it and the others are paid
// Oversold (see Order.Oversold). Errors: ECONFLICT.
func (p *Product) CheckLicenseKeys(quantity int) error {
	if p.LicenseKeysFree == nil || *p.LicenseKeysFree >= quantity {
		return nil
	}
	if *p.LicenseKeysFree <= 0 {
		return ErrLicenseKeysSoldOut
	}
	return OutOfStock(*p.LicenseKeysFree)
}

// HeldUntil is when the first hold on any of p's variants ends: when the
// shopper of a product sold out by holds may check back. Nil when no
// units are held.
func (p *Product) HeldUntil() *time.Time {
	var first *time.Time
	for _, v := range p.Variants {
		if v.HeldUntil != nil && (first == nil || v.HeldUntil.Before(*first)) {
			first = v.HeldUntil
		}
	}
	return first
}

// FromPrice is the lowest price among variants in stock, or among all
// variants when none is in stock.
func (p *Product) FromPrice() Money {
	best, found := int64(0), false
	for _, inStockOnly := range []bool{true, false} {
		for _, v := range p.Variants {
			if inStockOnly && !v.Available(1) {
				continue
			}
			if !found || v.Price < best {
				best, found = v.Price, true
			}
		}
		if found {
			break
		}
	}
	return Money{Amount: best, Currency: p.Currency}
}

// Limits of a product's numbers. Stock and quantities stay far below
// what a 32-bit column holds.
const (
	MaxStock      = 1_000_000_000
	MaxOrderLimit = 1000 // the largest MaxPerOrder
)

// Validate checks a product before it is stored. Errors: EINVALID.
func (p *Product) Validate() error {
	switch {
	case strings.TrimSpace(p.Title) == "":
		return Errorf(EINVALID, "Product title is required.")
	case !ValidCurrency(p.Currency):
		return Errorf(EINVALID, "Currency %q is not supported.", p.Currency)
	case len(p.Variants) == 0:
		return Errorf(EINVALID, "A product needs at least one variant.")
	case p.MaxPerOrder < 1 || p.MaxPerOrder > MaxOrderLimit:
		return Errorf(EINVALID, "Maximum per order must be between 1 and %d.", MaxOrderLimit)
	case p.Kind != "" && !p.Kind.Valid():
		// "" is a product built before kinds, which stores keep as a service.
		return Errorf(EINVALID, "The product kind must be physical, digital or service.")
	}
	if err := p.validateText(); err != nil {
		return err
	}
	if err := p.Image.Validate(); err != nil {
		return err
	}
	for _, v := range p.Variants {
		if err := v.validate(p.Currency); err != nil {
			return err
		}
	}
	return nil
}

// validateText checks the merchant's words on the product.
func (p *Product) validateText() error {
	for _, t := range []struct {
		field TextField
		text  string
	}{{ProductTitleText, p.Title}, {ProductDescriptionText, p.Description}, {OptionNameText, p.OptionName}} {
		if err := t.field.Check(t.text); err != nil {
			return err
		}
	}
	return nil
}

// validate checks a variant of a product in currency.
func (v *Variant) validate(currency string) error {
	if err := VariantNameText.Check(v.Name); err != nil {
		return err
	}
	switch {
	case v.Price <= 0:
		return Errorf(EINVALID, "Variant %q needs a positive price.", v.Name)
	case v.Price > MaxAmount(currency):
		return Errorf(EINVALID, "Variant %q: the price is above %s, the most one payment can take.",
			v.Name, Money{Amount: MaxAmount(currency), Currency: currency}.Format("en"))
	case v.Price%MinorUnitStep(currency) != 0:
		return Errorf(EINVALID, "Variant %q: %s prices must end in 0.", v.Name, currency)
	case v.Stock < 0 || v.Stock > MaxStock:
		return Errorf(EINVALID, "Variant %q: stock must be between 0 and %d.", v.Name, MaxStock)
	case v.Unlimited && v.Stock != 0:
		return Errorf(EINVALID, "Variant %q has unlimited stock: leave its stock at 0.", v.Name)
	}
	return nil
}
