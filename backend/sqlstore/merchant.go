package sqlstore

import (
	"context"

	"github.com/buycard/buycard"
)

// CreateMerchant stores m, setting ID and CreatedAt when empty.
func (db *Store) CreateMerchant(ctx context.Context, m *buycard.Merchant) (err error) {
	defer db.wrap(&err, "create merchant")
	if err := m.Validate(); err != nil {
		return err
	}
	m.ID, m.CreatedAt = newID(m.ID, "mer"), db.createdAt(m.CreatedAt)
	return db.conn.Write(ctx, func(tx Tx) error {
		return db.insert(ctx, tx, "Merchant", m.ID, `
			INSERT INTO merchants (id, name, charges_enabled, created_at) VALUES ($1, $2, $3, $4)`,
			m.ID, m.Name, m.ChargesEnabled, m.CreatedAt)
	})
}

// merchantColumns are read with merchantFields; m is the merchants alias.
const merchantColumns = `m.id, m.name, m.charges_enabled, m.created_at`

func merchantFields(m *buycard.Merchant) []any {
	return []any{&m.ID, &m.Name, &m.ChargesEnabled, &m.CreatedAt}
}
