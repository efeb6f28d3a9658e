package storefront

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// DOM helpers for what go-app does not cover: focus, document listeners
// and history. They only run in the browser.

// focusable matches the controls the focus trap cycles through.
const focusable = `a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),` +
	`textarea:not([disabled]),[tabindex]:not([tabindex="-1"])`

func focusElement(id string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Call("focus")
	}
}

// focusPanelEdge focuses the first or last control of the panel, so Tab
// wraps around instead of leaving the overlay.
func focusPanelEdge(last bool) {
	panel := app.Window().GetElementByID(panelID)
	if !panel.Truthy() {
		return
	}
	controls := panel.Call("querySelectorAll", focusable)
	if n := controls.Length(); n > 0 {
		i := 0
		if last {
			i = n - 1
		}
		controls.Index(i).Call("focus")
	}
}

// cameFromPanel reports whether focus moved from inside the panel.
func cameFromPanel(focus app.Event) bool {
	from := focus.Get("relatedTarget")
	panel := app.Window().GetElementByID(panelID)
	return from.Truthy() && panel.Truthy() && panel.Call("contains", from).Bool()
}

// setInputValue writes an input's value directly, for changes go-app would
// not apply because the rendered value attribute stays the same.
func setInputValue(id, value string) {
	if el := app.Window().GetElementByID(id); el.Truthy() {
		el.Set("value", value)
	}
}

// onDocument calls handle with every event of kind on the document and
// returns a function that stops listening.
func onDocument(kind string, handle func(event app.Value)) (stop func()) {
	doc := app.Window().Get("document")
	listener := app.FuncOf(func(_ app.Value, args []app.Value) any {
		handle(args[0])
		return nil
	})
	doc.Call("addEventListener", kind, listener)
	return func() {
		doc.Call("removeEventListener", kind, listener)
		listener.Release()
	}
}

// leavePage returns from a full-page checkout: back where the shopper came
// from, or to the product page when there is no history or toProduct.
func leavePage(widgetID string, toProduct bool) {
	if !toProduct && app.Window().Get("history").Get("length").Int() > 1 || widgetID == "" {
		app.Window().Get("history").Call("back")
		return
	}
	app.Window().Get("location").Call("assign", "/p/"+widgetID)
}

// browserLanguage is the browser's language, as the loader reads it for
// the cards (navigator.language), or "" on the server, where the page's
// lang parameter comes from Accept-Language instead.
func browserLanguage() string {
	if !app.IsClient {
		return ""
	}
	return app.Window().Get("navigator").Get("language").String()
}
