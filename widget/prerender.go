package widget

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// The checkout is prerendered on the server so product, price, pickers and
// total show before the WASM arrives. When the WASM starts, go-app replaces
// the prerendered DOM with its own; CapturePrerender reads what that DOM
// held first, so the app starts from the same offer and the choices the
// shopper already made.

// offerScriptID is the id of the prerendered offer's JSON script.
const offerScriptID = "bc-offer"

// OfferLoader returns the offer a placement token opens for widgetID, as
// GET /v1/offers/{widget} does. Errors: EUNAUTHORIZED (bad token),
// ENOTFOUND, ECONFLICT.
type OfferLoader func(ctx context.Context, widgetID, token string) (*buycard.Offer, error)

var loadOffer OfferLoader

// SetOfferLoader sets the loader the checkout prerender uses. The server
// calls it once at start; without a loader the prerender shows the
// invalid-link state and the browser loads the offer itself.
func SetOfferLoader(l OfferLoader) {
	loadOffer = l
}

// offerScript embeds offer as JSON for the client. encoding/json escapes
// <, > and &, so the data cannot end the script element.
func offerScript(offer *buycard.Offer) app.UI {
	data, err := json.Marshal(offer)
	if err != nil {
		return nil
	}
	return app.Raw(`<script type="application/json" id="` + offerScriptID + `">` + string(data) + `</script>`)
}

// prerenderedState is what the prerendered page held when the WASM started.
type prerenderedState struct {
	offer     *buycard.Offer
	variantID string
	quantity  int
	focusID   string
}

var prerendered *prerenderedState

// CapturePrerender reads the prerendered offer and the shopper's choices
// from the page. The WASM main calls it before app.RunWhenOnBrowser, while
// the prerendered DOM is still there.
func CapturePrerender() {
	doc := app.Window().Get("document")
	script := doc.Call("getElementById", offerScriptID)
	if !script.Truthy() {
		return
	}
	var offer buycard.Offer
	if json.Unmarshal([]byte(script.Get("textContent").String()), &offer) != nil {
		return
	}
	state := &prerenderedState{offer: &offer}
	if checked := doc.Call("querySelector", `input[name="bc-variant"]:checked`); checked.Truthy() {
		state.variantID = checked.Get("value").String()
	}
	if qty := doc.Call("getElementById", quantityID); qty.Truthy() {
		state.quantity, _ = strconv.Atoi(qty.Get("value").String())
	}
	if active := doc.Get("activeElement"); active.Truthy() {
		state.focusID = active.Get("id").String()
	}
	prerendered = state
}

// takePrerendered hands the captured state to the checkout of widgetID,
// once.
func takePrerendered(widgetID string) (prerenderedState, bool) {
	p := prerendered
	prerendered = nil
	if p == nil || p.offer.WidgetID != widgetID {
		return prerenderedState{}, false
	}
	return *p, true
}
