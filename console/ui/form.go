package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Field describes one labelled form control. Its hint and its error are
// tied to the control with aria-describedby, so screen readers read them
// with it.
type Field struct {
	ID           string
	Label        string
	Type         string // "text" when empty; "textarea" for a text area
	Value        string
	Hint         string
	Error        string
	Autocomplete string
	Required     bool
	Min, Max     string
	Step         string
	MaxLength    int
	// Live re-renders the page on every keystroke (the designer's
	// preview). Other fields only keep the value: a re-render while the
	// person types faster than go-app renders would set the field back to
	// an older value and lose what was typed since.
	Live bool
}

// TextInput renders f, calling onInput with each new value.
func TextInput(f Field, onInput func(ctx app.Context, value string)) app.UI {
	var described string
	if f.Hint != "" {
		described = f.ID + "-hint"
	}
	if f.Error != "" {
		described += " " + f.ID + "-error"
	}
	handler := func(ctx app.Context, e app.Event) {
		onInput(ctx, ctx.JSSrc().Get("value").String())
		if !f.Live {
			ctx.PreventUpdate()
		}
	}
	var control app.UI
	if f.Type == "textarea" {
		ta := app.Textarea().ID(f.ID).Name(f.ID).Required(f.Required).Text(f.Value).OnInput(handler)
		if described != "" {
			ta = ta.Aria("describedby", described)
		}
		if f.Error != "" {
			ta = ta.Aria("invalid", "true")
		}
		control = ta
	} else {
		in := app.Input().ID(f.ID).Name(f.ID).Type(orText(f.Type)).Value(f.Value).Required(f.Required).OnInput(handler)
		if f.Autocomplete != "" {
			in = in.Attr("autocomplete", f.Autocomplete)
		}
		if f.Min != "" {
			in = in.Min(f.Min)
		}
		if f.Max != "" {
			in = in.Max(f.Max)
		}
		if f.Step != "" {
			in = in.Attr("step", f.Step)
		}
		if f.MaxLength > 0 {
			in = in.MaxLength(f.MaxLength)
		}
		if described != "" {
			in = in.Aria("describedby", described)
		}
		if f.Error != "" {
			in = in.Aria("invalid", "true")
		}
		control = in
	}
	return app.Div().Class("cs-field").Body(
		app.Label().For(f.ID).Text(f.Label),
		control,
		app.If(f.Hint != "", func() app.UI { return app.P().ID(f.ID + "-hint").Class("cs-hint").Text(f.Hint) }),
		app.If(f.Error != "", func() app.UI { return app.P().ID(f.ID + "-error").Class("cs-field-error").Text(f.Error) }),
	)
}

func orText(t string) string {
	if t == "" {
		return "text"
	}
	return t
}

// Option is one choice of a select or a radio group.
type Option struct{ Value, Label string }

// SelectInput is a labelled select of options with value chosen.
func SelectInput(id, label, value string, options []Option, onChange func(ctx app.Context, value string)) app.UI {
	return app.Div().Class("cs-field").Body(
		app.Label().For(id).Text(label),
		app.Select().ID(id).Name(id).OnChange(func(ctx app.Context, e app.Event) {
			onChange(ctx, ctx.JSSrc().Get("value").String())
		}).Body(app.Range(options).Slice(func(i int) app.UI {
			return app.Option().Value(options[i].Value).Selected(options[i].Value == value).Text(options[i].Label)
		})),
	)
}

// RadioGroup is a fieldset of radio buttons named by its legend.
func RadioGroup(name, legend, value string, options []Option, onChange func(ctx app.Context, value string)) app.UI {
	return app.FieldSet().Class("cs-radios").Body(
		app.Legend().Text(legend),
		app.Range(options).Slice(func(i int) app.UI {
			o := options[i]
			id := name + "-" + o.Value
			return app.Div().Class("cs-radio").Body(
				app.Input().Type("radio").ID(id).Name(name).Value(o.Value).Checked(o.Value == value).
					OnChange(func(ctx app.Context, e app.Event) { onChange(ctx, o.Value) }),
				app.Label().For(id).Text(o.Label),
			)
		}),
	)
}

// Checkbox is a labelled checkbox.
func Checkbox(id, label string, checked bool, onChange func(ctx app.Context, checked bool)) app.UI {
	return app.Div().Class("cs-check").Body(
		app.Input().Type("checkbox").ID(id).Name(id).Checked(checked).OnChange(func(ctx app.Context, e app.Event) {
			onChange(ctx, ctx.JSSrc().Get("checked").Bool())
		}),
		app.Label().For(id).Text(label),
	)
}

// SubmitButton is a form's submit button, disabled while busy. (A Form's
// fieldset disables it in the server's prerender; a PageForm's works
// there.)
func SubmitButton(label string, busy bool) app.UI {
	b := app.Button().Type("submit").Class("cs-primary").Disabled(busy).Text(label)
	if busy {
		b = b.Aria("busy", "true")
	}
	return b
}

// Status is a form's outcome: an error read out at once, or a success
// note read out politely. Both regions exist before they are filled, so
// screen readers announce what appears in them. In the server's answer
// to a form posted before the WASM, the outcome takes the focus, so the
// browser shows it wherever the form is on the page.
func Status(err, ok string) app.UI {
	return app.Div().Body(
		app.Div().Class("cs-error").Role("alert").Body(app.If(err != "", func() app.UI { return outcome(err) })),
		app.Div().Class("cs-ok").Role("status").Body(app.If(ok != "", func() app.UI { return outcome(ok) })),
	)
}

func outcome(text string) app.UI {
	p := app.P().Text(text)
	if app.IsServer {
		p = p.TabIndex(-1).Attr("autofocus", true)
	}
	return p
}

// Form is a form that runs onSubmit in place of the browser's submit.
// In the server's prerender its controls are disabled: the WASM replaces
// the prerendered page, so whatever was typed there would be lost.
func Form(label string, onSubmit func(ctx app.Context), body ...app.UI) app.HTMLForm {
	return form(label, "#", onSubmit).Body(app.FieldSet().Class("cs-form-body").Disabled(app.IsServer).Body(body...))
}

// PageFormClass marks the PageForms, whose fields the console WASM reads
// from the prerendered page before it takes the page over.
const PageFormClass = "cs-page-form"

// Hidden is a hidden field of a PageForm.
type Hidden struct{ Name, Value string }

// PageForm is a form that works before the WASM runs: the server's
// prerender shows it enabled, and the browser posts it to action, a
// console path the server answers (backend/api/console_form.go), with
// its hidden fields that have a value. Once the WASM runs, onSubmit
// handles it in place, as Form's does.
func PageForm(label, action string, hidden []Hidden, onSubmit func(ctx app.Context), body ...app.UI) app.HTMLForm {
	fields := make([]app.UI, 0, len(hidden)+len(body))
	for _, h := range hidden {
		if h.Value != "" {
			fields = append(fields, app.Input().Type("hidden").Name(h.Name).Value(h.Value))
		}
	}
	return form(label, action, onSubmit).Class(PageFormClass).Body(app.Div().Class("cs-form-body").Body(append(fields, body...)...))
}

// QueryForm is a form that asks its own page for other data: before the
// WASM runs the browser sends its fields in the query of action (a GET),
// which the page reads; once the WASM runs, onSubmit handles it in place.
func QueryForm(label, action string, onSubmit func(ctx app.Context), body ...app.UI) app.HTMLForm {
	return form(label, action, onSubmit).Method("get").Body(app.Div().Class("cs-form-body").Body(body...))
}

// form is a form named label for screen readers, which makes it a
// landmark; "" leaves it unnamed, for a row's one-button form.
func form(label, action string, onSubmit func(ctx app.Context)) app.HTMLForm {
	f := app.Form().Method("post").Action(action).OnSubmit(func(ctx app.Context, e app.Event) {
		e.PreventDefault()
		onSubmit(ctx)
	})
	if label != "" {
		f = f.Aria("label", label)
	}
	return f
}

// Run calls call off the UI goroutine, then done with its error on it.
func Run(ctx app.Context, call func() error, done func(ctx app.Context, err error)) {
	ctx.Async(func() {
		err := call()
		ctx.Dispatch(func(ctx app.Context) { done(ctx, err) })
	})
}
