package console

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard/console/ui"
)

// accountMenu shows who is signed in and signs them out.
type accountMenu struct {
	app.Compo
	err string
}

func newAccountMenu() *accountMenu { return &accountMenu{} }

func (a *accountMenu) Render() app.UI {
	email := ""
	current.mu.Lock()
	if current.user != nil {
		email = current.user.User.Email
	}
	current.mu.Unlock()
	return app.Div().Class("cs-account").Body(
		app.Span().Class("cs-who").Text(email),
		app.Button().Type("button").Class("cs-link").Text("Sign out").OnClick(a.signOut),
		app.If(a.err != "", func() app.UI { return app.P().Role("alert").Class("cs-error").Text(a.err) }),
	)
}

func (a *accountMenu) signOut(ctx app.Context, e app.Event) {
	ui.Run(ctx, current.signOut, func(ctx app.Context, err error) {
		if err != nil {
			a.err = message(err)
			return
		}
		ctx.Navigate(Base + "/signin")
	})
}
