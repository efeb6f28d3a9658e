//go:build !wasm

package storefront

import (
	"bytes"
	"fmt"
	"html/template"
	"strconv"
	"time"

	"github.com/buycard/buycard"
)

// The shopper's order page (issue 14), which backend/api serves at a
// signed link: plain HTML from html/template, which escapes every
// merchant text for where it stands, with no script, so it works without
// JavaScript. Its words come from the catalog, like the checkout's.

// OrderPage is what the order page shows: the order, what the server
// found of its seller and delivery, in Lang.
type OrderPage struct {
	Order *buycard.Order
	// Merchant is the seller's name when Settings has no business name;
	// OptionName labels the variant ("" for a product without options).
	Merchant, OptionName string
	Kind                 buycard.ProductKind
	Settings             *buycard.MerchantSettings
	Downloads            []OrderPageDownload
	Keys                 []string
	Lang                 string
	// Design is that of the widget the order was bought through.
	Design buycard.Design
}

// OrderPageDownload is a file of the order: URL is its signed download
// link, "" once no downloads are left.
type OrderPageDownload struct {
	Name string
	Size int64
	Left int
	URL  string
}

// OrderPageHTML renders p.
func OrderPageHTML(p OrderPage) ([]byte, error) {
	var page bytes.Buffer
	if err := orderPageTemplate.Execute(&page, newOrderPageView(p)); err != nil {
		return nil, fmt.Errorf("render order page: %w", err)
	}
	// html/template writes a NUL as U+FFFD where browsers drop it; drop
	// it here, so that a stored NUL shows as on the other pages.
	return bytes.ReplaceAll(page.Bytes(), []byte("\uFFFD"), nil), nil
}

// orderPageView is the template's data: every text in the page's
// language, formatted.
type orderPageView struct {
	Lang, Seller, Title, Heading, Status, StatusClass, Placed string
	DesignCSS                                                 string
	Item, Option                                              string
	Lines                                                     [][2]string
	Total                                                     [2]string
	Shipment                                                  *orderShipment
	Downloads                                                 []orderDownload
	Keys                                                      []string
	Oversold, SupportEmail, RefundPolicy                      string
	W                                                         orderPageWords
}

// orderPageWords are the page's fixed texts.
type orderPageWords struct {
	Bought, DownloadsTitle, LinksNote, KeysTitle, Help, SoldBy, WriteTo, WriteAfter, RefundPolicy, KeepLink string
}

// orderShipment is the shipment of a paid physical order.
type orderShipment struct {
	Title, Status, Carrier, Tracking, TrackingNumber, TrackingURL, Track, ShipToTitle string
	ShipTo                                                                            []string
}

// orderDownload is a file as the page lists it.
type orderDownload struct{ Name, Note, URL string }

func newOrderPageView(p OrderPage) *orderPageView {
	o, lang, set := p.Order, p.Lang, p.Settings
	seller := set.BusinessName
	if seller == "" {
		seller = p.Merchant
	}
	breakdown := OrderBreakdown(o, lang)
	v := &orderPageView{
		Lang: HTMLLang(lang), Seller: seller, DesignCSS: DesignPath(p.Design),
		Title:   tr(lang, msgOrderPageTitle, o.Number, seller),
		Heading: tr(lang, msgOrderHeading, o.Number),
		Status:  orderStatusText(o, lang), StatusClass: string(o.Status),
		Placed: tr(lang, msgOrderPlaced, placedAt(o).Format(tr(lang, msgDateLayout))),
		Item:   o.ProductTitle,
		Lines:  breakdown[:len(breakdown)-1], Total: breakdown[len(breakdown)-1],
		Keys:         p.Keys,
		SupportEmail: set.SupportEmail, RefundPolicy: set.RefundPolicy,
		W: orderPageWords{
			Bought: tr(lang, msgOrderBought), DownloadsTitle: tr(lang, msgOrderDownloads), LinksNote: tr(lang, msgOrderLinksNote),
			KeysTitle: tr(lang, msgOrderKeys), Help: tr(lang, msgOrderHelp), SoldBy: tr(lang, SoldBy, seller),
			WriteTo: tr(lang, msgOrderWriteTo), WriteAfter: tr(lang, msgOrderWriteAfter, o.Number),
			RefundPolicy: tr(lang, msgOrderRefundPolicy), KeepLink: tr(lang, msgOrderKeepLink),
		},
	}
	if p.OptionName != "" && o.VariantName != "" {
		v.Option = p.OptionName + ": " + o.VariantName
	}
	if o.Oversold > 0 {
		v.Oversold = tr(lang, msgOrderOversold, o.Oversold)
	}
	if o.Status == buycard.OrderPaid && p.Kind == buycard.ProductPhysical {
		v.Shipment = newOrderShipment(o, lang)
	}
	for _, d := range p.Downloads {
		note := tr(lang, msgOrderNoDownloadsLeft, fileSize(d.Size))
		if d.URL != "" {
			note = tr(lang, msgOrderDownloadsLeft, fileSize(d.Size), d.Left)
		}
		v.Downloads = append(v.Downloads, orderDownload{Name: d.Name, Note: note, URL: d.URL})
	}
	return v
}

// placedAt is when o was paid, or created while it is not.
func placedAt(o *buycard.Order) time.Time {
	if o.PaidAt != nil {
		return *o.PaidAt
	}
	return o.CreatedAt
}

// orderStatusText says where the order is, as a shopper reads it.
func orderStatusText(o *buycard.Order, lang string) string {
	switch {
	case o.Status == buycard.OrderPaid && o.Reversed() >= o.Total.Amount:
		return tr(lang, msgOrderRefunded)
	case o.Status == buycard.OrderPaid && o.Refunded > 0:
		return tr(lang, msgOrderPartlyRefunded)
	case o.Status == buycard.OrderPaid:
		return tr(lang, msgOrderPaid)
	case o.Status == buycard.OrderPending:
		return tr(lang, msgOrderPending)
	}
	return tr(lang, msgOrderNotPaid)
}

// newOrderShipment is the shipment of paid physical order o.
func newOrderShipment(o *buycard.Order, lang string) *orderShipment {
	f := o.Fulfillment
	status := msgOrderNotShipped
	switch f.Status {
	case buycard.PartiallyFulfilled:
		status = msgOrderPartlyShipped
	case buycard.Fulfilled:
		status = msgOrderShipped
	}
	sh := &orderShipment{Title: tr(lang, msgOrderDelivery), Status: tr(lang, status),
		TrackingNumber: f.TrackingNumber, TrackingURL: f.TrackingURL,
		Tracking: tr(lang, msgOrderTracking), Track: tr(lang, msgOrderTrack), ShipToTitle: tr(lang, msgOrderShipTo)}
	if f.Carrier != "" {
		sh.Carrier = tr(lang, msgOrderCarrier, f.Carrier)
	}
	if o.ShipTo != nil {
		sh.ShipTo = o.ShipTo.Lines()
	}
	return sh
}

// fileSize is a file's size for people: "840 KB", "12.5 MB".
func fileSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " B"
	case n < 1_000_000:
		return fmt.Sprintf("%.0f KB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// orderPageTemplate is the order page; html/template escapes each field
// for where it stands (text, attribute, URL).
var orderPageTemplate = template.Must(template.New("order").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
<link rel="stylesheet" href="/web/order.css">
{{with .DesignCSS}}<link rel="stylesheet" href="{{.}}">
{{end}}</head>
<body>
<main class="bc-order">
<header class="bc-order-head">
<p class="bc-seller">{{.Seller}}</p>
<h1>{{.Heading}}</h1>
<p><span class="bc-status bc-status-{{.StatusClass}}">{{.Status}}</span> <span class="bc-placed">{{.Placed}}</span></p>
</header>
<section aria-labelledby="bc-items">
<h2 id="bc-items">{{.W.Bought}}</h2>
<div class="bc-item">
<p class="bc-item-title">{{.Item}}</p>
{{if .Option}}<p class="bc-item-option">{{.Option}}</p>{{end}}
</div>
<dl class="bc-breakdown">
{{range .Lines}}<div><dt>{{index . 0}}</dt><dd>{{index . 1}}</dd></div>
{{end}}<div class="bc-total"><dt>{{index .Total 0}}</dt><dd>{{index .Total 1}}</dd></div>
</dl>
</section>
{{with .Shipment}}<section aria-labelledby="bc-shipment">
<h2 id="bc-shipment">{{.Title}}</h2>
<p class="bc-shipment-status">{{.Status}}</p>
{{if .Carrier}}<p>{{.Carrier}}</p>{{end}}
{{if .TrackingNumber}}<p>{{.Tracking}} {{if .TrackingURL}}<a href="{{.TrackingURL}}" rel="noopener noreferrer">{{.TrackingNumber}}</a>{{else}}{{.TrackingNumber}}{{end}}</p>
{{else if .TrackingURL}}<p><a href="{{.TrackingURL}}" rel="noopener noreferrer">{{.Track}}</a></p>{{end}}
{{if .ShipTo}}<p class="bc-address">{{.ShipToTitle}}{{range .ShipTo}}<br>{{.}}{{end}}</p>{{end}}
</section>
{{end}}{{if .Downloads}}<section aria-labelledby="bc-downloads">
<h2 id="bc-downloads">{{.W.DownloadsTitle}}</h2>
<ul class="bc-downloads">
{{range .Downloads}}<li>{{if .URL}}<a class="bc-download" href="{{.URL}}" download>{{.Name}}</a>{{else}}<span class="bc-download">{{.Name}}</span>{{end}}
<span class="bc-note">{{.Note}}</span></li>
{{end}}</ul>
<p class="bc-note">{{.W.LinksNote}}</p>
</section>
{{end}}{{if .Keys}}<section aria-labelledby="bc-keys">
<h2 id="bc-keys">{{.W.KeysTitle}}</h2>
<ul class="bc-keys">
{{range .Keys}}<li><code>{{.}}</code></li>
{{end}}</ul>
</section>
{{end}}{{if .Oversold}}<p class="bc-alert" role="alert">{{.Oversold}}</p>
{{end}}<section aria-labelledby="bc-help">
<h2 id="bc-help">{{.W.Help}}</h2>
<p>{{.W.SoldBy}}{{if .SupportEmail}} {{.W.WriteTo}} <a href="mailto:{{.SupportEmail}}">{{.SupportEmail}}</a> {{.W.WriteAfter}}{{end}}</p>
{{if .RefundPolicy}}<h3>{{.W.RefundPolicy}}</h3>
<p class="bc-policy">{{.RefundPolicy}}</p>{{end}}
</section>
<p class="bc-note">{{.W.KeepLink}}</p>
</main>
</body>
</html>`))
