package api

import (
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
)

// A merchant ships its paid physical orders (issue 14): it records each
// order's fulfilment and downloads the orders still to ship, with their
// addresses, as CSV for label printing. Like every /v1/merchant route,
// another merchant's order answers 404.

// fulfillment is the store's FulfillmentService: the Orders store when it
// implements it; nil turns the routes off.
func (s *Server) fulfillment() buycard.FulfillmentService {
	f, _ := s.Orders.(buycard.FulfillmentService)
	return f
}

// fulfillmentRoutes registers the fulfilment routes on m, the
// authenticated /v1/merchant group, before /orders/:id takes the CSV's
// path for an order id.
func (s *Server) fulfillmentRoutes(m fiber.Router) {
	if s.fulfillment() == nil {
		return
	}
	m.Get("/orders/unfulfilled.csv", s.getUnfulfilledCSV)
	m.Patch("/orders/:id/fulfillment", s.patchOrderFulfillment)
}

// patchOrderFulfillment serves PATCH /v1/merchant/orders/{id}/fulfillment
// with a buycard.FulfillmentEdit, and answers the order as its merchant
// sees it.
func (s *Server) patchOrderFulfillment(c *fiber.Ctx) error {
	var e buycard.FulfillmentEdit
	if err := decodeJSON(c, &e); err != nil {
		return err
	}
	o, err := s.fulfillment().UpdateFulfillment(c.UserContext(), callerOf(c).PartyID, c.Params("id"), e, s.Now())
	if err != nil {
		return err
	}
	return s.sendMerchantOrder(c, o)
}

// unfulfilledHeader is the header row of the unfulfilled orders' CSV.
var unfulfilledHeader = []string{"order_number", "paid_at", "product", "variant", "quantity",
	"buyer_name", "email", "phone", "ship_to_name", "address_line1", "address_line2", "city", "region", "postal_code", "country"}

// getUnfulfilledCSV serves GET /v1/merchant/orders/unfulfilled.csv: the
// caller's paid physical orders not fully shipped, oldest first, one row
// each. Orders from before the checkout asked for an address have empty
// buyer and address cells.
func (s *Server) getUnfulfilledCSV(c *fiber.Ctx) error {
	orders, err := s.fulfillment().UnfulfilledOrders(c.UserContext(), callerOf(c).PartyID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="unfulfilled-orders.csv"`)
	w := csv.NewWriter(c.Response().BodyWriter())
	if err := w.Write(unfulfilledHeader); err != nil {
		return err
	}
	for _, o := range orders {
		if err := w.Write(unfulfilledRow(o)); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// unfulfilledRow is o's row of the CSV, each cell made safe for
// spreadsheets.
func unfulfilledRow(o *buycard.Order) []string {
	var (
		buyer buycard.Buyer
		to    buycard.Address
		paid  string
	)
	if o.Buyer != nil {
		buyer = *o.Buyer
	}
	if o.ShipTo != nil {
		to = *o.ShipTo
	}
	if o.PaidAt != nil {
		paid = o.PaidAt.UTC().Format("2006-01-02")
	}
	row := []string{o.Number, paid, o.ProductTitle, o.VariantName, strconv.Itoa(o.Quantity),
		buyer.Name, buyer.Email, buyer.Phone, to.Name, to.Line1, to.Line2, to.City, to.Region, to.PostalCode, to.Country}
	for i, cell := range row {
		row[i] = csvSafe(cell)
	}
	return row
}

// csvSafe defuses a cell a spreadsheet would run as a formula (CSV
// injection): one starting with =, +, -, @ (or a tab or carriage return,
// which some spreadsheets skip before one) gets a leading single quote.
// Buyers type the names and addresses, so every cell goes through it.
func csvSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
