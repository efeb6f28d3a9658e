package api

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/embed"
	"github.com/buycard/buycard/storefront"
)

// productPage is the hosted product page: what a pasted /p/ link shows
// without JavaScript, and what social networks read for link previews.
var productPage = template.Must(template.New("product").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · {{.Merchant}}</title>
<meta name="description" content="{{.Description}}">
<link rel="canonical" href="{{.URL}}">
<link rel="alternate" type="application/json+oembed" href="{{.OEmbed}}" title="{{.Title}}">
<meta property="og:type" content="product">
<meta property="og:url" content="{{.ShareURL}}">
<meta property="og:title" content="{{.Title}}">
<meta property="og:description" content="{{.Description}}">
{{with .Image}}<meta property="og:image" content="{{.URL}}">
{{if .Width}}<meta property="og:image:width" content="{{.Width}}">
<meta property="og:image:height" content="{{.Height}}">
{{end}}<meta property="og:image:alt" content="{{.Alt}}">
{{end}}<meta property="og:site_name" content="{{.Merchant}}">
<meta property="og:availability" content="{{.Availability.OpenGraph}}">
<meta property="product:availability" content="{{.Availability.Feed}}">
<meta property="product:condition" content="new">
<meta property="product:price:amount" content="{{.Amount}}">
<meta property="product:price:currency" content="{{.Currency}}">
<meta name="twitter:card" content="summary_large_image">
{{with .TwitterSite}}<meta name="twitter:site" content="@{{.}}">
{{end}}<meta name="twitter:title" content="{{.Title}}">
<meta name="twitter:description" content="{{.Description}}">
{{with .Image}}<meta name="twitter:image" content="{{.URL}}">
<meta name="twitter:image:alt" content="{{.Alt}}">
{{end}}<link rel="stylesheet" href="/web/product.css">
{{with .DesignCSS}}<link rel="stylesheet" href="{{.}}">
{{end}}<script type="application/ld+json">{{.JSONLD}}</script>
<script async src="/buycard.js"></script>
</head>
<body>{{.Body}}</body>
</html>`))

type productPageData struct {
	Lang, Title, Merchant, Description, Amount, Currency string
	// URL is the page's canonical URL; ShareURL keeps the placement
	// (?pl=), so that a shared link stays its publisher's.
	URL, ShareURL, OEmbed string
	// Image is the picture previews show: a raster one (SVG has a PNG
	// twin, raster.go); nil without an image.
	Image        *buycard.Image
	Availability stock
	// TwitterSite is the merchant's X handle, without the @.
	TwitterSite string
	// DesignCSS is the widget's design stylesheet (storefront.DesignPath).
	DesignCSS string
	JSONLD    template.JS
	Body      template.HTML
}

// productPageTTL is how long browsers and CDNs may cache a product page.
const productPageTTL = time.Minute

// getProductPage serves /p/{widget}: the product with its own Buy link,
// Open Graph and Twitter Card tags, and schema.org Product/Offer JSON-LD.
// Pages are reused for a few seconds across shoppers (see responseCache).
func (s *Server) getProductPage(c *fiber.Ctx) error {
	widgetID, placementID := c.Params("widget"), placementParam(c.Query("pl"))
	lang := requestLang(c)
	coding := embed.PreferredCoding(c.Get(fiber.HeaderAcceptEncoding))
	key := "page\x00" + coding + "\x00" + widgetID + "\x00" + placementID + "\x00" + lang
	e, err := s.responses.get(key, func() (*embed.Asset, error) {
		return s.renderProductPage(c.UserContext(), widgetID, placementID, lang, coding)
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentSecurityPolicy, productPageCSP)
	err = sendAsset(c, e.asset, "public, max-age="+strconv.Itoa(s.responses.maxAge(e, productPageTTL)))
	c.Append(fiber.HeaderVary, fiber.HeaderAcceptLanguage)
	return err
}

func (s *Server) renderProductPage(ctx context.Context, widgetID, placementID, lang, coding string) (*embed.Asset, error) {
	card, err := s.Catalog.FindCard(ctx, widgetID)
	if err != nil {
		return nil, err
	}
	image := s.previewImage(card)
	card = s.withPublicImage(card)
	placement := s.findPlacement(ctx, placementID, card.Widget.ID)
	// The Buy link's token proves to the funnel that this page was served
	// lately, as card data's do: a shopper who follows it without
	// JavaScript is counted as a link entry (page.go, countLinkEntry).
	claims := placementClaims(card, placement, s.tokenExpiry())
	claims.ServedAt = s.servedAt()
	token := s.Tokens.SignPlacement(claims)
	offer := buycard.NewOffer(card, token)
	price := card.Product.FromPrice()
	pageURL := s.PublicURL + "/p/" + card.Widget.ID
	jsonLD, err := productJSONLD(card, pageURL)
	if err != nil {
		return nil, err
	}
	shareURL := productURL(s.PublicURL, card.Widget.ID, placement)
	var page bytes.Buffer
	err = productPage.Execute(&page, productPageData{
		Lang: storefront.HTMLLang(lang), Title: card.Product.Title, Merchant: card.Merchant.Name,
		Description: card.Product.Description, URL: pageURL, ShareURL: shareURL,
		OEmbed: s.PublicURL + "/oembed?format=json&url=" + url.QueryEscape(shareURL),
		Image:  image, Availability: stock(card.Availability() == buycard.Buyable),
		TwitterSite: s.twitterSite(ctx, card.Merchant.ID),
		Amount:      price.Decimal(), Currency: price.Currency,
		DesignCSS: storefront.DesignPath(offer.Design),
		JSONLD:    template.JS(jsonLD),
		Body: template.HTML(storefront.ProductPageHTML(storefront.ProductView{
			Offer: offer, Lang: lang, PriceText: storefront.PriceText(&card.Product, lang),
			CheckoutURL: "/checkout/" + card.Widget.ID + "?t=" + url.QueryEscape(token) + "&lang=" + url.QueryEscape(lang),
		})),
	})
	if err != nil {
		return nil, err
	}
	return embed.NewResponseAsset(fiber.MIMETextHTMLCharsetUTF8, page.Bytes(), coding), nil
}

// placementParam is the ?pl= of a product page when it looks like a
// placement id, else "".
func placementParam(id string) string {
	if !strings.HasPrefix(id, "plc_") || len(id) > 44 {
		return ""
	}
	return id
}

// findPlacement returns the placement id when it belongs to the widget. A
// missing or foreign placement only means no publisher credit: the page
// still shows the product.
func (s *Server) findPlacement(ctx context.Context, id, widgetID string) *buycard.Placement {
	if id == "" {
		return nil
	}
	found, err := s.Publishers.FindPlacements(ctx, []string{id})
	if p := found[id]; err == nil && p != nil && p.WidgetID == widgetID {
		return p
	}
	return nil
}

// productJSONLD is the schema.org Product with one Offer per variant.
// json.Marshal escapes <, > and &, so the result is safe inside <script>.
func productJSONLD(card *buycard.Card, pageURL string) (string, error) {
	type offer struct {
		Type         string `json:"@type"`
		Name         string `json:"name,omitempty"`
		Price        string `json:"price"`
		Currency     string `json:"priceCurrency"`
		Availability string `json:"availability"`
		URL          string `json:"url"`
		Seller       any    `json:"seller"`
	}
	p := card.Product
	seller := map[string]string{"@type": "Organization", "name": card.Merchant.Name}
	offers := make([]offer, 0, len(p.Variants))
	for _, v := range p.Variants {
		offers = append(offers, offer{
			Type: "Offer", Name: v.Name, URL: pageURL, Seller: seller, Availability: variantStock(card, &v).SchemaOrg(),
			Price: buycard.Money{Amount: v.Price, Currency: p.Currency}.Decimal(), Currency: p.Currency,
		})
	}
	b, err := json.Marshal(map[string]any{
		"@context": "https://schema.org", "@type": "Product",
		"name": p.Title, "description": p.Description, "image": p.Image.URL,
		"sku": p.ID, "brand": map[string]string{"@type": "Brand", "name": card.Merchant.Name},
		"offers": offers,
	})
	return string(b), err
}

// requestLang is the language tag a page is written for, as the card's
// is: its lang parameter when that is a language tag, else the browser's
// first (Accept-Language), else "en". Its words are the catalog's for
// the tag's language (English when the catalog lacks it), its prices
// formatted for the whole tag.
func requestLang(c *fiber.Ctx) string {
	if lang := langParam(c); lang != "" {
		return lang
	}
	return pageLang(c.Get(fiber.HeaderAcceptLanguage))
}

// langParam is the page's lang parameter when it is a language tag, else
// "".
func langParam(c *fiber.Ctx) string {
	if lang := c.Query("lang"); lang != "" {
		if lang, err := parseLang(lang); err == nil {
			return lang
		}
	}
	return ""
}

// pageLang is the first language of an Accept-Language header when it is a
// plain language tag, else "en".
func pageLang(acceptLanguage string) string {
	first, _, _ := strings.Cut(acceptLanguage, ",")
	first, _, _ = strings.Cut(first, ";")
	if lang, err := parseLang(strings.TrimSpace(first)); err == nil {
		return lang
	}
	return "en"
}
