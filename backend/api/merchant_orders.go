package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// A merchant's money (issue 6): its orders with the split of each, its
// refunds, the statement of what it is owed, and its balances. Every
// route acts on the caller's own orders only: another merchant's order
// answers 404 like an unknown one.

// defaultOrderPage is the page size of GET /v1/merchant/orders without
// limit.
const defaultOrderPage = 50

// merchantOrderRoutes registers /v1/merchant; none without Auth.
func (s *Server) merchantOrderRoutes(v1 fiber.Router) {
	if s.Auth == nil {
		return
	}
	m := v1.Group("/merchant", s.authenticate, s.requireMerchant)
	if s.Admin != nil {
		m.Get("/orders", s.getMerchantOrders)
	}
	s.fulfillmentRoutes(m)
	m.Get("/orders/:id", s.getMerchantOrder)
	if s.Refunds != nil {
		m.Post("/orders/:id/refunds", s.postMerchantRefund)
	}
	m.Get("/statement", s.getMerchantStatement)
	m.Get("/balances", s.getMerchantBalances)
}

// orderSplit is where an order's money goes, in minor units of its
// currency, as the sale journal split it when it was paid (before any
// refund): the platform fee, the publisher's share and the merchant's
// net of the goods, with shipping and tax, sum to the total; the
// processor's fee is the platform's cost and does not reduce the
// merchant's net.
type orderSplit struct {
	Currency       string `json:"currency"`
	Total          int64  `json:"total"`
	PlatformFee    int64  `json:"platform_fee"`
	PublisherShare int64  `json:"publisher_share"`
	ProcessorFee   int64  `json:"processor_fee"`
	MerchantNet    int64  `json:"merchant_net"` // of the goods
	// Shipping (net of its tax) and Tax are the merchant's too.
	Shipping int64 `json:"shipping,omitempty"`
	Tax      int64 `json:"tax,omitempty"`
}

// merchantOrder is an order as its merchant sees it.
type merchantOrder struct {
	Order *buycard.Order `json:"order"`
	Split orderSplit     `json:"split"`
	// Refundable is what a refund may still give back now.
	Refundable int64 `json:"refundable"`
}

// merchantOrderOf adds the split to o; the processor's fee is read from
// the order's journals once it is paid.
func (s *Server) merchantOrderOf(c *fiber.Ctx, o *buycard.Order) (*merchantOrder, error) {
	split, err := ledger.SaleOf(o, ledger.RatesOf(o)).Commission()
	if err != nil {
		return nil, err
	}
	mo := &merchantOrder{Order: o, Split: orderSplit{Currency: split.Currency, Total: split.Total, PlatformFee: split.Platform,
		PublisherShare: split.Publisher, MerchantNet: split.Merchant, Shipping: split.Shipping, Tax: split.Tax}}
	if o.Status != buycard.OrderPaid {
		return mo, nil
	}
	mo.Refundable = o.Refundable()
	journals, err := s.Ledger.OrderJournals(c.UserContext(), o.ID)
	if err != nil {
		return nil, err
	}
	fees := ledger.Account(ledger.Platform(), ledger.ProcessorFees, o.Total.Currency)
	for _, j := range journals {
		for _, p := range j.Postings {
			if p.Account == fees {
				mo.Split.ProcessorFee += p.NormalAmount()
			}
		}
	}
	return mo, nil
}

// ownOrder returns the caller's order of the :id parameter.
func (s *Server) ownOrder(c *fiber.Ctx) (*buycard.Order, error) {
	id := c.Params("id")
	o, err := s.Orders.FindOrder(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	if o.MerchantID != callerOf(c).PartyID {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "Order %q not found.", id)
	}
	return o, nil
}

// orderPage is one page of a merchant's orders; Next is the before= of
// the next page, absent on the last.
type orderPage struct {
	Orders []*merchantOrder `json:"orders"`
	Next   string           `json:"next,omitempty"`
}

// getMerchantOrders serves GET /v1/merchant/orders?status=&limit=&before=:
// the caller's orders, newest first.
func (s *Server) getMerchantOrders(c *fiber.Ctx) error {
	limit, err := queryInt(c, "limit", 1, buycard.MaxOrderPage)
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = defaultOrderPage
	}
	q := buycard.OrderListQuery{MerchantID: callerOf(c).PartyID, Status: buycard.OrderStatus(c.Query("status")),
		Before: c.Query("before"), Limit: int(limit)}
	orders, err := s.Admin.ListMerchantOrders(c.UserContext(), q)
	if err != nil {
		return err
	}
	page := orderPage{Orders: []*merchantOrder{}}
	for _, o := range orders {
		mo, err := s.merchantOrderOf(c, o)
		if err != nil {
			return err
		}
		page.Orders = append(page.Orders, mo)
	}
	if len(orders) == q.Limit {
		page.Next = orders[len(orders)-1].ID
	}
	return c.JSON(page)
}

// getMerchantOrder serves GET /v1/merchant/orders/{id}.
func (s *Server) getMerchantOrder(c *fiber.Ctx) error {
	o, err := s.ownOrder(c)
	if err != nil {
		return err
	}
	return s.sendMerchantOrder(c, o)
}

// sendMerchantOrder answers with o as its merchant sees it.
func (s *Server) sendMerchantOrder(c *fiber.Ctx, o *buycard.Order) error {
	mo, err := s.merchantOrderOf(c, o)
	if err != nil {
		return err
	}
	return c.JSON(mo)
}

// merchantRefundRequest is the body of POST
// /v1/merchant/orders/{id}/refunds.
type merchantRefundRequest struct {
	Amount int64  `json:"amount"` // minor units of the order's currency
	Reason string `json:"reason"` // for the merchant's records: buycard.RefundReasonText
}

// postMerchantRefund serves POST /v1/merchant/orders/{id}/refunds: the
// merchant refunds part or all of its paid order, on the operator's path
// (refund): the same Idempotency-Key rule, provider call and journal. Its
// keys are its own, and the reason is a note for its records (logged),
// not a parameter of the refund.
func (s *Server) postMerchantRefund(c *fiber.Ctx) error {
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	var req merchantRefundRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, err := s.merchantRefund(c, key, req)
	return refundReply(c, r, err)
}

// merchantRefund makes the caller's refund of the route's order, once per
// key; the console's refund form runs it too.
func (s *Server) merchantRefund(c *fiber.Ctx, key string, req merchantRefundRequest) (*buycard.Refund, error) {
	if err := buycard.RefundReasonText.Check(req.Reason); err != nil {
		return nil, err
	}
	// The reason is logged when a refund of the merchant's own order is
	// about to be made, not for a request sent again.
	find := func(c *fiber.Ctx) (*buycard.Order, error) {
		o, err := s.ownOrder(c)
		if err == nil && req.Reason != "" {
			s.Logger.Info("merchant refund", "order", o.ID, "merchant", o.MerchantID, "amount", req.Amount, "reason", req.Reason)
		}
		return o, err
	}
	r := buycard.RefundRequest{Caller: buycard.RefundByMerchant(callerOf(c).PartyID), Key: key, OrderID: c.Params("id"), Amount: req.Amount}
	return s.refund(c, r, find)
}

// defaultStatementDays is the range of a statement that names no dates.
const defaultStatementDays = 30

// dayRange reads from= and to= (UTC days, inclusive), defaulting to the
// last defaultStatementDays days, at most a year.
func (s *Server) dayRange(c *fiber.Ctx) (from, to string, start, end time.Time, err error) {
	// A funnel's range rules and defaults, with a statement's default span.
	q := buycard.FunnelQuery{From: c.Query("from"), To: c.Query("to")}
	if q.To == "" {
		q.To = s.Now().UTC().Format(buycard.DayLayout)
	}
	if t, perr := time.Parse(buycard.DayLayout, q.To); perr == nil && q.From == "" {
		q.From = t.AddDate(0, 0, 1-defaultStatementDays).Format(buycard.DayLayout)
	}
	if err = q.ValidateRange(); err != nil {
		return
	}
	start, end = q.Bounds()
	return q.From, q.To, start, end, nil
}

// partyStatement is the entries of one of the caller's accounts in one
// currency over a range of days: a merchant's payable, a publisher's
// pending, available or paid.
type partyStatement struct {
	Account  ledger.AccountID `json:"account"`
	Currency string           `json:"currency"`
	From     string           `json:"from"`
	To       string           `json:"to"`
	Entries  []ledger.Entry   `json:"entries"`
}

// getMerchantStatement serves GET
// /v1/merchant/statement?currency=USD[&from&to][&format=csv]: what the
// merchant was owed and settled, entry by entry, as JSON, or as CSV
// (amounts in major units, with the currency) to download.
func (s *Server) getMerchantStatement(c *fiber.Ctx) error {
	return s.sendStatement(c, func(cur string) ledger.AccountID {
		return ledger.Account(ledger.Merchant(callerOf(c).PartyID), ledger.Payable, cur)
	})
}

// sendStatement answers a statement request (currency=, from=, to=,
// format=json|csv) with the entries of the caller's account of the
// currency, as account names it.
func (s *Server) sendStatement(c *fiber.Ctx, account func(currency string) ledger.AccountID) error {
	cur := strings.ToUpper(c.Query("currency"))
	switch {
	case cur == "":
		return buycard.Errorf(buycard.EINVALID, "currency is required, e.g. currency=USD.")
	case !buycard.ValidCurrency(cur):
		return buycard.Errorf(buycard.EINVALID, "Unsupported currency %q.", c.Query("currency"))
	}
	format := c.Query("format")
	if format != "" && format != "json" && format != "csv" {
		return buycard.Errorf(buycard.EINVALID, "format must be json or csv.")
	}
	from, to, start, end, err := s.dayRange(c)
	if err != nil {
		return err
	}
	a := account(cur)
	all, err := s.Ledger.Statement(c.UserContext(), ledger.StatementQuery{Account: a})
	if err != nil {
		return err
	}
	st := partyStatement{Account: a, Currency: cur, From: from, To: to, Entries: []ledger.Entry{}}
	for _, e := range all {
		if !e.EffectiveAt.Before(start) && e.EffectiveAt.Before(end) {
			st.Entries = append(st.Entries, e)
		}
	}
	if format != "csv" {
		return c.JSON(st)
	}
	name := "statement-" + a.Party.ID + "-"
	if a.Party.Kind == ledger.PartyPublisher {
		name += string(a.Kind) + "-"
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+cur+"-"+from+"-"+to+`.csv"`)
	return ledger.WriteStatementCSV(c.Response().BodyWriter(), a, st.Entries)
}

// getMerchantBalances serves GET /v1/merchant/balances: per currency,
// pending (owed to the merchant from its sales and not settled by the
// processor yet: the ledger's payable), available (always 0: Buycard
// never holds a merchant's money for a payout of its own; the processor
// settles it) and paid (settled to the merchant so far).
func (s *Server) getMerchantBalances(c *fiber.Ctx) error {
	ctx := c.UserContext()
	list, err := s.Ledger.Balances(ctx, ledger.Merchant(callerOf(c).PartyID))
	if err != nil {
		return err
	}
	out := map[string]map[string]int64{}
	for _, b := range list {
		if b.Account.Kind != ledger.Payable {
			continue
		}
		entries, err := s.Ledger.Statement(ctx, ledger.StatementQuery{Account: b.Account})
		if err != nil {
			return err
		}
		var paid int64
		for _, e := range entries {
			if e.Kind == ledger.KindMerchantSettlement {
				paid -= e.Amount
			}
		}
		out[b.Account.Currency] = map[string]int64{"pending": b.Amount, "available": 0, "paid": paid}
	}
	return c.JSON(fiber.Map{"balances": out})
}
