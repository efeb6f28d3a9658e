package sqlstore

import (
	"context"
	"errors"

	"github.com/buycard/buycard"
)

// What prices a checkout (checkout_price.go at the root): QuoteOrder reads
// it in a snapshot, CreateOrder in its write transaction, with the code's
// row locked until the order takes its use.

// QuoteOrder prices n as CreateOrder would, in a read-only transaction:
// it holds no stock and takes no use of the code.
func (db *Store) QuoteOrder(ctx context.Context, n buycard.NewOrder) (_ *buycard.CheckoutQuote, err error) {
	defer db.wrap(&err, "quote order")
	return snapshot(ctx, db, func(tx Tx) (*buycard.CheckoutQuote, error) {
		card, err := db.orderCard(ctx, tx, n)
		if err != nil {
			return nil, err
		}
		if n.Pricing, err = db.pricing(ctx, tx, card, n.DiscountCode, ""); err != nil {
			return nil, err
		}
		return card.Quote(n)
	})
}

// orderCard returns the card of n's claims; a card gone is a stale one.
func (db *Store) orderCard(ctx context.Context, tx Tx, n buycard.NewOrder) (*buycard.Card, error) {
	card, err := db.findCard(ctx, tx, n.Claims.WidgetID)
	if buycard.ErrorCode(err) == buycard.ENOTFOUND {
		return nil, buycard.Errorf(buycard.ENOTFOUND, buycard.StaleCardMessage)
	}
	return card, err
}

// pricing reads what prices a checkout of card with code ("" for none),
// locking the code's row with lock ("" or Dialect.ForUpdate): the zones
// only for a product that ships, the tax rates only for a merchant that
// taxes. Errors: ErrUnknownDiscountCode.
func (db *Store) pricing(ctx context.Context, tx Tx, card *buycard.Card, code, lock string) (p buycard.Pricing, err error) {
	merchantID := card.Merchant.ID
	if p.Settings, err = merchantSettings(ctx, tx, merchantID); err != nil {
		return p, err
	}
	if card.Product.Kind == buycard.ProductPhysical {
		if p.Zones, err = db.shippingZones(ctx, tx, `z.merchant_id = $1`, merchantID); err != nil {
			return p, err
		}
	}
	if p.Settings.TaxMode != buycard.TaxNone {
		if p.TaxRates, err = db.taxRates(ctx, tx, merchantID); err != nil {
			return p, err
		}
	}
	if code == "" {
		return p, nil
	}
	if p.Code, err = db.lookupDiscount(ctx, tx, merchantID, code, lock); err != nil {
		return p, err
	}
	p.CodeOwner, err = codeOwner(ctx, tx, p.Code.PlacementID)
	return p, err
}

// codeOwner returns the placement placementID ("" for none) with its
// publisher and its widget's share.
func codeOwner(ctx context.Context, tx Tx, placementID string) (*buycard.CodeOwner, error) {
	if placementID == "" {
		return nil, nil
	}
	o := &buycard.CodeOwner{PlacementID: placementID}
	err := tx.QueryRow(ctx, `SELECT pl.publisher_id, w.publisher_share_bps FROM placements pl JOIN widgets w ON w.id = pl.widget_id
		WHERE pl.id = $1`, placementID).Scan(&o.PublisherID, &o.WidgetShareBPS)
	if errors.Is(err, ErrNoRows) { // the placement is gone: the card's placement is credited
		return nil, nil
	}
	return o, err
}
