package buycard

import (
	"context"
	"strings"
	"time"
)

// Parties that hold a payment account.
const (
	PartyMerchant  = "merchant"
	PartyPublisher = "publisher"
)

// PaymentAccount is a merchant's or a publisher's account at the payment
// provider (for Stripe, a Connect Express account). The provider decides
// what it may do: take charges (a merchant's cards are buyable only then)
// and receive payouts.
type PaymentAccount struct {
	ID             string    `json:"id"` // the provider's id: "acct_…"
	PartyKind      string    `json:"party_kind"`
	PartyID        string    `json:"party_id"`
	ChargesEnabled bool      `json:"charges_enabled"`
	PayoutsEnabled bool      `json:"payouts_enabled"`
	UpdatedAt      time.Time `json:"updated_at"` // when the provider reported this state
}

// Validate checks an account before a store links it. Errors: EINVALID.
func (a *PaymentAccount) Validate() error {
	switch {
	case strings.TrimSpace(a.ID) == "" || len(a.ID) > 255:
		return Errorf(EINVALID, "A payment account needs the provider's account id.")
	case a.PartyKind != PartyMerchant && a.PartyKind != PartyPublisher:
		return Errorf(EINVALID, "A payment account belongs to a merchant or a publisher.")
	case a.PartyID == "":
		return Errorf(EINVALID, "A payment account names its merchant or publisher.")
	}
	return nil
}

// AccountService links merchants and publishers to their provider accounts
// and keeps what the provider allows them current.
type AccountService interface {
	// LinkPaymentAccount records a's account for its party, with the state
	// it reports. Errors: EINVALID, ENOTFOUND (party), ECONFLICT (the
	// party has another account, or the account another party).
	LinkPaymentAccount(ctx context.Context, a *PaymentAccount) error

	// UpdatePaymentAccount records the state the provider reported for
	// account a.ID at a.UpdatedAt, unless a later report was recorded
	// already (events arrive in any order); it returns whether it did. A
	// merchant's ChargesEnabled follows its account's. Errors: ENOTFOUND
	// (no such account).
	UpdatePaymentAccount(ctx context.Context, a *PaymentAccount) (bool, error)

	// CheckParty reports whether the merchant or publisher exists, before
	// an account is opened for it at the provider. Errors: EINVALID (not
	// a party that holds accounts), ENOTFOUND.
	CheckParty(ctx context.Context, partyKind, partyID string) error

	// FindPaymentAccount returns the account of a party. Errors:
	// ENOTFOUND.
	FindPaymentAccount(ctx context.Context, partyKind, partyID string) (*PaymentAccount, error)
}
