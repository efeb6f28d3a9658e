package api

import (
	"bytes"
	stdcmp "cmp" // the package has its own cmp (auth.go)
	"context"
	"encoding/csv"
	"encoding/xml"
	"regexp"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/embed"
)

// Product feeds (issue 16): a merchant's catalog as Google Merchant
// Center (RSS 2.0 with the g: namespace) and Meta (a catalog CSV) read
// it, so that its products can run as shopping and dynamic product ads
// whose links open its /p/ pages.
//
//	GET /feeds/{merchant}/google.xml   GET /feeds/{merchant}/meta.csv
//	GET /feeds/{placement}/google.xml  GET /feeds/{placement}/meta.csv
//
// The feeds are public, like the /p/ pages they describe: a merchant's
// feed holds the widgets it opened to publishers (the catalog every
// publisher sees), one item per variant of each product that is on sale
// from a merchant that can take payments. A placement's feed holds its
// widget, its links carrying ?pl=, so that sales from ads a publisher
// runs are the publisher's.

var merchantIDPattern = regexp.MustCompile(`^mer_[0-9a-z_]{1,40}$`)

// feedTTL is how long readers may keep a feed: they fetch daily.
const feedTTL = 15 * time.Minute

// Limits of Google's items.
const (
	googleMaxTitle    = 150
	googleMaxShipping = 100
)

// feedItem is one variant of a product, as both feeds list it.
type feedItem struct {
	ID, GroupID, Title, Description, Link, ImageLink, Brand string
	Stock                                                   stock
	Price                                                   buycard.Money
	// Shipping is the cheapest rate to each country the merchant ships
	// the product to; none for products that do not ship.
	Shipping []feedShipping
}

type feedShipping struct {
	Country, Service string
	Price            buycard.Money
}

func (s *Server) feedRoutes() {
	if s.Sellers == nil {
		return
	}
	s.app.Get("/feeds/:owner/google.xml", s.getGoogleFeed)
	s.app.Get("/feeds/:owner/meta.csv", s.getMetaFeed)
}

// feedItems are the items of owner's feed (a merchant or a placement).
// Errors: ENOTFOUND (merchant or placement).
func (s *Server) feedItems(ctx context.Context, owner string) ([]feedItem, error) {
	merchantID, widgets, placement, err := s.feedWidgets(ctx, owner)
	if err != nil {
		return nil, err
	}
	settings, err := s.Sellers.MerchantSettings(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	cards, err := s.Catalog.FindCards(ctx, widgets)
	if err != nil {
		return nil, err
	}
	zones, err := s.Sellers.ShippingZones(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	var items []feedItem
	seen := map[string]bool{}
	for _, id := range widgets {
		card := cards[id]
		if card == nil || seen[card.Product.ID] || card.Product.ArchivedAt != nil || !card.Merchant.ChargesEnabled {
			continue
		}
		seen[card.Product.ID] = true
		items = append(items, s.cardItems(card, settings, zones, placement)...)
	}
	return items, nil
}

// feedWidgets are the merchant and the ids of the widgets the feed of
// owner lists: a merchant's widgets open to publishers, oldest first, or
// a placement's widget.
func (s *Server) feedWidgets(ctx context.Context, owner string) (merchantID string, ids []string, placement *buycard.Placement, err error) {
	switch {
	case merchantIDPattern.MatchString(owner):
		widgets, err := s.Catalog.ListWidgets(ctx, owner)
		if err != nil {
			return "", nil, nil, err
		}
		slices.SortStableFunc(widgets, func(a, b *buycard.Widget) int { return a.CreatedAt.Compare(b.CreatedAt) })
		for _, w := range widgets {
			if !w.ClosedToPublishers {
				ids = append(ids, w.ID)
			}
		}
		return owner, ids, nil, nil
	case placementIDPattern.MatchString(owner):
		found, err := s.Publishers.FindPlacements(ctx, []string{owner})
		if placement = found[owner]; err != nil || placement == nil {
			return "", nil, nil, stdcmp.Or[error](err, buycard.Errorf(buycard.ENOTFOUND, "No such placement."))
		}
		w, err := s.Catalog.FindWidget(ctx, placement.WidgetID)
		if err != nil {
			return "", nil, nil, err
		}
		return w.MerchantID, []string{w.ID}, placement, nil
	}
	return "", nil, nil, buycard.Errorf(buycard.ENOTFOUND, "No such merchant or placement.")
}

// cardItems are the items of a card's product: one per variant, grouped
// by the product when it has several. A product without an image has
// none (both feeds require one).
func (s *Server) cardItems(card *buycard.Card, settings *buycard.MerchantSettings, zones buycard.ShippingZones, placement *buycard.Placement) []feedItem {
	img := s.previewImage(card)
	if img == nil {
		return nil
	}
	p := &card.Product
	items := make([]feedItem, 0, len(p.Variants))
	for _, v := range p.Variants {
		it := feedItem{ID: p.ID, Title: p.Title, Description: stdcmp.Or(p.Description, p.Title),
			Link: productURL(s.PublicURL, card.Widget.ID, placement), ImageLink: img.URL,
			Brand: stdcmp.Or(settings.BusinessName, card.Merchant.Name), Stock: variantStock(card, &v),
			Price: buycard.Money{Amount: v.Price, Currency: p.Currency}}
		if len(p.Variants) > 1 {
			it.ID, it.GroupID, it.Title = v.ID, p.ID, p.Title+" – "+v.Name
		}
		if p.Kind == buycard.ProductPhysical {
			it.Shipping = feedShippingOf(zones, it.Price)
		}
		items = append(items, it)
	}
	return items
}

// feedShippingOf is the cheapest rate of one unit at price to each
// country the zones ship to, the first googleMaxShipping countries.
func feedShippingOf(zones buycard.ShippingZones, price buycard.Money) []feedShipping {
	var out []feedShipping
	for _, country := range zones.Countries(price.Currency) {
		if opts := zones.Options(country, price.Currency, price.Amount, 1); len(opts) > 0 && len(out) < googleMaxShipping {
			out = append(out, feedShipping{Country: country, Service: opts[0].Name, Price: opts[0].Amount})
		}
	}
	return out
}

// feedPrice is a price as both feeds write it: "24.00 USD".
func feedPrice(m buycard.Money) string { return m.Decimal() + " " + m.Currency }

// googleFeed is a Google Merchant Center RSS 2.0 feed.
type googleFeed struct {
	XMLName xml.Name     `xml:"rss"`
	Version string       `xml:"version,attr"`
	NS      string       `xml:"xmlns:g,attr"`
	Title   string       `xml:"channel>title"`
	Link    string       `xml:"channel>link"`
	About   string       `xml:"channel>description"`
	Items   []googleItem `xml:"channel>item"`
}

type googleItem struct {
	ID               string           `xml:"g:id"`
	Title            string           `xml:"g:title"`
	Description      string           `xml:"g:description"`
	Link             string           `xml:"g:link"`
	ImageLink        string           `xml:"g:image_link"`
	Availability     string           `xml:"g:availability"`
	Price            string           `xml:"g:price"`
	Condition        string           `xml:"g:condition"`
	Brand            string           `xml:"g:brand"`
	IdentifierExists string           `xml:"g:identifier_exists"`
	ItemGroupID      string           `xml:"g:item_group_id,omitempty"`
	Shipping         []googleShipping `xml:"g:shipping"`
}

type googleShipping struct {
	Country string `xml:"g:country"`
	Service string `xml:"g:service"`
	Price   string `xml:"g:price"`
}

// getGoogleFeed serves GET /feeds/{merchant}/google.xml.
func (s *Server) getGoogleFeed(c *fiber.Ctx) error {
	return s.serveFeed(c, "google", "application/rss+xml; charset=utf-8", s.googleFeed)
}

// googleFeed writes items as Google's RSS. encoding/xml escapes merchant
// text, and writes characters XML cannot hold as U+FFFD.
func (s *Server) googleFeed(items []feedItem) ([]byte, error) {
	feed := googleFeed{Version: "2.0", NS: "http://base.google.com/ns/1.0",
		Title: "Buycard products", Link: s.PublicURL, About: "Products sold with Buycard."}
	for _, it := range items {
		g := googleItem{ID: it.ID, Title: truncateRunes(it.Title, googleMaxTitle), Description: it.Description,
			Link: it.Link, ImageLink: it.ImageLink, Availability: it.Stock.Google(), Price: feedPrice(it.Price),
			Condition: "new", Brand: it.Brand, IdentifierExists: "no", ItemGroupID: it.GroupID}
		for _, sh := range it.Shipping {
			g.Shipping = append(g.Shipping, googleShipping{Country: sh.Country, Service: sh.Service, Price: feedPrice(sh.Price)})
		}
		feed.Items = append(feed.Items, g)
	}
	out, err := xml.MarshalIndent(feed, "", " ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), out...), nil
}

// metaColumns are the columns of Meta's catalog CSV: its required
// fields, then item_group_id for variants.
var metaColumns = []string{"id", "title", "description", "availability", "condition", "price", "link", "image_link", "brand", "item_group_id"}

// getMetaFeed serves GET /feeds/{merchant}/meta.csv.
func (s *Server) getMetaFeed(c *fiber.Ctx) error {
	return s.serveFeed(c, "meta", "text/csv; charset=utf-8", metaFeed)
}

// metaFeed writes items as Meta's catalog CSV.
func metaFeed(items []feedItem) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(metaColumns); err != nil {
		return nil, err
	}
	for _, it := range items {
		err := w.Write([]string{it.ID, it.Title, it.Description, it.Stock.Feed(), "new", feedPrice(it.Price),
			it.Link, it.ImageLink, it.Brand, it.GroupID})
		if err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// serveFeed serves the feed of the request's owner in one format, written
// by write. Feeds are public and cost several reads to build, so a built
// feed is reused for a few seconds across readers (see responseCache):
// a crawler or a flood costs one build per owner and format.
func (s *Server) serveFeed(c *fiber.Ctx, format, contentType string, write func([]feedItem) ([]byte, error)) error {
	owner, coding := c.Params("owner"), embed.PreferredCoding(c.Get(fiber.HeaderAcceptEncoding))
	e, err := s.responses.get("feed\x00"+format+"\x00"+coding+"\x00"+owner, func() (*embed.Asset, error) {
		items, err := s.feedItems(c.UserContext(), owner)
		if err != nil {
			return nil, err
		}
		body, err := write(items)
		if err != nil {
			return nil, err
		}
		return embed.NewResponseAsset(contentType, body, coding), nil
	})
	if err != nil {
		return err
	}
	return sendAsset(c, e.asset, "public, max-age="+strconv.Itoa(s.responses.maxAge(e, feedTTL)))
}

// truncateRunes is s cut to its first n characters.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
