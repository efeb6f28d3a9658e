package sqlstore

import (
	"context"
	"slices"
	"strings"

	"github.com/buycard/buycard"
)

// ShippingZones returns the merchant's zones with their rates, oldest
// first.
func (db *Store) ShippingZones(ctx context.Context, merchantID string) (_ buycard.ShippingZones, err error) {
	defer db.wrap(&err, "shipping zones")
	return snapshot(ctx, db, func(tx Tx) (buycard.ShippingZones, error) {
		return db.shippingZones(ctx, tx, `z.merchant_id = $1`, merchantID)
	})
}

// shippingZones returns the zones where (a condition on the alias z, with
// $1 = arg) holds, with their rates.
func (db *Store) shippingZones(ctx context.Context, tx Tx, where, arg string) (buycard.ShippingZones, error) {
	zones, err := queryAll(ctx, db, tx, "read zones", func(rows Rows) (buycard.ShippingZones, error) {
		var zones buycard.ShippingZones
		for rows.Next() {
			z, countries := new(buycard.ShippingZone), ""
			if err := rows.Scan(&z.ID, &z.MerchantID, &z.Name, &countries, &z.CreatedAt); err != nil {
				return nil, err
			}
			z.Countries = strings.Split(countries, ",")
			zones = append(zones, z)
		}
		return zones, rows.Err()
	}, `SELECT z.id, z.merchant_id, z.name, z.countries, z.created_at FROM shipping_zones z
		WHERE `+where+` ORDER BY z.created_at, z.id`, arg)
	if err != nil || len(zones) == 0 {
		return zones, err
	}
	byID := make(map[string]*buycard.ShippingZone, len(zones))
	for _, z := range zones {
		byID[z.ID] = z
	}
	_, err = queryAll(ctx, db, tx, "read rates", func(rows Rows) (struct{}, error) {
		for rows.Next() {
			var (
				zoneID string
				r      buycard.ShippingRate
			)
			if err := rows.Scan(&zoneID, &r.ID, &r.Name, &r.Currency, &r.Kind, &r.Amount, &r.FreeOver); err != nil {
				return struct{}{}, err
			}
			byID[zoneID].Rates = append(byID[zoneID].Rates, r)
		}
		return struct{}{}, rows.Err()
	}, `SELECT r.zone_id, r.id, r.name, r.currency, r.kind, r.amount, r.free_over
		FROM shipping_rates r JOIN shipping_zones z ON z.id = r.zone_id
		WHERE `+where+` ORDER BY r.zone_id, r.position`, arg)
	return zones, err
}

// CreateShippingZone stores z and its rates.
func (db *Store) CreateShippingZone(ctx context.Context, z *buycard.ShippingZone) (err error) {
	defer db.wrap(&err, "create shipping zone")
	if err := z.Normalize(); err != nil {
		return err
	}
	z.ID, z.CreatedAt = newID(z.ID, "shz"), db.createdAt(z.CreatedAt)
	z.Rates = withRateIDs(z.Rates)
	return db.conn.Write(ctx, func(tx Tx) error {
		if err := requireRow(ctx, tx, "merchants", "Merchant", z.MerchantID); err != nil {
			return err
		}
		if err := requireBelow(ctx, tx, "shipping_zones", z.MerchantID, buycard.MaxShippingZones, "shipping zones"); err != nil {
			return err
		}
		err := db.insert(ctx, tx, "Shipping zone", z.ID, `
			INSERT INTO shipping_zones (id, merchant_id, name, countries, created_at) VALUES ($1, $2, $3, $4, $5)`,
			z.ID, z.MerchantID, z.Name, strings.Join(z.Countries, ","), z.CreatedAt)
		if err != nil {
			return err
		}
		return insertRates(ctx, tx, z)
	})
}

// UpdateShippingZone replaces the stored zone's name, countries and rates.
func (db *Store) UpdateShippingZone(ctx context.Context, z *buycard.ShippingZone) (err error) {
	defer db.wrap(&err, "update shipping zone")
	if err := z.Normalize(); err != nil {
		return err
	}
	z.Rates = withRateIDs(z.Rates)
	return db.conn.Write(ctx, func(tx Tx) error {
		err := updateOne(ctx, tx, zoneNotFound(z.ID), `UPDATE shipping_zones SET name = $1, countries = $2 WHERE id = $3 AND merchant_id = $4`,
			z.Name, strings.Join(z.Countries, ","), z.ID, z.MerchantID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM shipping_rates WHERE zone_id = $1`, z.ID); err != nil {
			return err
		}
		if err := insertRates(ctx, tx, z); err != nil {
			return err
		}
		stored, err := db.shippingZones(ctx, tx, `z.id = $1`, z.ID)
		if err == nil {
			*z = *stored[0]
		}
		return err
	})
}

// DeleteShippingZone deletes the merchant's zone and its rates.
func (db *Store) DeleteShippingZone(ctx context.Context, merchantID, id string) (err error) {
	defer db.wrap(&err, "delete shipping zone")
	return db.conn.Write(ctx, func(tx Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM shipping_rates WHERE zone_id IN
			(SELECT id FROM shipping_zones WHERE id = $1 AND merchant_id = $2)`, id, merchantID); err != nil {
			return err
		}
		return updateOne(ctx, tx, zoneNotFound(id), `DELETE FROM shipping_zones WHERE id = $1 AND merchant_id = $2`, id, merchantID)
	})
}

func zoneNotFound(id string) error {
	return buycard.Errorf(buycard.ENOTFOUND, "Shipping zone %q not found.", id)
}

// withRateIDs returns rates, each with a fresh id: a zone's rates are
// replaced as a whole, so an id names one version of a rate.
func withRateIDs(rates []buycard.ShippingRate) []buycard.ShippingRate {
	out := make([]buycard.ShippingRate, len(rates))
	for i, r := range rates {
		r.ID = newID("", "shr")
		out[i] = r
	}
	return out
}

// insertRates stores z's rates in their order.
func insertRates(ctx context.Context, tx Tx, z *buycard.ShippingZone) error {
	args := make([][]any, len(z.Rates))
	for i, r := range z.Rates {
		args[i] = []any{r.ID, z.ID, i, r.Name, r.Currency, r.Kind, r.Amount, r.FreeOver}
	}
	return tx.ExecEach(ctx, `INSERT INTO shipping_rates (id, zone_id, position, name, currency, kind, amount, free_over)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, args)
}

// requireBelow returns ECONFLICT when the merchant has limit rows in
// table (a constant of this package) already.
func requireBelow(ctx context.Context, tx Tx, table, merchantID string, limit int, what string) error {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE merchant_id = $1`, merchantID).Scan(&n); err != nil {
		return err
	}
	if n >= limit {
		return buycard.Errorf(buycard.ECONFLICT, "You have %d %s, the most a merchant can have: delete one first.", n, what)
	}
	return nil
}

// setShipsNowhere marks the physical products of cards whose merchant has
// no shipping zone with a rate in the product's currency
// (buycard.Product.ShipsNowhere), in one query for all their merchants.
func (db *Store) setShipsNowhere(ctx context.Context, tx Tx, cards map[string]*buycard.Card) error {
	var merchantIDs []string
	for _, c := range cards {
		if c.Product.Kind == buycard.ProductPhysical && !slices.Contains(merchantIDs, c.Product.MerchantID) {
			merchantIDs = append(merchantIDs, c.Product.MerchantID)
		}
	}
	if len(merchantIDs) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT DISTINCT z.merchant_id, r.currency FROM shipping_zones z
		JOIN shipping_rates r ON r.zone_id = z.id WHERE z.merchant_id `+db.dialect.In("$1"), merchantIDs)
	if err != nil {
		return err
	}
	defer rows.Close()
	ships := map[[2]string]bool{} // merchant id, currency
	for rows.Next() {
		var key [2]string
		if err := rows.Scan(&key[0], &key[1]); err != nil {
			return err
		}
		ships[key] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range cards {
		c.Product.ShipsNowhere = c.Product.Kind == buycard.ProductPhysical && !ships[[2]string{c.Product.MerchantID, c.Product.Currency}]
	}
	return nil
}
