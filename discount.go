package buycard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"time"
)

// Discount codes. A merchant gives shoppers a code ("SPRING25") that takes
// a percentage or a fixed amount off the goods of an order (its Subtotal,
// never shipping or tax). A code can be limited in time, in total uses and
// in uses per buyer (by normalized email), to a minimum subtotal, and to
// some products or widgets. A code can belong to a publisher's placement
// (an influencer's code): an order that uses it credits that placement's
// publisher share even when the shopper never saw the card.
//
// A use is a redemption, one per order, counted atomically when the order
// is created (DiscountService.RedeemDiscount): N shoppers racing for the
// last use of a code get one use between them. An order that is canceled
// or expires gives its use back, so abandoned checkouts do not use codes
// up; a paid order keeps it.

// Bounds of a discount code's fields.
const (
	MinDiscountCodeLength = 3
	MaxDiscountCodeLength = 32
	// MaxDiscountTargets bounds the products and widgets a code names.
	MaxDiscountTargets = 100
	// MaxDiscountLimit bounds the total and per-buyer redemption limits.
	MaxDiscountLimit = 1_000_000_000
)

// DiscountCode is a merchant's discount code. Exactly one of PercentBPS
// and AmountOff says what it takes off.
type DiscountCode struct {
	ID         string `json:"id"` // "dsc_…"
	MerchantID string `json:"merchant_id"`
	// Code is what shoppers type, normalized (NormalizeDiscountCode):
	// upper case, so that codes match whatever case they are typed in.
	Code string `json:"code"`
	// PercentBPS takes a share of the subtotal off, in basis points (2500
	// is 25%), rounded half-up to the currency's MinorUnitStep.
	PercentBPS int `json:"percent_bps,omitempty"`
	// AmountOff takes a fixed amount off, in minor units per currency
	// ({"USD": 500}); the code cannot be used in another currency.
	AmountOff map[string]int64 `json:"amount_off,omitempty"`
	// MinSubtotal is the least subtotal the code needs, per currency; a
	// code with minimums cannot be used in a currency it has none for.
	MinSubtotal map[string]int64 `json:"min_subtotal,omitempty"`
	// StartsAt and EndsAt bound when the code can be used; nil is no
	// bound. EndsAt is the first instant it no longer can.
	StartsAt *time.Time `json:"starts_at,omitempty"`
	EndsAt   *time.Time `json:"ends_at,omitempty"`
	// MaxRedemptions and MaxPerBuyer limit the uses in all and per buyer;
	// 0 is no limit.
	MaxRedemptions int `json:"max_redemptions"`
	MaxPerBuyer    int `json:"max_per_buyer"`
	// ProductIDs and WidgetIDs restrict the code to those products and
	// widgets of the merchant; empty is all of them.
	ProductIDs []string `json:"product_ids"`
	WidgetIDs  []string `json:"widget_ids"`
	// PlacementID is the publisher placement that owns the code, "" for
	// none. It carries one of the merchant's widgets.
	PlacementID string `json:"placement_id,omitempty"`
	// Redeemed is how many uses the code has: orders paid or pending with
	// it. Stores count it; edits never set it.
	Redeemed   int        `json:"redeemed"`
	CreatedAt  time.Time  `json:"created_at"`
	ArchivedAt *time.Time `json:"archived_at,omitempty"`
}

// NormalizeDiscountCode returns code as stored and looked up: trimmed and
// in upper case. Errors: EINVALID (length, characters other than ASCII
// letters, digits, "-" and "_").
func NormalizeDiscountCode(code string) (string, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) < MinDiscountCodeLength || len(code) > MaxDiscountCodeLength ||
		strings.Trim(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		return "", Errorf(EINVALID, "A discount code is %d to %d letters, digits, dashes or underscores.",
			MinDiscountCodeLength, MaxDiscountCodeLength)
	}
	return code, nil
}

// BuyerKey is what redemptions record of a buyer, for the per-buyer
// limit: the hex SHA-256 of the normalized email, "" for none, so that no
// email is kept for the limit's sake.
func BuyerKey(email string) (string, error) {
	if email == "" {
		return "", nil
	}
	e, err := NormalizeEmail(email)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(e))
	return hex.EncodeToString(sum[:]), nil
}

// Active reports whether the code is not archived and within its
// validity window at now.
func (c *DiscountCode) Active(now time.Time) bool {
	return c.ArchivedAt == nil && (c.StartsAt == nil || !now.Before(*c.StartsAt)) && (c.EndsAt == nil || now.Before(*c.EndsAt))
}

// Validate checks c as stores check it before writing, normalizing its
// Code. That its products,
// widgets and placement are the merchant's is the store's to check.
// Errors: EINVALID.
func (c *DiscountCode) Validate() error {
	if c.MerchantID == "" {
		return Errorf(EINVALID, "A discount code needs its merchant.")
	}
	code, err := NormalizeDiscountCode(c.Code)
	if err != nil {
		return err
	}
	c.Code = code
	if err := c.validateAmounts(); err != nil {
		return err
	}
	switch {
	case c.StartsAt != nil && c.EndsAt != nil && !c.EndsAt.After(*c.StartsAt):
		return Errorf(EINVALID, "A discount code must end after it starts.")
	case c.MaxRedemptions < 0 || c.MaxRedemptions > MaxDiscountLimit || c.MaxPerBuyer < 0 || c.MaxPerBuyer > MaxDiscountLimit:
		return Errorf(EINVALID, "Redemption limits must be 0 (no limit) to %d.", MaxDiscountLimit)
	case c.MaxRedemptions > 0 && c.MaxPerBuyer > c.MaxRedemptions:
		return Errorf(EINVALID, "The limit per buyer cannot be more than the total limit.")
	case c.PlacementID != "" && !validID(c.PlacementID, "plc_"):
		return Errorf(EINVALID, "The placement must be a placement id (plc_…).")
	}
	if err := validTargets("product", "prd_", c.ProductIDs); err != nil {
		return err
	}
	return validTargets("widget", "wgt_", c.WidgetIDs)
}

// validateAmounts checks the percentage, the fixed amounts and the
// minimums.
func (c *DiscountCode) validateAmounts() error {
	switch {
	case c.PercentBPS != 0 && len(c.AmountOff) > 0, c.PercentBPS == 0 && len(c.AmountOff) == 0:
		return Errorf(EINVALID, "A discount code takes off either a percentage or a fixed amount.")
	case c.PercentBPS < 0 || c.PercentBPS > BPSDenominator:
		return Errorf(EINVALID, "The percentage must be 0.01%% to 100%% (1 to 10000 basis points).")
	}
	if err := validAmounts("amount off", c.AmountOff, 1); err != nil {
		return err
	}
	return validAmounts("minimum subtotal", c.MinSubtotal, 0)
}

// validAmounts checks amounts per currency of what: supported currencies,
// at least least, at most one payment, in the currency's step.
func validAmounts(what string, amounts map[string]int64, least int64) error {
	for cur, a := range amounts {
		switch {
		case !ValidCurrency(cur):
			return Errorf(EINVALID, "The %s names %q, which is not a supported currency.", what, cur)
		case a < least || a > MaxAmount(cur):
			return Errorf(EINVALID, "The %s in %s must be %s to %s.", what, cur,
				Money{Amount: least, Currency: cur}.Format("en"), Money{Amount: MaxAmount(cur), Currency: cur}.Format("en"))
		case a%MinorUnitStep(cur) != 0:
			return Errorf(EINVALID, "The %s in %s must be a multiple of %d minor units.", what, cur, MinorUnitStep(cur))
		}
	}
	return nil
}

// validTargets checks a list of product or widget ids.
func validTargets(what, prefix string, ids []string) error {
	if len(ids) > MaxDiscountTargets {
		return Errorf(EINVALID, "A discount code names at most %d %ss.", MaxDiscountTargets, what)
	}
	for _, id := range ids {
		if !validID(id, prefix) {
			return Errorf(EINVALID, "A discount code's %ss must be %s ids (%s…).", what, what, prefix)
		}
	}
	return nil
}

// validID reports whether id looks like an id with prefix: at most 64
// letters, digits, "_" and "-".
func validID(id, prefix string) bool {
	return strings.HasPrefix(id, prefix) && len(id) > len(prefix) && len(id) <= 64 &&
		strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == ""
}

// Apply returns how much the code takes off subtotal, the goods of an
// order of productID through widgetID at now: never more than the
// subtotal, a percentage rounded half-up to the currency's MinorUnitStep.
// It checks everything but the per-buyer limit, which needs the store.
// Errors, worded for the shopper: ECONFLICT (ended, not yet valid,
// expired, used up), EINVALID (not for this product or currency, minimum
// not met).
func (c *DiscountCode) Apply(subtotal Money, productID, widgetID string, now time.Time) (discount int64, err error) {
	if err := c.check(subtotal, productID, widgetID, now); err != nil {
		return 0, err
	}
	cur := subtotal.Currency
	if c.PercentBPS > 0 {
		discount = percentOf(subtotal.Amount, c.PercentBPS, MinorUnitStep(cur))
	} else {
		discount = c.AmountOff[cur]
	}
	return min(discount, subtotal.Amount), nil
}

// check refuses a use of c the shopper cannot make.
func (c *DiscountCode) check(subtotal Money, productID, widgetID string, now time.Time) error {
	cur := subtotal.Currency
	minimum, hasMinimum := c.MinSubtotal[cur]
	switch {
	case c.ArchivedAt != nil:
		return Errorf(ECONFLICT, "The code %s has ended.", c.Code)
	case c.StartsAt != nil && now.Before(*c.StartsAt):
		return Errorf(ECONFLICT, "The code %s is not valid yet: it starts on %s.", c.Code, TimeText(*c.StartsAt))
	case c.EndsAt != nil && !now.Before(*c.EndsAt):
		return Errorf(ECONFLICT, "The code %s has expired.", c.Code)
	case c.MaxRedemptions > 0 && c.Redeemed >= c.MaxRedemptions:
		return Errorf(ECONFLICT, "The code %s has been used up.", c.Code)
	case len(c.ProductIDs) > 0 && !slices.Contains(c.ProductIDs, productID),
		len(c.WidgetIDs) > 0 && !slices.Contains(c.WidgetIDs, widgetID):
		return Errorf(EINVALID, "The code %s is not for this product.", c.Code)
	case c.PercentBPS == 0 && c.AmountOff[cur] == 0, len(c.MinSubtotal) > 0 && !hasMinimum:
		return Errorf(EINVALID, "The code %s cannot be used in %s.", c.Code, cur)
	case subtotal.Amount < minimum:
		return Errorf(EINVALID, "The code %s needs a subtotal of at least %s.", c.Code, MoneyText{Amount: minimum, Currency: cur})
	case subtotal.Amount < 0 || subtotal.Amount > math.MaxInt64/BPSDenominator:
		return Errorf(EINVALID, "The subtotal is out of range.")
	}
	return nil
}

// percentOf is bps basis points of amount, rounded half-up to a multiple
// of step, computed on integers.
func percentOf(amount int64, bps int, step int64) int64 {
	unit := BPSDenominator * step
	raw := amount * int64(bps)
	q, r := raw/unit, raw%unit
	if 2*r >= unit {
		q++
	}
	return q * step
}

// Nullable edits a value that can be absent (a code's start or end): an
// absent JSON field leaves it, null removes it, a value sets it.
type Nullable[T any] struct {
	Set   bool
	Value *T
}

// UnmarshalJSON reads the value, null for none.
func (n *Nullable[T]) UnmarshalJSON(b []byte) error {
	n.Set = true
	return json.Unmarshal(b, &n.Value)
}

// MarshalJSON writes the value, null for none.
func (n Nullable[T]) MarshalJSON() ([]byte, error) { return json.Marshal(n.Value) }

// IsZero reports whether the value is left as it is, for omitzero.
func (n Nullable[T]) IsZero() bool { return !n.Set }

// apply replaces *field when n is Set.
func (n Nullable[T]) apply(field **T) {
	if n.Set {
		*field = n.Value
	}
}

// DiscountCodeEdit is a merchant's edit of a discount code, its one shape
// on both sides of the HTTP boundary: the body of POST and PATCH
// /v1/discount-codes, which the API decodes and the console sends. A nil
// or absent field leaves what it edits. Setting a percentage drops the
// fixed amounts and setting amounts drops the percentage; amount_off and
// min_subtotal replace the whole map ({} for none).
type DiscountCodeEdit struct {
	Code           *string             `json:"code,omitempty"`
	PercentBPS     *int                `json:"percent_bps,omitempty"`
	AmountOff      map[string]int64    `json:"amount_off,omitempty"`
	MinSubtotal    map[string]int64    `json:"min_subtotal,omitempty"`
	StartsAt       Nullable[time.Time] `json:"starts_at,omitzero"`
	EndsAt         Nullable[time.Time] `json:"ends_at,omitzero"`
	MaxRedemptions *int                `json:"max_redemptions,omitempty"`
	MaxPerBuyer    *int                `json:"max_per_buyer,omitempty"`
	ProductIDs     ListEdit[string]    `json:"product_ids,omitzero"`
	WidgetIDs      ListEdit[string]    `json:"widget_ids,omitzero"`
	// PlacementID "" takes the code off its placement.
	PlacementID *string `json:"placement_id,omitempty"`
}

// NewDiscountCode returns merchantID's new code the edit describes,
// created at now, validated.
func (e *DiscountCodeEdit) NewDiscountCode(merchantID string, now time.Time) (*DiscountCode, error) {
	c := &DiscountCode{MerchantID: merchantID, CreatedAt: now}
	e.apply(c)
	return c, c.Validate()
}

// Apply returns c after the edit, validated. Errors: EINVALID.
func (e *DiscountCodeEdit) Apply(c *DiscountCode) (*DiscountCode, error) {
	next := *c
	e.apply(&next)
	return &next, next.Validate()
}

func (e *DiscountCodeEdit) apply(c *DiscountCode) {
	set(&c.Code, e.Code)
	if e.PercentBPS != nil && *e.PercentBPS != 0 {
		c.PercentBPS, c.AmountOff = *e.PercentBPS, nil
	}
	if len(e.AmountOff) > 0 {
		c.PercentBPS, c.AmountOff = 0, e.AmountOff
	}
	if e.MinSubtotal != nil {
		c.MinSubtotal = e.MinSubtotal
	}
	e.StartsAt.apply(&c.StartsAt)
	e.EndsAt.apply(&c.EndsAt)
	set(&c.MaxRedemptions, e.MaxRedemptions)
	set(&c.MaxPerBuyer, e.MaxPerBuyer)
	e.ProductIDs.apply(&c.ProductIDs)
	e.WidgetIDs.apply(&c.WidgetIDs)
	set(&c.PlacementID, e.PlacementID)
}

// DiscountRedemption asks to use a code on an order.
type DiscountRedemption struct {
	OrderID    string
	MerchantID string
	// Code is as the shopper typed it.
	Code string
	// Buyer is the buyer's email, which a code with a per-buyer limit
	// needs.
	Buyer     string
	Subtotal  Money
	ProductID string
	WidgetID  string
	Now       time.Time
}

// Redeemed is a use of a code: the code after it, and what it took off.
type Redeemed struct {
	Code     *DiscountCode `json:"code"`
	Discount int64         `json:"discount"`
}

// PlacementCode is a code of one of a publisher's placements as the
// publisher sees it: what it takes off, how often it was used and what
// it earned the publisher, never who used it.
type PlacementCode struct {
	Code          string           `json:"code"`
	PlacementID   string           `json:"placement_id"`
	PlacementName string           `json:"placement_name"`
	MerchantName  string           `json:"merchant_name"`
	PercentBPS    int              `json:"percent_bps,omitempty"`
	AmountOff     map[string]int64 `json:"amount_off,omitempty"`
	EndsAt        *time.Time       `json:"ends_at,omitempty"`
	Redeemed      int              `json:"redeemed"`
	Active        bool             `json:"active"`
	// Earned is the publisher's share of the paid orders that used the
	// code, per currency in minor units, net of what refunds and lost
	// disputes took back.
	Earned map[string]int64 `json:"earned,omitempty"`
}

// PlacementCodeOf is c as the publisher of its placement sees it.
func PlacementCodeOf(c *DiscountCode, placementName, merchantName string, now time.Time) *PlacementCode {
	return &PlacementCode{Code: c.Code, PlacementID: c.PlacementID, PlacementName: placementName, MerchantName: merchantName,
		PercentBPS: c.PercentBPS, AmountOff: c.AmountOff, EndsAt: c.EndsAt, Redeemed: c.Redeemed, Active: c.Active(now)}
}

// MerchantPlacement is a placement that carries one of a merchant's
// widgets, which the merchant may give a code.
type MerchantPlacement struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	WidgetID      string `json:"widget_id"`
	PublisherName string `json:"publisher_name"`
}

// ErrUnknownDiscountCode answers a code that is not the merchant's, the
// same whether or not another merchant has it.
var ErrUnknownDiscountCode = Errorf(ENOTFOUND, "This discount code is not valid.")

// RefusedCode wraps the refusal of a code the shopper cannot use here
// (DiscountCode.Apply's errors), for the checkout to count as a guess.
type RefusedCode struct{ Err error }

func (e *RefusedCode) Error() string { return e.Err.Error() }

// Unwrap returns the refusal.
func (e *RefusedCode) Unwrap() error { return e.Err }

// IsRefusedCode reports whether err refuses the code a shopper typed:
// one the merchant does not have, or one that cannot be used here.
func IsRefusedCode(err error) bool {
	var r *RefusedCode
	return errors.Is(err, ErrUnknownDiscountCode) || errors.As(err, &r)
}

// DiscountService stores discount codes and counts their uses.
type DiscountService interface {
	// CreateDiscountCode validates and stores c, setting ID and
	// CreatedAt when empty. Errors: EINVALID, ECONFLICT (the merchant
	// has the code already), ENOTFOUND (a product, widget or placement
	// that is not the merchant's).
	CreateDiscountCode(ctx context.Context, c *DiscountCode) error
	// UpdateDiscountCode stores an edited code (not its count). Errors:
	// as CreateDiscountCode, ENOTFOUND (the code).
	UpdateDiscountCode(ctx context.Context, c *DiscountCode) error
	// ArchiveDiscountCode ends merchantID's code id at now; archiving
	// twice keeps the first time. Errors: ENOTFOUND.
	ArchiveDiscountCode(ctx context.Context, merchantID, id string, now time.Time) (*DiscountCode, error)
	// FindDiscountCode returns the code with id. Errors: ENOTFOUND.
	FindDiscountCode(ctx context.Context, id string) (*DiscountCode, error)
	// LookupDiscountCode returns merchantID's code as a shopper typed
	// it. Errors: ErrUnknownDiscountCode.
	LookupDiscountCode(ctx context.Context, merchantID, code string) (*DiscountCode, error)
	// ListDiscountCodes returns the merchant's codes, newest first.
	ListDiscountCodes(ctx context.Context, merchantID string) ([]*DiscountCode, error)
	// MerchantPlacements returns the placements carrying the merchant's
	// widgets.
	MerchantPlacements(ctx context.Context, merchantID string) ([]*MerchantPlacement, error)
	// PlacementCodes returns the codes of the publisher's placements.
	PlacementCodes(ctx context.Context, publisherID string, now time.Time) ([]*PlacementCode, error)
	// RedeemDiscount uses the code r names on the pending order r.OrderID
	// in one transaction: Apply's checks, the per-buyer limit and the
	// count, atomically, so that concurrent uses never exceed the
	// limits. The use is given back when the order is canceled or
	// expires. Errors: ErrUnknownDiscountCode, Apply's, ECONFLICT (the
	// buyer's uses are up, the order has a code already or is not
	// pending), EINVALID (a per-buyer limit without an email).
	RedeemDiscount(ctx context.Context, r DiscountRedemption) (*Redeemed, error)
}
