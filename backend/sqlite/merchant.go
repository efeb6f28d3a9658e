package sqlite

import (
	"context"
	"database/sql"

	"github.com/buycard/buycard"
)

// CreateMerchant stores m, setting ID and CreatedAt when empty.
func (db *DB) CreateMerchant(ctx context.Context, m *buycard.Merchant) (err error) {
	defer wrap(&err, "create merchant")
	if err := m.Validate(); err != nil {
		return err
	}
	m.ID, m.CreatedAt = newID(m.ID, "mer"), createdAt(m.CreatedAt)
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		return insert(ctx, tx, "Merchant", m.ID, `
			INSERT INTO merchants (id, name, charges_enabled, created_at) VALUES (?, ?, ?, ?)`,
			m.ID, m.Name, m.ChargesEnabled, formatTime(m.CreatedAt))
	})
}

// merchantColumns are read with scanMerchant; m is the merchants alias.
const merchantColumns = `m.id, m.name, m.charges_enabled, m.created_at`

func merchantFields(m *buycard.Merchant) []any {
	return []any{&m.ID, &m.Name, &m.ChargesEnabled, timeColumn{&m.CreatedAt}}
}
