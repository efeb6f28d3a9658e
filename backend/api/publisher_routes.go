package api

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/embed"
	"github.com/buycard/buycard/ledger"
)

// The publisher's side of the API (issue 6): the catalog of widgets open
// to publishers with the caller's share, its placements with their embed
// snippets, its earnings and payout history, and its Stripe account.
// Every route acts for the calling publisher only (a signed-in user, with
// CSRF on POST, or an API key): another publisher's placement is not
// found, and merchants and admins are refused.

// maxPayoutHistory bounds the entries and transfers of GET /v1/payouts,
// and the sales of GET /v1/earnings/sales.
const maxPayoutHistory = 1000

// defaultSalesPage is how many sales GET /v1/earnings/sales lists
// without limit=.
const defaultSalesPage = 200

// publisherRoutes registers the publisher routes; none without Auth.
func (s *Server) publisherRoutes(v1 fiber.Router) {
	if s.Auth == nil {
		return
	}
	only := []fiber.Handler{s.authenticate, s.requirePublisher}
	v1.Get("/catalog", append(only, s.getCatalog)...)
	v1.Get("/placements", append(only, s.getPlacements)...)
	v1.Post("/placements", append(only, s.postPlacement)...)
	v1.Get("/placements/:id", append(only, s.getPlacement)...)
	v1.Get("/earnings", append(only, s.getEarnings)...)
	v1.Get("/earnings/sales", append(only, s.getEarningSales)...)
	v1.Get("/earnings/statement", append(only, s.getEarningStatement)...)
	v1.Get("/payouts", append(only, s.getPayouts)...)
}

// requirePublisher lets through callers acting for a publisher only.
func (s *Server) requirePublisher(c *fiber.Ctx) error {
	who := callerOf(c)
	if who == nil {
		return buycard.Errorf(buycard.EUNAUTHORIZED, "Sign in or send an API key.")
	}
	if who.PartyKind != buycard.PartyPublisher || who.PartyID == "" {
		return buycard.Errorf(buycard.EFORBIDDEN, "This needs a publisher account.")
	}
	return c.Next()
}

// publisherOf is the calling publisher's id (after requirePublisher).
func publisherOf(c *fiber.Ctx) string { return callerOf(c).PartyID }

// getCatalog serves GET /v1/catalog: the widgets open to publishers with
// the caller's share of each.
func (s *Server) getCatalog(c *fiber.Ctx) error {
	list, err := s.Publishers.PublisherCatalog(c.UserContext(), publisherOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"widgets": list})
}

// getPlacements serves GET /v1/placements: the caller's placements.
func (s *Server) getPlacements(c *fiber.Ctx) error {
	list, err := s.Publishers.ListPlacements(c.UserContext(), publisherOf(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"placements": list})
}

type placementRequest struct {
	WidgetID string `json:"widget_id"`
	Name     string `json:"name"`
}

// placementReply is a placement with the code that embeds it.
type placementReply struct {
	Placement *buycard.PlacementListing `json:"placement"`
	Snippets  embed.Snippets            `json:"snippets"`
}

// postPlacement serves POST /v1/placements: a new placement of a catalog
// widget for the caller.
func (s *Server) postPlacement(c *fiber.Ctx) error {
	var req placementRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	p, err := s.createPlacement(c, req)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	listing, err := s.ownPlacement(c, p.ID)
	if err != nil {
		return err
	}
	reply, err := s.placementReply(ctx, listing)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(reply)
}

// createPlacement makes the placement req asks for, of a widget of the
// caller's catalog; the console's catalog form runs it too.
func (s *Server) createPlacement(c *fiber.Ctx, req placementRequest) (*buycard.Placement, error) {
	ctx := c.UserContext()
	catalog, err := s.Publishers.PublisherCatalog(ctx, publisherOf(c))
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(catalog, func(e *buycard.CatalogEntry) bool { return e.WidgetID == req.WidgetID }) {
		return nil, buycard.Errorf(buycard.EINVALID, "widget_id must be a widget of GET /v1/catalog.")
	}
	p := &buycard.Placement{PublisherID: publisherOf(c), WidgetID: req.WidgetID, Name: strings.TrimSpace(req.Name), CreatedAt: s.Now()}
	if err := s.Publishers.CreatePlacement(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

// getPlacement serves GET /v1/placements/{id}: one of the caller's
// placements with its share and snippets; another publisher's is not
// found.
func (s *Server) getPlacement(c *fiber.Ctx) error {
	p, err := s.ownPlacement(c, c.Params("id"))
	if err != nil {
		return err
	}
	reply, err := s.placementReply(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(reply)
}

// ownPlacement returns the caller's placement id. Errors: ENOTFOUND
// (another publisher's too).
func (s *Server) ownPlacement(c *fiber.Ctx, id string) (*buycard.PlacementListing, error) {
	notFound := buycard.Errorf(buycard.ENOTFOUND, "No placement %s.", id)
	if !placementIDPattern.MatchString(id) {
		return nil, notFound
	}
	list, err := s.Publishers.ListPlacements(c.UserContext(), publisherOf(c))
	if err != nil {
		return nil, err
	}
	for _, p := range list {
		if p.ID == id {
			return p, nil
		}
	}
	return nil, notFound
}

// placementReply reads the layout of p's widget, which its snippets
// reserve room for; a widget no longer found has the full layout's room.
func (s *Server) placementReply(ctx context.Context, p *buycard.PlacementListing) (placementReply, error) {
	var layout string
	switch card, err := s.Catalog.FindCard(ctx, p.WidgetID); {
	case err == nil:
		layout = card.Widget.Layout
	case buycard.ErrorCode(err) != buycard.ENOTFOUND:
		return placementReply{}, err
	}
	snippets := s.Loader.Snippets(s.PublicURL, embed.Card{WidgetID: p.WidgetID, PlacementID: p.ID, Layout: layout, Title: p.WidgetName})
	return placementReply{Placement: p, Snippets: snippets}, nil
}

// getEarnings serves GET /v1/earnings: the caller's pending, available
// and paid balances per currency, from the ledger.
func (s *Server) getEarnings(c *fiber.Ctx) error {
	list, err := s.Ledger.Balances(c.UserContext(), ledger.Publisher(publisherOf(c)))
	if err != nil {
		return err
	}
	earnings := map[string]map[string]int64{}
	for _, b := range list {
		cur := b.Account.Currency
		if earnings[cur] == nil {
			earnings[cur] = map[string]int64{string(ledger.Pending): 0, string(ledger.Available): 0, string(ledger.Paid): 0}
		}
		earnings[cur][string(b.Account.Kind)] = b.Amount
	}
	return c.JSON(fiber.Map{"earnings": earnings})
}

// getEarningSales serves GET /v1/earnings/sales[?limit=N]: the caller's
// sales, newest first, with the share each earns and where it stands
// (pending until a date, available, paid, refunded).
func (s *Server) getEarningSales(c *fiber.Ctx) error {
	limit, err := queryInt(c, "limit", 1, maxPayoutHistory)
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = defaultSalesPage
	}
	ctx, pub := c.UserContext(), publisherOf(c)
	sales, err := s.Publishers.PublisherSales(ctx, pub, int(limit))
	if err != nil {
		return err
	}
	balances, err := s.Ledger.Balances(ctx, ledger.Publisher(pub))
	if err != nil {
		return err
	}
	available := map[string]int64{}
	for _, b := range balances {
		if b.Account.Kind == ledger.Available {
			available[b.Account.Currency] = b.Amount
		}
	}
	buycard.SettleSales(sales, available, s.PublisherHold)
	if sales == nil {
		sales = []*buycard.PublisherSale{}
	}
	return c.JSON(fiber.Map{"sales": sales, "hold_seconds": int64(s.PublisherHold / time.Second)})
}

// publisherAccounts are the kinds of a publisher's accounts a statement
// may name with account=.
var publisherAccounts = map[string]ledger.AccountKind{
	"": ledger.Pending, "pending": ledger.Pending, "available": ledger.Available, "paid": ledger.Paid,
}

// getEarningStatement serves GET /v1/earnings/statement?currency=USD
// [&account=pending|available|paid][&from&to][&format=csv]: the entries
// of one of the caller's accounts (pending by default), as the
// merchant's statement has them.
func (s *Server) getEarningStatement(c *fiber.Ctx) error {
	kind, ok := publisherAccounts[c.Query("account")]
	if !ok {
		return buycard.Errorf(buycard.EINVALID, "account must be pending, available or paid.")
	}
	return s.sendStatement(c, func(cur string) ledger.AccountID {
		return ledger.Account(ledger.Publisher(publisherOf(c)), kind, cur)
	})
}

// paidStatement is the entries of the caller's paid account in one
// currency.
type paidStatement struct {
	Currency string         `json:"currency"`
	Entries  []ledger.Entry `json:"entries"`
}

// getPayouts serves GET /v1/payouts: whether payouts are held (by a
// reconciliation alert), and the caller's payout history, the
// statements of its paid accounts and its share transfers (none without
// Stripe), newest last and newest first respectively, each at most
// maxPayoutHistory long.
func (s *Server) getPayouts(c *fiber.Ctx) error {
	ctx, pub := c.UserContext(), publisherOf(c)
	balances, err := s.Ledger.Balances(ctx, ledger.Publisher(pub))
	if err != nil {
		return err
	}
	paid := []paidStatement{}
	for _, b := range balances {
		if b.Account.Kind != ledger.Paid {
			continue
		}
		entries, err := s.Ledger.Statement(ctx, ledger.StatementQuery{Account: b.Account, Limit: maxPayoutHistory})
		if err != nil {
			return err
		}
		if entries == nil {
			entries = []ledger.Entry{}
		}
		paid = append(paid, paidStatement{Currency: b.Account.Currency, Entries: entries})
	}
	var transfers []ledger.ShareTransfer
	if s.Transfers != nil {
		if transfers, err = s.Transfers.ShareTransfersTo(ctx, pub, maxPayoutHistory); err != nil {
			return err
		}
	}
	if transfers == nil {
		transfers = []ledger.ShareTransfer{}
	}
	held, err := s.payoutsHeld(ctx)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"paid": paid, "transfers": transfers, "held": held})
}
