package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Focus moves focus to the element with id once the page has rendered.
func Focus(ctx app.Context, id string) {
	ctx.Defer(func(app.Context) {
		if el := app.Window().GetElementByID(id); el.Truthy() {
			el.Call("focus")
		}
	})
}

// FocusFirst moves focus to the first of ids that has an error.
func FocusFirst(ctx app.Context, errs map[string]string, ids ...string) {
	for _, id := range ids {
		if errs[id] != "" {
			Focus(ctx, id)
			return
		}
	}
}
