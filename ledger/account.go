package ledger

import (
	"fmt"
	"strings"

	"github.com/buycard/buycard"
)

// PartyKind says who a party is.
type PartyKind string

// The parties that own accounts.
const (
	PartyMerchant  PartyKind = "merchant"
	PartyPublisher PartyKind = "publisher"
	PartyPlatform  PartyKind = "platform"
	PartyProvider  PartyKind = "provider"
)

// PlatformID is the id of the one platform party.
const PlatformID = "platform"

// maxIDLen bounds party, order and event ids.
const maxIDLen = 100

// Party owns accounts: a merchant or publisher by id, the platform, or a
// payment provider by name ("stripe", "sandbox").
type Party struct {
	Kind PartyKind `json:"kind"`
	ID   string    `json:"id"`
}

// Merchant returns the party of a merchant id.
func Merchant(id string) Party { return Party{PartyMerchant, id} }

// Publisher returns the party of a publisher id.
func Publisher(id string) Party { return Party{PartyPublisher, id} }

// Platform returns the platform party.
func Platform() Party { return Party{PartyPlatform, PlatformID} }

// Provider returns the party of a payment provider name.
func Provider(name string) Party { return Party{PartyProvider, name} }

func (p Party) String() string { return string(p.Kind) + ":" + p.ID }

// Validate returns an EINVALID error unless p is a known kind with a
// well-formed id.
func (p Party) Validate() error {
	switch p.Kind {
	case PartyMerchant, PartyPublisher, PartyProvider:
	case PartyPlatform:
		if p.ID != PlatformID {
			return buycard.Errorf(buycard.EINVALID, "Platform party id must be %q.", PlatformID)
		}
	default:
		return buycard.Errorf(buycard.EINVALID, "Unknown party kind %q.", p.Kind)
	}
	if !validID(p.ID) {
		return buycard.Errorf(buycard.EINVALID, "Invalid %s id %q.", p.Kind, p.ID)
	}
	return nil
}

// AccountKind says what an account holds.
type AccountKind string

// Account kinds. Each belongs to one party kind; see the package comment.
const (
	Payable       AccountKind = "payable"        // merchant: owed to the merchant
	Pending       AccountKind = "pending"        // publisher: share inside the hold window
	Available     AccountKind = "available"      // publisher: share that can be paid out
	Paid          AccountKind = "paid"           // publisher: share transferred to the publisher
	Revenue       AccountKind = "revenue"        // platform: platform fees earned
	ProcessorFees AccountKind = "processor_fees" // platform: fees charged by the provider
	Clearing      AccountKind = "clearing"       // provider: cash held at the processor
	Disputed      AccountKind = "disputed"       // provider: cash withheld during disputes
)

// Side is the side of an account a posting lands on. Its value is the sign
// of a posting's Amount on that side.
type Side int8

// Debit and credit.
const (
	Debit  Side = 1
	Credit Side = -1
)

func (s Side) String() string {
	if s == Debit {
		return "debit"
	}
	return "credit"
}

type accountRule struct {
	party         PartyKind
	normal        Side
	mayGoNegative bool
}

var accountRules = map[AccountKind]accountRule{
	Payable:       {PartyMerchant, Credit, true},
	Pending:       {PartyPublisher, Credit, false},
	Available:     {PartyPublisher, Credit, true},
	Paid:          {PartyPublisher, Credit, false},
	Revenue:       {PartyPlatform, Credit, true},
	ProcessorFees: {PartyPlatform, Debit, true},
	Clearing:      {PartyProvider, Debit, true},
	Disputed:      {PartyProvider, Debit, false},
}

// AccountID names one account: a party's account of one kind in one
// currency. Its text form is "party:id:kind:currency".
type AccountID struct {
	Party    Party
	Kind     AccountKind
	Currency string
}

// Account returns the id of party's account of kind in currency.
func Account(party Party, kind AccountKind, currency string) AccountID {
	return AccountID{Party: party, Kind: kind, Currency: currency}
}

func (a AccountID) String() string {
	return a.Party.String() + ":" + string(a.Kind) + ":" + a.Currency
}

// ParseAccountID parses the text form of an account id and validates it.
// Errors: EINVALID.
func ParseAccountID(s string) (AccountID, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 4 {
		return AccountID{}, buycard.Errorf(buycard.EINVALID, "Account %q is not party:id:kind:currency.", s)
	}
	a := AccountID{
		Party:    Party{Kind: PartyKind(parts[0]), ID: parts[1]},
		Kind:     AccountKind(parts[2]),
		Currency: parts[3],
	}
	if err := a.Validate(); err != nil {
		return AccountID{}, err
	}
	return a, nil
}

// Validate returns an EINVALID error unless a names a valid party, an
// account kind that party may hold, and a supported currency.
func (a AccountID) Validate() error {
	if err := a.Party.Validate(); err != nil {
		return err
	}
	rule, ok := accountRules[a.Kind]
	if !ok {
		return buycard.Errorf(buycard.EINVALID, "Unknown account kind %q.", a.Kind)
	}
	if rule.party != a.Party.Kind {
		return buycard.Errorf(buycard.EINVALID, "A %s has no %s account.", a.Party.Kind, a.Kind)
	}
	if !buycard.ValidCurrency(a.Currency) {
		return buycard.Errorf(buycard.EINVALID, "Unsupported currency %q.", a.Currency)
	}
	return nil
}

// Normal returns the side on which a's balance grows.
func (a AccountID) Normal() Side { return accountRules[a.Kind].normal }

// MayGoNegative reports whether a's balance may fall below zero on its
// normal side.
func (a AccountID) MayGoNegative() bool { return accountRules[a.Kind].mayGoNegative }

// MarshalText writes the text form, so account ids are plain strings in
// JSON, also as map keys.
func (a AccountID) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses and validates the text form.
func (a *AccountID) UnmarshalText(b []byte) error {
	parsed, err := ParseAccountID(string(b))
	if err != nil {
		return err
	}
	*a = parsed
	return nil
}

// Scan reads an account id stored as its text form, for database/sql and
// pgx. An empty string scans as the zero AccountID.
func (a *AccountID) Scan(src any) error {
	switch v := src.(type) {
	case string:
		if v == "" {
			*a = AccountID{}
			return nil
		}
		return a.UnmarshalText([]byte(v))
	case []byte:
		return a.UnmarshalText(v)
	}
	return fmt.Errorf("ledger: cannot scan %T into an account id", src)
}

// CheckBalance returns an ECONFLICT error if normal, a balance of a on its
// normal side, is negative and a may not go negative. Stores call it for
// every account a journal touches, before committing.
func CheckBalance(a AccountID, normal int64) error {
	if normal < 0 && !a.MayGoNegative() {
		return buycard.Errorf(buycard.ECONFLICT, "Balance of %s would go negative.", a)
	}
	return nil
}

// validID reports whether s is a usable party, order or event id: 1 to 100
// characters from [A-Za-z0-9_.-], so it never contains the ':' that
// separates the parts of account ids and keys.
func validID(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !idChar(s[i]) {
			return false
		}
	}
	return true
}

func idChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == '-'
}
