package sqlite

import (
	"context"
	"database/sql"

	"github.com/buycard/buycard"
)

// CreatePublisher stores p, setting ID and CreatedAt when empty.
func (db *DB) CreatePublisher(ctx context.Context, p *buycard.Publisher) (err error) {
	defer wrap(&err, "create publisher")
	if err := p.Validate(); err != nil {
		return err
	}
	p.ID, p.CreatedAt = newID(p.ID, "pub"), createdAt(p.CreatedAt)
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		return insert(ctx, tx, "Publisher", p.ID, `
			INSERT INTO publishers (id, name, created_at) VALUES (?, ?, ?)`,
			p.ID, p.Name, formatTime(p.CreatedAt))
	})
}

// CreatePlacement stores p, setting ID and CreatedAt when empty.
func (db *DB) CreatePlacement(ctx context.Context, p *buycard.Placement) (err error) {
	defer wrap(&err, "create placement")
	if err := p.Validate(); err != nil {
		return err
	}
	p.ID, p.CreatedAt = newID(p.ID, "plc"), createdAt(p.CreatedAt)
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		if err := requireRow(ctx, tx, "publishers", "Publisher", p.PublisherID); err != nil {
			return err
		}
		if err := requireRow(ctx, tx, "widgets", "Widget", p.WidgetID); err != nil {
			return err
		}
		return insert(ctx, tx, "Placement", p.ID, `
			INSERT INTO placements (id, publisher_id, widget_id, name, created_at) VALUES (?, ?, ?, ?, ?)`,
			p.ID, p.PublisherID, p.WidgetID, p.Name, formatTime(p.CreatedAt))
	})
}

// FindPlacements returns placements by id; unknown ids are absent.
func (db *DB) FindPlacements(ctx context.Context, ids []string) (_ map[string]*buycard.Placement, err error) {
	defer wrap(&err, "find placements")
	return readTx(ctx, db, func(tx *sql.Tx) (map[string]*buycard.Placement, error) {
		return findPlacements(ctx, tx, ids)
	})
}

func findPlacements(ctx context.Context, tx *sql.Tx, ids []string) (map[string]*buycard.Placement, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT id, publisher_id, widget_id, name, created_at FROM placements
		WHERE id IN (SELECT value FROM json_each(?))`, jsonList(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	placements := make(map[string]*buycard.Placement, len(ids))
	for rows.Next() {
		p := new(buycard.Placement)
		if err := rows.Scan(&p.ID, &p.PublisherID, &p.WidgetID, &p.Name, timeColumn{&p.CreatedAt}); err != nil {
			return nil, err
		}
		placements[p.ID] = p
	}
	return placements, rows.Err()
}
