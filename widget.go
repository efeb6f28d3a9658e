package buycard

import (
	"regexp"
	"strings"
	"time"
)

// domainPattern is a host name, optionally with a leading "*." wildcard.
var domainPattern = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

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

// Validate checks a widget before it is stored. Allowed domains end up in a
// CSP header, so anything but a plain host name is refused.
func (w *Widget) Validate() error {
	switch {
	case w.MerchantID == "" || w.ProductID == "":
		return Errorf(EINVALID, "A widget needs a merchant and a product.")
	case w.PublisherShareBPS < 0 || w.PublisherShareBPS > 10000:
		return Errorf(EINVALID, "Publisher share must be between 0 and 10000 basis points.")
	case len(w.CTA) > 40:
		return Errorf(EINVALID, "The button label must be at most 40 characters.")
	}
	for _, d := range w.AllowedDomains {
		if len(d) > 253 || !domainPattern.MatchString(d) {
			return Errorf(EINVALID, "%q is not a domain name (use example.com or *.example.com).", d)
		}
	}
	return nil
}

// ValidateCreate checks w as every store checks it in
// CatalogService.CreateWidget. Allowed domains end up in the checkout's CSP
// header, so nothing but a host name, optionally starting with "*.", may
// pass. Its rules and messages are not Validate's (a label is required,
// hosts may use upper case): the stores and their conformance suite keep
// these. Errors: EINVALID.
func (w *Widget) ValidateCreate() error {
	switch {
	case w.MerchantID == "":
		return Errorf(EINVALID, "Widget merchant is required.")
	case w.ProductID == "":
		return Errorf(EINVALID, "Widget product is required.")
	case strings.TrimSpace(w.CTA) == "":
		return Errorf(EINVALID, "Button label is required.")
	case w.PublisherShareBPS < 0 || w.PublisherShareBPS > 10000:
		return Errorf(EINVALID, "Publisher share must be between 0 and 10000 basis points.")
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
