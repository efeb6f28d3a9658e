package api

import (
	"context"
	"crypto/subtle"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// ledgerRoutes is the operator's read side of the ledger: balances and
// statements of any party, every order's split, and the chain check.
// Merchants and publishers get their own views with the console (issue 6).
func (s *Server) ledgerRoutes(r fiber.Router) {
	r.Get("/balances", s.getBalances)
	r.Get("/statement", s.getStatement)
	r.Get("/orders/:id", s.getOrderLedger)
	r.Get("/verify", s.getLedgerVerify)
	r.Post("/orders/:id/refunds", s.postRefund)
	r.Post("/orders/:id/disputes", s.postDispute)
}

// requireOperator lets a request through only with the operator key as its
// bearer token. Responses are private and never cached.
func (s *Server) requireOperator(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if s.OperatorKey == "" {
		return buycard.Errorf(buycard.EFORBIDDEN, "The operator API is off: set BUYCARD_OPERATOR_KEY.")
	}
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(s.OperatorKey)) != 1 {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="buycard operator"`)
		return buycard.Errorf(buycard.EUNAUTHORIZED, "Send the operator key as a bearer token.")
	}
	return c.Next()
}

// partyBalances is a party's balances grouped by currency and kind:
// {"USD": {"pending": 300, "available": 0}}.
type partyBalances struct {
	Party    string                      `json:"party"`
	Balances map[string]map[string]int64 `json:"balances"`
}

// getBalances serves GET /v1/ledger/balances?party=publisher:pub_x.
func (s *Server) getBalances(c *fiber.Ctx) error {
	party, err := parseParty(c.Query("party"))
	if err != nil {
		return err
	}
	list, err := s.Ledger.Balances(c.UserContext(), party)
	if err != nil {
		return err
	}
	out := partyBalances{Party: party.String(), Balances: map[string]map[string]int64{}}
	for _, b := range list {
		cur := b.Account.Currency
		if out.Balances[cur] == nil {
			out.Balances[cur] = map[string]int64{}
		}
		out.Balances[cur][string(b.Account.Kind)] = b.Amount
	}
	return c.JSON(out)
}

func parseParty(s string) (ledger.Party, error) {
	kind, id, ok := strings.Cut(s, ":")
	p := ledger.Party{Kind: ledger.PartyKind(kind), ID: id}
	if !ok || p.Validate() != nil {
		return p, buycard.Errorf(buycard.EINVALID, "party must be merchant:ID, publisher:ID, platform:platform or provider:NAME.")
	}
	return p, nil
}

// maxStatementPage bounds one statement response.
const maxStatementPage = 1000

// statementPage is one page of a statement; Next is the after= of the
// next page, 0 when this is the last.
type statementPage struct {
	Account ledger.AccountID `json:"account"`
	Entries []ledger.Entry   `json:"entries"`
	Next    int64            `json:"next,omitempty"`
}

// getStatement serves GET /v1/ledger/statement?account=…&after=…&limit=…,
// as JSON, or as CSV with format=csv (or Accept: text/csv).
func (s *Server) getStatement(c *fiber.Ctx) error {
	q, err := parseStatementQuery(c)
	if err != nil {
		return err
	}
	entries, err := s.Ledger.Statement(c.UserContext(), q)
	if err != nil {
		return err
	}
	page := statementPage{Account: q.Account, Entries: entries, Next: q.NextAfter(entries)}
	if c.Query("format") == "csv" || (c.Query("format") == "" && strings.Contains(c.Get(fiber.HeaderAccept), "text/csv")) {
		return sendStatementCSV(c, page)
	}
	if page.Entries == nil {
		page.Entries = []ledger.Entry{}
	}
	return c.JSON(page)
}

func parseStatementQuery(c *fiber.Ctx) (ledger.StatementQuery, error) {
	var q ledger.StatementQuery
	a, err := ledger.ParseAccountID(c.Query("account"))
	if err != nil {
		return q, buycard.Errorf(buycard.EINVALID, "account must be PARTY:ID:KIND:CURRENCY, e.g. publisher:pub_x:available:USD.")
	}
	q.Account = a
	if q.After, err = queryInt(c, "after", 0, 1<<62); err != nil {
		return q, err
	}
	limit, err := queryInt(c, "limit", 1, maxStatementPage)
	if err != nil {
		return q, err
	}
	if limit == 0 {
		limit = maxStatementPage
	}
	q.Limit = int(limit)
	switch c.Query("format") {
	case "", "json", "csv":
		return q, nil
	}
	return q, buycard.Errorf(buycard.EINVALID, "format must be json or csv.")
}

// queryInt reads an optional integer query parameter within [min, max];
// absent is 0.
func queryInt(c *fiber.Ctx, name string, min, max int64) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < min || n > max {
		return 0, buycard.Errorf(buycard.EINVALID, "%s must be a whole number from %d to %d.", name, min, max)
	}
	return n, nil
}

// sendStatementCSV writes a statement page as CSV with amounts in major
// units of the account's currency, the way spreadsheets expect them.
func sendStatementCSV(c *fiber.Ctx, page statementPage) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="statement-`+strings.ReplaceAll(page.Account.String(), ":", "-")+`.csv"`)
	return ledger.WriteStatementCSV(c.Response().BodyWriter(), page.Account, page.Entries)
}

// orderLedger is an order's split and every journal about its money.
type orderLedger struct {
	Order    *buycard.Order     `json:"order"`
	Split    *ledger.Commission `json:"split"`
	Journals []ledger.Journal   `json:"journals"`
}

// getOrderLedger serves GET /v1/ledger/orders/{id}.
func (s *Server) getOrderLedger(c *fiber.Ctx) error {
	o, err := s.Orders.FindOrder(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	split, err := ledger.SaleOf(o, ledger.RatesOf(o)).Commission()
	if err != nil {
		return err
	}
	journals, err := s.Ledger.OrderJournals(c.UserContext(), o.ID)
	if err != nil {
		return err
	}
	if journals == nil {
		journals = []ledger.Journal{}
	}
	return c.JSON(orderLedger{Order: o, Split: &split, Journals: journals})
}

// getLedgerVerify serves GET /v1/ledger/verify: the chain and balance
// check of `buycard ledger verify`.
func (s *Server) getLedgerVerify(c *fiber.Ctx) error {
	v, err := s.Ledger.VerifyLedger(c.UserContext())
	if err != nil {
		return err
	}
	if !v.OK() {
		c.Status(fiber.StatusConflict)
	}
	return c.JSON(v)
}

type refundRequest struct {
	Amount int64 `json:"amount"` // minor units of the order's currency
}

// Refunds gives money back through the payment provider (the sandbox, or
// Stripe with refund_application_fee and reverse_transfer) and reports the
// refund as the event the provider's webhook delivers, under the same id,
// so that whichever comes first applies it once.
type Refunds interface {
	RefundOrder(ctx context.Context, o *buycard.Order, amount int64, idempotencyKey string) (buycard.PaymentEvent, error)
}

// postRefund serves POST /v1/ledger/orders/{id}/refunds: the operator
// refunds part or all of a paid order, once per Idempotency-Key (see
// refund).
func (s *Server) postRefund(c *fiber.Ctx) error {
	key, err := idempotencyKey(c)
	if err != nil {
		return err
	}
	var req refundRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	r, err := s.refund(c, buycard.RefundRequest{Caller: buycard.RefundByOperator, Key: key, OrderID: c.Params("id"), Amount: req.Amount}, s.routeOrder)
	return refundReply(c, r, err)
}

// refundReply answers a refund's request: 201 and the refund, or err.
func refundReply(c *fiber.Ctx, r *buycard.Refund, err error) error {
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(moneyEventReply{Order: r.Order, ObjectID: r.RefundID})
}

// routeOrder is the order of the route's :id parameter.
func (s *Server) routeOrder(c *fiber.Ctx) (*buycard.Order, error) {
	return s.Orders.FindOrder(c.UserContext(), c.Params("id"))
}

// idempotencyKey is the request's Idempotency-Key header, which a refund
// must carry.
func idempotencyKey(c *fiber.Ctx) (string, error) {
	// Bytes, not characters: the provider's own key is made of it and
	// Stripe takes at most 255.
	key, max := c.Get("Idempotency-Key"), buycard.IdempotencyKeyText.MaxLength
	if key == "" || len(key) > max {
		return "", buycard.Errorf(buycard.EINVALID, "Send an Idempotency-Key header (1 to %d characters): a retried refund must not pay twice.", max)
	}
	return key, buycard.IdempotencyKeyText.Check(key)
}

// refund makes the refund req asks for, once per key; the operator's and
// the merchant's refunds both take this path, find being how each reaches
// the order. The key is looked up first: a request sent again gets the
// first one's reply (201 and the same body) even after the balance moved,
// and the same key with other parameters is refused (400) before anything
// moves. A new key checks what is left and asks the provider, whose own
// idempotency key derives from the order and the key (a retry after a
// lost reply gets the same refund); the store then applies the refund and
// records the key in one transaction, so of two concurrent requests with
// one key, one records it and the other answers with its reply.
func (s *Server) refund(c *fiber.Ctx, req buycard.RefundRequest, find func(*fiber.Ctx) (*buycard.Order, error)) (*buycard.Refund, error) {
	ctx := c.UserContext()
	r, err := s.Orders.FindRefund(ctx, req.Caller, req.Key)
	if buycard.ErrorCode(err) == buycard.ENOTFOUND {
		r, err = s.newRefund(c, req, find)
	}
	if err != nil {
		return nil, err
	}
	return r, r.CheckSameRequest(req)
}

// newRefund gives req.Amount of the order back through the provider and
// applies the refund's event, recording req with it.
func (s *Server) newRefund(c *fiber.Ctx, req buycard.RefundRequest, find func(*fiber.Ctx) (*buycard.Order, error)) (*buycard.Refund, error) {
	o, err := find(c)
	if err != nil {
		return nil, err
	}
	if err := o.CheckRefund(req.Amount); err != nil {
		return nil, err
	}
	e, err := s.Refunds.RefundOrder(c.UserContext(), o, req.Amount, req.Key)
	if err != nil {
		return nil, err
	}
	return s.Orders.ApplyRefund(c.UserContext(), req, e)
}

type disputeRequest struct {
	Amount    int64  `json:"amount"`
	Outcome   string `json:"outcome"`    // opened, won or lost
	DisputeID string `json:"dispute_id"` // the dispute a won or lost outcome ends
}

var disputeOutcomes = map[string]buycard.PaymentEventType{
	"opened": buycard.DisputeOpened, "won": buycard.DisputeWon, "lost": buycard.DisputeLost,
}

// postDispute serves POST /v1/ledger/orders/{id}/disputes: in the sandbox,
// the operator plays the shopper's bank, opening a dispute and deciding it.
func (s *Server) postDispute(c *fiber.Ctx) error {
	var req disputeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	typ, ok := disputeOutcomes[req.Outcome]
	if !ok {
		return buycard.Errorf(buycard.EINVALID, "outcome must be opened, won or lost.")
	}
	if typ != buycard.DisputeOpened && req.DisputeID == "" {
		return buycard.Errorf(buycard.EINVALID, "Name the dispute_id this outcome ends.")
	}
	o, err := s.sandboxOrder(c)
	if err != nil {
		return err
	}
	return s.applyMoneyEvent(c, s.TestPayments.Dispute(o, typ, req.DisputeID, req.Amount))
}

// sandboxOrder is the order of the route, for the sandbox's refunds and
// disputes.
func (s *Server) sandboxOrder(c *fiber.Ctx) (*buycard.Order, error) {
	if s.TestPayments == nil {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "Sandbox refunds and disputes are off: this server takes real payments.")
	}
	return s.routeOrder(c)
}

// moneyEventReply is an applied refund or dispute event.
type moneyEventReply struct {
	Order    *buycard.Order `json:"order"`
	ObjectID string         `json:"object_id"` // the refund or dispute id
}

func (s *Server) applyMoneyEvent(c *fiber.Ctx, e buycard.PaymentEvent) error {
	o, err := s.Orders.ApplyPaymentEvent(c.UserContext(), e)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(moneyEventReply{Order: o, ObjectID: e.ObjectID})
}
