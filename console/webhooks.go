package console

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// webhooksPage is /console/webhooks: the party's webhook endpoints. An
// endpoint's signing secret is shown once, when it is made or rotated;
// the deliveries of the endpoint chosen show below the list, so that the
// party sees what its receiver answered and sends again what it missed.
type webhooksPage struct {
	app.Compo
	pageAnchor
	s      *session
	loaded string

	endpoints []buycard.WebhookEndpoint
	types     []buycard.EventType // those the party may subscribe to
	listed    bool
	listErr   string

	draft   webhookDraft
	busy    bool
	err, ok string
	secret  shownSecret

	confirming    string // the endpoint whose deletion awaits confirmation
	acting        string // the endpoint whose action runs
	actErr, actOK string

	chosen string // the endpoint whose deliveries show
	tests  int    // test events sent: each reloads the deliveries

	// fill is the form the server refused or saved (or typed before the
	// WASM), which the first load, knowing the event types, shows.
	fill formFill
}

// webhookDraft is the new-endpoint form as typed. off holds the event
// types unticked, so that every type starts ticked.
type webhookDraft struct {
	URL, Description string
	off              map[buycard.EventType]bool
}

// shownSecret is a signing secret shown once: of the endpoint just made,
// or just rotated, when OldUntil says how long the old one still signs.
type shownSecret struct {
	Value, URL string
	OldUntil   string
}

// webhookReply is an endpoint as the API answers with one.
type webhookReply struct {
	Endpoint buycard.WebhookEndpoint `json:"endpoint"`
}

// NewWebhookFields are the form names of the new-endpoint form of a party
// that may subscribe to types.
func NewWebhookFields(types []buycard.EventType) []string {
	names := []string{"wh-url", "wh-description"}
	for _, t := range types {
		names = append(names, eventTypeID(t))
	}
	return names
}

// webhookDraftFrom reads a posted new-endpoint form: an event type whose
// box was not sent is unticked.
func webhookDraftFrom(v url.Values, types []buycard.EventType) webhookDraft {
	d := webhookDraft{URL: v.Get("wh-url"), Description: v.Get("wh-description"), off: map[buycard.EventType]bool{}}
	for _, t := range types {
		d.off[t] = !v.Has(eventTypeID(t))
	}
	return d
}

// NewWebhookForm checks a new-endpoint form posted before the WASM as the
// page checks it, for a party that may subscribe to types, and returns
// the POST /v1/webhooks edit or what is wrong.
func NewWebhookForm(v url.Values, types []buycard.EventType) (*buycard.WebhookEndpointEdit, string) {
	return webhookDraftFrom(v, types).request(types)
}

func newWebhooksPage(s *session, _ []string) app.UI {
	f := s.takeFill(Base + "/webhooks")
	return &webhooksPage{s: s, fill: f, secret: shownSecret{Value: f.secret}}
}

// OnMount and OnNav load the endpoints once per visit (see onPage).
func (p *webhooksPage) OnMount(ctx app.Context)     { p.anchor(ctx); p.visit(ctx) }
func (p *webhooksPage) OnPreRender(ctx app.Context) { p.anchor(ctx); p.visit(ctx) }
func (p *webhooksPage) OnNav(ctx app.Context)       { p.anchor(ctx); p.visit(ctx) }

func (p *webhooksPage) visit(ctx app.Context) {
	if p.s.canRead() && atPath(ctx, "/webhooks") && onPage(ctx, &p.loaded) {
		p.chosen = ctx.Page().URL().Query().Get("deliveries")
		p.reload(ctx)
	}
}

// WebhookAction is where the button verb of the endpoint id posts before
// the WASM: one of webhookVerbs.
func WebhookAction(id, verb string) string {
	return Base + "/webhooks/" + url.PathEscape(id) + "/" + verb
}

// WebhookResendAction is where the Resend button of the delivery id
// posts before the WASM.
func WebhookResendAction(id string) string {
	return Base + "/webhooks/deliveries/" + url.PathEscape(id) + "/resend"
}

// webhookVerbs are an endpoint's buttons that post before the WASM.
var webhookVerbs = []string{"test", "rotate-secret", "enable", "disable", "delete"}

// WebhookDeliveriesPage is the webhooks page showing the deliveries of
// the endpoint id.
func WebhookDeliveriesPage(id string) string {
	return "/webhooks?" + url.Values{"deliveries": {id}}.Encode() + "#wh-deliveries-h"
}

// webhookDone says what the button verb did to e.
func webhookDone(verb string, e buycard.WebhookEndpoint) string {
	switch verb {
	case "test":
		return "Test event sent to " + e.URL + "."
	case "rotate-secret":
		return "Secret of " + e.URL + " rotated."
	case "enable":
		return e.URL + " enabled."
	case "disable":
		return e.URL + " disabled."
	}
	return e.URL + " deleted."
}

// takeRowFills shows what the server answered an endpoint's button
// before the WASM: its refusal, what it did and the secret it made, or
// the question a deletion asks first.
func (p *webhooksPage) takeRowFills() {
	for _, e := range p.endpoints {
		for _, verb := range webhookVerbs {
			f := p.s.takeFill(WebhookAction(e.ID, verb))
			if f.spendRow(&p.actErr, &p.actOK, webhookDone(verb, e)) {
				p.confirming = e.ID
			}
			if f.secret != "" {
				p.secret = newSecretOf(e, f.secret)
			}
		}
	}
}

// newSecretOf is the secret e was just given, shown once.
func newSecretOf(e buycard.WebhookEndpoint, secret string) shownSecret {
	shown := shownSecret{Value: secret, URL: e.URL}
	if until := e.PreviousSecretExpiresAt; until != nil {
		shown.OldUntil = dateTimeText(*until)
	}
	return shown
}

func (p *webhooksPage) reload(ctx app.Context) {
	var reply struct {
		Endpoints  []buycard.WebhookEndpoint `json:"endpoints"`
		EventTypes []buycard.EventType       `json:"event_types"`
	}
	ui.Run(p.own(ctx), func() error { return p.s.api.get("/v1/webhooks", &reply) }, func(ctx app.Context, err error) {
		p.listed = true
		if err != nil {
			p.listErr = message(err)
			return
		}
		p.listErr, p.endpoints, p.types = "", reply.Endpoints, reply.EventTypes
		p.fill = p.fill.spend(func(v url.Values) { p.draft = webhookDraftFrom(v, p.types) }, &p.err, &p.ok, "Endpoint added.")
		p.takeRowFills()
	})
}

func (p *webhooksPage) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Webhooks"),
		app.P().Body(
			app.Text("Webhooks tell your own systems what happens as it happens: Buycard posts each event you choose to your endpoint, signed with its secret as "),
			app.A().Href("https://www.standardwebhooks.com").Text("Standard Webhooks"),
			app.Text(" describes, in the "), app.Code().Text("webhook-id"), app.Text(", "), app.Code().Text("webhook-timestamp"),
			app.Text(" and "), app.Code().Text("webhook-signature"), app.Text(" headers."),
		),
		p.renderForm(),
		p.renderSecret(),
		p.renderList(),
		p.renderDeliveries(),
	)
}

func (p *webhooksPage) renderForm() app.UI {
	return app.Section().Class("cs-panel").Aria("labelledby", "wh-new-h").Body(
		app.H2().ID("wh-new-h").Text("Add an endpoint"),
		ui.PageForm("Add an endpoint", Base+"/webhooks", []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, p.create,
			ui.TextInput(ui.Field{ID: "wh-url", Label: "Endpoint URL", Type: "url", Value: p.draft.URL, Required: true, MaxLength: 2048,
				Hint: "Where Buycard posts the events, such as https://example.com/buycard/webhooks."},
				func(_ app.Context, v string) { p.draft.URL = v }),
			ui.TextInput(ui.Field{ID: "wh-description", Label: "Description (optional)", Value: p.draft.Description, MaxLength: 200,
				Hint: "What the endpoint is for, such as “order sync”."},
				func(_ app.Context, v string) { p.draft.Description = v }),
			p.renderTypes(),
			ui.Status(p.err, p.ok),
			ui.SubmitButton("Add endpoint", p.busy),
		),
	)
}

// renderTypes is a checkbox per event type the party may subscribe to.
func (p *webhooksPage) renderTypes() app.UI {
	return app.FieldSet().Class("cs-radios").Body(
		app.Legend().Text("Events to send"),
		app.Range(p.types).Slice(func(i int) app.UI {
			t := p.types[i]
			return ui.Checkbox(eventTypeID(t), eventTypeLabel(t), !p.draft.off[t], func(_ app.Context, on bool) { p.draft.tick(t, on) })
		}),
	)
}

func (p *webhooksPage) renderSecret() app.UI {
	if p.secret.Value == "" {
		return app.Text("")
	}
	note := "Copy the signing secret of " + orDefault(p.secret.URL, "the new endpoint") + " now. It will not be shown again."
	if p.secret.OldUntil != "" {
		note += " The old secret also signs deliveries until " + p.secret.OldUntil + ", while your receiver switches to the new one."
	}
	return app.Div().Class("cs-secret").Body(
		app.P().ID("wh-secret-note").Class("cs-wh-url").TabIndex(-1).Text(note),
		copyField("wh-secret", "Signing secret", p.secret.Value),
	)
}

func (p *webhooksPage) renderList() app.UI {
	var body app.UI
	switch {
	case p.listErr != "":
		body = ui.Status(p.listErr, "")
	case !p.listed:
		body = app.P().Class("cs-loading").Text("Loading…")
	case len(p.endpoints) == 0:
		body = app.P().Text("No endpoints yet.")
	default:
		body = ui.Table("Your endpoints", []string{"URL", "Description", "Events", "State", ""}, nil, len(p.endpoints), p.endpointRow)
	}
	return app.Section().Aria("labelledby", "wh-list-h").Body(
		app.H2().ID("wh-list-h").TabIndex(-1).Text("Your endpoints"),
		ui.Status(p.actErr, p.actOK),
		body,
	)
}

func (p *webhooksPage) endpointRow(i int) []app.UI {
	e := p.endpoints[i]
	return []app.UI{
		app.Span().Class("cs-wh-url").Text(e.URL),
		app.Text(e.Description),
		app.Ul().Class("cs-wh-types").Body(app.Range(e.EventTypes).Slice(func(j int) app.UI {
			return app.Li().Body(app.Code().Text(string(e.EventTypes[j])))
		})),
		endpointState(&e),
		p.renderActions(e),
	}
}

// endpointState is Active, Failing since when, or Disabled and why.
func endpointState(e *buycard.WebhookEndpoint) app.UI {
	switch {
	case e.DisabledAt != nil:
		return app.Div().Body(app.Span().Class("cs-badge").Text("Disabled"), app.P().Class("cs-hint").Text(e.DisabledReason))
	case e.FailingSince != nil:
		return app.Span().Class("cs-badge cs-bad").Text("Failing since " + dateTimeText(*e.FailingSince))
	}
	return app.Span().Class("cs-badge cs-good").Text("Active")
}

// renderActions are an endpoint's buttons, each named with its URL for
// screen readers, or the confirmation of its deletion.
// Each posts as a form of its own before the WASM (rowAction); Deliveries
// is a link there.
func (p *webhooksPage) renderActions(e buycard.WebhookEndpoint) app.UI {
	if p.confirming == e.ID {
		question := "Delete " + e.URL + "? Nothing more is sent to it, and its deliveries are deleted."
		if app.IsServer {
			return p.s.confirmForm("wh-delete-"+e.ID, question, "Delete endpoint", WebhookAction(e.ID, "delete"), Base+"/webhooks#wh-list-h")
		}
		return confirmBox("wh-delete-"+e.ID, question, "Delete endpoint", p.acting == e.ID,
			func(ctx app.Context) { p.remove(ctx, e) },
			func(ctx app.Context) { p.confirming = ""; ui.Focus(ctx, "wh-delete-btn-"+e.ID) })
	}
	disabled := e.DisabledAt != nil
	toggle, verb := "Disable", "disable"
	if disabled {
		toggle, verb = "Enable", "enable"
	}
	deliveries := app.UI(actionButton("Deliveries", "Deliveries to "+e.URL, func(ctx app.Context) { p.choose(ctx, e.ID) }).
		Aria("pressed", p.chosen == e.ID))
	if app.IsServer {
		deliveries = app.A().Class("cs-button").Href(Base+WebhookDeliveriesPage(e.ID)).Aria("label", "Deliveries to "+e.URL).Text("Deliveries")
	}
	return app.Div().Class("cs-actions cs-wh-actions").Body(
		deliveries,
		p.s.rowAction(WebhookAction(e.ID, "test"), rowButton("Send test event", "Send test event to "+e.URL).Disabled(disabled),
			func(ctx app.Context) { p.sendTest(ctx, e) }),
		p.s.rowAction(WebhookAction(e.ID, "rotate-secret"), rowButton("Rotate secret", "Rotate secret of "+e.URL),
			func(ctx app.Context) { p.rotate(ctx, e) }),
		p.s.rowAction(WebhookAction(e.ID, verb), rowButton(toggle, toggle+" "+e.URL),
			func(ctx app.Context) { p.setEnabled(ctx, e, disabled) }),
		p.s.rowAction(WebhookAction(e.ID, "delete"), rowButton("Delete", "Delete "+e.URL).ID("wh-delete-btn-"+e.ID).Class("cs-danger"),
			func(ctx app.Context) {
				p.confirming, p.actErr, p.actOK = e.ID, "", ""
				ui.Focus(ctx, "wh-delete-"+e.ID+"-q")
			}),
	)
}

// actionButton is a button whose visible text the label extends with
// what it acts on.
func actionButton(text, label string, onClick func(ctx app.Context)) app.HTMLButton {
	return app.Button().Type("button").Aria("label", label).Text(text).
		OnClick(func(ctx app.Context, _ app.Event) { onClick(ctx) })
}

// renderDeliveries is the chosen endpoint's deliveries, if it still
// exists.
func (p *webhooksPage) renderDeliveries() app.UI {
	for _, e := range p.endpoints {
		if e.ID == p.chosen {
			return newWebhookDeliveries(p.s, e.ID, e.URL, p.tests)
		}
	}
	return app.Text("")
}

// choose shows the deliveries of an endpoint, or hides them when they
// show already.
func (p *webhooksPage) choose(ctx app.Context, id string) {
	if p.chosen == id {
		p.chosen = ""
		return
	}
	p.chosen = id
	ui.Focus(ctx, "wh-deliveries-h")
}

func (p *webhooksPage) create(ctx app.Context) {
	p.err, p.ok, p.secret = "", "", shownSecret{}
	edit, problem := p.draft.request(p.types)
	if problem != "" {
		p.err = problem
		return
	}
	p.busy = true
	var reply webhookReply
	ui.Run(p.own(ctx), func() error { return p.s.api.do("POST", "/v1/webhooks", edit, &reply) }, func(ctx app.Context, err error) {
		p.busy = false
		if err != nil {
			p.err = message(err)
			return
		}
		p.draft, p.ok = webhookDraft{}, "Endpoint added."
		clearFields("wh-url", "wh-description")
		p.secret = shownSecret{Value: reply.Endpoint.Secret, URL: reply.Endpoint.URL}
		ui.Focus(ctx, "wh-secret-note")
		p.reload(ctx)
	})
}

// clearFields empties the text fields of a draft just reset: go-app
// drops an empty value attribute rather than set it, so they would keep
// what was typed.
func clearFields(ids ...string) {
	for _, id := range ids {
		if el := app.Window().GetElementByID(id); el.Truthy() {
			el.Set("value", "")
		}
	}
}

// act runs one endpoint's request, then done when it succeeded.
func (p *webhooksPage) act(ctx app.Context, id, method, path string, in, out any, done func(ctx app.Context)) {
	p.acting, p.actErr, p.actOK = id, "", ""
	ui.Run(p.own(ctx), func() error { return p.s.api.do(method, path, in, out) }, func(ctx app.Context, err error) {
		p.acting, p.confirming = "", ""
		if err != nil {
			p.actErr = message(err)
			return
		}
		done(ctx)
	})
}

func (p *webhooksPage) sendTest(ctx app.Context, e buycard.WebhookEndpoint) {
	p.act(ctx, e.ID, "POST", "/v1/webhooks/"+e.ID+"/test", nil, nil, func(ctx app.Context) {
		p.actOK, p.chosen = webhookDone("test", e), e.ID
		p.tests++
	})
}

func (p *webhooksPage) rotate(ctx app.Context, e buycard.WebhookEndpoint) {
	var reply webhookReply
	p.act(ctx, e.ID, "POST", "/v1/webhooks/"+e.ID+"/rotate-secret", nil, &reply, func(ctx app.Context) {
		p.secret = newSecretOf(reply.Endpoint, reply.Endpoint.Secret)
		p.actOK = webhookDone("rotate-secret", e)
		ui.Focus(ctx, "wh-secret-note")
	})
}

// setEnabled enables the endpoint when on, else disables it.
func (p *webhooksPage) setEnabled(ctx app.Context, e buycard.WebhookEndpoint, on bool) {
	verb := "disable"
	if on {
		verb = "enable"
	}
	p.act(ctx, e.ID, "PATCH", "/v1/webhooks/"+e.ID, buycard.WebhookEndpointEdit{Enabled: &on}, nil, func(ctx app.Context) {
		p.actOK = webhookDone(verb, e)
		p.reload(ctx)
	})
}

func (p *webhooksPage) remove(ctx app.Context, e buycard.WebhookEndpoint) {
	p.act(ctx, e.ID, "DELETE", "/v1/webhooks/"+e.ID, nil, nil, func(ctx app.Context) {
		p.actOK = webhookDone("delete", e)
		// Its row and buttons are gone: focus goes back to the list.
		ui.Focus(ctx, "wh-list-h")
		p.reload(ctx)
	})
}

// tick records whether event type t is ticked.
func (d *webhookDraft) tick(t buycard.EventType, on bool) {
	if d.off == nil {
		d.off = map[buycard.EventType]bool{}
	}
	d.off[t] = !on
}

// request is the POST /v1/webhooks body of the form's endpoint, of the
// types ticked among types, or why the form cannot be sent.
func (d webhookDraft) request(types []buycard.EventType) (*buycard.WebhookEndpointEdit, string) {
	var ticked []buycard.EventType
	for _, t := range types {
		if !d.off[t] {
			ticked = append(ticked, t)
		}
	}
	if len(ticked) == 0 {
		return nil, "Choose at least one event to send."
	}
	return &buycard.WebhookEndpointEdit{URL: new(strings.TrimSpace(d.URL)), Description: new(strings.TrimSpace(d.Description)),
		EventTypes: &ticked}, ""
}

// eventTypeID is the id of an event type's checkbox: the type without
// its dots, which CSS selectors would have to escape.
func eventTypeID(t buycard.EventType) string {
	return "wh-type-" + strings.NewReplacer(".", "-", "_", "-").Replace(string(t))
}

// eventTypeNotes say what each event type tells of.
var eventTypeNotes = map[buycard.EventType]string{
	buycard.EventOrderPaid:      "an order was paid",
	buycard.EventOrderRefunded:  "an order was refunded, in full or in part",
	buycard.EventOrderFulfilled: "an order was fulfilled",
	buycard.EventOrderCanceled:  "an unpaid order was canceled or expired",
	buycard.EventLowStock:       "a product's stock ran low",
	buycard.EventPayoutPaid:     "a payout was sent to you",
	buycard.EventShareChanged:   "a merchant changed your share of sales",
}

// eventTypeLabel is an event type with what it tells of, when known.
func eventTypeLabel(t buycard.EventType) string {
	if note, ok := eventTypeNotes[t]; ok {
		return string(t) + ": " + note
	}
	return string(t)
}
