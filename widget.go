package buycard

import (
	"math"
	"net/url"
	"strconv"
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
	CheckoutMode string `json:"checkout_mode"`
	// ClosedToPublishers keeps the widget out of the publishers' catalog:
	// only publishers the merchant gives the snippet to embed it, and no
	// placement can be made for it from the catalog.
	ClosedToPublishers bool `json:"closed_to_publishers"`
	// ListedWithoutShare lists the widget in the publishers' catalog even
	// while its share is 0%, which it otherwise is not (a publisher whose
	// contract gives it a share sees it all the same).
	ListedWithoutShare bool `json:"listed_without_share"`
	// The card's design. A widget stored with an empty ThemeColor takes
	// the whole DefaultDesign (radius included), so widgets made before
	// the designer, and Go callers that leave it out, keep the original
	// look.
	//
	// ThemeColor is the Buy button's colour, "#rrggbb"; the button's text
	// is white or near-black, whichever reads better on it (OnThemeColor).
	ThemeColor string `json:"theme_color"`
	// CornerRadius is the card's corner radius in CSS pixels, 0 to 24.
	CornerRadius int `json:"corner_radius"`
	// ColorScheme is SchemeLight, SchemeDark or SchemeAuto (the card
	// follows the publisher page's color-scheme, so the shopper's
	// prefers-color-scheme on pages that support dark mode).
	ColorScheme string `json:"color_scheme"`
	// Layout is LayoutFull (image, merchant, title, price, button) or
	// LayoutCompact (a shorter card without the merchant line).
	Layout string `json:"layout"`
	// Locale is the BCP 47 tag ("en", "fr-CA") the card's words and
	// prices use; empty follows the shopper's browser language.
	Locale    string    `json:"locale"`
	CreatedAt time.Time `json:"created_at"`
}

// Colour schemes and layouts of a widget's card.
const (
	SchemeLight   = "light"
	SchemeDark    = "dark"
	SchemeAuto    = "auto"
	LayoutFull    = "full"
	LayoutCompact = "compact"
)

// Default design of a card: the look cards had before widgets had a
// design.
const (
	DefaultThemeColor   = "#0f1419"
	DefaultCornerRadius = 12
	DefaultColorScheme  = SchemeAuto
	DefaultLayout       = LayoutFull
	// MaxCornerRadius is the largest corner radius, in CSS pixels.
	MaxCornerRadius = 24
)

// SetDesignDefaults gives w the default design when its ThemeColor is
// empty, and the default scheme and layout when those are empty. Stores
// call it before saving.
func (w *Widget) SetDesignDefaults() {
	if w.ThemeColor == "" {
		w.ThemeColor, w.CornerRadius = DefaultThemeColor, DefaultCornerRadius
	}
	if w.ColorScheme == "" {
		w.ColorScheme = DefaultColorScheme
	}
	if w.Layout == "" {
		w.Layout = DefaultLayout
	}
}

// DrawnDesign gives w the design a page draws it with: the defaults of
// SetDesignDefaults, and the default in place of each field that
// ValidateDesign would refuse (a draft in the designer being typed, a row
// written by hand). Pages draw the theme colour and radius into style
// properties, so only a colour and a length may ever reach them.
func (w *Widget) DrawnDesign() {
	d := w.Design()
	w.ThemeColor, w.CornerRadius, w.ColorScheme = d.ThemeColor, d.CornerRadius, d.ColorScheme
	if w.Layout != LayoutCompact {
		w.Layout = LayoutFull
	}
	if !ValidLocale(w.Locale) {
		w.Locale = ""
	}
}

// Design is the part of a widget's design that the pages of a purchase
// wear besides its card: the checkout (overlay and popup), the hosted
// product page and the shopper's order page.
type Design struct {
	ThemeColor   string `json:"theme_color"`
	CornerRadius int    `json:"corner_radius"`
	ColorScheme  string `json:"color_scheme"`
}

// DefaultDesign is the look of pages whose widget keeps the default design.
var DefaultDesign = Design{ThemeColor: DefaultThemeColor, CornerRadius: DefaultCornerRadius, ColorScheme: DefaultColorScheme}

// Design is w's design as pages draw it (Design.Drawn).
func (w *Widget) Design() Design {
	return Design{ThemeColor: w.ThemeColor, CornerRadius: w.CornerRadius, ColorScheme: w.ColorScheme}.Drawn()
}

// Drawn is d as pages draw it: DefaultDesign when its colour is empty
// (as SetDesignDefaults), and the default in place of each field
// ValidateDesign would refuse. Only a "#rrggbb" colour, a radius of 0 to
// MaxCornerRadius and one of the three schemes come out, whatever d
// holds. (It works on a Design, not a Widget, so that the client WASM,
// which draws the offers' designs, need not keep Widget's methods.)
func (d Design) Drawn() Design {
	if d.ThemeColor == "" {
		d.ThemeColor, d.CornerRadius = DefaultThemeColor, DefaultCornerRadius
	}
	if !validHexColor(d.ThemeColor) {
		d.ThemeColor = DefaultThemeColor
	}
	if d.CornerRadius < 0 || d.CornerRadius > MaxCornerRadius {
		d.CornerRadius = DefaultCornerRadius
	}
	if d.ColorScheme != SchemeLight && d.ColorScheme != SchemeDark {
		d.ColorScheme = SchemeAuto
	}
	return d
}

// ValidateDesign checks the design fields of w. Errors: EINVALID.
func (w *Widget) ValidateDesign() error {
	switch {
	case w.ThemeColor != "" && !validHexColor(w.ThemeColor):
		return Errorf(EINVALID, "Theme colour must be a hex colour like \"#1d4ed8\", not %q.", w.ThemeColor)
	case w.CornerRadius < 0 || w.CornerRadius > MaxCornerRadius:
		return Errorf(EINVALID, "Corner radius must be between 0 and %d pixels.", MaxCornerRadius)
	case w.ColorScheme != "" && w.ColorScheme != SchemeLight && w.ColorScheme != SchemeDark && w.ColorScheme != SchemeAuto:
		return Errorf(EINVALID, "Colour scheme must be %q, %q or %q.", SchemeLight, SchemeDark, SchemeAuto)
	case w.Layout != "" && w.Layout != LayoutFull && w.Layout != LayoutCompact:
		return Errorf(EINVALID, "Layout must be %q or %q.", LayoutFull, LayoutCompact)
	case w.Locale != "" && !ValidLocale(w.Locale):
		return Errorf(EINVALID, "Locale must be a language tag like \"en\" or \"fr-CA\", or empty to follow the shopper, not %q.", w.Locale)
	}
	return nil
}

// validHexColor reports whether s is "#rrggbb".
func validHexColor(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range s[1:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// ValidLocale reports whether tag has the shape of a BCP 47 language tag:
// a 2–3 letter language, then subtags of 1–8 letters or digits ("en",
// "fr-CA", "zh-Hant-TW").
func ValidLocale(tag string) bool {
	if len(tag) > 35 {
		return false
	}
	for i, sub := range strings.Split(tag, "-") {
		if i == 0 && (len(sub) < 2 || len(sub) > 3) || sub == "" || len(sub) > 8 {
			return false
		}
		for _, c := range sub {
			letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
			if !letter && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

// OnThemeColor is the text colour for the Buy button on the theme colour:
// white ("#ffffff") or black ("#000000"), whichever has the higher WCAG
// contrast ratio with it, so the label always reaches at least 4.58:1 (the
// worst case, a mid grey; a near-black such as the card's text colour
// would only guarantee 4.3:1, below AA).
// An invalid colour counts as DefaultThemeColor.
func (w *Widget) OnThemeColor() string {
	return ContrastText(w.ThemeColor)
}

// ContrastText is white or black, whichever contrasts more with the
// "#rrggbb" colour bg (DefaultThemeColor when bg is not one).
func ContrastText(bg string) string {
	if !validHexColor(bg) {
		bg = DefaultThemeColor
	}
	if ContrastRatio(bg, "#ffffff") >= ContrastRatio(bg, "#000000") {
		return "#ffffff"
	}
	return "#000000"
}

// RelativeLuminance is the WCAG 2 relative luminance of "#rrggbb", from 0
// (black) to 1 (white); 0 for anything else.
func RelativeLuminance(hex string) float64 {
	if !validHexColor(hex) {
		return 0
	}
	channel := func(s string) float64 {
		v, _ := strconv.ParseUint(s, 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(hex[1:3]) + 0.7152*channel(hex[3:5]) + 0.0722*channel(hex[5:7])
}

// ContrastRatio is the WCAG 2 contrast ratio of two "#rrggbb" colours,
// from 1 to 21.
func ContrastRatio(a, b string) float64 {
	la, lb := RelativeLuminance(a), RelativeLuminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
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
// widget's checkout: "*" when the widget allows any site, else 'self' plus
// every allowed domain over https, on any port.
//
// A page an allowed domain serves over plain http may not frame the
// checkout: anyone on the shopper's network could rewrite that page
// around it. (A widget open to any site gains nothing from such a rule,
// since an attacker can frame it from an https site of its own.) When
// loopbackHTTP is set, in development, an allowed localhost or 127.0.0.1
// may frame it over http too, as local test pages are served.
func (w *Widget) FrameAncestors(loopbackHTTP bool) string {
	if len(w.AllowedDomains) == 0 {
		return "*"
	}
	sources := []string{"'self'"}
	for _, d := range w.AllowedDomains {
		sources = append(sources, "https://"+d, "https://"+d+":*")
		if loopbackHTTP && (d == "localhost" || d == "127.0.0.1") {
			sources = append(sources, "http://"+d+":*")
		}
	}
	return strings.Join(sources, " ")
}

// AllowsSite reports whether a page of origin (scheme://host[:port], as
// a browser's Origin header names it) may show the widget: whether
// FrameAncestors lets that page frame its checkout. An empty origin, a
// request no browser page made, is allowed: only a page can be refused.
func (w *Widget) AllowsSite(origin string, loopbackHTTP bool) bool {
	if len(w.AllowedDomains) == 0 || origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	host := strings.ToLower(u.Hostname())
	for _, d := range w.AllowedDomains {
		d = strings.ToLower(d)
		matches := host == d
		if rest, ok := strings.CutPrefix(d, "*."); ok {
			matches = strings.HasSuffix(host, "."+rest) // CSP's *. matches subdomains only
		}
		switch {
		case !matches:
		case u.Scheme == "https":
			return true
		case u.Scheme == "http" && loopbackHTTP && (d == "localhost" || d == "127.0.0.1"):
			return true
		}
	}
	return false
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
	case w.PublisherShareBPS < 0 || w.PublisherShareBPS > BPSDenominator:
		return Errorf(EINVALID, "Publisher share must be between 0 and 10000 basis points.")
	case w.CheckoutMode != "" && w.CheckoutMode != CheckoutOverlay && w.CheckoutMode != CheckoutPopup:
		return Errorf(EINVALID, "Checkout mode must be %q or %q.", CheckoutOverlay, CheckoutPopup)
	}
	if err := ButtonLabelText.Check(w.CTA); err != nil {
		return err
	}
	if err := w.ValidateDesign(); err != nil {
		return err
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
