package console

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard/console/ui"
)

// forgotPage is /console/forgot-password: a password link by email. The
// server answers the same whether or not the address has an account, so
// the page says the same either way.
type forgotPage struct {
	app.Compo
	s     *session
	email string
	busy  bool
	sent  string // the server's answer, once it accepted the request
	err   string
}

func newForgotPage(s *session, _ []string) app.UI {
	f := s.takeFill(Base + "/forgot-password")
	p := &forgotPage{s: s, email: f.value("email", ""), err: f.err}
	if f.done {
		p.sent = ResetRequested
	}
	return p
}

// ResetRequested is the whole answer to a request for a password link,
// the API's and the page's.
const ResetRequested = "If an account uses this email, we sent it a link."

func (p *forgotPage) Render() app.UI {
	if p.sent != "" {
		return notice("Check your email", p.sent+" It works once, for an hour. No email after a few minutes? Look in your spam folder, or ask again.",
			Base+"/signin", "Back to sign in")
	}
	return app.Section().Class("cs-narrow").Body(
		app.H1().Text("Forgot your password?"),
		app.P().Text("Enter the email of your account, and we will send it a link to set a new password."),
		ui.PageForm("Send a password link", Base+"/forgot-password", []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.submit,
			ui.TextInput(ui.Field{ID: "email", Label: "Email", Type: "email", Value: p.email, Autocomplete: "username", Required: true},
				func(_ app.Context, v string) { p.email = v }),
			ui.Status(p.err, ""),
			ui.SubmitButton("Send link", p.busy),
		),
		app.P().Body(app.Text("Remembered it? "), app.A().Href(Base+"/signin").Text("Sign in")),
	)
}

func (p *forgotPage) submit(ctx app.Context) {
	p.busy, p.err = true, ""
	var reply struct {
		Message string `json:"message"`
	}
	body := map[string]string{"email": p.email}
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/auth/password-reset/request", body, &reply) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		p.sent = reply.Message
	})
}
