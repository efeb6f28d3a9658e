// Package sandbox is Buycard's offline payment provider, used in
// development and tests when no Stripe key is set. It opens sessions,
// accepts two test cards, and turns each payment attempt into the same
// buycard.PaymentEvent a Stripe webhook produces, so the whole order flow
// runs without any external service. Production mode refuses it.
package sandbox

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/buycard/buycard"
)

// Name is the provider name stored on orders and events.
const Name = "sandbox"

// Test cards. Any other number is rejected as not a test card.
const (
	CardSucceeds = "4242424242424242"
	CardDeclined = "4000000000000002"
)

// DeclineMessage is shown to the shopper when the declined card is used.
const DeclineMessage = "Your card was declined. Try another card."

// Provider implements buycard.PaymentProvider offline. Client secrets are
// MACed with the provider's key, so a secret names its session and order
// and cannot be forged; the provider itself keeps no state.
type Provider struct {
	key []byte
	now func() time.Time
}

var _ buycard.PaymentProvider = (*Provider)(nil)

// New returns a provider that MACs client secrets with key (≥ 32 bytes).
func New(key []byte, now func() time.Time) *Provider {
	return &Provider{key: key, now: now}
}

// Name returns "sandbox".
func (p *Provider) Name() string { return Name }

// CreatePaymentSession opens a session for a pending order.
func (p *Provider) CreatePaymentSession(_ context.Context, o *buycard.Order) (*buycard.PaymentSession, error) {
	if o.Status != buycard.OrderPending {
		return nil, buycard.Errorf(buycard.EPAYMENT, "This order cannot be paid.")
	}
	id := "sbx_cs_" + random()
	return &buycard.PaymentSession{
		ID:           id,
		ClientSecret: id + "." + o.ID + "." + p.mac(id, o.ID),
		ExpiresAt:    o.ExpiresAt,
	}, nil
}

// VerifySecret checks a client secret and returns the order and session it
// names. Errors: EUNAUTHORIZED.
func (p *Provider) VerifySecret(secret string) (orderID, sessionID string, err error) {
	parts := strings.Split(secret, ".")
	if len(secret) > 512 || len(parts) != 3 || !hmac.Equal([]byte(parts[2]), []byte(p.mac(parts[0], parts[1]))) {
		return "", "", buycard.Errorf(buycard.EUNAUTHORIZED, "The payment session is not valid.")
	}
	return parts[1], parts[0], nil
}

// Charge attempts a payment of o with a test card and returns the event the
// attempt produced: PaymentSucceeded for CardSucceeds, PaymentFailed for
// CardDeclined. Errors: EINVALID for any other number, ECONFLICT when the
// order is not waiting for payment.
func (p *Provider) Charge(o *buycard.Order, cardNumber string) (buycard.PaymentEvent, error) {
	e := buycard.PaymentEvent{
		ID:         "sbx_evt_" + random(),
		Provider:   Name,
		SessionID:  o.ProviderSessionID,
		OccurredAt: p.now(),
	}
	if o.Status != buycard.OrderPending {
		return e, buycard.Errorf(buycard.ECONFLICT, "This order is %s and cannot be paid.", o.Status)
	}
	switch normalizeCard(cardNumber) {
	case CardSucceeds:
		e.Type, e.Amount, e.Fee = buycard.PaymentSucceeded, o.Total, Fee(o.Total)
	case CardDeclined:
		e.Type, e.Message = buycard.PaymentFailed, DeclineMessage
	default:
		return e, buycard.Errorf(buycard.EINVALID, "Use a test card: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined.")
	}
	return e, nil
}

// FeeBPS is the sandbox processor's fee: 2.9% of each payment.
const FeeBPS = 290

// Fee is what the sandbox processor charges on a payment of m: FeeBPS of
// it, rounded half up to the currency's minor-unit step.
func Fee(m buycard.Money) buycard.Money {
	step := buycard.MinorUnitStep(m.Currency)
	units := (m.Amount*FeeBPS/step + 5000) / 10000
	return buycard.Money{Amount: units * step, Currency: m.Currency}
}

// RefundOrder refunds amount (minor units) of a paid order and returns the
// event the processor reports for it; the order service checks the amount
// against what is left when it applies it. The refund's id is derived
// from idempotencyKey, so a retried request reports the same refund and is
// applied once.
func (p *Provider) RefundOrder(_ context.Context, o *buycard.Order, amount int64, idempotencyKey string) (buycard.PaymentEvent, error) {
	sum := sha256.Sum256([]byte(o.ID + "|" + idempotencyKey))
	id := "sbx_re_" + base64.RawURLEncoding.EncodeToString(sum[:12])
	e := p.moneyEvent(o, buycard.PaymentRefunded, id, amount)
	e.ID = "sbx_evt_" + id
	return e, nil
}

// Dispute returns the event of a shopper's dispute of amount about o:
// opened (disputeID "" makes a new one), won or lost.
func (p *Provider) Dispute(o *buycard.Order, typ buycard.PaymentEventType, disputeID string, amount int64) buycard.PaymentEvent {
	if disputeID == "" {
		disputeID = "sbx_dp_" + random()
	}
	return p.moneyEvent(o, typ, disputeID, amount)
}

func (p *Provider) moneyEvent(o *buycard.Order, typ buycard.PaymentEventType, objectID string, amount int64) buycard.PaymentEvent {
	return buycard.PaymentEvent{
		ID:         "sbx_evt_" + random(),
		Provider:   Name,
		Type:       typ,
		SessionID:  o.ProviderSessionID,
		Amount:     buycard.Money{Amount: amount, Currency: o.Total.Currency},
		ObjectID:   objectID,
		OccurredAt: p.now(),
	}
}

// Expire returns the event for a session that ran out before payment.
func (p *Provider) Expire(o *buycard.Order) buycard.PaymentEvent {
	return buycard.PaymentEvent{
		ID:         "sbx_evt_expired_" + o.ProviderSessionID,
		Provider:   Name,
		Type:       buycard.SessionExpired,
		SessionID:  o.ProviderSessionID,
		OccurredAt: p.now(),
	}
}

// normalizeCard drops the spaces and dashes people type in card numbers.
func normalizeCard(s string) string {
	if len(s) > 32 {
		return ""
	}
	return strings.NewReplacer(" ", "", "-", "").Replace(s)
}

func (p *Provider) mac(sessionID, orderID string) string {
	h := hmac.New(sha256.New, p.key)
	h.Write([]byte(sessionID + "|" + orderID))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

func random() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("sandbox: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
