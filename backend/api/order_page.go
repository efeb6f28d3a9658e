package api

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"mime"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/storefront"
)

// The shopper's order page (issue 14): GET /order?t=… with an order page
// token (buycard.OrderPageClaims, signed for buycard.OrderPageTTL), which
// the receipt links to. It shows what was bought and how the total is
// made up, the order's status and shipment, its downloads and license
// keys, and who to write to. It is plain HTML from html/template, which
// escapes every merchant text, with no script: it works without
// JavaScript. Each visit signs fresh download links (GET
// /order/download?t=…, buycard.DownloadLinkTTL), which is how a shopper
// gets a new link when one has expired; the store counts downloads
// within buycard.MaxDownloads. Tokens ride in the query, which the
// request log leaves out, and the page sends no Referer on.

// orderPagePath and downloadPath are where the two pages live.
const (
	orderPagePath = "/order"
	downloadPath  = "/order/download"
)

// orderPageCSP lets the page load its stylesheet and nothing else.
const orderPageCSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// downloadCSP sandboxes a delivered file, should a browser show it
// despite attachment.
const downloadCSP = "default-src 'none'; sandbox"

// orderPageRoutes mounts the order page and its downloads.
func (s *Server) orderPageRoutes() {
	s.app.Get(orderPagePath, s.getOrderPage)
	if s.deliveries() != nil && s.Files != nil {
		s.app.Get(downloadPath, s.getDownload)
	}
}

// orderPageURL is the absolute link to o's order page, "" while o is
// not paid: the receipt and GET /v1/orders/{id} hand it out.
func (s *Server) orderPageURL(o *buycard.Order) string {
	if o.Status != buycard.OrderPaid {
		return ""
	}
	token := s.Tokens.SignOrderPage(buycard.OrderPageClaims{OrderID: o.ID, ExpiresAt: s.Now().Add(buycard.OrderPageTTL)})
	return s.PublicURL + orderPagePath + "?t=" + url.QueryEscape(token)
}

// getOrderPage serves GET /order?t=….
func (s *Server) getOrderPage(c *fiber.Ctx) error {
	claims, err := s.Tokens.VerifyOrderPage(c.Query("t"), s.Now())
	if err != nil {
		return err
	}
	view, err := s.orderPageView(c.UserContext(), claims.OrderID, pageLang(c.Get(fiber.HeaderAcceptLanguage)))
	if err != nil {
		return err
	}
	var page bytes.Buffer
	if err := shopperOrderPage.Execute(&page, view); err != nil {
		return err
	}
	setPrivatePageHeaders(c, orderPageCSP)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	// html/template writes a NUL as U+FFFD where browsers drop it; drop
	// it here, so that a stored NUL shows as on every other page.
	return c.Send(bytes.ReplaceAll(page.Bytes(), []byte("\uFFFD"), nil))
}

// setPrivatePageHeaders marks a response that only its link's holder may
// see: no cache keeps it and no link on it tells the next site the URL.
func setPrivatePageHeaders(c *fiber.Ctx, csp string) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set(fiber.HeaderContentSecurityPolicy, csp)
	c.Set("X-Robots-Tag", "noindex")
}

// getDownload serves GET /order/download?t=…: one file of a paid order,
// counted, as an attachment of its stored type.
func (s *Server) getDownload(c *fiber.Ctx) error {
	claims, err := s.Tokens.VerifyDownload(c.Query("t"), s.Now())
	if err != nil {
		return err
	}
	f, err := s.deliveries().RecordDownload(c.UserContext(), claims.OrderID, claims.FileID)
	if err != nil {
		return err
	}
	r, err := s.Files.Open(c.UserContext(), f.SHA256)
	if err != nil {
		return err
	}
	setPrivatePageHeaders(c, downloadCSP)
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	c.Response().SetBodyStream(r, int(f.Size)) // fasthttp closes r when sent
	return nil
}

// orderPageView gathers what the page shows of order id.
func (s *Server) orderPageView(ctx context.Context, id, lang string) (*orderPageData, error) {
	o, err := s.Orders.FindOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	card, err := s.Catalog.FindCard(ctx, o.WidgetID)
	if err != nil {
		return nil, err
	}
	settings := buycard.NewMerchantSettings(o.MerchantID)
	if sellers := s.sellers(); sellers != nil {
		if settings, err = sellers.MerchantSettings(ctx, o.MerchantID); err != nil {
			return nil, err
		}
	}
	v := newOrderPageData(o, card, settings, lang)
	if d := s.deliveries(); d != nil && o.Delivers() {
		if err := s.addDelivery(ctx, d, v, o); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// addDelivery adds the order's license keys and its files, each with a
// freshly signed download link, to v.
func (s *Server) addDelivery(ctx context.Context, d buycard.DeliveryService, v *orderPageData, o *buycard.Order) error {
	keys, err := d.OrderLicenseKeys(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		v.Keys = append(v.Keys, k.Key)
	}
	if s.Files == nil {
		return nil
	}
	files, err := d.OrderDownloads(ctx, o.ID)
	if err != nil {
		return err
	}
	expires := s.Now().Add(buycard.DownloadLinkTTL)
	for _, f := range files {
		link := orderDownload{Name: f.Name, Size: fileSize(f.Size), Left: f.Left()}
		if link.Left > 0 {
			link.URL = downloadPath + "?t=" + url.QueryEscape(s.Tokens.SignDownload(
				buycard.DownloadClaims{OrderID: o.ID, FileID: f.ID, ExpiresAt: expires}))
		}
		v.Downloads = append(v.Downloads, link)
	}
	return nil
}

// orderPageData is what the order page template shows.
type orderPageData struct {
	Lang, Seller, Number, Placed string
	Status, StatusClass          string
	Title, Option, Variant       string
	// Lines are the total's breakdown, as the receipt shows it; Total is
	// its last line.
	Lines                      [][2]string
	Total                      [2]string
	Shipment                   *orderShipment
	Downloads                  []orderDownload
	Keys                       []string
	Oversold                   int
	SupportEmail, RefundPolicy string
}

// orderShipment is the shipment of a physical order.
type orderShipment struct {
	Status, Carrier, TrackingNumber, TrackingURL string
	ShipTo                                       []string
}

// orderDownload is a file of the order: URL is "" once used up.
type orderDownload struct {
	Name, Size, URL string
	Left            int
}

// newOrderPageData is the page of o, a sale of card's merchant.
func newOrderPageData(o *buycard.Order, card *buycard.Card, settings *buycard.MerchantSettings, lang string) *orderPageData {
	seller := settings.BusinessName
	if seller == "" {
		seller = card.Merchant.Name
	}
	v := &orderPageData{
		Lang: lang, Seller: seller, Number: o.Number, Placed: placedAt(o).Format("2 January 2006"),
		Status: orderStatusText(o), StatusClass: string(o.Status),
		Title: o.ProductTitle, Option: card.Product.OptionName, Variant: o.VariantName, Oversold: o.Oversold, SupportEmail: settings.SupportEmail, RefundPolicy: settings.RefundPolicy,
	}
	breakdown := storefront.OrderBreakdown(o, lang)
	v.Lines, v.Total = breakdown[:len(breakdown)-1], breakdown[len(breakdown)-1]
	if o.Status == buycard.OrderPaid && card.Product.Kind == buycard.ProductPhysical {
		v.Shipment = newOrderShipment(o)
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
func orderStatusText(o *buycard.Order) string {
	switch {
	case o.Status == buycard.OrderPaid && o.Reversed() >= o.Total.Amount:
		return "Refunded"
	case o.Status == buycard.OrderPaid && o.Refunded > 0:
		return "Paid, partly refunded"
	case o.Status == buycard.OrderPaid:
		return "Paid"
	case o.Status == buycard.OrderPending:
		return "Waiting for payment"
	}
	return "Not paid: " + string(o.Status)
}

// newOrderShipment is the shipment of paid physical order o.
func newOrderShipment(o *buycard.Order) *orderShipment {
	f := o.Fulfillment
	status := map[buycard.FulfillmentStatus]string{
		buycard.PartiallyFulfilled: "Partly shipped",
		buycard.Fulfilled:          "Shipped",
	}[f.Status]
	if status == "" {
		status = "Not shipped yet"
	}
	sh := &orderShipment{Status: status, Carrier: f.Carrier, TrackingNumber: f.TrackingNumber, TrackingURL: f.TrackingURL}
	if o.ShipTo != nil {
		sh.ShipTo = o.ShipTo.Lines()
	}
	return sh
}

// fileSize is a file's size for people: "840 KB", "12.5 MB".
func fileSize(n int64) string {
	switch {
	case n < 1000:
		return strconv.FormatInt(n, 10) + " bytes"
	case n < 1_000_000:
		return fmt.Sprintf("%.0f KB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// shopperOrderPage is the order page; html/template escapes each field for where
// it stands (text, attribute, URL).
var shopperOrderPage = template.Must(template.New("order").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Order {{.Number}} · {{.Seller}}</title>
<link rel="stylesheet" href="/web/order.css">
</head>
<body>
<main class="bc-order">
<header class="bc-order-head">
<p class="bc-seller">{{.Seller}}</p>
<h1>Order {{.Number}}</h1>
<p><span class="bc-status bc-status-{{.StatusClass}}">{{.Status}}</span> <span class="bc-placed">Placed {{.Placed}}</span></p>
</header>
<section aria-labelledby="bc-items">
<h2 id="bc-items">What you bought</h2>
<div class="bc-item">
<p class="bc-item-title">{{.Title}}</p>
{{if and .Option .Variant}}<p class="bc-item-option">{{.Option}}: {{.Variant}}</p>{{end}}
</div>
<dl class="bc-breakdown">
{{range .Lines}}<div><dt>{{index . 0}}</dt><dd>{{index . 1}}</dd></div>
{{end}}<div class="bc-total"><dt>{{index .Total 0}}</dt><dd>{{index .Total 1}}</dd></div>
</dl>
</section>
{{with .Shipment}}<section aria-labelledby="bc-shipment">
<h2 id="bc-shipment">Delivery</h2>
<p class="bc-shipment-status">{{.Status}}</p>
{{if .Carrier}}<p>Carrier: {{.Carrier}}</p>{{end}}
{{if .TrackingNumber}}<p>Tracking number: {{if .TrackingURL}}<a href="{{.TrackingURL}}" rel="noopener noreferrer">{{.TrackingNumber}}</a>{{else}}{{.TrackingNumber}}{{end}}</p>
{{else if .TrackingURL}}<p><a href="{{.TrackingURL}}" rel="noopener noreferrer">Track the parcel</a></p>{{end}}
{{if .ShipTo}}<p class="bc-address">Shipping to:{{range .ShipTo}}<br>{{.}}{{end}}</p>{{end}}
</section>
{{end}}{{if .Downloads}}<section aria-labelledby="bc-downloads">
<h2 id="bc-downloads">Downloads</h2>
<ul class="bc-downloads">
{{range .Downloads}}<li>{{if .URL}}<a class="bc-download" href="{{.URL}}" download>{{.Name}}</a>{{else}}<span class="bc-download">{{.Name}}</span>{{end}}
<span class="bc-note">{{.Size}} · {{if .Left}}{{.Left}} downloads left{{else}}No downloads left: write to the seller{{end}}</span></li>
{{end}}</ul>
<p class="bc-note">Download links work for 24 hours. Open this page again for new ones.</p>
</section>
{{end}}{{if .Keys}}<section aria-labelledby="bc-keys">
<h2 id="bc-keys">License keys</h2>
<ul class="bc-keys">
{{range .Keys}}<li><code>{{.}}</code></li>
{{end}}</ul>
</section>
{{end}}{{if .Oversold}}<p class="bc-alert" role="alert">{{.Oversold}} of the units you paid for were sold out when your payment arrived. The seller will deliver them or refund you.</p>
{{end}}<section aria-labelledby="bc-help">
<h2 id="bc-help">Questions about your order?</h2>
<p>Sold by {{.Seller}}.{{if .SupportEmail}} Write to <a href="mailto:{{.SupportEmail}}">{{.SupportEmail}}</a> and give the order number {{.Number}}.{{end}}</p>
{{if .RefundPolicy}}<h3>Refund policy</h3>
<p class="bc-policy">{{.RefundPolicy}}</p>{{end}}
</section>
<p class="bc-note">Keep this page's link: it is how you find your order again.</p>
</main>
</body>
</html>`))
