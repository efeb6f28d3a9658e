package api

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/embed"
	"github.com/buycard/buycard/storefront"
)

// maxCardRefs bounds one card-data request (the loader chunks above it).
const maxCardRefs = 100

var (
	cardRefPattern = regexp.MustCompile(`^(wgt_[0-9a-z]{1,40})(?::(plc_[0-9a-z]{1,40}))?$`)
	langPattern    = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$`)
)

// cardRef is one requested card: a widget shown in an optional placement.
type cardRef struct {
	key, widgetID, placementID string
}

type cardJSON struct {
	HTML  string               `json:"html"`
	Token string               `json:"token"`
	State buycard.Availability `json:"state"`
	// Checkout is "popup" when the widget's checkout opens in a window of
	// its own; absent for the overlay.
	Checkout string `json:"checkout,omitempty"`
}

type cardsJSON struct {
	Cards   map[string]cardJSON `json:"cards"`
	Missing []string            `json:"missing"`
}

// getCards serves the data for every card on a publisher page in one
// response: rendered card HTML, placement token and state per ref.
// It is public, cross-origin and cacheable, and reused for a few seconds
// across shoppers (see responseCache). A card whose widget does not
// allow the page's site (its Origin) says so instead of offering Buy
// (buycard.NotHere): its checkout would be refused there.
func (s *Server) getCards(c *fiber.Ctx) error {
	// Set first so the loader can also read error responses.
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	origin := c.Get(fiber.HeaderOrigin)
	refs, err := parseCardRefs(c.Query("ids"))
	if err != nil {
		return err
	}
	lang, err := parseLang(c.Query("lang"))
	if err != nil {
		return err
	}
	coding := embed.PreferredCoding(c.Get(fiber.HeaderAcceptEncoding))
	key := "cards\x00" + coding + "\x00" + lang + "\x00" + origin + "\x00" + refKeys(refs)
	e, err := s.responses.get(key, func() (*embed.Asset, error) {
		body, err := s.cards(c.UserContext(), refs, lang, origin)
		if err != nil {
			return nil, err
		}
		return jsonAsset(body, coding)
	})
	if err != nil {
		return err
	}
	err = sendAsset(c, e.asset, "public, max-age="+strconv.Itoa(s.responses.maxAge(e, s.CardTTL)))
	c.Append(fiber.HeaderVary, fiber.HeaderOrigin)
	return err
}

func (s *Server) cards(ctx context.Context, refs []cardRef, lang, origin string) (*cardsJSON, error) {
	found, err := s.Catalog.FindCards(ctx, uniqueWidgetIDs(refs))
	if err != nil {
		return nil, err
	}
	placements, err := s.Publishers.FindPlacements(ctx, uniquePlacementIDs(refs))
	if err != nil {
		return nil, err
	}
	out := &cardsJSON{Cards: make(map[string]cardJSON, len(refs)), Missing: []string{}}
	expires, served := s.tokenExpiry(), s.servedAt()
	for _, ref := range refs {
		card, ok := found[ref.widgetID]
		placement, placed := placements[ref.placementID]
		if !ok || (ref.placementID != "" && (!placed || placement.WidgetID != ref.widgetID)) {
			out.Missing = append(out.Missing, ref.key)
			continue
		}
		claims := placementClaims(card, placement, expires)
		claims.ServedAt = served
		shown := s.withPublicImage(card) // a copy: the found card may be shared
		shown.OffSite = origin != s.PublicURL && !card.Widget.AllowsSite(origin, !s.Production)
		out.Cards[ref.key] = cardJSON{
			HTML:     storefront.CardHTML(storefront.NewCardView(shown, lang)),
			Token:    s.Tokens.SignPlacement(claims),
			State:    shown.Availability(),
			Checkout: popupOnly(card.Widget.CheckoutMode),
		}
	}
	return out, nil
}

// popupOnly is the card data's checkout field: the popup mode, or nothing
// for the overlay (the loader's default), which keeps card data as it was.
func popupOnly(mode string) string {
	if mode == buycard.CheckoutPopup {
		return mode
	}
	return ""
}

// tokenExpiry rounds the expiry to the hour so the same card data (and its
// ETag) stays identical for an hour, which makes it cacheable.
func (s *Server) tokenExpiry() time.Time {
	return s.Now().Truncate(time.Hour).Add(s.TokenTTL + time.Hour)
}

// servedAt is the ServedAt of the tokens card data carries: to the
// minute, so that card data stays identical, and cacheable, for as long
// as its max-age; yet it proves to the funnel that the card was served
// lately (package analytics).
func (s *Server) servedAt() time.Time {
	return s.Now().UTC().Truncate(time.Minute)
}

func placementClaims(card *buycard.Card, placement *buycard.Placement, expires time.Time) buycard.PlacementClaims {
	claims := buycard.PlacementClaims{
		WidgetID:     card.Widget.ID,
		ProductID:    card.Product.ID,
		PriceVersion: card.Product.PriceVersion,
		ExpiresAt:    expires,
	}
	if placement != nil {
		claims.PublisherID, claims.PlacementID = placement.PublisherID, placement.ID
	}
	return claims
}

// withPublicImage returns a copy of card whose image URL is absolute, since
// cards are shown on other sites.
func (s *Server) withPublicImage(card *buycard.Card) *buycard.Card {
	cp := *card
	if strings.HasPrefix(cp.Product.Image.URL, "/") {
		cp.Product.Image.URL = s.PublicURL + cp.Product.Image.URL
	}
	return &cp
}

func parseCardRefs(ids string) ([]cardRef, error) {
	if ids == "" {
		return nil, buycard.Errorf(buycard.EINVALID, "Give the cards to load in ids, e.g. ids=wgt_abc,wgt_def:plc_xyz.")
	}
	parts := strings.Split(ids, ",")
	if len(parts) > maxCardRefs {
		return nil, buycard.Errorf(buycard.EINVALID, "At most %d cards per request.", maxCardRefs)
	}
	refs := make([]cardRef, 0, len(parts))
	seen := make(map[string]bool, len(parts))
	for _, p := range parts {
		m := cardRefPattern.FindStringSubmatch(p)
		if m == nil {
			return nil, buycard.Errorf(buycard.EINVALID, "%q is not a card reference (wgt_… or wgt_…:plc_…).", truncate(p, 100))
		}
		if !seen[p] {
			seen[p] = true
			refs = append(refs, cardRef{key: p, widgetID: m[1], placementID: m[2]})
		}
	}
	return refs, nil
}

func parseLang(lang string) (string, error) {
	if lang == "" {
		return "en", nil
	}
	if len(lang) > 35 || !langPattern.MatchString(lang) {
		return "", buycard.Errorf(buycard.EINVALID, "lang must be a language tag such as en-US.")
	}
	return lang, nil
}

// refKeys joins the refs, in request order, into a cache key part.
func refKeys(refs []cardRef) string {
	keys := make([]string, len(refs))
	for i, r := range refs {
		keys[i] = r.key
	}
	return strings.Join(keys, ",")
}

func uniqueWidgetIDs(refs []cardRef) []string {
	return unique(refs, func(r cardRef) string { return r.widgetID })
}

func uniquePlacementIDs(refs []cardRef) []string {
	return unique(refs, func(r cardRef) string { return r.placementID })
}

func unique(refs []cardRef, field func(cardRef) string) []string {
	seen := make(map[string]bool)
	var out []string
	for _, r := range refs {
		if v := field(r); v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
