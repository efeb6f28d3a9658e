package api

import (
	"context"
	"html"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/embed"
)

// oEmbed (https://oembed.com): a CMS or chat app given a /p/ link asks
// GET /oembed?url=…&format=json (found through the product page's
// <link rel="alternate" type="application/json+oembed">) and embeds the
// card. The embed is an <iframe> of /embed/card/{widget}: consumers strip
// <script> from embed HTML (WordPress keeps iframes of its known providers
// and sandboxes the rest), and in an iframe the card runs the loader on
// our own origin, its Buy opening the checkout in a window of its own —
// an overlay inside a frame the card's height would not fit.

// embedCardPath is the page the oEmbed iframe shows.
const embedCardPath = "/embed/card/"

// Sizes of the embedded card: the card's height by layout (card.css:
// the image's side, 15 px padding and a 1 px border, twice), its usual
// width, and the narrowest it still shows its button beside its title.
const (
	embedFullHeight    = 100 + 2*15 + 2
	embedCompactHeight = 72 + 2*15 + 2
	embedWidth         = 480
	embedMinWidth      = 240
	// oEmbedCacheAge is how long consumers may keep a response (seconds).
	oEmbedCacheAge = 3600
)

// oEmbedReply is a rich oEmbed response.
type oEmbedReply struct {
	Version      string `json:"version"`
	Type         string `json:"type"`
	Title        string `json:"title"`
	AuthorName   string `json:"author_name"`
	ProviderName string `json:"provider_name"`
	ProviderURL  string `json:"provider_url"`
	CacheAge     int    `json:"cache_age"`
	HTML         string `json:"html"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	ThumbnailURL string `json:"thumbnail_url,omitempty"`
	ThumbWidth   int    `json:"thumbnail_width,omitempty"`
	ThumbHeight  int    `json:"thumbnail_height,omitempty"`
}

// getOEmbed serves GET /oembed?url=…[&format=json][&maxwidth=…][&maxheight=…].
// A URL that is not one of this server's product pages, or an unknown
// widget, is 404 (the spec's "no response for this URL"); format=xml is
// 501; a maxheight the card cannot fit in is 404 too, since the card
// cannot be cut.
func (s *Server) getOEmbed(c *fiber.Ctx) error {
	if f := c.Query("format", "json"); f != "json" {
		return c.Status(fiber.StatusNotImplemented).JSON(buycard.NewErrorReply(buycard.EINVALID, "Only format=json is served."))
	}
	widgetID, placementID, ok := s.productPageOf(c.Query("url"))
	if !ok {
		return buycard.Errorf(buycard.ENOTFOUND, "The url is not a product page of this server (%s/p/wgt_…).", s.PublicURL)
	}
	maxWidth, err1 := optionalSize(c.Query("maxwidth"))
	maxHeight, err2 := optionalSize(c.Query("maxheight"))
	if err1 != nil || err2 != nil {
		return buycard.Errorf(buycard.EINVALID, "maxwidth and maxheight are whole numbers of pixels.")
	}
	coding := embed.PreferredCoding(c.Get(fiber.HeaderAcceptEncoding))
	key := "oembed\x00" + coding + "\x00" + widgetID + "\x00" + placementID + "\x00" + strconv.Itoa(maxWidth) + "\x00" + strconv.Itoa(maxHeight)
	e, err := s.responses.get(key, func() (*embed.Asset, error) {
		reply, err := s.oEmbed(c.UserContext(), widgetID, placementID, maxWidth, maxHeight)
		if err != nil {
			return nil, err
		}
		return jsonAsset(reply, coding)
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	return sendAsset(c, e.asset, "public, max-age="+strconv.Itoa(s.responses.maxAge(e, productPageTTL)))
}

// oEmbed is the reply for a widget's card, placed or not (placementID ""),
// within maxWidth×maxHeight (0: no limit). Replies are reused for a few
// seconds across consumers (see responseCache).
func (s *Server) oEmbed(ctx context.Context, widgetID, placementID string, maxWidth, maxHeight int) (*oEmbedReply, error) {
	card, err := s.Catalog.FindCard(ctx, widgetID)
	if err != nil {
		return nil, err
	}
	placement := s.findPlacement(ctx, placementID, widgetID)
	width, height := embedWidth, embedFullHeight
	if card.Widget.Layout == buycard.LayoutCompact {
		height = embedCompactHeight
	}
	if maxWidth > 0 {
		width = min(width, maxWidth)
	}
	if width < embedMinWidth || (maxHeight > 0 && maxHeight < height) {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "The card needs at least %d×%d pixels.", embedMinWidth, height)
	}
	reply := &oEmbedReply{Version: "1.0", Type: "rich", Title: card.Product.Title, AuthorName: card.Merchant.Name,
		ProviderName: "Buycard", ProviderURL: s.PublicURL, CacheAge: oEmbedCacheAge,
		HTML:  embedIframe(s.PublicURL, card, placement, width, height),
		Width: width, Height: height}
	if img := s.previewImage(card); img != nil && img.Width > 0 &&
		(maxWidth == 0 || img.Width <= maxWidth) && (maxHeight == 0 || img.Height <= maxHeight) {
		reply.ThumbnailURL, reply.ThumbWidth, reply.ThumbHeight = img.URL, img.Width, img.Height
	}
	return reply, nil
}

// productPageOf reads a product page URL of this server,
// PublicURL/p/{widget}[?pl={placement}]; ok is false for any other URL.
func (s *Server) productPageOf(raw string) (widgetID, placementID string, ok bool) {
	u, err := url.Parse(raw)
	public, perr := url.Parse(s.PublicURL)
	if err != nil || perr != nil || u.User != nil || u.Opaque != "" ||
		!strings.EqualFold(u.Scheme, public.Scheme) || !strings.EqualFold(u.Host, public.Host) {
		return "", "", false
	}
	widgetID, ok = strings.CutPrefix(u.Path, public.Path+"/p/")
	if !ok || !widgetIDPattern.MatchString(widgetID) {
		return "", "", false
	}
	return widgetID, placementParam(u.Query().Get("pl")), true
}

// optionalSize parses a maxwidth or maxheight: "" is 0, no limit.
func optionalSize(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, strconv.ErrSyntax
	}
	return n, nil
}

// embedIframe is the oEmbed HTML: the card's page in a frame of its size.
// Every value is escaped: the title is the merchant's.
func embedIframe(publicURL string, card *buycard.Card, placement *buycard.Placement, width, height int) string {
	src := publicURL + embedCardPath + url.PathEscape(card.Widget.ID)
	if placement != nil {
		src += "?pl=" + url.QueryEscape(placement.ID)
	}
	return `<iframe src="` + html.EscapeString(src) + `" width="` + strconv.Itoa(width) + `" height="` + strconv.Itoa(height) +
		`" title="` + html.EscapeString(card.Product.Title) + `" style="border:0;max-width:100%" loading="lazy" allow="payment"></iframe>`
}
