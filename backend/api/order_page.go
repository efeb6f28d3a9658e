package api

import (
	"context"
	"mime"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/storefront"
)

// The shopper's order page (issue 14): GET /order?t=… with an order page
// token (buycard.OrderPageClaims, signed for buycard.OrderPageTTL), which
// the receipt links to. It shows what was bought and how the total is
// made up, the order's status and shipment, its downloads and license
// keys, and who to write to, as storefront.OrderPageHTML renders them:
// plain HTML with every merchant text escaped and no script. Each visit
// signs fresh download links (GET /order/download?t=…,
// buycard.DownloadLinkTTL), which is how a shopper
// gets a new link when one has expired; the store counts downloads
// within buycard.MaxDownloads. Tokens ride in the query, which the
// request log leaves out, and the page sends no Referer on.

// orderPagePath and downloadPath are where the two pages live.
const (
	orderPagePath = buycard.OrderPagePath
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
	if s.Deliveries != nil && s.Files != nil {
		s.app.Get(downloadPath, s.getDownload)
	}
}

// orderPageURL is the absolute link to o's order page, "" while o is
// not paid: the receipt and GET /v1/orders/{id} hand it out.
func (s *Server) orderPageURL(o *buycard.Order) string {
	if o.Status != buycard.OrderPaid {
		return ""
	}
	return s.Tokens.OrderPageURL(s.PublicURL, o.ID, s.Now())
}

// getOrderPage serves GET /order?t=….
func (s *Server) getOrderPage(c *fiber.Ctx) error {
	claims, err := s.Tokens.VerifyOrderPage(c.Query("t"), s.Now())
	if err != nil {
		return err
	}
	view, err := s.orderPageView(c.UserContext(), claims.OrderID, langParam(c), pageLang(c.Get(fiber.HeaderAcceptLanguage)))
	if err != nil {
		return err
	}
	page, err := storefront.OrderPageHTML(*view)
	if err != nil {
		return err
	}
	setPrivatePageHeaders(c, orderPageCSP)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(page)
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
	f, err := s.Deliveries.RecordDownload(c.UserContext(), claims.OrderID, claims.FileID)
	if err != nil {
		return err
	}
	r, err := s.Files.Open(c.UserContext(), f.SHA256)
	if err != nil {
		return err
	}
	setPrivatePageHeaders(c, downloadCSP)
	c.Set(fiber.HeaderContentType, f.ContentType)
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": f.Name})
	if disposition == "" { // a name no filename parameter can carry
		disposition = "attachment"
	}
	c.Set(fiber.HeaderContentDisposition, disposition)
	c.Response().SetBodyStream(r, int(f.Size)) // fasthttp closes r when sent
	return nil
}

// orderPageView gathers what the page shows of order id, in lang (the
// page's lang parameter), or when that is "" in the language the order
// was placed in, or else in browserLang.
func (s *Server) orderPageView(ctx context.Context, id, lang, browserLang string) (*storefront.OrderPage, error) {
	o, err := s.Orders.FindOrder(ctx, id)
	if err != nil {
		return nil, err
	}
	if lang == "" {
		lang = o.Lang
	}
	if lang == "" {
		lang = browserLang
	}
	card, err := s.Catalog.FindCard(ctx, o.WidgetID)
	if err != nil {
		return nil, err
	}
	settings := buycard.NewMerchantSettings(o.MerchantID)
	if sellers := s.Sellers; sellers != nil {
		if settings, err = sellers.MerchantSettings(ctx, o.MerchantID); err != nil {
			return nil, err
		}
	}
	v := &storefront.OrderPage{Order: o, Merchant: card.Merchant.Name, OptionName: card.Product.OptionName,
		Kind: card.Product.Kind, Settings: settings, Lang: lang, Design: card.Widget.Design()}
	if d := s.Deliveries; d != nil && o.Delivers() {
		if err := s.addDelivery(ctx, d, v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// addDelivery adds the order's license keys and its files, each with a
// freshly signed download link while downloads are left, to v.
func (s *Server) addDelivery(ctx context.Context, d buycard.DeliveryService, v *storefront.OrderPage) error {
	keys, err := d.OrderLicenseKeys(ctx, v.Order.ID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		v.Keys = append(v.Keys, k.Key)
	}
	if s.Files == nil {
		return nil
	}
	files, err := d.OrderDownloads(ctx, v.Order.ID)
	if err != nil {
		return err
	}
	expires := s.Now().Add(buycard.DownloadLinkTTL)
	for _, f := range files {
		link := storefront.OrderPageDownload{Name: f.Name, Size: f.Size, Left: f.Left()}
		if link.Left > 0 {
			link.URL = downloadPath + "?t=" + url.QueryEscape(s.Tokens.SignDownload(
				buycard.DownloadClaims{OrderID: v.Order.ID, FileID: f.ID, ExpiresAt: expires}))
		}
		v.Downloads = append(v.Downloads, link)
	}
	return nil
}
