package console

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard/console/ui"
)

// accountMenu shows who is signed in and signs them out. Sign out is a
// PageForm: it works before the WASM runs, posting to the server, which
// ends the session and sends the browser to sign in.
type accountMenu struct {
	app.Compo
	sess *session // the page's: the prerender's on the server
	err  string
}

func newAccountMenu(sess *session) *accountMenu { return &accountMenu{sess: sess} }

func (a *accountMenu) Render() app.UI {
	email := ""
	a.sess.mu.Lock()
	if a.sess.user != nil {
		email = a.sess.user.User.Email
	}
	a.sess.mu.Unlock()
	return app.Div().Class("cs-account").Body(
		app.Span().Class("cs-who").Text(email),
		ui.PageForm("Sign out", Base+"/signout", []ui.Hidden{{Name: CSRFField, Value: a.sess.csrf()}}, a.signOut,
			app.Button().Type("submit").Class("cs-link").Text("Sign out")),
		app.If(a.err != "", func() app.UI { return app.P().Role("alert").Class("cs-error").Text(a.err) }),
	)
}

func (a *accountMenu) signOut(ctx app.Context) {
	ui.Run(ctx, current.signOut, func(ctx app.Context, err error) {
		if err != nil {
			a.err = message(err)
			return
		}
		ctx.Navigate(Base + "/signin")
	})
}
