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
	AllowedDomains []string `json:"allowed_domains"`
	// CheckoutMode is where the shopper pays after tapping Buy:
	// CheckoutOverlay (the default) or CheckoutPopup. Stores save an empty
	// mode as CheckoutOverlay.
	CheckoutMode string    `json:"checkout_mode"`
	CreatedAt    time.Time `json:"created_at"`
}

// Checkout modes of a widget.
const (
	// CheckoutOverlay opens the checkout in an overlay on the publisher's
	// page, with the provider's payment form embedded in it.
	CheckoutOverlay = "overlay"
	// CheckoutPopup opens the checkout in a window of its own (the
	// provider's hosted page with Stripe), for shoppers and sites that
	// prefer it; the loader falls back to the overlay when the browser
	// blocks the window.
	CheckoutPopup = "popup"
)

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

// Validate checks w as every store checks it in CatalogService.CreateWidget.
// Allowed domains end up in the checkout's CSP header, so nothing but a
// host name, optionally starting with "*.", may pass. Errors: EINVALID.
func (w *Widget) Validate() error {
	switch {
	case w.MerchantID == "":
		return Errorf(EINVALID, "Widget merchant is required.")
	case w.ProductID == "":
		return Errorf(EINVALID, "Widget product is required.")
	case strings.TrimSpace(w.CTA) == "":
		return Errorf(EINVALID, "Button label is required.")
	case len(w.CTA) > 40:
		return Errorf(EINVALID, "The button label must be at most 40 characters.")
	case w.PublisherShareBPS < 0 || w.PublisherShareBPS > BPSDenominator:
		return Errorf(EINVALID, "Publisher share must be between 0 and 10000 basis points.")
	case w.CheckoutMode != "" && w.CheckoutMode != CheckoutOverlay && w.CheckoutMode != CheckoutPopup:
		return Errorf(EINVALID, "Checkout mode must be %q or %q.", CheckoutOverlay, CheckoutPopup)
	}
	for _, d := range w.AllowedDomains {
		if !validHost(d) {
			return Errorf(EINVALID, "Allowed domain %q is not a host name.", d)
		}
	}
	return nil
}

// hostChars are the characters of a host name label.
const hostChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"

// validHost reports whether d is a host name, optionally starting with "*.".
func validHost(d string) bool {
	d = strings.TrimPrefix(d, "*.")
	if d == "" || len(d) > 253 {
		return false
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" || len(label) > 63 || strings.Trim(label, hostChars) != "" {
			return false
		}
	}
	return true
}
