package console

import (
	"cmp"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// minPassword is the shortest password the server accepts
// (backend/auth.MinPassword), for the hint.
const minPassword = "12"

// signIn is /console/signin: email and password.
type signIn struct {
	app.Compo
	s               *session
	email, password string
	next            string // where to go after: the sign-in link's
	busy            bool
	err             string
}

func newSignIn(s *session, _ []string) app.UI {
	f := s.takeFill(Base + "/signin")
	return &signIn{s: s, email: f.value("email", ""), password: f.value("password", ""), err: f.err, next: f.value("next", "")}
}

// OnNav keeps the sign-in link's next, which the form posts along.
func (p *signIn) OnNav(ctx app.Context) {
	if next := ctx.Page().URL().Query().Get("next"); next != "" {
		p.next = next
	}
}

func (p *signIn) Render() app.UI {
	return app.Section().Class("cs-narrow").Body(
		app.H1().Text("Sign in"),
		ui.PageForm("Sign in", Base+"/signin", []ui.Hidden{{Name: "next", Value: p.next}, {Name: CSRFField, Value: p.s.csrf()}}, p.submit,
			ui.TextInput(ui.Field{ID: "email", Label: "Email", Type: "email", Value: p.email, Autocomplete: "username", Required: true},
				func(_ app.Context, v string) { p.email = v }),
			ui.TextInput(ui.Field{ID: "password", Label: "Password", Type: "password", Value: p.password, Autocomplete: "current-password", Required: true},
				func(_ app.Context, v string) { p.password = v }),
			ui.Status(p.err, ""),
			ui.SubmitButton("Sign in", p.busy),
		),
		app.P().Body(app.A().Href(Base+"/forgot-password").Text("Forgot your password?")),
		app.P().Body(app.Text("New to Buycard? "), app.A().Href(Base+"/signup").Text("Create an account")),
	)
}

func (p *signIn) submit(ctx app.Context) {
	p.busy, p.err = true, ""
	var m me
	body := map[string]string{"email": p.email, "password": p.password}
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/auth/login", body, &m) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		p.password = ""
		p.s.signedIn(&m)
		// The page's own link says where to go; a page go-app shows
		// again after the session loads gets no OnNav to read it into
		// p.next, which holds what a refused form post carried.
		ctx.Navigate(NextPath(cmp.Or(ctx.Page().URL().Query().Get("next"), p.next)))
	})
}

// signUp is /console/signup: a new merchant or publisher and its first
// user, created once the link mailed to the address is followed
// (verifyPage).
type signUp struct {
	app.Compo
	s                           *session
	role, name, email, password string
	busy                        bool
	sent                        bool // the sign-up was accepted: check your email
	err                         string
}

func newSignUp(s *session, _ []string) app.UI {
	f := s.takeFill(Base + "/signup")
	return &signUp{s: s, role: f.value("role", buycard.RoleMerchant), name: f.value("name", ""), email: f.value("email", ""),
		password: f.value("password", ""), err: f.err, sent: f.done}
}

func (p *signUp) Render() app.UI {
	nameLabel := "Business name"
	if p.role == buycard.RolePublisher {
		nameLabel = "Site or publication name"
	}
	if p.sent {
		return notice("Check your email",
			"We sent a link to "+p.email+". Open it to finish signing up; it works for 24 hours. "+
				"No email after a few minutes? Look in your spam folder, or sign up again.",
			Base+"/signin", "Go to sign in")
	}
	return app.Section().Class("cs-narrow").Body(
		app.H1().Text("Create an account"),
		ui.PageForm("Create an account", Base+"/signup", []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.submit,
			ui.RadioGroup("role", "I want to", p.role, []ui.Option{
				{Value: buycard.RoleMerchant, Label: "Sell my products (merchant)"},
				{Value: buycard.RolePublisher, Label: "Earn from cards on my site (publisher)"},
			}, func(_ app.Context, v string) { p.role = v }),
			ui.TextInput(ui.Field{ID: "name", Label: nameLabel, Value: p.name, Autocomplete: "organization", Required: true, MaxLength: 120},
				func(_ app.Context, v string) { p.name = v }),
			ui.TextInput(ui.Field{ID: "email", Label: "Email", Type: "email", Value: p.email, Autocomplete: "email", Required: true},
				func(_ app.Context, v string) { p.email = v }),
			ui.TextInput(ui.Field{ID: "password", Label: "Password", Type: "password", Value: p.password, Autocomplete: "new-password", Required: true,
				Hint: "At least " + minPassword + " characters. A few unrelated words make a strong one."},
				func(_ app.Context, v string) { p.password = v }),
			ui.Status(p.err, ""),
			ui.SubmitButton("Create account", p.busy),
		),
		app.P().Body(app.Text("Already have an account? "), app.A().Href(Base+"/signin").Text("Sign in")),
	)
}

// submit sends the sign-up. The server answers the same whether or not
// the email has an account (the email tells the rest), so the page says
// the same: check your email.
func (p *signUp) submit(ctx app.Context) {
	p.busy, p.err = true, ""
	signup := map[string]string{"role": p.role, "name": p.name, "email": p.email, "password": p.password}
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/auth/signup", signup, nil) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		p.password, p.sent = "", true
	})
}

// passwordPage is /console/reset-password#token=…: the page of a
// password link, emailed (forgotPage) or printed by `buycard admin
// create` or `buycard user reset-link`. The token rides in the fragment,
// which browsers never send to a server or in a Referer.
type passwordPage struct {
	app.Compo
	s        *session
	token    string // the link's, once a post without the WASM moved it out of the fragment
	password string
	busy     bool
	err      string
	done     bool
}

func newPasswordPage(s *session, _ []string) app.UI {
	f := s.takeFill(Base + "/reset-password")
	return &passwordPage{s: s, token: f.value("token", ""), password: f.value("new-password", ""), err: f.err, done: f.done}
}

func (p *passwordPage) Render() app.UI {
	if p.done {
		return notice("Password set", "Your new password is set. Sign in with it.", Base+"/signin", "Sign in")
	}
	return app.Section().Class("cs-narrow").Body(
		app.H1().Text("Set your password"),
		ui.PageForm("Set your password", Base+"/reset-password", []ui.Hidden{{Name: "token", Value: p.token}, {Name: CSRFField, Value: p.s.csrf()}}, p.submit,
			ui.TextInput(ui.Field{ID: "new-password", Label: "New password", Type: "password", Value: p.password, Autocomplete: "new-password", Required: true,
				Hint: "At least " + minPassword + " characters."},
				func(_ app.Context, v string) { p.password = v }),
			ui.Status(p.err, ""),
			ui.SubmitButton("Set password", p.busy),
		),
	)
}

// fragmentToken is the token of an emailed link: the page's fragment,
// "token=…". Before the WASM, web/console.js copies it into the form's
// token field; a form the server refused carries it back in that field.
func fragmentToken(ctx app.Context) string {
	return strings.TrimPrefix(ctx.Page().URL().Fragment, "token=")
}

func (p *passwordPage) submit(ctx app.Context) {
	p.busy, p.err = true, ""
	body := map[string]string{"token": cmp.Or(fragmentToken(ctx), p.token), "new_password": p.password}
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/auth/password-reset", body, nil) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		p.password, p.done = "", true
	})
}
