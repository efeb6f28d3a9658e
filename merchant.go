package buycard

import "time"

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
