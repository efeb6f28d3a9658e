package console

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard/console/ui"
)

// verifyPage is /console/verify#token=…: the page of the link a sign-up
// mailed. It posts the fragment's token once, which creates the account
// and signs in, and goes on to the overview.
type verifyPage struct {
	app.Compo
	s       *session
	visited bool   // a token was read from the fragment
	posted  string // that token, so that each link is posted once
	err     string
}

func newVerifyPage(s *session, _ []string) app.UI {
	f := s.takeFill(Base + "/verify")
	return &verifyPage{s: s, err: f.err}
}

// OnMount and OnNav post the link's token: a page shown after the
// session loads gets no OnNav, one reused by go-app no OnMount.
func (p *verifyPage) OnMount(ctx app.Context) { p.visit(ctx) }
func (p *verifyPage) OnNav(ctx app.Context)   { p.visit(ctx) }

func (p *verifyPage) visit(ctx app.Context) {
	token := fragmentToken(ctx)
	if !p.s.canRead() || !atPath(ctx, "/verify") || (p.visited && token == p.posted) {
		return
	}
	p.visited, p.posted, p.err = true, token, ""
	if token == "" {
		p.err = "This page needs the link from your email. Open the link from there."
		return
	}
	var m me
	body := map[string]string{"token": token}
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/auth/verify", body, &m) }, func(ctx app.Context, err error) {
		if err != nil {
			p.err = message(err)
			return
		}
		p.s.signedIn(&m)
		ctx.Navigate(Base)
	})
}

func (p *verifyPage) Render() app.UI {
	if p.err != "" {
		return app.Section().Class("cs-notice").Body(
			app.H1().Text("This link did not work"),
			app.P().Role("alert").Text(p.err),
			app.P().Body(app.A().Href(Base+"/signin").Text("Sign in"), app.Text(" or "), app.A().Href(Base+"/signup").Text("sign up again")),
		)
	}
	if app.IsServer {
		// Before the WASM: a button posts the link's token, which
		// web/console.js copies from the fragment into the form.
		return app.Section().Class("cs-narrow").Body(
			app.H1().Text("Confirm your email"),
			ui.PageForm("Confirm your email", Base+"/verify", []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, func(app.Context) {},
				app.Input().Type("hidden").Name("token"),
				ui.SubmitButton("Create my account", false),
			),
		)
	}
	return app.Section().Class("cs-narrow").Body(
		app.H1().Text("Confirm your email"),
		app.P().Class("cs-loading").Aria("busy", "true").Text("Creating your account…"),
	)
}
