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
			inputs = append(inputs, app.Input().Type("hidden").Name(fd.name).Value(fd.value))
		}
	}
	form := app.Form().Class(f.class).Method(cmp.Or(f.method, "post")).Action(f.action)
	if f.noValidate {
		// Only ever true: go-app's server encoder writes false as novalidate="false".
		form = form.NoValidate(true)
	}
	return form.OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		onSubmit(ctx)
	}).Body(append(inputs, body...)...)
}

// errorLine is the step's inline error. It is always rendered, empty when
// there is no error, so screen readers announce the text when it appears.
func errorLine(text string) app.UI {
	return app.P().Class("bc-error").Attr("role", "alert").Text(text)
}

// primaryButton is a step's main action outside a form.
func primaryButton(label string, busy bool, onClick app.EventHandler) app.UI {
	return busyWhile(app.Button().Type("button").ID(primaryID).Class("bc-primary").OnClick(onClick).Text(label), busy)
}

// submitButton is a step form's main action.
func submitButton(label string, busy bool) app.UI {
	return busyWhile(app.Button().Type("submit").ID(primaryID).Class("bc-primary").Text(label), busy)
}

// busyWhile disables b while a request is in flight.
func busyWhile(b app.HTMLButton, busy bool) app.UI {
	if busy {
		// Only ever true: go-app's server encoder writes false as disabled="false".
		b = b.Disabled(true).Aria("busy", "true")
	}
	return b
}
