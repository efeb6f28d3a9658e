package sqlite

import (
	"slices"
	"testing"
)

// TestCachedStatementUnderOpenRows runs one query again while its rows are
// still being read, on the same connection: the second run must not reset
// the first, which the cache ensures by preparing it afresh while busy.
func TestCachedStatementUnderOpenRows(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	ctx := t.Context()
	const count = `WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < $1) SELECT value FROM n`
	tx, err := db.write.BeginTx(ctx, nil)
	must(t, err)
	defer tx.Rollback()
	var outer, inner []int
	for range 2 { // the first run prepares and caches, the second reuses
		outer, inner = nil, nil
		rows, err := tx.QueryContext(ctx, count, 3)
		must(t, err)
		for rows.Next() {
			var n int
			must(t, rows.Scan(&n))
			outer = append(outer, n)
			again, err := tx.QueryContext(ctx, count, 2)
			must(t, err)
			for again.Next() {
				must(t, again.Scan(&n))
				inner = append(inner, n)
			}
			must(t, again.Close())
		}
		must(t, rows.Err())
		must(t, rows.Close())
	}
	if !slices.Equal(outer, []int{1, 2, 3}) || !slices.Equal(inner, []int{1, 2, 1, 2, 1, 2}) {
		t.Errorf("outer %v, inner %v; want [1 2 3] and three runs of [1 2]", outer, inner)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
