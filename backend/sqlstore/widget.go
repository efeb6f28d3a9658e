package sqlstore

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/buycard/buycard"
)

// CreateWidget stores w, setting ID and CreatedAt when empty. The product
// must belong to the widget's merchant.
func (db *Store) CreateWidget(ctx context.Context, w *buycard.Widget) (err error) {
	defer db.wrap(&err, "create widget")
	if err := w.Validate(); err != nil {
		return err
	}
	w.ID, w.CreatedAt = newID(w.ID, "wgt"), db.createdAt(w.CreatedAt)
	w.CheckoutMode = cmp.Or(w.CheckoutMode, buycard.CheckoutOverlay)
	w.SetDesignDefaults()
	domains := w.AllowedDomains
	if domains == nil {
		domains = []string{} // nil would be NULL
	}
	return db.conn.Write(ctx, func(tx Tx) error {
		if err := requireProductOf(ctx, tx, w.MerchantID, w.ProductID); err != nil {
			return err
		}
		return db.insert(ctx, tx, "Widget", w.ID, `
			INSERT INTO widgets (id, merchant_id, product_id, cta, publisher_share_bps, allowed_domains, checkout_mode,
				theme_color, corner_radius, color_scheme, layout, locale, closed_to_publishers, created_at, list_without_share)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			w.ID, w.MerchantID, w.ProductID, w.CTA, w.PublisherShareBPS, domains, w.CheckoutMode,
			w.ThemeColor, w.CornerRadius, w.ColorScheme, w.Layout, w.Locale, w.ClosedToPublishers, w.CreatedAt, w.ListedWithoutShare)
	})
}

// requireProductOf checks that product exists and belongs to merchant.
func requireProductOf(ctx context.Context, tx Tx, merchantID, productID string) error {
	var owner string
	err := tx.QueryRow(ctx, `SELECT merchant_id FROM products WHERE id = $1`, productID).Scan(&owner)
	switch {
	case errors.Is(err, ErrNoRows):
		return buycard.Errorf(buycard.ENOTFOUND, "Product %q not found.", productID)
	case err != nil:
		return err
	case owner != merchantID:
		return buycard.Errorf(buycard.EINVALID, "Product %q does not belong to merchant %q.", productID, merchantID)
	}
	return nil
}

// FindCards returns the cards of the widgets, keyed by widget id, in two
// queries whatever the number of ids. Unknown ids are absent.
func (db *Store) FindCards(ctx context.Context, widgetIDs []string) (_ map[string]*buycard.Card, err error) {
	defer db.wrap(&err, "find cards")
	return snapshot(ctx, db, func(tx Tx) (map[string]*buycard.Card, error) {
		return db.findCards(ctx, tx, widgetIDs)
	})
}

// FindCard returns the card of one widget.
func (db *Store) FindCard(ctx context.Context, widgetID string) (_ *buycard.Card, err error) {
	defer db.wrap(&err, "find card")
	return snapshot(ctx, db, func(tx Tx) (*buycard.Card, error) {
		return db.findCard(ctx, tx, widgetID)
	})
}

func (db *Store) findCard(ctx context.Context, tx Tx, widgetID string) (*buycard.Card, error) {
	cards, err := db.findCards(ctx, tx, []string{widgetID})
	if err != nil {
		return nil, err
	}
	card, ok := cards[widgetID]
	if !ok {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "Widget %q not found.", widgetID)
	}
	return card, nil
}

// findCards reads widgets, products and merchants in one query and the
// variants of all the products in a second.
func (db *Store) findCards(ctx context.Context, tx Tx, widgetIDs []string) (map[string]*buycard.Card, error) {
	cards := make(map[string]*buycard.Card, len(widgetIDs))
	if len(widgetIDs) == 0 {
		return cards, nil
	}
	if err := db.scanCards(ctx, tx, widgetIDs, cards); err != nil {
		return nil, err
	}
	productIDs := make([]string, 0, len(cards))
	for _, c := range cards {
		productIDs = append(productIDs, c.Product.ID)
	}
	variants, err := db.findVariants(ctx, tx, productIDs)
	if err != nil {
		return nil, err
	}
	for _, c := range cards {
		// Cards of one product get their own copy to change freely.
		c.Product.Variants = slices.Clone(variants[c.Product.ID])
	}
	if err := setLicenseKeysFree(ctx, tx, cards); err != nil {
		return nil, err
	}
	return cards, db.setShipsNowhere(ctx, tx, cards)
}

// cardsQuery selects the cards of the widgets in the list $1, without
// variants, in dialect d.
func cardsQuery(d Dialect) string {
	return `SELECT ` + widgetColumns + `, ` + productColumns + `, ` + merchantColumns + `
	FROM widgets w
	JOIN products p ON p.id = w.product_id
	JOIN merchants m ON m.id = w.merchant_id
	WHERE w.id ` + d.In("$1")
}

// scanCards adds the cards of widgetIDs, without variants, to cards.
func (db *Store) scanCards(ctx context.Context, tx Tx, widgetIDs []string, cards map[string]*buycard.Card) error {
	rows, err := tx.Query(ctx, db.queries.cards, widgetIDs)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		c := new(buycard.Card)
		fields := slices.Concat(widgetFields(&c.Widget), productFields(&c.Product), merchantFields(&c.Merchant))
		if err := rows.Scan(fields...); err != nil {
			return err
		}
		if len(c.Widget.AllowedDomains) == 0 {
			c.Widget.AllowedDomains = nil // as stored: no domains
		}
		cards[c.Widget.ID] = c
	}
	return rows.Err()
}

// widgetColumns are read with widgetFields; w is the widgets alias.
const widgetColumns = `w.id, w.merchant_id, w.product_id, w.cta, w.publisher_share_bps, w.allowed_domains, w.checkout_mode,
	w.theme_color, w.corner_radius, w.color_scheme, w.layout, w.locale, w.closed_to_publishers, w.created_at, w.list_without_share`

func widgetFields(w *buycard.Widget) []any {
	return []any{&w.ID, &w.MerchantID, &w.ProductID, &w.CTA, &w.PublisherShareBPS,
		&w.AllowedDomains, &w.CheckoutMode,
		&w.ThemeColor, &w.CornerRadius, &w.ColorScheme, &w.Layout, &w.Locale, &w.ClosedToPublishers, &w.CreatedAt, &w.ListedWithoutShare}
}
