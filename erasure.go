package buycard

import "context"

// Erasing a buyer's personal data on request (issue 14): the operator
// names the buyer by email and the store blanks, on every order the buyer
// paid or began, the buyer's email, name and phone and the street part of
// the ship-to address, and the buyer's key on discount redemptions.
// What the money records need stays: amounts, currency, the ledger, and
// the ship-to country and region, which say where the order was taxed.
// Per-buyer code limits then no longer count the erased redemptions.

// Erasure counts what EraseBuyer changed.
type Erasure struct {
	Orders      int `json:"orders"`
	Redemptions int `json:"redemptions"`
	// Events are the orders' events (buycard.Event), deleted with their
	// webhook deliveries: their data holds a copy of the buyer's.
	Events int `json:"events"`
}

// ErasureService erases buyers' personal data.
type ErasureService interface {
	// EraseBuyer erases the personal data of the buyer with email, in
	// one transaction, and counts the rows it changed: a second call
	// changes nothing. Errors: EINVALID (not an email).
	EraseBuyer(ctx context.Context, email string) (Erasure, error)
}
