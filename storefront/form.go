package storefront

import (
	"cmp"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Each checkout step is an HTML form, so it works before the WASM runs
// (and with JavaScript off); these are the pieces the steps share.

// field is a hidden input of a step's form.
type field struct{ name, value string }

// stepForm is a step as an HTML form: without the WASM the browser posts
// it to action (or gets action, for the receipt's Done); once the WASM
// runs, its submit stays in the page and calls the step's handler.
type stepForm struct {
	class, method, action string
	fields                []field
	// noValidate leaves checking the fields to the step, which ties its
	// own messages to them, in place of the browser's bubbles.
	noValidate bool
}

func (f stepForm) render(onSubmit func(app.Context), body ...app.UI) app.UI {
	inputs := make([]app.UI, 0, len(f.fields)+len(body))
	for _, fd := range f.fields {
		if fd.value != "" {
			inputs = append(inputs, void("input", attrs{{"type", "hidden"}, {"name", fd.name}, {"value", fd.value}}))
		}
	}
	a := attrs{{"class", f.class}, {"method", cmp.Or(f.method, "post")}, {"action", f.action}}
	return el("form", a.set("novalidate", f.noValidate), append(inputs, body...)...).
		OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			onSubmit(ctx)
		})
}

// stepTitle is a step's heading, which focus moves to when the step
// appears.
func stepTitle(tag, text string) app.UI {
	return textEl(tag, attrs{{"id", stepTitleID}, {"tabindex", "-1"}, {"class", "bc-step-title"}}, text)
}

// errorLine is the step's inline error. It is always rendered, empty when
// there is no error, so screen readers announce the text when it appears.
func errorLine(text string) app.UI {
	return textEl("p", attrs{{"class", "bc-error"}, {"role", "alert"}}, text)
}

// primaryButton is a step's main action outside a form.
func primaryButton(label string, busy bool, onClick app.EventHandler) app.UI {
	return mainButton("button", label, busy).OnClick(onClick)
}

// submitButton is a step form's main action.
func submitButton(label string, busy bool) app.UI {
	return mainButton("submit", label, busy)
}

// mainButton is a step's main button of type kind, disabled while a
// request is in flight.
func mainButton(kind, label string, busy bool) app.HTMLElem {
	a := attrs{{"type", kind}, {"id", primaryID}, {"class", "bc-primary"}}
	return textEl("button", a.set("disabled", busy).set("aria-busy", busy), label)
}
