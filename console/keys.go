package console

import (
	"net/url"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// keysPage is /console/keys: the party's API keys. A new key's secret is
// shown once, right after it is made; revoking takes effect at once.
type keysPage struct {
	app.Compo
	s       *session
	keys    []buycard.APIKey
	name    string
	secret  string // of the key just made
	busy    bool
	err, ok string
	loaded  string // the URL the keys were loaded for
}

// NewKeyNameField is the id and form name of the new-key form's name,
// which the server reads when the form is posted before the WASM.
const NewKeyNameField = "key-name"

func newKeysPage(s *session, _ []string) app.UI {
	f := s.takeFill(Base + "/keys")
	p := &keysPage{s: s, err: f.err, name: f.value(NewKeyNameField, ""), secret: f.secret}
	if f.secret != "" {
		p.name, p.ok = "", "Key created."
	}
	return p
}

// OnMount and OnNav load the keys once per visit: a page shown after the
// session loads gets no OnNav, one reused by go-app no OnMount.
func (p *keysPage) OnMount(ctx app.Context)     { p.visit(ctx) }
func (p *keysPage) OnPreRender(ctx app.Context) { p.visit(ctx) }
func (p *keysPage) OnNav(ctx app.Context)       { p.visit(ctx) }

func (p *keysPage) visit(ctx app.Context) {
	if p.s.canRead() && onPage(ctx, &p.loaded) {
		p.reload(ctx)
	}
}

func (p *keysPage) reload(ctx app.Context) {
	var reply struct {
		Keys []buycard.APIKey `json:"keys"`
	}
	ui.Run(ctx, func() error { return p.s.api.get("/v1/keys", &reply) }, func(ctx app.Context, err error) {
		if err != nil {
			p.err = message(err)
			return
		}
		p.keys = reply.Keys
	})
}

func (p *keysPage) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("API keys"),
		app.P().Text("Programs use a key to call the Buycard API for your account. Each key is shown once; keep it secret."),
		ui.PageForm("New API key", Base+"/keys", []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.create,
			ui.TextInput(ui.Field{ID: NewKeyNameField, Label: "Key name", Value: p.name, Required: true, MaxLength: 100, Hint: "What the key is for, such as “inventory sync”."},
				func(_ app.Context, v string) { p.name = v }),
			ui.SubmitButton("Create key", p.busy),
		),
		ui.Status(p.err, p.ok),
		app.If(p.secret != "", func() app.UI {
			return app.Div().Class("cs-secret").Body(
				app.P().Text("Copy this key now. It will not be shown again."),
				copyField("new-key", "New key", p.secret),
			)
		}),
		p.renderKeys(),
	)
}

// KeyRevokeAction is where the Revoke button of the key id posts.
func KeyRevokeAction(id string) string { return Base + "/keys/" + url.PathEscape(id) + "/revoke" }

func (p *keysPage) renderKeys() app.UI {
	if len(p.keys) == 0 {
		return app.P().Text("No keys yet.")
	}
	return ui.Table("API keys", []string{"Name", "Key", "Created", "State", ""}, nil, len(p.keys), func(i int) []app.UI {
		k := p.keys[i]
		state, action := app.UI(app.Text("Active")), p.s.rowAction(KeyRevokeAction(k.ID),
			rowButton("Revoke", "Revoke "+k.Name).Class("cs-danger"), func(ctx app.Context) { p.revoke(ctx, k.ID) })
		if k.RevokedAt != nil {
			state, action = app.Text("Revoked "+k.RevokedAt.Format(time.DateOnly)), app.Text("")
		}
		return []app.UI{app.Text(k.Name), app.Code().Text(k.Prefix + "…"), app.Text(k.CreatedAt.Format(time.DateOnly)), state, action}
	})
}

func (p *keysPage) create(ctx app.Context) {
	p.busy, p.err, p.ok, p.secret = true, "", "", ""
	var reply struct {
		Secret string `json:"secret"`
	}
	body := map[string]string{"name": p.name}
	ui.Run(ctx, func() error { return p.s.api.do("POST", "/v1/keys", body, &reply) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		p.secret, p.name, p.ok = reply.Secret, "", "Key created."
		p.reload(ctx)
	})
}

func (p *keysPage) revoke(ctx app.Context, id string) {
	p.err, p.ok = "", ""
	ui.Run(ctx, func() error { return p.s.api.do("DELETE", "/v1/keys/"+id, nil, nil) }, func(ctx app.Context, err error) {
		if err != nil {
			p.err = message(err)
			return
		}
		p.ok = "Key revoked."
		p.reload(ctx)
	})
}
