package buycard

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// Merchant sells products through widgets and gets paid for each sale.
type Merchant struct {
	ID   string `json:"id"` // "mer_…"
	Name string `json:"name"`
	// ChargesEnabled is false until the merchant can take payments (for
	// Stripe: Connect onboarding finished). Cards of such a merchant show a
	// non-buyable state.
	ChargesEnabled bool      `json:"charges_enabled"`
	CreatedAt      time.Time `json:"created_at"`
}

// Validate checks a merchant before it is stored. Errors: EINVALID.
func (m *Merchant) Validate() error {
	if strings.TrimSpace(m.Name) == "" {
		return Errorf(EINVALID, "Merchant name is required.")
	}
	return MerchantNameText.Check(m.Name)
}

// TaxMode says how a merchant's orders are taxed.
type TaxMode string

const (
	// TaxNone: no tax is added or shown.
	TaxNone TaxMode = "none"
	// TaxRates: the merchant's own rates by country and region
	// (TaxRate), in the sandbox and with Stripe alike.
	TaxRates TaxMode = "rates"
	// TaxStripe: Stripe Tax computes the tax of a Stripe checkout; the
	// sandbox, which has no Stripe Tax, uses the merchant's rates.
	TaxStripe TaxMode = "stripe"
)

// Valid reports whether m is a known mode.
func (m TaxMode) Valid() bool { return m == TaxNone || m == TaxRates || m == TaxStripe }

// The fields of a merchant's settings.
var (
	BusinessNameText = TextField{Name: "The business name", MaxLength: 120}
	RefundPolicyText = TextField{Name: "The refund policy", MaxLength: 5000, Multiline: true}
	TaxIDText        = TextField{Name: "The tax registration number", MaxLength: 40}
)

// MerchantSettings are what a merchant configures for the sale after the
// payment: who the shopper deals with, and how orders are taxed.
type MerchantSettings struct {
	MerchantID string `json:"merchant_id"`
	// BusinessName is the legal or trading name on receipts and order
	// pages; empty shows the merchant's name.
	BusinessName string `json:"business_name"`
	// SupportEmail is where shoppers write about an order; empty when the
	// merchant has not given one.
	SupportEmail string `json:"support_email"`
	RefundPolicy string `json:"refund_policy"`
	// OriginCountry is where the merchant ships from and is established
	// (an ISO 3166-1 alpha-2 code), "" until set.
	OriginCountry string  `json:"origin_country"`
	TaxID         string  `json:"tax_id"`
	TaxMode       TaxMode `json:"tax_mode"`
	// PricesIncludeTax: listed prices and shipping rates already contain
	// the tax (usual in Europe), which the order then shows as a part of
	// the total rather than adds to it.
	PricesIncludeTax bool `json:"prices_include_tax"`
	// TaxShipping: shipping is taxed at the rate of the address, like
	// the goods (required in most US states and in the EU).
	TaxShipping bool `json:"tax_shipping"`
	// AskPhone makes the checkout ask the buyer for a phone number.
	AskPhone bool `json:"ask_phone"`
	// TwitterHandle is the merchant's X (Twitter) account without the @
	// ("northwind"), named in its product pages' link previews
	// (twitter:site); "" when it has none.
	TwitterHandle string `json:"twitter_handle"`
	// UpdatedAt is when the merchant last saved them, zero before.
	UpdatedAt time.Time `json:"updated_at"`
}

// NewMerchantSettings are the settings of a merchant who never saved any:
// no tax, no phone.
func NewMerchantSettings(merchantID string) *MerchantSettings {
	return &MerchantSettings{MerchantID: merchantID, TaxMode: TaxNone}
}

// Validate checks settings before they are stored. Errors: EINVALID.
func (s *MerchantSettings) Validate() error {
	for _, t := range []struct {
		field TextField
		text  string
	}{{BusinessNameText, s.BusinessName}, {RefundPolicyText, s.RefundPolicy}, {TaxIDText, s.TaxID}} {
		if err := t.field.Check(t.text); err != nil {
			return err
		}
	}
	switch {
	case s.SupportEmail != "" && !isNormalEmail(s.SupportEmail):
		return Errorf(EINVALID, "Enter a valid support email address.")
	case s.OriginCountry != "" && !ValidCountry(s.OriginCountry):
		return Errorf(EINVALID, "Choose the origin country from the list.")
	case s.TwitterHandle != "" && !twitterHandle.MatchString(s.TwitterHandle):
		return Errorf(EINVALID, "An X (Twitter) handle is 1 to 15 letters, digits or underscores, like @northwind.")
	case !s.TaxMode.Valid():
		return Errorf(EINVALID, "The tax mode must be none, rates or stripe.")
	case s.TaxMode == TaxStripe && s.OriginCountry == "":
		return Errorf(EINVALID, "Stripe Tax needs the origin country.")
	case s.TaxMode == TaxStripe && s.PricesIncludeTax:
		// Stripe Tax adds the tax to the total: taking it out of prices
		// instead would shrink the goods the application fee, fixed when
		// the Checkout Session is created, was computed on.
		return Errorf(EINVALID, "Stripe Tax adds tax to your prices: turn off \"Prices include tax\", or use your own rates.")
	}
	return nil
}

// twitterHandle is an X (Twitter) user name, without its @.
var twitterHandle = regexp.MustCompile(`^[A-Za-z0-9_]{1,15}$`)

// isNormalEmail reports whether s is a valid email as NormalizeEmail
// returns it.
func isNormalEmail(s string) bool {
	n, err := NormalizeEmail(s)
	return err == nil && n == s
}

// MerchantSettingsEdit is a merchant's edit of its settings, the one
// shape they have on both sides of the HTTP boundary: the body of PATCH
// /v1/merchant/settings, which the API decodes and the console's settings
// page sends. A nil field (an absent one in JSON) leaves the value it
// edits.
type MerchantSettingsEdit struct {
	BusinessName     *string  `json:"business_name,omitempty"`
	SupportEmail     *string  `json:"support_email,omitempty"`
	RefundPolicy     *string  `json:"refund_policy,omitempty"`
	OriginCountry    *string  `json:"origin_country,omitempty"`
	TaxID            *string  `json:"tax_id,omitempty"`
	TaxMode          *TaxMode `json:"tax_mode,omitempty"`
	PricesIncludeTax *bool    `json:"prices_include_tax,omitempty"`
	TaxShipping      *bool    `json:"tax_shipping,omitempty"`
	AskPhone         *bool    `json:"ask_phone,omitempty"`
	TwitterHandle    *string  `json:"twitter_handle,omitempty"`
}

// Apply returns s after the edit, normalized (text trimmed, the email
// lower-cased, the country upper-cased) and validated. Errors: EINVALID.
func (e *MerchantSettingsEdit) Apply(s *MerchantSettings) (*MerchantSettings, error) {
	next := *s
	set(&next.BusinessName, e.BusinessName)
	set(&next.SupportEmail, e.SupportEmail)
	set(&next.RefundPolicy, e.RefundPolicy)
	set(&next.OriginCountry, e.OriginCountry)
	set(&next.TaxID, e.TaxID)
	set(&next.TaxMode, e.TaxMode)
	set(&next.PricesIncludeTax, e.PricesIncludeTax)
	set(&next.TaxShipping, e.TaxShipping)
	set(&next.AskPhone, e.AskPhone)
	set(&next.TwitterHandle, e.TwitterHandle)
	next.TwitterHandle = strings.TrimPrefix(strings.TrimSpace(next.TwitterHandle), "@")
	next.BusinessName, next.TaxID = strings.TrimSpace(next.BusinessName), strings.TrimSpace(next.TaxID)
	next.RefundPolicy = strings.TrimSpace(next.RefundPolicy)
	next.OriginCountry = strings.ToUpper(strings.TrimSpace(next.OriginCountry))
	if email := strings.TrimSpace(next.SupportEmail); email != "" {
		normal, err := NormalizeEmail(email)
		if err != nil {
			return nil, Errorf(EINVALID, "Enter a valid support email address.")
		}
		next.SupportEmail = normal
	} else {
		next.SupportEmail = ""
	}
	return &next, next.Validate()
}

// Limits of what one merchant configures, so that no merchant can make
// the store or a checkout's quote do unbounded work.
const (
	MaxShippingZones = 50
	MaxTaxRates      = 500
)

// SellerService stores what merchants configure for the sale after the
// payment: settings, shipping zones and tax rates. Every method acts on
// one merchant's own rows: another merchant's ids are ENOTFOUND.
type SellerService interface {
	// MerchantSettings returns the merchant's settings, NewMerchantSettings
	// when it never saved any. Errors: ENOTFOUND (merchant).
	MerchantSettings(ctx context.Context, merchantID string) (*MerchantSettings, error)
	// SaveMerchantSettings stores s, setting UpdatedAt. Errors: EINVALID,
	// ENOTFOUND (merchant).
	SaveMerchantSettings(ctx context.Context, s *MerchantSettings) error

	// ShippingZones returns the merchant's zones with their rates, in the
	// order they were created.
	ShippingZones(ctx context.Context, merchantID string) (ShippingZones, error)
	// CreateShippingZone stores z and its rates, setting ids and
	// CreatedAt. Errors: EINVALID, ENOTFOUND (merchant), ECONFLICT (the
	// merchant has MaxShippingZones).
	CreateShippingZone(ctx context.Context, z *ShippingZone) error
	// UpdateShippingZone replaces the name, countries and rates of the
	// stored zone z.ID of merchant z.MerchantID; rates get new ids.
	// Errors: EINVALID, ENOTFOUND.
	UpdateShippingZone(ctx context.Context, z *ShippingZone) error
	// DeleteShippingZone deletes the merchant's zone and its rates.
	// Errors: ENOTFOUND.
	DeleteShippingZone(ctx context.Context, merchantID, id string) error

	// TaxRates returns the merchant's tax rates, by country then region.
	TaxRates(ctx context.Context, merchantID string) (TaxRateList, error)
	// CreateTaxRate stores r, setting its id. Errors: EINVALID, ENOTFOUND
	// (merchant), ECONFLICT (a rate for that country and region exists,
	// or the merchant has MaxTaxRates).
	CreateTaxRate(ctx context.Context, r *TaxRate) error
	// UpdateTaxRate replaces the country, region and rate of the stored
	// rate r.ID of merchant r.MerchantID. Errors: EINVALID, ENOTFOUND,
	// ECONFLICT (as CreateTaxRate).
	UpdateTaxRate(ctx context.Context, r *TaxRate) error
	// DeleteTaxRate deletes the merchant's rate. Errors: ENOTFOUND.
	DeleteTaxRate(ctx context.Context, merchantID, id string) error
}
