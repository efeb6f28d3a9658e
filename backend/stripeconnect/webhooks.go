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

// ShareLedger is what the webhooks need of the ledger: Buycard's share
// transfers, to know a transfer as its own, and posting their reversals.
type ShareLedger interface {
	Post(ctx context.Context, j ledger.Journal) (ledger.PostResult, error)
	ShareTransfersOf(ctx context.Context, orderID string) ([]ledger.ShareTransfer, error)
}

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
	Ledger   ShareLedger
	Logger   *slog.Logger
	Now      func() time.Time
}

// Handle verifies one delivery and applies its event. The signature is
// checked on the body exactly as received, within DefaultTolerance of now
// either way, before anything is read from it. Then only what the event
// is about is read (SubjectOf), and whether that is Buycard's is decided
// from Buycard's own rows (owner) before the rest of the event is judged
// or Stripe is called. Stripe retries any non-2xx answer for three days,
// and disables endpoints that keep failing, so the error's code says
// whether a retry can help:
//
//   - nil: applied, already applied (ApplyPaymentEvent de-duplicates by
//     event id in the transaction of the effect), or never applicable:
//     another mode, an event type Buycard does not use, an object that is
//     not Buycard's (one line at info), or a refusal a retry cannot
//     change (an amount that does not match the order; logged at error
//     with the event id, for an operator to look at).
//   - EUNAUTHORIZED: no valid signature. EINVALID: a signed body that is
//     not an event, an event of another API version than stripe-go's
//     (2023-10-16: the endpoint must be set to it), or an event about
//     Buycard's object that cannot be read (a retry lets a fixed deploy
//     apply it). Nothing was written.
//   - ECONFLICT: an event about Buycard's object whose own row is not
//     written yet (a refund before its payment); Stripe does not order
//     its deliveries, and the retry applies it.
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
	if ok, err := w.readable(log, ev); !ok {
		return err
	}
	s, used, err := SubjectOf(ev)
	switch {
	case err != nil:
		return notUnderstood(log, err)
	case !used:
		log.Debug("stripe webhook: event type not used")
		return nil
	}
	if err := w.owner(ctx, s); err != nil {
		return notOwned(log, s, err)
	}
	return w.apply(ctx, log, ev)
}

// readable says whether ev is this endpoint's to read: an event of the
// other mode is acknowledged and ignored, and one of another API version
// refused (EINVALID).
func (w *Webhooks) readable(log *slog.Logger, ev stripe.Event) (bool, error) {
	if ev.Livemode != w.Livemode {
		log.Warn("stripe webhook: event of the other mode ignored", "livemode", ev.Livemode)
		return false, nil
	}
	if ev.APIVersion != "" && ev.APIVersion != stripe.APIVersion {
		// Objects are rendered in the endpoint's API version, and Translate
		// reads 2023-10-16 shapes: another version could be misread, so
		// nothing is applied. Stripe retries for three days; set the
		// endpoint's version, and `buycard reconcile` repairs sessions.
		log.Error("stripe webhook: endpoint API version differs; event refused",
			"api_version", ev.APIVersion, "want", stripe.APIVersion)
		return false, buycard.Errorf(buycard.EINVALID, "Webhook events must use Stripe API version %s, not %s: set the endpoint's API version.",
			stripe.APIVersion, ev.APIVersion)
	}
	return true, nil
}

// notUnderstood refuses an event that cannot be read (EINVALID).
func notUnderstood(log *slog.Logger, err error) error {
	log.Error("stripe webhook: event not understood", "reason", buycard.ErrorMessage(err))
	return err
}

// notOwned answers an event owner did not take: not Buycard's
// (ENOTFOUND) is acknowledged with one line; Buycard's but early
// (ECONFLICT) asks Stripe to deliver it again; anything else is a failure
// of ours.
func notOwned(log *slog.Logger, s Subject, err error) error {
	switch buycard.ErrorCode(err) {
	case buycard.ENOTFOUND:
		log.Info("stripe webhook: not Buycard's; acknowledged", "object", s.ID, "account", s.Account, "reason", buycard.ErrorMessage(err))
		return nil
	case buycard.ECONFLICT:
		log.Warn("stripe webhook: not recorded yet; Stripe will retry", "object", s.ID, "reason", buycard.ErrorMessage(err))
		return err
	}
	return fmt.Errorf("stripe webhook: owner of %s: %w", s.ID, err)
}

// apply translates an event about Buycard's object and applies it.
func (w *Webhooks) apply(ctx context.Context, log *slog.Logger, ev stripe.Event) error {
	t, _, err := Translate(ev)
	if err != nil {
		return notUnderstood(log, err)
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

// owner decides from Buycard's own rows whether s is Buycard's. Errors:
// ENOTFOUND when it is not: another integration's object on the same
// Stripe account, another environment's, or a Connect event (one from a
// connected account) about what is not that account's; ECONFLICT when it
// is Buycard's but its own row is not written yet; others from the
// stores.
func (w *Webhooks) owner(ctx context.Context, s Subject) error {
	if s.ID == "" {
		return buycard.Errorf(buycard.ENOTFOUND, "The %s has no id.", s.Object)
	}
	switch s.Object {
	case ObjectSession:
		o, err := w.Orders.FindPaymentOrder(ctx, Name, s.ID, "")
		if err != nil {
			return err
		}
		return w.sameAccount(ctx, s, o)
	case ObjectCharge, ObjectDispute:
		return w.paymentOwner(ctx, s)
	case ObjectTransfer:
		return w.transferOwner(ctx, s)
	}
	return accountOwner(s)
}

// paymentOwner finds the order of a charge's or a dispute's payment
// intent, which the order records when it is paid.
func (w *Webhooks) paymentOwner(ctx context.Context, s Subject) error {
	if s.PaymentIntentID == "" {
		return buycard.Errorf(buycard.ENOTFOUND, "The %s names no payment intent.", s.Object)
	}
	o, err := w.Orders.FindPaymentOrder(ctx, Name, "", s.PaymentIntentID)
	if buycard.ErrorCode(err) == buycard.ENOTFOUND && s.Object == ObjectCharge {
		return w.unpaidOwner(ctx, s, err)
	}
	if err != nil {
		return err
	}
	return w.sameAccount(ctx, s, o)
}

// unpaidOwner answers a charge whose payment intent no order records: a
// refund can arrive before the payment it gives back. The charge's
// metadata names the order (Buycard sets it on every payment); an order
// of ours that still awaits its Stripe payment asks for the retry
// (ECONFLICT), anything else is notFound.
func (w *Webhooks) unpaidOwner(ctx context.Context, s Subject, notFound error) error {
	if s.OrderID == "" {
		return notFound
	}
	o, err := w.Orders.FindOrder(ctx, s.OrderID)
	switch {
	case buycard.ErrorCode(err) == buycard.ENOTFOUND:
		return notFound
	case err != nil:
		return err
	case o.Status == buycard.OrderPaid || o.Provider != Name:
		return notFound // paid by another payment, or not through Stripe
	}
	if err := w.sameAccount(ctx, s, o); err != nil {
		return err
	}
	return buycard.Errorf(buycard.ECONFLICT, "The payment of order %s is not recorded yet. Deliver the event again later.", o.ID)
}

// sameAccount checks that a Connect event about o comes from the account
// of o's merchant. Buycard's own events about its orders come from the
// platform (no account), which makes the destination charges on the
// merchant's behalf.
func (w *Webhooks) sameAccount(ctx context.Context, s Subject, o *buycard.Order) error {
	if s.Account == "" {
		return nil
	}
	a, err := w.Accounts.FindPaymentAccount(ctx, buycard.PartyMerchant, o.MerchantID)
	switch {
	case err == nil && a.ID == s.Account:
		return nil
	case err != nil && buycard.ErrorCode(err) != buycard.ENOTFOUND:
		return err
	}
	return buycard.Errorf(buycard.ENOTFOUND, "The event comes from account %s, which is not the merchant's of order %s.", s.Account, o.ID)
}

// transferOwner finds the share transfer s claims to be (metadata
// share_transfer, which MoveShare sets) among its order's: it is
// Buycard's when that row names this transfer. A row still pending asks
// for the retry: the transfer can be reversed (in the Dashboard) before
// its row is finished.
func (w *Webhooks) transferOwner(ctx context.Context, s Subject) error {
	notOurs := buycard.Errorf(buycard.ENOTFOUND, "Transfer %s is no share transfer of Buycard's.", s.ID)
	if s.OrderID == "" || s.ShareTransferID == "" {
		return notOurs
	}
	transfers, err := w.Ledger.ShareTransfersOf(ctx, s.OrderID)
	if err != nil {
		return err
	}
	for _, t := range transfers {
		switch {
		case t.ID != s.ShareTransferID || t.Kind != ledger.TransferOut:
		case t.ProviderID == s.ID && (s.Account == "" || s.Account == t.Account):
			return nil
		case t.Status == ledger.TransferPending:
			return buycard.Errorf(buycard.ECONFLICT, "Share transfer %s is not recorded yet. Deliver the event again later.", t.ID)
		}
	}
	return notOurs
}

// accountOwner checks that a Connect account.updated is about the
// account it comes from. Whether the account is linked to a party is the
// store's to say (updateAccount).
func accountOwner(s Subject) error {
	if s.Account != "" && s.Account != s.ID {
		return buycard.Errorf(buycard.ENOTFOUND, "Account %s reported on account %s.", s.Account, s.ID)
	}
	return nil
}

// applyRefunds lists the refunds a charge.refunded event does not carry
// and applies them.
func (w *Webhooks) applyRefunds(ctx context.Context, log *slog.Logger, t Translation) error {
	refunds, err := w.Refunds.ChargeRefunds(ctx, t.ChargeID)
	if err != nil {
		// %v: whatever Stripe said, this is ours to retry (500), not the
		// caller's payment problem (402).
		return fmt.Errorf("stripe webhook %s: list refunds of %s: %v", t.EventID, t.ChargeID, err)
	}
	return w.applyEvents(ctx, log, t, RefundEvents(t, refunds))
}

// applyEvents applies the events of one Stripe event in order. An event
// the order refuses (an amount that does not match it, more than is left)
// is logged and acknowledged: a retry cannot change it.
func (w *Webhooks) applyEvents(ctx context.Context, log *slog.Logger, t Translation, events []buycard.PaymentEvent) error {
	for _, e := range events {
		_, err := w.Orders.ApplyPaymentEvent(ctx, e)
		switch code := buycard.ErrorCode(err); {
		case err == nil:
		case code == buycard.EINVALID || code == buycard.ECONFLICT:
			log.Error("stripe webhook: payment event refused; acknowledged", "object", e.ObjectID, "session", e.SessionID,
				"payment", e.PaymentID, "reason", buycard.ErrorMessage(err))
		default:
			return fmt.Errorf("stripe webhook %s: %w", t.EventID, err)
		}
	}
	return nil
}

// updateAccount records what account.updated says the account may
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
