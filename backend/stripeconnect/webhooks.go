package stripeconnect

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// RefundLister lists a charge's refunds; *Provider is one.
type RefundLister interface {
	// ChargeRefunds lists every refund of a charge. Errors: EINVALID,
	// EPAYMENT.
	ChargeRefunds(ctx context.Context, chargeID string) ([]*stripe.Refund, error)
}

var _ RefundLister = (*Provider)(nil)

// Webhooks applies Stripe's webhook deliveries to Buycard's orders (and,
// through them, the ledger) and to merchants' and publishers' payment
// accounts. The HTTP layer hands it the raw body and the Stripe-Signature
// header; all Stripe knowledge stays in this package.
type Webhooks struct {
	Secrets  []string // signing secrets (whsec_…); several while one is rolled
	Livemode bool     // the mode of our key: events of the other mode are ignored
	Refunds  RefundLister
	Orders   buycard.OrderService
	Accounts buycard.AccountService
	Ledger   ledger.Store // for the reversals of share transfers
	Logger   *slog.Logger
	Now      func() time.Time
}

// Handle verifies one delivery and applies its event. The signature is
// checked on the body exactly as received, within DefaultTolerance of now
// either way, before anything is read from it. Stripe retries any non-2xx
// answer for three days, so the error's code says whether a retry can
// help:
//
//   - nil: applied, already applied (ApplyPaymentEvent de-duplicates by
//     event id in the transaction of the effect), or never applicable:
//     another mode, an event type or a session or account that is not
//     Buycard's, or a refusal a retry cannot change (an amount that does
//     not match the order). Refusals are logged at warn or error with the
//     event id, for an operator to look at.
//   - EUNAUTHORIZED: no valid signature. EINVALID: a signed body that is
//     not an event, an event of another API version than stripe-go's
//     (2023-10-16: the endpoint must be set to it), or an event of a used
//     type that cannot be read (a retry lets a fixed deploy apply it).
//     Nothing was written.
//   - ECONFLICT: a refund about an order of ours whose payment is not
//     recorded yet; Stripe does not order its deliveries, and the retry
//     after the payment event applies it.
//   - any other error: a store failure, or Stripe unreachable while
//     listing refunds; nothing was applied, so the retry is safe.
func (w *Webhooks) Handle(ctx context.Context, payload []byte, signature string) error {
	ev, err := VerifyWebhook(payload, signature, w.Secrets, w.Now(), DefaultTolerance)
	if err != nil {
		// The reason only: neither the header nor the body is logged.
		w.Logger.Warn("stripe webhook rejected", "reason", buycard.ErrorMessage(err))
		return err
	}
	log := w.Logger.With("event", ev.ID, "type", string(ev.Type))
	if ev.Livemode != w.Livemode {
		log.Warn("stripe webhook: event of the other mode ignored", "livemode", ev.Livemode)
		return nil
	}
	if ev.APIVersion != "" && ev.APIVersion != stripe.APIVersion {
		// Objects are rendered in the endpoint's API version, and Translate
		// reads 2023-10-16 shapes: another version could be misread, so
		// nothing is applied. Stripe retries for three days; set the
		// endpoint's version, and `buycard reconcile` repairs sessions.
		log.Error("stripe webhook: endpoint API version differs; event refused",
			"api_version", ev.APIVersion, "want", stripe.APIVersion)
		return buycard.Errorf(buycard.EINVALID, "Webhook events must use Stripe API version %s, not %s: set the endpoint's API version.",
			stripe.APIVersion, ev.APIVersion)
	}
	t, handled, err := Translate(ev)
	switch {
	case err != nil:
		log.Error("stripe webhook: event not understood", "reason", buycard.ErrorMessage(err))
		return err
	case !handled:
		log.Debug("stripe webhook: event type not used")
		return nil
	}
	switch t.Kind {
	case KindPayment:
		return w.applyEvents(ctx, log, t, t.Events)
	case KindRefundLookup:
		return w.applyRefunds(ctx, log, t)
	case KindAccount:
		return w.updateAccount(ctx, log, t)
	case KindShareReversal:
		return w.postReversals(ctx, log, t)
	}
	log.Debug("stripe webhook: nothing to change", "kind", string(t.Kind)) // KindAwaitingPayment, KindNoChange
	return nil
}

// applyStripeRefunds lists the refunds a charge.refunded event does not
// carry and applies them.
func (w *Webhooks) applyRefunds(ctx context.Context, log *slog.Logger, t Translation) error {
	refunds, err := w.Refunds.ChargeRefunds(ctx, t.ChargeID)
	if err != nil {
		// %v: whatever Stripe said, this is ours to retry (500), not the
		// caller's payment problem (402).
		return fmt.Errorf("stripe webhook %s: list refunds of %s: %v", t.EventID, t.ChargeID, err)
	}
	return w.applyEvents(ctx, log, t, RefundEvents(t, refunds))
}

// applyEvents applies the events of one Stripe event in order. See Handle
// for what each outcome answers.
func (w *Webhooks) applyEvents(ctx context.Context, log *slog.Logger, t Translation, events []buycard.PaymentEvent) error {
	for _, e := range events {
		_, err := w.Orders.ApplyPaymentEvent(ctx, e)
		code := buycard.ErrorCode(err)
		switch {
		case err == nil:
			continue
		case code == buycard.ENOTFOUND && e.SessionID != "":
			// Another integration's session on the same Stripe account,
			// or another environment's.
			log.Info("stripe webhook: no order has this session; acknowledged", "session", e.SessionID)
			continue
		case (code == buycard.ENOTFOUND || code == buycard.ECONFLICT) && e.SessionID == "":
			retry, ferr := w.awaitsPayment(ctx, t.OrderID)
			if ferr != nil {
				return fmt.Errorf("stripe webhook %s: %w", t.EventID, ferr)
			}
			if retry {
				log.Warn("stripe webhook: order not paid yet; Stripe will retry", "order", t.OrderID, "object", e.ObjectID)
				return buycard.Errorf(buycard.ECONFLICT, "The payment of order %s is not recorded yet. Deliver the event again later.", t.OrderID)
			}
			log.Warn("stripe webhook: payment event refused; acknowledged", "object", e.ObjectID, "payment", e.PaymentID,
				"reason", buycard.ErrorMessage(err))
			continue
		case code == buycard.EINVALID || code == buycard.ECONFLICT:
			log.Error("stripe webhook: payment event refused; acknowledged", "object", e.ObjectID, "session", e.SessionID,
				"payment", e.PaymentID, "reason", buycard.ErrorMessage(err))
			continue
		}
		return fmt.Errorf("stripe webhook %s: %w", t.EventID, err)
	}
	return nil
}

// awaitsPayment reports whether orderID (from the charge's metadata, which
// Buycard sets on every payment) names an order of ours that is not paid:
// its refunds apply once its payment event has. An order that is paid
// already, or none (not a Buycard charge, or a dispute, which names no
// order), will not change its mind.
func (w *Webhooks) awaitsPayment(ctx context.Context, orderID string) (bool, error) {
	if orderID == "" {
		return false, nil
	}
	o, err := w.Orders.FindOrder(ctx, orderID)
	switch {
	case buycard.ErrorCode(err) == buycard.ENOTFOUND:
		return false, nil
	case err != nil:
		return false, err
	}
	return o.Status != buycard.OrderPaid, nil
}

// updateStripeAccount records what account.updated says the account may
// do. The store keeps the latest report by OccurredAt, so an older event
// delivered late changes nothing.
func (w *Webhooks) updateAccount(ctx context.Context, log *slog.Logger, t Translation) error {
	updated, err := w.Accounts.UpdatePaymentAccount(ctx, &buycard.PaymentAccount{
		ID:             t.AccountID,
		ChargesEnabled: t.ChargesEnabled,
		PayoutsEnabled: t.PayoutsEnabled,
		UpdatedAt:      t.OccurredAt,
	})
	switch {
	case buycard.ErrorCode(err) == buycard.ENOTFOUND:
		log.Info("stripe webhook: account not linked; acknowledged", "account", t.AccountID)
		return nil
	case err != nil:
		return fmt.Errorf("stripe webhook %s: %w", t.EventID, err)
	case !updated:
		log.Info("stripe webhook: older account report ignored", "account", t.AccountID)
	}
	return nil
}

// postReversals posts the journals of a share transfer's reversals; those
// posted already (by MoveShare's caller, or an earlier delivery) change
// nothing. A refused journal (the publisher's paid balance would go
// negative) is logged and acknowledged: a retry cannot change it.
func (w *Webhooks) postReversals(ctx context.Context, log *slog.Logger, t Translation) error {
	for _, j := range t.ShareReversals {
		_, err := w.Ledger.Post(ctx, j)
		switch code := buycard.ErrorCode(err); {
		case err == nil:
		case code == buycard.ECONFLICT || code == buycard.EINVALID:
			log.Error("stripe webhook: share reversal refused; acknowledged", "journal", j.Key, "reason", buycard.ErrorMessage(err))
		default:
			return fmt.Errorf("stripe webhook %s: %w", t.EventID, err)
		}
	}
	return nil
}
