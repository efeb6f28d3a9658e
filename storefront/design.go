package storefront

import (
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// The pages of a purchase wear their widget's design (buycard.Design):
// the checkout, overlay and popup, the hosted product page and the
// shopper's order page. They run under a CSP without 'unsafe-inline', so
// no style attribute or element may carry a merchant's colour. Instead
// each design but the default has a stylesheet of its own,
// /web/design/{rrggbb}-{radius}-{scheme}.css, named from the drawn
// (validated) design by DesignPath; the server writes its one :root rule
// from the parsed name (DesignCSS), never from stored text. The rule sets
// the scheme as color-scheme and these custom properties, which each
// page's stylesheet reads (checkout.css, product.css, order.css):
//
//	--r   the corner radius
//	--a   the theme colour: primary buttons' background
//	--o   text on --a, white or black, whichever contrasts more (buycard.ContrastText)
//	--al  links, focus rings and selected options on the light background,
//	--ad  and on the dark one: the theme colour where it reaches WCAG AA's
//	      4.5:1 on that background, else the text colour there
//
// Pages link the stylesheet in their head, so the first paint wears the
// design. The checkout's prerender writes the link into its body, and
// SafePages moves it into the head (hoistDesignLink), which the WASM
// never replaces; the WASM changes the link only when the overlay opens
// another widget's offer (wearDesign).

// designDir is where the design stylesheets live; designLinkID is the id
// of the checkout's link to one.
const (
	designDir    = "/web/design/"
	designLinkID = "bc-design"
)

// The page colours the accents are chosen against: backgrounds and text
// of the light and dark schemes, as the pages' stylesheets have them.
const (
	lightBackground, lightText = "#ffffff", "#0f1419"
	darkBackground, darkText   = "#15202b", "#e7e9ea"
)

// DesignPath is the path of d's stylesheet, or "" for the default design,
// which the pages' own stylesheets draw. d is drawn first, so the path
// only ever holds a valid colour, radius and scheme.
func DesignPath(d buycard.Design) string {
	d = d.Drawn()
	if d.ThemeColor = strings.ToLower(d.ThemeColor); d == buycard.DefaultDesign {
		return ""
	}
	return designDir + d.ThemeColor[1:] + "-" + strconv.Itoa(d.CornerRadius) + "-" + d.ColorScheme + ".css"
}

// designLink is the checkout's link to the stylesheet of d, nil for the
// default design.
func designLink(d buycard.Design) app.UI {
	path := DesignPath(d)
	if path == "" {
		return nil
	}
	return void("link", attrs{{"id", designLinkID}, {"rel", "stylesheet"}, {"href", path}})
}

// wearDesign links the stylesheet of d in the document's head, in place
// of the one there (the prerendered page's, or an earlier offer's).
func wearDesign(d buycard.Design) {
	if !app.IsClient {
		return
	}
	doc := app.Window().Get("document")
	link, path := doc.Call("getElementById", designLinkID), DesignPath(d)
	switch {
	case !link.Truthy() && path != "":
		link = doc.Call("createElement", "link")
		link.Set("id", designLinkID)
		link.Set("rel", "stylesheet")
		link.Set("href", path)
		doc.Get("head").Call("append", link)
	case link.Truthy() && path == "":
		link.Call("remove")
	case link.Truthy() && link.Call("getAttribute", "href").String() != path:
		link.Set("href", path)
	}
}
