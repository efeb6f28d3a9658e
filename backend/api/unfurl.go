package api

import (
	"context"
	"net/url"

	"github.com/buycard/buycard"
)

// Unfurls: what a product link shows when it is pasted into a social
// network or a chat (Open Graph, Twitter Cards), and what oEmbed and the
// product feeds say about the same product.

// stock is whether a product or variant can be bought now, in the words
// of each reader.
type stock bool

// variantStock is whether the card's variant v can be bought now.
func variantStock(card *buycard.Card, v *buycard.Variant) stock {
	return stock(card.Availability() == buycard.Buyable && v.Available(1) && card.Product.CheckLicenseKeys(1) == nil)
}

// OpenGraph is og:availability's value.
func (s stock) OpenGraph() string { return s.words("instock", "oos") }

// Feed is the value of product:availability and of Meta's catalog.
func (s stock) Feed() string { return s.words("in stock", "out of stock") }

// Google is the value of Google Merchant Center's availability.
func (s stock) Google() string { return s.words("in_stock", "out_of_stock") }

// SchemaOrg is the value of a schema.org Offer's availability.
func (s stock) SchemaOrg() string {
	return s.words("https://schema.org/InStock", "https://schema.org/OutOfStock")
}

func (s stock) words(in, out string) string {
	if s {
		return in
	}
	return out
}

// productURL is the product page of a widget, with the placement's ?pl=
// when there is one: the link a reader shares or a feed names.
func productURL(publicURL, widgetID string, placement *buycard.Placement) string {
	u := publicURL + "/p/" + url.PathEscape(widgetID)
	if placement != nil {
		u += "?pl=" + url.QueryEscape(placement.ID)
	}
	return u
}

// previewImage is the card's image as link previews, oEmbed and feeds
// show it: absolute, a PNG twin for one of the server's SVGs (raster.go),
// its alt text the product's title when it has none. Nil without an
// image.
func (s *Server) previewImage(card *buycard.Card) *buycard.Image {
	img := card.Product.Image
	if img.URL == "" {
		return nil
	}
	if img.Alt == "" {
		img.Alt = card.Product.Title
	}
	if u, w, h, ok := s.rasterOf(img.URL); ok {
		img.URL, img.Width, img.Height = u, w, h
	} else if img.URL[0] == '/' {
		img.URL = s.PublicURL + img.URL
	}
	if img.Width <= 0 || img.Height <= 0 {
		img.Width, img.Height = 0, 0
	}
	return &img
}

// twitterSite is the merchant's X handle, "" when it has none or its
// settings cannot be read (a preview without it is still a preview).
func (s *Server) twitterSite(ctx context.Context, merchantID string) string {
	if s.Sellers == nil {
		return ""
	}
	settings, err := s.Sellers.MerchantSettings(ctx, merchantID)
	if err != nil {
		return ""
	}
	return settings.TwitterHandle
}
