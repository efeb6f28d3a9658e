package console

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard/console/ui"
)

// The console before its WASM: the server prerenders each page with what
// only it knows (who is signed in, the session's CSRF token, a refused
// form's message and fields) and the page's data, which the page loads in
// OnPreRender as it does in OnMount, its reads answered by the server
// in-process (ServerReads); the prerendered PageForms post to the
// server. When the WASM starts, go-app replaces the prerendered DOM with
// its own; CapturePrerender reads what the person typed there first, so
// the WASM's page starts from it.

// PageParam is the query parameter through which the server hands the
// prerender a PageState. The server drops it from every URL a browser
// sends, so a link can never set it.
const PageParam = "bc-page"

// CSRFField is the hidden field of a signed-in page's forms that carries
// the session's CSRF token, which the server checks as it checks the
// X-CSRF-Token header.
const CSRFField = "csrf_token"

// PageState is what the server tells the prerender of a console page.
type PageState struct {
	Role string // the signed-in user's role, "" when signed out
	CSRF string // the session's CSRF token, for the page's forms
	// Form is the action of the page's form that Error, Values, Done
	// and Secret are about: a page can have several.
	Form string
	// Error is why the server refused the form; Values are the fields it
	// was sent with, passwords left out.
	Error  string
	Values url.Values
	// Done marks a form the server accepted, whose page then says so
	// (check your email, password set).
	Done bool
	// Secret is a secret the page shows once, a new API key's: only the
	// answer to the form that made it carries it (the request log has
	// paths only).
	Secret string
	// Origin is the server's public origin, for the links a page shows
	// (its feeds) before the WASM, which reads its window's.
	Origin string
	// Reads is the ticket through which the server answers the
	// prerender's API reads as the signed-in user (ServerReads), so a
	// page shows its data before the WASM; "" when signed out.
	Reads string
}

// Encode is p as the value of PageParam.
func (p PageState) Encode() string {
	q := url.Values{}
	for name, v := range p.Values {
		q["v."+name] = v
	}
	for name, v := range map[string]string{"role": p.Role, "csrf": p.CSRF, "form": p.Form, "error": p.Error, "reads": p.Reads, "secret": p.Secret, "origin": p.Origin} {
		if v != "" {
			q.Set(name, v)
		}
	}
	if p.Done {
		q.Set("done", "1")
	}
	return q.Encode()
}

// pageStateOf reads the PageState of a prerendered page's URL.
func pageStateOf(u *url.URL) PageState {
	q, _ := url.ParseQuery(u.Query().Get(PageParam))
	p := PageState{Role: q.Get("role"), CSRF: q.Get("csrf"), Form: q.Get("form"), Error: q.Get("error"), Done: q.Get("done") == "1", Reads: q.Get("reads"),
		Secret: q.Get("secret"), Origin: q.Get("origin"), Values: url.Values{}}
	for name, v := range q {
		if len(name) > 2 && name[:2] == "v." {
			p.Values[name[2:]] = v
		}
	}
	return p
}

// formFill is what a page's form starts with: the server's refusal, or
// what was typed before the WASM took the page over.
type formFill struct {
	err    string
	values url.Values
	done   bool
	secret string // shown once (PageState.Secret)
}

// value is the named field's starting value, or def.
func (f formFill) value(name, def string) string {
	if v, ok := f.values[name]; ok && len(v) > 0 {
		return v[0]
	}
	return def
}

// CapturePrerender reads the prerendered page's forms, each by its
// action: their fields, the error they show and whether they say they
// were saved. The console WASM's main calls it before
// app.RunWhenOnBrowser, while the prerendered DOM is still there.
func CapturePrerender() {
	forms := app.Window().Get("document").Call("querySelectorAll", "form."+ui.PageFormClass)
	fills := map[string]formFill{}
	for i := 0; i < forms.Length(); i++ {
		form := forms.Index(i)
		fills[form.Call("getAttribute", "action").String()] = captureForm(form)
	}
	current.mu.Lock()
	current.fills = fills
	current.mu.Unlock()
}

// captureForm reads one prerendered form.
func captureForm(form app.Value) formFill {
	fields := form.Call("querySelectorAll", "[name]")
	f := formFill{values: url.Values{}}
	for i := 0; i < fields.Length(); i++ {
		el := fields.Index(i)
		name, kind := el.Get("name").String(), el.Get("type").String()
		switch {
		case name == CSRFField || kind == "submit":
		case kind == "checkbox" || kind == "radio":
			if el.Get("checked").Bool() {
				f.values.Add(name, el.Get("value").String())
			}
		default:
			f.values.Set(name, el.Get("value").String())
		}
	}
	if e := form.Call("querySelector", ".cs-error"); e.Truthy() {
		f.err = e.Get("textContent").String()
	}
	if ok := form.Call("querySelector", ".cs-ok"); ok.Truthy() && ok.Get("textContent").String() != "" {
		f.done = true
	}
	return f
}

// spend applies f to a page's form once its first load has the stored
// object: a refused or typed form's values (fromValues), the server's
// message (err), or that the server saved it (ok, set to saved). It
// returns the empty fill, which later loads leave alone.
func (f formFill) spend(fromValues func(url.Values), err, ok *string, saved string) formFill {
	if len(f.values) > 0 {
		fromValues(f.values)
	}
	if f.err != "" {
		*err = f.err
	}
	if f.done {
		*ok = saved
	}
	return formFill{}
}

// rowAction is a row's button (delete, revoke) as a form of its own, so
// that it works before the WASM: the browser posts it to action with the
// session's CSRF token, and the server answers with the page again. Once
// the WASM runs, onClick handles it in place. The button (rowButton) has
// no click handler of its own.
func (s *session) rowAction(action string, button app.HTMLButton, onClick func(ctx app.Context)) app.UI {
	return ui.PageForm("", action, []ui.Hidden{{Name: CSRFField, Value: s.csrf()}}, onClick, button.Type("submit")).Class("cs-row-action")
}

// rowButton is a row's button that says text and, to screen readers,
// label, which names what it acts on: "Delete the rate of France".
func rowButton(text, label string) app.HTMLButton {
	return app.Button().Aria("label", label).Text(text)
}

// ConfirmedField marks the second step of a row's destructive action
// before the WASM (confirmForm): without it, the server answers with the
// page asking to confirm (ConfirmValues).
const ConfirmedField = "confirmed"

// ConfirmValues are what the server tells a page whose row action awaits
// confirmation, in the PageState of that action.
func ConfirmValues() url.Values { return url.Values{"confirm": {"yes"}} }

// spendRow applies a row button's fill: its refusal to err, or done to
// ok when the server did it. It reports whether the server asks to
// confirm the action first (ConfirmValues).
func (f formFill) spendRow(err, ok *string, done string) (confirm bool) {
	switch {
	case f.err != "":
		*err = f.err
	case f.values.Get("confirm") == "yes":
		return true
	case f.done:
		*ok = done
	}
	return false
}

// confirmForm is confirmBox before the WASM: a form posting action again,
// confirmed, with hidden, or a link to cancel back to the page.
func (s *session) confirmForm(id, question, yes, action, cancel string, hidden ...ui.Hidden) app.UI {
	hidden = append([]ui.Hidden{{Name: CSRFField, Value: s.csrf()}, {Name: ConfirmedField, Value: "yes"}}, hidden...)
	return ui.PageForm("", action, hidden, func(app.Context) {},
		app.Div().ID(id).Class("cs-confirm").Role("group").Aria("labelledby", id+"-q").Body(
			app.P().ID(id+"-q").TabIndex(-1).Attr("autofocus", true).Text(question),
			app.Div().Class("cs-actions").Body(
				app.Button().Type("submit").Class("cs-danger-solid").Text(yes),
				app.A().Class("cs-button").Href(cancel).Text("Cancel"),
			),
		),
	)
}

// uploadForm is a file input that, in the WASM, uploads the file once
// chosen (onChange), and before the WASM is a form of its own posting it
// to action as the multipart field name, with a button.
func (s *session) uploadForm(action, id, name, label, accept, hint, button string, busy bool, onChange func(ctx app.Context, e app.Event)) app.UI {
	return ui.PageForm("", action, []ui.Hidden{{Name: CSRFField, Value: s.csrf()}}, func(app.Context) {},
		app.Div().Class("cs-field").Body(
			app.Label().For(id).Text(label),
			app.Input().ID(id).Name(name).Type("file").Accept(accept).Disabled(busy).Aria("describedby", id+"-hint").OnChange(onChange),
			app.P().ID(id+"-hint").Class("cs-hint").Text(hint),
		),
		app.If(app.IsServer, func() app.UI { return app.Button().Type("submit").Text(button) }),
	).EncType("multipart/form-data")
}
