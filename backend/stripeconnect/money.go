package stripeconnect

import (
	"context"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/buycard/buycard"
)

// moneyPage is how many objects a page of the money lists holds:
// Stripe's most.
const moneyPage = 100

// MoneyBetween lists, for reconciliation, the money objects Stripe
// created in [from, to) on the platform's account, every page of each
// list:
//
//   - from GET /v1/balance_transactions (the sources expanded): charges,
//     the transfers of publisher shares, which MoveShare marks (metadata
//     share_transfer), and every transfer reversal (type
//     transfer_refund) with its transfer, for the caller to tell a share
//     transfer's (a reversal made in the Dashboard has no metadata) from
//     one of a destination charge's transfer to the merchant. Those
//     transfers are Stripe's side of the charge, which the ledger does
//     not journal apart, and the rest (Stripe's fees, payouts to the
//     platform's bank, disputes) the ledger does not record either;
//   - from GET /v1/application_fees (the charges expanded): each fee with
//     its charge's payment intent;
//   - from GET /v1/refunds: refunds that took money back (pending or
//     succeeded), with their payment intents.
//
// Amounts are what the objects moved in the currency the shopper paid
// (the charge's), not the balance's settlement currency: the ledger has
// no exchange rates. Errors: EPAYMENT (with ErrOutcomeUnknown when Stripe
// did not answer).
func (p *Provider) MoneyBetween(ctx context.Context, from, to time.Time) ([]buycard.ProviderMoney, error) {
	created := &stripe.RangeQueryParams{GreaterThanOrEqual: from.Unix(), LesserThan: to.Unix()}
	var money []buycard.ProviderMoney
	for _, list := range []func(context.Context, *stripe.RangeQueryParams) ([]buycard.ProviderMoney, error){
		p.balanceMoney, p.feeMoney, p.refundMoney,
	} {
		m, err := list(ctx, created)
		if err != nil {
			return nil, err
		}
		money = append(money, m...)
	}
	return money, nil
}

// balanceMoney lists the charges and share movements of the balance.
func (p *Provider) balanceMoney(ctx context.Context, created *stripe.RangeQueryParams) ([]buycard.ProviderMoney, error) {
	params := &stripe.BalanceTransactionListParams{CreatedRange: created}
	params.AddExpand("data.source")
	txns, err := listPages(ctx, p, "list balance transactions", params, p.api.listBalance)
	var money []buycard.ProviderMoney
	for _, t := range txns {
		if m, ok := balanceObject(t); ok {
			money = append(money, m)
		}
	}
	return money, err
}

// balanceObject is the money object of a balance transaction that
// reconciliation compares, if it is one.
func balanceObject(t *stripe.BalanceTransaction) (buycard.ProviderMoney, bool) {
	src := t.Source
	switch {
	case src == nil:
	case src.Charge != nil && (t.Type == stripe.BalanceTransactionTypeCharge || t.Type == stripe.BalanceTransactionTypePayment):
		c := src.Charge
		m := moneyObject(buycard.MoneyCharge, c.ID, c.Amount, c.Currency, c.Created)
		m.PaymentID, m.OrderID = chargePayment(c)
		return m, true
	case src.Transfer != nil && src.Transfer.Metadata["share_transfer"] != "":
		tr := src.Transfer
		m := moneyObject(buycard.MoneyTransfer, tr.ID, tr.Amount, tr.Currency, tr.Created)
		m.ShareTransfer = tr.Metadata["share_transfer"]
		return m, true
	case src.TransferReversal != nil && src.TransferReversal.Transfer != nil:
		r := src.TransferReversal
		m := moneyObject(buycard.MoneyTransferReversal, r.ID, r.Amount, r.Currency, r.Created)
		m.ShareTransfer, m.TransferID = r.Metadata["share_transfer"], r.Transfer.ID
		return m, true
	}
	return buycard.ProviderMoney{}, false
}

// feeMoney lists the application fees, with their charges' payments.
func (p *Provider) feeMoney(ctx context.Context, created *stripe.RangeQueryParams) ([]buycard.ProviderMoney, error) {
	params := &stripe.ApplicationFeeListParams{CreatedRange: created}
	params.AddExpand("data.charge")
	fees, err := listPages(ctx, p, "list application fees", params, p.api.listFees)
	money := make([]buycard.ProviderMoney, 0, len(fees))
	for _, f := range fees {
		m := moneyObject(buycard.MoneyApplicationFee, f.ID, f.Amount, f.Currency, f.Created)
		if f.Charge != nil {
			m.PaymentID, m.OrderID = chargePayment(f.Charge)
		}
		money = append(money, m)
	}
	return money, err
}

// refundMoney lists the refunds that took money back.
func (p *Provider) refundMoney(ctx context.Context, created *stripe.RangeQueryParams) ([]buycard.ProviderMoney, error) {
	refunds, err := listPages(ctx, p, "list refunds", &stripe.RefundListParams{CreatedRange: created}, p.api.listRefunds)
	var money []buycard.ProviderMoney
	for _, r := range refunds {
		if r.Status != stripe.RefundStatusSucceeded && r.Status != stripe.RefundStatusPending {
			continue
		}
		m := moneyObject(buycard.MoneyRefund, r.ID, r.Amount, r.Currency, r.Created)
		if r.PaymentIntent != nil {
			m.PaymentID = r.PaymentIntent.ID
		}
		money = append(money, m)
	}
	return money, err
}

// listPages reads every page of a list (pages of moneyPage) as op, in
// one call: a retry reads the list again from its start.
func listPages[T any, P interface{ GetListParams() *stripe.ListParams }](ctx context.Context, p *Provider, op string, params P, list func(P) ([]T, error)) ([]T, error) {
	var out []T
	err := p.call(ctx, op, func(ctx context.Context) (err error) {
		lp := params.GetListParams()
		lp.Context, lp.Limit = ctx, stripe.Int64(moneyPage)
		out, err = list(params)
		return err
	})
	return out, err
}

// chargePayment is the payment intent of a charge, and the order its
// metadata names.
func chargePayment(c *stripe.Charge) (paymentID, orderID string) {
	if c.PaymentIntent != nil {
		paymentID = c.PaymentIntent.ID
	}
	return paymentID, c.Metadata["order_id"]
}

func moneyObject(kind buycard.MoneyKind, id string, amount int64, currency stripe.Currency, created int64) buycard.ProviderMoney {
	return buycard.ProviderMoney{Kind: kind, ID: id, Amount: money(amount, currency), Created: time.Unix(created, 0).UTC()}
}
