package sqlstore

import (
	"bytes"
	"context"
	"errors"

	"github.com/buycard/buycard"
)

// PinAsset records a build of a pinned asset once per name. Nodes record
// their builds as they start, many at once in a deploy: the insert does
// nothing when the name is there, and the stored row is then compared, so
// that a different content under a known name is refused, never written.
func (db *Store) PinAsset(ctx context.Context, a *buycard.PinnedAsset) (err error) {
	defer db.wrap(&err, "pin asset")
	if err := a.Validate(); err != nil {
		return err
	}
	createdAt := db.createdAt(a.CreatedAt)
	return db.conn.Write(ctx, func(tx Tx) error {
		n, err := tx.Exec(ctx, `
			INSERT INTO pinned_assets (name, content_type, data, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING`,
			a.Name, a.ContentType, a.Data, createdAt)
		if err != nil || n == 1 {
			return err
		}
		stored, err := findPinnedAsset(ctx, tx, a.Name)
		if err != nil {
			return err
		}
		if stored.ContentType != a.ContentType || !bytes.Equal(stored.Data, a.Data) {
			return buycard.Errorf(buycard.ECONFLICT, "%s is pinned with other content; a pinned URL never changes.", a.Name)
		}
		return nil
	})
}

// FindPinnedAsset returns the build recorded under name.
func (db *Store) FindPinnedAsset(ctx context.Context, name string) (_ *buycard.PinnedAsset, err error) {
	defer db.wrap(&err, "find pinned asset")
	return findPinnedAsset(ctx, db.pool, name)
}

func findPinnedAsset(ctx context.Context, tx Tx, name string) (*buycard.PinnedAsset, error) {
	a := new(buycard.PinnedAsset)
	err := tx.QueryRow(ctx, `SELECT name, content_type, data, created_at FROM pinned_assets WHERE name = $1`, name).
		Scan(&a.Name, &a.ContentType, &a.Data, &a.CreatedAt)
	if errors.Is(err, ErrNoRows) {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "No pinned asset %s.", name)
	}
	return a, err
}
