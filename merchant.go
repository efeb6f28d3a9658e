package buycard

import (
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
