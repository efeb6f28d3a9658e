package stripeconnect

import (
	"context"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// shareKey is the idempotency key of share transfer id at Stripe.
func shareKey(id string) string { return "buycard-share-" + id }

// shareMetadata names a share transfer on the Stripe objects that make it,
// so that a later attempt, and the transfer.reversed webhook, find it.
func shareMetadata(t ledger.ShareTransfer) map[string]string {
	return map[string]string{"share_transfer": t.ID, "order_id": t.OrderID, "publisher_id": t.PublisherID}
}

// MoveShare makes share transfer t at Stripe, or finds it made by an
// earlier attempt, and returns the Stripe object's id and when Stripe
// created it (the journal's effective time):
//
//   - a transfer of t.Amount to t.Account, funded by the charge of
//     payment (the order's payment intent or charge: source_transaction),
//     in transfer group t.ID;
//   - a reversal of t.Amount of transfer t.TransferID.
//
// It is safe to call again for the same t at any time, from any node: it
// looks for what an earlier attempt made first (Stripe keeps idempotency
// keys for 24 hours only), then creates under a key derived from t.ID.
//
// Errors: EINVALID (bad t, or Stripe refused: nothing was made, and the
// caller records the failure), EPAYMENT (Stripe failed; with
// ErrOutcomeUnknown when the object may exist: try again later).
func (p *Provider) MoveShare(ctx context.Context, t ledger.ShareTransfer, payment string) (id string, created time.Time, err error) {
	if t.ID == "" || t.Amount.Amount <= 0 || !buycard.ValidCurrency(t.Amount.Currency) {
		return "", time.Time{}, buycard.Errorf(buycard.EINVALID, "A share transfer needs an id, a positive amount and a supported currency.")
	}
	if t.Kind == ledger.TransferBack {
		return p.reverseShare(ctx, t)
	}
	return p.transferShare(ctx, t, payment)
}

func (p *Provider) transferShare(ctx context.Context, t ledger.ShareTransfer, payment string) (string, time.Time, error) {
	if t.Account == "" {
		return "", time.Time{}, buycard.Errorf(buycard.EINVALID, "A share transfer needs the publisher's account.")
	}
	if tr, err := p.findTransfer(ctx, t.ID); err != nil || tr != nil {
		return objectTime(tr, err)
	}
	charge, err := p.paymentCharge(ctx, payment)
	if err != nil {
		return "", time.Time{}, err
	}
	params := &stripe.TransferParams{
		Destination:       stripe.String(t.Account),
		Amount:            stripe.Int64(t.Amount.Amount),
		Currency:          stripe.String(strings.ToLower(t.Amount.Currency)),
		SourceTransaction: stripe.String(charge),
		TransferGroup:     stripe.String(t.ID),
		Metadata:          shareMetadata(t),
	}
	params.SetIdempotencyKey(shareKey(t.ID))
	var tr *stripe.Transfer
	err = p.call(ctx, "create transfer", func(ctx context.Context) (err error) {
		params.Context = ctx
		tr, err = p.api.transfers.New(params)
		return err
	})
	return objectTime(tr, err)
}

// objectTime returns a found or created transfer's id and creation time.
func objectTime(tr *stripe.Transfer, err error) (string, time.Time, error) {
	if err != nil {
		return "", time.Time{}, err
	}
	return tr.ID, time.Unix(tr.Created, 0).UTC(), nil
}

// findTransfer returns the transfer of group, if one was made.
func (p *Provider) findTransfer(ctx context.Context, group string) (*stripe.Transfer, error) {
	var list []*stripe.Transfer
	err := p.call(ctx, "list transfers", func(ctx context.Context) (err error) {
		params := &stripe.TransferListParams{TransferGroup: stripe.String(group)}
		params.Context = ctx
		params.Limit = stripe.Int64(10)
		list, err = p.api.listTransfers(params)
		return err
	})
	for _, tr := range list {
		if tr.TransferGroup == group {
			return tr, err
		}
	}
	return nil, err
}

// paymentCharge returns the charge of a payment: a charge id as it is, a
// payment intent's latest charge.
func (p *Provider) paymentCharge(ctx context.Context, payment string) (string, error) {
	switch {
	case strings.HasPrefix(payment, "ch_") || strings.HasPrefix(payment, "py_"):
		return payment, nil
	case !strings.HasPrefix(payment, "pi_"):
		return "", buycard.Errorf(buycard.EINVALID, "The order has no Stripe payment to fund a transfer.")
	}
	var pi *stripe.PaymentIntent
	err := p.call(ctx, "retrieve payment intent", func(ctx context.Context) (err error) {
		params := &stripe.PaymentIntentParams{}
		params.Context = ctx
		pi, err = p.api.paymentIntents.Get(payment, params)
		return err
	})
	if err != nil {
		return "", err
	}
	if pi.LatestCharge == nil || pi.LatestCharge.ID == "" {
		return "", buycard.Errorf(buycard.EINVALID, "Payment %s has no charge to fund a transfer.", payment)
	}
	return pi.LatestCharge.ID, nil
}

func (p *Provider) reverseShare(ctx context.Context, t ledger.ShareTransfer) (string, time.Time, error) {
	if t.TransferID == "" {
		return "", time.Time{}, buycard.Errorf(buycard.EINVALID, "A share reversal names the transfer it reverses.")
	}
	if r, err := p.findReversal(ctx, t); err != nil || r != nil {
		return reversalTime(r, err)
	}
	params := &stripe.TransferReversalParams{
		ID:       stripe.String(t.TransferID),
		Amount:   stripe.Int64(t.Amount.Amount),
		Metadata: shareMetadata(t),
	}
	params.SetIdempotencyKey(shareKey(t.ID))
	var r *stripe.TransferReversal
	err := p.call(ctx, "create transfer reversal", func(ctx context.Context) (err error) {
		params.Context = ctx
		r, err = p.api.transferReversals.New(params)
		return err
	})
	return reversalTime(r, err)
}

func reversalTime(r *stripe.TransferReversal, err error) (string, time.Time, error) {
	if err != nil {
		return "", time.Time{}, err
	}
	return r.ID, time.Unix(r.Created, 0).UTC(), nil
}

// findReversal returns the reversal an earlier attempt at t made, from
// the reversals the transfer carries (its first ten: a share transfer is
// reversed a few times at most).
func (p *Provider) findReversal(ctx context.Context, t ledger.ShareTransfer) (*stripe.TransferReversal, error) {
	var tr *stripe.Transfer
	err := p.call(ctx, "retrieve transfer", func(ctx context.Context) (err error) {
		params := &stripe.TransferParams{}
		params.Context = ctx
		tr, err = p.api.transfers.Get(t.TransferID, params)
		return err
	})
	if err != nil || tr.Reversals == nil {
		return nil, err
	}
	for _, r := range tr.Reversals.Data {
		if r.Metadata["share_transfer"] == t.ID {
			return r, nil
		}
	}
	return nil, nil
}
