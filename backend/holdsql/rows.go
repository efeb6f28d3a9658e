package holdsql

import (
	"context"
	"errors"

	"github.com/buycard/buycard/backend/ledgersql"
)

// errNoRow is a row that should exist and does not: a variant of an order
// or a card read in the same transaction.
var errNoRow = errors.New("holdsql: no row")

// queryRow scans the one row query returns into dest.
func queryRow(ctx context.Context, tx ledgersql.WriteTx, query string, args []any, dest ...any) error {
	rows, closeRows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer closeRows()
	if !rows.Next() {
		return errors.Join(rows.Err(), errNoRow)
	}
	return rows.Scan(dest...)
}

// queryColumn returns the one column of every row query returns.
func queryColumn[T any](ctx context.Context, tx ledgersql.WriteTx, query string, args ...any) ([]T, error) {
	rows, closeRows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer closeRows()
	var list []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}
