package buycard

import (
	"strings"
	"time"
)

// Widget is a merchant's buy card for one product: what publishers embed.
type Widget struct {
	ID         string `json:"id"` // "wgt_…"
	MerchantID string `json:"merchant_id"`
	ProductID  string `json:"product_id"`
	// CTA is the button label ("Buy", "Pre-order").
	CTA string `json:"cta"`
	// PublisherShareBPS is the publisher's share of each sale in basis
	// points (1/100 of a percent), set by the merchant.
	PublisherShareBPS int `json:"publisher_share_bps"`
	// AllowedDomains lists the host names allowed to frame the checkout
	// ("example.com", "*.example.com"). Empty means any site may embed it.
	AllowedDomains []string  `json:"allowed_domains"`
	CreatedAt      time.Time `json:"created_at"`
}

// FrameAncestors returns the CSP frame-ancestors source list for the
// widget's checkout: 'self' plus every allowed domain on any scheme and
// port, or "*" when the widget allows any site.
func (w *Widget) FrameAncestors() string {
	if len(w.AllowedDomains) == 0 {
		return "*"
	}
	sources := []string{"'self'"}
	for _, d := range w.AllowedDomains {
		sources = append(sources, "http://"+d+":*", "https://"+d+":*", "https://"+d, "http://"+d)
	}
	return strings.Join(sources, " ")
}
