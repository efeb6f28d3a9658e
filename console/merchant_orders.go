package console

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/browser"
	"github.com/buycard/buycard/console/ui"
)

// orderPageSize is how many orders one "Load more" adds.
const orderPageSize = 25

// orderSplit is where an order's money goes, in minor units of its
// currency (GET /v1/merchant/orders).
type orderSplit struct {
	Currency       string `json:"currency"`
	Total          int64  `json:"total"`
	PlatformFee    int64  `json:"platform_fee"`
	PublisherShare int64  `json:"publisher_share"`
	ProcessorFee   int64  `json:"processor_fee"`
	MerchantNet    int64  `json:"merchant_net"`
}

// orderLine is an order as its merchant sees it.
type orderLine struct {
	Order      *buycard.Order `json:"order"`
	Split      orderSplit     `json:"split"`
	Refundable int64          `json:"refundable"`
}

// orderStatuses are the order states the list filters on.
var orderStatuses = []ui.Option{
	{Value: "all", Label: "All"}, {Value: string(buycard.OrderPaid), Label: "Paid"}, {Value: string(buycard.OrderPending), Label: "Pending"},
	{Value: string(buycard.OrderExpired), Label: "Expired"}, {Value: string(buycard.OrderCanceled), Label: "Canceled"},
}

// statusLabel is an order's state for reading.
func statusLabel(o *buycard.Order) string {
	switch {
	case o.Status == buycard.OrderPaid && o.Refunded >= o.Total.Amount && o.Total.Amount > 0:
		return "Refunded"
	case o.Status == buycard.OrderPaid && o.Refunded > 0:
		return "Partly refunded"
	case o.Status == buycard.OrderPaid && o.DisputeHeld > 0:
		return "Disputed"
	case o.Status == buycard.OrderPaid && o.Oversold > 0:
		return "Paid, oversold"
	}
	for _, s := range orderStatuses[1:] {
		if s.Value == string(o.Status) {
			return s.Label
		}
	}
	return string(o.Status)
}

// refundForm is the refund form of the open order.
type refundForm struct {
	Full           bool
	Amount, Reason string
	Confirming     bool
	Key            string // the attempt's Idempotency-Key
	Busy           bool
	Err, OK        string
	AmountErr      string
	Minor          int64 // the amount being confirmed
}

// refundAmount checks the refund form of o, of which refundable can
// still be refunded: the minor units to give back, or the error to show
// by the amount field.
func refundAmount(r refundForm, o *buycard.Order, refundable int64) (int64, string) {
	cur := o.Total.Currency
	if r.Full {
		return refundable, ""
	}
	n, err := ui.ParseMoney(r.Amount, cur, "Amount")
	switch {
	case err != nil:
		return 0, message(err)
	case n <= 0:
		return 0, "Amount must be more than 0."
	case n > refundable:
		return 0, "At most " + ui.MoneyText(refundable, cur) + " can still be refunded."
	}
	return n, ""
}

// Fields of the refund form (RefundFields); its confirmation, before the
// WASM, posts refundKeyField and refundMinorField with the reason.
const (
	refundKindField   = "refund-kind"
	refundAmountField = "refund-amount"
	refundReasonField = "refund-reason"
	refundKeyField    = "refund-key"
	refundMinorField  = "refund-minor"
)

// RefundFields are the refund form's fields, its confirmation's too.
var RefundFields = []string{refundKindField, refundAmountField, refundReasonField, refundKeyField, refundMinorField}

// RefundAction is where the refund form of the order id posts, and its
// confirmation, before the WASM.
func RefundAction(id string) string { return Base + "/orders/" + url.PathEscape(id) + "/refund" }

// refundFormFrom is the refund form as posted or refused: a confirmation
// when it carries its key and amount.
func refundFormFrom(v url.Values) refundForm {
	r := refundForm{Full: v.Get(refundKindField) != "partial", Amount: v.Get(refundAmountField), Reason: v.Get(refundReasonField)}
	r.Minor, _ = strconv.ParseInt(v.Get(refundMinorField), 10, 64)
	r.Key = v.Get(refundKeyField)
	r.Confirming = r.Key != "" && r.Minor > 0
	return r
}

// RefundReview reads a posted refund form (RefundFields) of o, of which
// refundable can still be refunded: the confirmation to show, with the
// amount and a new key naming the attempt, or why not.
func RefundReview(v url.Values, o *buycard.Order, refundable int64) (url.Values, error) {
	r := refundFormFrom(v)
	n, msg := refundAmount(r, o, refundable)
	if msg != "" {
		return nil, buycard.Errorf(buycard.EINVALID, "%s", msg)
	}
	if err := buycard.RefundReasonText.Check(r.Reason); err != nil {
		return nil, err
	}
	confirm := url.Values{refundKeyField: {idempotencyKey()}, refundMinorField: {strconv.FormatInt(n, 10)}, refundReasonField: {r.Reason}}
	return confirm, nil
}

// RefundConfirmed reads a posted refund confirmation: its key, the amount
// in minor units and the reason; key is "" when it is not one.
func RefundConfirmed(v url.Values) (key string, amount int64, reason string) {
	if r := refundFormFrom(v); r.Confirming {
		return r.Key, r.Minor, r.Reason
	}
	return "", 0, ""
}

// RefundRetry is what the refund form keeps after its confirmation was
// refused: the reason. The next attempt is a new refund, with a new key.
func RefundRetry(reason string) url.Values { return url.Values{refundReasonField: {reason}} }

// RefundDone is what the order's page is told after a refund of amount.
func RefundDone(amount int64) url.Values {
	return url.Values{refundMinorField: {strconv.FormatInt(amount, 10)}}
}

// refundedText says a refund was made.
func refundedText(amount int64, cur string) string {
	return "Refunded " + ui.MoneyText(amount, cur) + "."
}

// ordersPage is /console/orders: the merchant's orders, newest
// first, a page at a time, each with its split; an order opens to its
// details and refunds.
type ordersPage struct {
	app.Compo
	pageAnchor
	s *session

	loaded  string
	status  string
	orders  []*orderLine
	next    string
	loading bool
	err     string

	open   string // the order whose details show (?open= before the WASM)
	refund refundForm
	fulfil fulfilForm
}

func newOrdersPage(s *session, _ []string) app.UI { return &ordersPage{s: s} }

func (p *ordersPage) OnMount(ctx app.Context)     { p.anchor(ctx); p.load(ctx) }
func (p *ordersPage) OnPreRender(ctx app.Context) { p.anchor(ctx); p.load(ctx) }
func (p *ordersPage) OnNav(ctx app.Context)       { p.anchor(ctx); p.load(ctx) }

func (p *ordersPage) load(ctx app.Context) {
	if !p.s.canRead() || !atPath(ctx, "/orders") || !onPage(ctx, &p.loaded) {
		return
	}
	q := ctx.Page().URL().Query()
	p.status = q.Get("status")
	p.orders, p.next, p.err, p.open, p.refund, p.fulfil = nil, "", "", q.Get("open"), refundForm{}, fulfilForm{}
	p.fetch(ctx, q.Get("before")) // older orders, before the WASM (olderHref)
}

// olderHref is the page of the orders older than the ones shown, for a
// browser without the WASM, whose Load more adds them in place.
func (p *ordersPage) olderHref() string {
	q := url.Values{"before": {p.next}}
	if p.status != "" {
		q.Set("status", p.status)
	}
	return Base + "/orders?" + q.Encode()
}

// ordersPath is the API path of a page of orders.
func ordersPath(status, before string, limit int) string {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	q.Set("limit", strconv.Itoa(limit))
	if before != "" {
		q.Set("before", before)
	}
	return "/v1/merchant/orders?" + q.Encode()
}

// fetch loads the page of orders before the order id before ("" for the
// newest) and appends it.
func (p *ordersPage) fetch(ctx app.Context, before string) {
	ctx = p.own(ctx)
	p.loading, p.err = true, ""
	path := ordersPath(p.status, before, orderPageSize)
	key := p.loaded
	var page struct {
		Orders []*orderLine `json:"orders"`
		Next   string       `json:"next"`
	}
	ui.Run(ctx, func() error { return p.s.api.get(path, &page) }, func(ctx app.Context, err error) {
		if key != p.loaded {
			return
		}
		p.loading = false
		if err != nil {
			p.err = message(err)
			return
		}
		if p.orders == nil {
			p.orders = []*orderLine{}
		}
		for _, o := range page.Orders {
			if o != nil && o.Order != nil {
				p.orders = append(p.orders, o)
			}
		}
		p.next = page.Next
		p.openNamed()
	})
}

// openNamed opens the order the page's URL names (?open=), with the
// fulfilment form the server refused (or typed before the WASM), if any.
func (p *ordersPage) openNamed() {
	for _, mo := range p.orders {
		if o := mo.Order; o.ID == p.open && p.fulfil.Status == "" {
			p.refund, p.fulfil = refundForm{Full: true}, newFulfilForm(o)
			p.s.takeFill(fulfilmentAction(o.ID)).spend(func(v url.Values) { p.fulfil = fulfilFormFrom(v, o) }, &p.fulfil.Err, &p.fulfil.OK, "Saved.")
			refund := p.s.takeFill(RefundAction(o.ID))
			refunded := refundedText(refundFormFrom(refund.values).Minor, o.Total.Currency)
			refund.spend(func(v url.Values) { p.refund = refundFormFrom(v) }, &p.refund.Err, &p.refund.OK, refunded)
		}
	}
}

// fulfilmentAction is where an order's fulfilment form posts.
func fulfilmentAction(id string) string {
	return Base + "/orders/" + url.PathEscape(id) + "/fulfillment"
}

// openHref is the orders page with the order id open, for a browser
// without the WASM.
func (p *ordersPage) openHref(id string) string {
	q := url.Values{"open": {id}}
	if p.status != "" {
		q.Set("status", p.status)
	}
	return Base + "/orders?" + q.Encode()
}

func (p *ordersPage) Render() app.UI {
	return app.Section().Body(
		app.H1().Text("Orders"),
		app.Div().Class("cs-actions").Body(
			app.A().Class("cs-button").Href(unfulfilledCSVPath).Attr("download", "unfulfilled-orders.csv").
				Text("Download unfulfilled (CSV)"),
		),
		app.Div().Class("cs-filters").Body(
			// go-app drops an empty option value, so "all" stands for none.
			ui.SelectInput("o-status", "Status", orDefault(p.status, "all"), orderStatuses, func(ctx app.Context, v string) {
				u := Base + "/orders"
				if v != "all" {
					u += "?status=" + url.QueryEscape(v)
				}
				ctx.Navigate(u)
			}),
		),
		ui.Status(p.err, ""),
		p.renderList(),
		app.If(p.next != "" && app.IsServer, func() app.UI {
			return app.Div().Class("cs-actions").Body(app.A().Class("cs-button").Href(p.olderHref()).Text("Older orders"))
		}).ElseIf(p.next != "", func() app.UI {
			return app.Div().Class("cs-actions").Body(
				app.Button().Type("button").Disabled(p.loading).Text("Load more").OnClick(func(ctx app.Context, e app.Event) {
					p.fetch(ctx, p.next)
				}),
			)
		}),
		app.Div().Role("status").Class("cs-loading").Body(app.If(p.loading, func() app.UI { return app.P().Text("Loading orders…") })),
	)
}

func (p *ordersPage) renderList() app.UI {
	switch {
	case p.orders == nil:
		return app.Text("")
	case len(p.orders) == 0 && p.status != "":
		return app.P().Text("No orders in this state.")
	case len(p.orders) == 0:
		return app.P().Text("No orders yet. Orders show here as shoppers buy through your widgets.")
	}
	head := []string{"Date", "Order", "Product", "Status", "Total", "Your net", ""}
	return app.Div().Class("cs-table-wrap").Body(
		app.Table().Class("cs-table cs-orders").Body(
			app.Caption().Class("cs-sr").Text("Orders, newest first"),
			app.THead().Body(app.Tr().Body(app.Range(head).Slice(func(i int) app.UI {
				th := app.Th().Scope("col")
				switch i {
				case 0, 2:
					th = th.Class("cs-lesser")
				case 4, 5:
					th = th.Class("cs-num")
				}
				if head[i] == "" {
					return th.Body(app.Span().Class("cs-sr").Text("Details"))
				}
				return th.Text(head[i])
			}))),
			app.Range(p.orders).Slice(func(i int) app.UI { return p.renderOrder(p.orders[i]) }),
		),
	)
}

func (p *ordersPage) renderOrder(mo *orderLine) app.UI {
	o := mo.Order
	cur := o.Total.Currency
	open := p.open == o.ID
	detailsID := "order-" + o.ID
	product := o.ProductTitle
	if o.VariantName != "" {
		product += " (" + o.VariantName + ")"
	}
	if o.Quantity > 1 {
		product += " × " + strconv.Itoa(o.Quantity)
	}
	var toggle app.UI = app.Button().Type("button").Class("cs-link").Aria("expanded", strconv.FormatBool(open)).Aria("controls", detailsID).
		Aria("label", map[bool]string{true: "Hide", false: "Details"}[open]+" of order "+orDefault(o.Number, o.ID)).
		Text(map[bool]string{true: "Hide", false: "Details"}[open]).
		OnClick(func(ctx app.Context, e app.Event) {
			if p.open == o.ID {
				p.open = ""
			} else {
				p.open, p.refund, p.fulfil = o.ID, refundForm{Full: true}, newFulfilForm(o)
			}
		})
	if app.IsServer && !open {
		// Before the WASM a link opens the order.
		toggle = app.A().Class("cs-link").Href(p.openHref(o.ID)).Aria("label", "Details of order "+orDefault(o.Number, o.ID)).Text("Details")
	}
	return app.TBody().Body(
		app.Tr().Body(
			app.Td().Class("cs-lesser").Text(dateTimeText(o.CreatedAt)),
			app.Td().Body(app.Code().Text(orDefault(o.Number, o.ID))),
			app.Td().Class("cs-lesser").Text(product),
			app.Td().Body(app.Span().Class("cs-badge cs-st-"+string(o.Status)).Text(statusLabel(o))),
			app.Td().Class("cs-num").Text(ui.MoneyText(o.Total.Amount, cur)),
			app.Td().Class("cs-num").Text(netText(mo)),
			app.Td().Body(toggle),
		),
		app.Tr().ID(detailsID).Hidden(!open).Body(
			app.Td().ColSpan(7).Body(app.If(open, func() app.UI { return p.renderDetails(mo) })),
		),
	)
}

func (p *ordersPage) renderDetails(mo *orderLine) app.UI {
	o, sp := mo.Order, mo.Split
	cur := orDefault(sp.Currency, o.Total.Currency)
	return app.Div().Class("cs-order-detail").Body(
		app.Div().Body(
			app.H3().Text("Split of order "+orDefault(o.Number, o.ID)),
			app.Dl().Class("cs-split").Body(
				detailRow("Total", ui.MoneyText(sp.Total, cur)),
				detailRow("Platform fee", "− "+ui.MoneyText(sp.PlatformFee, cur)),
				detailRow("Publisher share ("+ui.PercentField(o.PublisherShareBPS)+"%)", "− "+ui.MoneyText(sp.PublisherShare, cur)),
				detailRow("Your net", ui.MoneyText(sp.MerchantNet, cur)),
				detailRow("Processor fee (paid by the platform)", ui.MoneyText(sp.ProcessorFee, cur)),
			),
			app.Dl().Class("cs-split").Body(
				detailRow("Unit price", ui.MoneyText(o.UnitPrice.Amount, o.UnitPrice.Currency)),
				detailRow("Quantity", strconv.Itoa(o.Quantity)),
				app.If(o.PaidAt != nil, func() app.UI { return detailRow("Paid", dateTimeText(*o.PaidAt)) }),
				app.If(o.Refunded > 0, func() app.UI { return detailRow("Refunded", ui.MoneyText(o.Refunded, cur)) }),
				app.If(o.DisputeHeld > 0, func() app.UI { return detailRow("Held by a dispute", ui.MoneyText(o.DisputeHeld, cur)) }),
				app.If(o.DisputeLost > 0, func() app.UI { return detailRow("Lost to disputes", ui.MoneyText(o.DisputeLost, cur)) }),
				app.If(o.Oversold > 0, func() app.UI {
					return detailRow("Oversold", strconv.Itoa(o.Oversold)+" not in stock when paid: restock or refund")
				}),
				detailRow("Widget", o.WidgetID),
			),
			renderBuyer(o),
		),
		p.renderFulfilment(mo),
		p.renderRefund(mo),
	)
}

// unfulfilledCSVPath downloads the paid physical orders still to ship,
// with their addresses, for label printing.
const unfulfilledCSVPath = "/v1/merchant/orders/unfulfilled.csv"

// renderBuyer shows who bought the order and where it ships, when the
// checkout asked.
func renderBuyer(o *buycard.Order) app.UI {
	if o.Buyer == nil && o.ShipTo == nil {
		return app.Text("")
	}
	var rows []app.UI
	if b := o.Buyer; b != nil {
		rows = append(rows, detailRow("Buyer", b.Name), detailRow("Email", b.Email))
		if b.Phone != "" {
			rows = append(rows, detailRow("Phone", b.Phone))
		}
	}
	if o.ShipTo != nil {
		lines := o.ShipTo.Lines()
		rows = append(rows, app.Div().Body(app.Dt().Text("Ship to"),
			app.Dd().Body(app.Range(lines).Slice(func(i int) app.UI { return app.Div().Text(lines[i]) }))))
	}
	return app.Dl().Class("cs-split cs-buyer").Body(rows...)
}

// fulfilmentStatuses are the choices of the fulfilment form.
var fulfilmentStatuses = []ui.Option{
	{Value: string(buycard.Unfulfilled), Label: "Unfulfilled"},
	{Value: string(buycard.PartiallyFulfilled), Label: "Partially fulfilled"},
	{Value: string(buycard.Fulfilled), Label: "Fulfilled"},
}

// fulfilForm is the fulfilment form of the open order.
type fulfilForm struct {
	Status, Carrier, Number, URL string
	Busy                         bool
	Err, OK                      string
}

// FulfilmentFields are the ids and form names of the fulfilment form's
// fields, which the server reads when it is posted before the WASM.
var FulfilmentFields = []string{"fulfil-status", "fulfil-carrier", "fulfil-number", "fulfil-url"}

// fulfilFormFrom is o's fulfilment form with a posted one over it.
func fulfilFormFrom(v url.Values, o *buycard.Order) fulfilForm {
	f := newFulfilForm(o)
	for name, field := range map[string]*string{"fulfil-status": &f.Status, "fulfil-carrier": &f.Carrier, "fulfil-number": &f.Number, "fulfil-url": &f.URL} {
		if v.Has(name) {
			*field = v.Get(name)
		}
	}
	return f
}

// FulfilmentForm is a fulfilment form posted before the WASM as the PATCH
// /v1/merchant/orders/{id}/fulfillment edit: the store checks it.
func FulfilmentForm(v url.Values) buycard.FulfillmentEdit {
	return fulfilFormFrom(v, &buycard.Order{}).edit()
}

// newFulfilForm is the form showing o's fulfilment.
func newFulfilForm(o *buycard.Order) fulfilForm {
	f := o.Fulfillment
	return fulfilForm{Status: orDefault(string(f.Status), string(buycard.Unfulfilled)), Carrier: f.Carrier,
		Number: f.TrackingNumber, URL: f.TrackingURL}
}

// edit is the PATCH body of the form.
func (f fulfilForm) edit() buycard.FulfillmentEdit {
	status := buycard.FulfillmentStatus(f.Status)
	return buycard.FulfillmentEdit{Status: &status, Carrier: &f.Carrier, TrackingNumber: &f.Number, TrackingURL: &f.URL}
}

// renderFulfilment is the shipment of a paid order: its status, carrier
// and tracking. The API refuses orders of products that ship nothing.
func (p *ordersPage) renderFulfilment(mo *orderLine) app.UI {
	o, f := mo.Order, &p.fulfil
	if o.Status != buycard.OrderPaid {
		return app.Text("")
	}
	return app.Div().Class("cs-fulfilment").Body(
		app.H3().Text("Fulfilment"),
		app.If(o.Fulfillment.FulfilledAt != nil, func() app.UI {
			return app.P().Text("Fulfilled " + dateTimeText(*o.Fulfillment.FulfilledAt) + ".")
		}),
		ui.PageForm("Fulfilment of order "+orDefault(o.Number, o.ID), fulfilmentAction(o.ID),
			[]ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}}, func(ctx app.Context) { p.sendFulfilment(ctx, mo) },
			ui.SelectInput("fulfil-status", "Status", f.Status, fulfilmentStatuses, func(_ app.Context, v string) { f.Status = v }),
			ui.TextInput(ui.Field{ID: "fulfil-carrier", Label: "Carrier", Value: f.Carrier, MaxLength: buycard.CarrierText.MaxLength,
				Hint: "Such as UPS or Royal Mail."}, func(_ app.Context, v string) { f.Carrier = v }),
			ui.TextInput(ui.Field{ID: "fulfil-number", Label: "Tracking number", Value: f.Number, Autocomplete: "off",
				MaxLength: buycard.TrackingNumberText.MaxLength}, func(_ app.Context, v string) { f.Number = v }),
			ui.TextInput(ui.Field{ID: "fulfil-url", Label: "Tracking URL", Type: "url", Value: f.URL, Autocomplete: "off",
				MaxLength: buycard.TrackingURLText.MaxLength, Hint: "An https:// link to the carrier's tracking page."},
				func(_ app.Context, v string) { f.URL = v }),
			app.Div().Class("cs-actions").Body(ui.SubmitButton("Save fulfilment", f.Busy)),
			ui.Status(f.Err, f.OK),
		),
	)
}

// sendFulfilment checks the form as the store will, then saves it and
// shows the order as saved.
func (p *ordersPage) sendFulfilment(ctx app.Context, mo *orderLine) {
	f := &p.fulfil
	edit := f.edit()
	if _, err := edit.Apply(mo.Order, buycard.ProductPhysical, time.Now()); err != nil {
		f.Err, f.OK = message(err), ""
		return
	}
	ctx = p.own(ctx)
	f.Busy, f.Err, f.OK = true, "", ""
	id := mo.Order.ID
	var saved orderLine
	ui.Run(ctx, func() error {
		return p.s.api.do("PATCH", "/v1/merchant/orders/"+url.PathEscape(id)+"/fulfillment", edit, &saved)
	}, func(ctx app.Context, err error) {
		if p.open != id {
			return
		}
		f.Busy = false
		if err != nil || saved.Order == nil {
			f.Err = message(err)
			return
		}
		*f = newFulfilForm(saved.Order)
		f.OK = "Saved."
		for i, o := range p.orders {
			if o.Order.ID == id {
				p.orders[i] = &saved
			}
		}
	})
}

// netText is what the merchant keeps of a paid order; other orders
// earn nothing (yet).
func netText(mo *orderLine) string {
	if mo.Order.Status != buycard.OrderPaid {
		return "—"
	}
	return ui.MoneyText(mo.Split.MerchantNet, mo.Order.Total.Currency)
}

// detailRow is one term and its value of a description list.
func detailRow(term, value string) app.UI {
	return app.Div().Body(app.Dt().Text(term), app.Dd().Text(value))
}

func (p *ordersPage) renderRefund(mo *orderLine) app.UI {
	o := mo.Order
	cur := o.Total.Currency
	r := &p.refund
	if o.Status != buycard.OrderPaid || mo.Refundable <= 0 {
		msg := "Only paid orders can be refunded."
		if o.Status == buycard.OrderPaid {
			msg = "Nothing is left to refund on this order."
		}
		return app.Div().Class("cs-refund").Body(
			app.H3().Text("Refund"),
			app.P().Text(msg),
			app.Div().Class("cs-ok").Role("status").Body(app.If(r.OK != "", func() app.UI { return app.P().Text(r.OK) })),
		)
	}
	question := "Refund " + ui.MoneyText(r.Minor, cur) + " of order " + orDefault(o.Number, o.ID) + " to the shopper? This cannot be undone."
	yes := "Refund " + ui.MoneyText(r.Minor, cur)
	if r.Confirming && app.IsServer {
		return app.Div().Class("cs-refund").Body(app.H3().Text("Refund"), p.renderRefundConfirmation(o, question, yes), ui.Status(r.Err, r.OK))
	}
	var confirm app.UI = app.Text("")
	if r.Confirming {
		confirm = confirmBox("refund-confirm", question, yes, r.Busy,
			func(ctx app.Context) { p.sendRefund(ctx, mo) },
			func(ctx app.Context) { r.Confirming = false; ui.Focus(ctx, "refund-submit") })
	}
	return app.Div().Class("cs-refund").Body(
		app.H3().Text("Refund"),
		app.P().Text("Up to "+ui.MoneyText(mo.Refundable, cur)+" can be refunded."),
		ui.PageForm("Refund order "+orDefault(o.Number, o.ID), RefundAction(o.ID), []ui.Hidden{{Name: CSRFField, Value: p.s.csrf()}},
			func(ctx app.Context) { p.askRefund(ctx, mo) },
			ui.RadioGroup(refundKindField, "Amount", map[bool]string{true: "full", false: "partial"}[r.Full], []ui.Option{
				{Value: "full", Label: "Full: " + ui.MoneyText(mo.Refundable, cur)}, {Value: "partial", Label: "Part of it"},
			}, func(_ app.Context, v string) { r.Full, r.Confirming, r.AmountErr = v == "full", false, "" }),
			// Before the WASM the amount shows for both: Part of it picks it.
			app.If(!r.Full || app.IsServer, func() app.UI {
				return ui.TextInput(ui.Field{ID: refundAmountField, Label: "Amount to refund (" + cur + ")", Value: r.Amount, Autocomplete: "off",
					Error: r.AmountErr, Hint: "Such as " + ui.DecimalText(mo.Refundable/2/buycard.MinorUnitStep(cur)*buycard.MinorUnitStep(cur), cur) + "."},
					func(_ app.Context, v string) { r.Amount, r.Confirming = v, false })
			}),
			ui.TextInput(ui.Field{ID: refundReasonField, Label: "Reason (optional)", Type: "textarea", Value: r.Reason, MaxLength: buycard.RefundReasonText.MaxLength,
				Hint: "For your records; the shopper does not see it."}, func(_ app.Context, v string) { r.Reason = v }),
			app.If(!r.Confirming, func() app.UI {
				return app.Button().ID("refund-submit").Type("submit").Class("cs-danger").Disabled(r.Busy).Text("Refund…")
			}),
		),
		confirm,
		ui.Status(r.Err, r.OK),
	)
}

// renderRefundConfirmation is the refund's second step before the WASM:
// a form of its own that posts the attempt's key, amount and reason, or
// a link back to the order.
func (p *ordersPage) renderRefundConfirmation(o *buycard.Order, question, yes string) app.UI {
	r := &p.refund
	return p.s.confirmForm("refund-confirm", question, yes, RefundAction(o.ID), p.openHref(o.ID),
		ui.Hidden{Name: refundKeyField, Value: r.Key}, ui.Hidden{Name: refundMinorField, Value: strconv.FormatInt(r.Minor, 10)},
		ui.Hidden{Name: refundReasonField, Value: r.Reason})
}

// askRefund checks the form and asks for confirmation.
func (p *ordersPage) askRefund(ctx app.Context, mo *orderLine) {
	r := &p.refund
	r.Err, r.OK = "", ""
	n, msg := refundAmount(*r, mo.Order, mo.Refundable)
	r.AmountErr = msg
	if msg != "" {
		ui.Focus(ctx, "refund-amount")
		return
	}
	if len(r.Reason) > 500 {
		r.Err = "The reason must be at most 500 characters."
		return
	}
	if !r.Confirming || r.Minor != n {
		r.Key = idempotencyKey()
	}
	r.Minor, r.Confirming = n, true
	ui.Focus(ctx, "refund-confirm-q")
}

// sendRefund posts the confirmed refund, with the attempt's
// Idempotency-Key so a retry never pays twice.
func (p *ordersPage) sendRefund(ctx app.Context, mo *orderLine) {
	ctx = p.own(ctx)
	r := &p.refund
	r.Busy, r.Err, r.OK = true, "", ""
	id := mo.Order.ID
	body, _ := json.Marshal(map[string]any{"amount": r.Minor, "reason": strings.TrimSpace(r.Reason)})
	req := browser.Request{Method: "POST", URL: "/v1/merchant/orders/" + url.PathEscape(id) + "/refunds", Body: string(body),
		Header: map[string]string{"Accept": "application/json", "Content-Type": "application/json", "Idempotency-Key": r.Key}}
	refunded := refundedText(r.Minor, mo.Order.Total.Currency)
	var fresh orderLine
	ui.Run(ctx, func() error {
		if err := p.s.api.exchange(req, nil); err != nil {
			return err
		}
		if p.s.api.get("/v1/merchant/orders/"+url.PathEscape(id), &fresh) != nil {
			fresh.Order = nil // refunded; the list shows it after a reload
		}
		return nil
	}, func(ctx app.Context, err error) {
		if p.open != id {
			return
		}
		r.Busy = false
		if err != nil {
			r.Err = message(err)
			if message(err) != msgUnreachable {
				r.Confirming = false // the next attempt is a new refund
			}
			return
		}
		*r = refundForm{Full: true, OK: refunded}
		for i, o := range p.orders {
			if fresh.Order != nil && o.Order.ID == id {
				p.orders[i] = &fresh
			}
		}
	})
}
