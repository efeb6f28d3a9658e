package buycard

import "time"

// OnboardingLink is where a merchant or publisher goes to set up, or
// finish setting up, its account at the payment provider.
type OnboardingLink struct {
	AccountID string `json:"account_id"`
	// URL is the provider's onboarding page. It is single-use and expires
	// within minutes (ExpiresAt): open it, do not send it on.
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
	// ResumeURL is on Buycard's server: it mints a fresh provider link each
	// time it is opened, until ResumeExpiresAt. It is what to send to the
	// merchant or publisher.
	ResumeURL       string    `json:"resume_url"`
	ResumeExpiresAt time.Time `json:"resume_expires_at"`
}
