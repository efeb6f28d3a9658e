package console

import (
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

// webhookDeliveries is one endpoint's latest deliveries, newest first:
// what each event got from the receiver, with a button to send it again
// (with the same event id, so a receiver that has it drops it).
type webhookDeliveries struct {
	app.Compo
	pageAnchor
	s *session

	EndpointID string
	URL        string // names the endpoint
	Tests      int    // the page's count of test events: a new one reloads

	deliveries []buycard.WebhookDelivery
	listed     bool
	loaded     string // the endpoint and test count the list is of
	err, ok    string
}

// deliveryPage is how many deliveries the panel shows.
const deliveryPage = "50"

func newWebhookDeliveries(s *session, id, url string, tests int) *webhookDeliveries {
	return &webhookDeliveries{s: s, EndpointID: id, URL: url, Tests: tests}
}

func (w *webhookDeliveries) OnMount(ctx app.Context)     { w.anchor(ctx); w.load(ctx) }
func (w *webhookDeliveries) OnPreRender(ctx app.Context) { w.anchor(ctx); w.load(ctx) }
func (w *webhookDeliveries) OnUpdate(ctx app.Context)    { w.load(ctx) }

// load loads the list when another endpoint is chosen or a test event
// was sent.
func (w *webhookDeliveries) load(ctx app.Context) {
	key := w.EndpointID + " " + strconv.Itoa(w.Tests)
	if !w.s.canRead() || key == w.loaded {
		return
	}
	w.loaded, w.listed, w.deliveries, w.ok = key, false, nil, ""
	w.refresh(ctx, "")
}

// refresh reads the list again, then says ok.
func (w *webhookDeliveries) refresh(ctx app.Context, ok string) {
	w.err = ""
	id := w.EndpointID
	var reply struct {
		Deliveries []buycard.WebhookDelivery `json:"deliveries"`
	}
	ui.Run(w.own(ctx), func() error { return w.s.api.get("/v1/webhooks/"+id+"/deliveries?limit="+deliveryPage, &reply) }, func(ctx app.Context, err error) {
		if id != w.EndpointID {
			return // another endpoint was chosen meanwhile
		}
		w.listed = true
		if err != nil {
			w.err = message(err)
			return
		}
		w.deliveries, w.ok = reply.Deliveries, ok
	})
}

func (w *webhookDeliveries) Render() app.UI {
	return app.Section().Class("cs-panel").Aria("labelledby", "wh-deliveries-h").Body(
		app.Div().Class("cs-panel-head").Body(
			app.H2().ID("wh-deliveries-h").Class("cs-wh-url").TabIndex(-1).Text("Deliveries to "+w.URL),
			app.If(app.IsServer, func() app.UI {
				return app.A().Class("cs-button").Href(Base+WebhookDeliveriesPage(w.EndpointID)).Aria("label", "Refresh deliveries to "+w.URL).Text("Refresh")
			}).Else(func() app.UI {
				return actionButton("Refresh", "Refresh deliveries to "+w.URL, func(ctx app.Context) {
					w.refresh(ctx, "Deliveries updated at "+time.Now().Format(time.TimeOnly)+".")
				})
			}),
		),
		ui.Status(w.err, w.ok),
		w.renderList(),
	)
}

func (w *webhookDeliveries) renderList() app.UI {
	switch {
	case !w.listed:
		return app.P().Class("cs-loading").Text("Loading…")
	case w.err != "" && w.deliveries == nil:
		return app.Text("") // the status says why
	case len(w.deliveries) == 0:
		return app.P().Text("No deliveries yet. Send a test event to try the endpoint.")
	}
	return ui.Table("Deliveries to "+w.URL, []string{"Time", "Event", "Status", "Attempts", "HTTP status", "Latency", "Response", ""},
		map[int]bool{3: true, 4: true, 5: true}, len(w.deliveries), w.deliveryRow)
}

func (w *webhookDeliveries) deliveryRow(i int) []app.UI {
	d := w.deliveries[i]
	at := d.CreatedAt
	if d.AttemptedAt != nil {
		at = *d.AttemptedAt
	}
	when := dateTimeText(at)
	return []app.UI{
		app.Span().Class("cs-wh-when").Text(when),
		app.Code().Text(string(d.EventType)),
		deliveryStatus(d.Status),
		app.Text(strconv.Itoa(d.Attempts)),
		app.Text(httpStatusText(d.ResponseStatus)),
		app.Text(latencyText(&d)),
		// The receiver's answer is shown as text, never as markup.
		app.If(d.ResponseBody != "", func() app.UI { return app.Pre().Class("cs-wh-body").Text(d.ResponseBody) }),
		w.s.rowAction(WebhookResendAction(d.ID), rowButton("Resend", "Resend "+string(d.EventType)+" of "+when+" to "+w.URL),
			func(ctx app.Context) { w.resend(ctx, d.ID) }),
	}
}

// deliveryStatus is a delivery's status as a badge.
func deliveryStatus(s buycard.WebhookDeliveryStatus) app.UI {
	switch s {
	case buycard.DeliverySucceeded:
		return app.Span().Class("cs-badge cs-good").Text("Succeeded")
	case buycard.DeliveryFailed:
		return app.Span().Class("cs-badge cs-bad").Text("Failed")
	}
	return app.Span().Class("cs-badge").Text("Pending")
}

// httpStatusText is the receiver's HTTP status, a dash when no answer
// came.
func httpStatusText(status int) string {
	if status == 0 {
		return "—"
	}
	return strconv.Itoa(status)
}

// latencyText is how long the last attempt took, a dash before any.
func latencyText(d *buycard.WebhookDelivery) string {
	if d.AttemptedAt == nil {
		return "—"
	}
	return strconv.Itoa(d.LatencyMS) + " ms"
}

func (w *webhookDeliveries) resend(ctx app.Context, id string) {
	w.err, w.ok = "", ""
	ui.Run(w.own(ctx), func() error { return w.s.api.do("POST", "/v1/webhooks/deliveries/"+id+"/resend", nil, nil) }, func(ctx app.Context, err error) {
		if err != nil {
			w.err = message(err)
			return
		}
		w.refresh(ctx, "Sent again.")
	})
}
