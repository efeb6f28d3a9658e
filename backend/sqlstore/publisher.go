package sqlstore

import (
	"context"
	"time"

	"github.com/buycard/buycard"
)

// CreatePublisher stores p, setting ID and CreatedAt when empty.
func (db *Store) CreatePublisher(ctx context.Context, p *buycard.Publisher) (err error) {
	defer db.wrap(&err, "create publisher")
	if err := p.Validate(); err != nil {
		return err
	}
	p.ID, p.CreatedAt = newID(p.ID, "pub"), db.createdAt(p.CreatedAt)
	return db.conn.Write(ctx, func(tx Tx) error {
		return db.insert(ctx, tx, "Publisher", p.ID, `
			INSERT INTO publishers (id, name, created_at) VALUES ($1, $2, $3)`,
			p.ID, p.Name, p.CreatedAt)
	})
}

// CreatePlacement stores p, setting ID and CreatedAt when empty.
func (db *Store) CreatePlacement(ctx context.Context, p *buycard.Placement) (err error) {
	defer db.wrap(&err, "create placement")
	if err := p.Validate(); err != nil {
		return err
	}
	p.ID, p.CreatedAt = newID(p.ID, "plc"), db.createdAt(p.CreatedAt)
	return db.conn.Write(ctx, func(tx Tx) error {
		if err := requireRow(ctx, tx, "publishers", "Publisher", p.PublisherID); err != nil {
			return err
		}
		if err := requireRow(ctx, tx, "widgets", "Widget", p.WidgetID); err != nil {
			return err
		}
		return db.insert(ctx, tx, "Placement", p.ID, `
			INSERT INTO placements (id, publisher_id, widget_id, name, created_at) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, p.PublisherID, p.WidgetID, p.Name, p.CreatedAt)
	})
}

// FindPlacements returns placements by id; unknown ids are absent.
func (db *Store) FindPlacements(ctx context.Context, ids []string) (_ map[string]*buycard.Placement, err error) {
	defer db.wrap(&err, "find placements")
	return snapshot(ctx, db, func(tx Tx) (map[string]*buycard.Placement, error) {
		return db.findPlacements(ctx, tx, ids)
	})
}

func (db *Store) findPlacements(ctx context.Context, tx Tx, ids []string) (map[string]*buycard.Placement, error) {
	rows, err := tx.Query(ctx, `
		SELECT id, publisher_id, widget_id, name, created_at FROM placements
		WHERE id `+db.dialect.In("$1"), ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	placements := make(map[string]*buycard.Placement, len(ids))
	for rows.Next() {
		p := new(buycard.Placement)
		if err := rows.Scan(&p.ID, &p.PublisherID, &p.WidgetID, &p.Name, &p.CreatedAt); err != nil {
			return nil, err
		}
		placements[p.ID] = p
	}
	return placements, rows.Err()
}

// ListPlacements returns the publisher's placements, newest first, with
// the share each earns now.
func (db *Store) ListPlacements(ctx context.Context, publisherID string) (_ []*buycard.PlacementListing, err error) {
	defer db.wrap(&err, "list placements")
	return snapshot(ctx, db, func(tx Tx) ([]*buycard.PlacementListing, error) {
		notices, err := publisherNotices(ctx, tx, publisherID)
		if err != nil {
			return nil, err
		}
		rows, err := tx.Query(ctx, `
			SELECT pl.id, pl.publisher_id, pl.widget_id, pl.name, pl.created_at, p.title, w.publisher_share_bps, c.share_bps
			FROM placements pl JOIN widgets w ON w.id = pl.widget_id JOIN products p ON p.id = w.product_id
			LEFT JOIN publisher_contracts c ON c.merchant_id = w.merchant_id AND c.publisher_id = pl.publisher_id
			WHERE pl.publisher_id = $1 ORDER BY pl.created_at DESC, pl.id DESC`, publisherID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		now := time.Now()
		list := []*buycard.PlacementListing{}
		for rows.Next() {
			var (
				p        = new(buycard.PlacementListing)
				widget   int
				contract *int
			)
			if err := rows.Scan(&p.ID, &p.PublisherID, &p.WidgetID, &p.Name, &p.CreatedAt, &p.WidgetName, &widget, &contract); err != nil {
				return nil, err
			}
			base, source := widget, buycard.ShareFromWidget
			if contract != nil {
				base, source = *contract, buycard.ShareFromContract
			}
			p.Share = buycard.NewPlacementShare(base, source, notices[p.ID], now)
			list = append(list, p)
		}
		return list, rows.Err()
	})
}

// publisherNotices returns the share notices of a publisher's placements
// still in force, by placement.
func publisherNotices(ctx context.Context, tx Tx, publisherID string) (map[string][]buycard.ShareNotice, error) {
	rows, err := tx.Query(ctx, `
		SELECT n.placement_id, n.share_bps, n.until FROM share_notices n JOIN placements pl ON pl.id = n.placement_id
		WHERE pl.publisher_id = $1 AND n.until > $2`, publisherID, time.Now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	notices := map[string][]buycard.ShareNotice{}
	for rows.Next() {
		var (
			id string
			n  buycard.ShareNotice
		)
		if err := rows.Scan(&id, &n.ShareBPS, &n.Until); err != nil {
			return nil, err
		}
		notices[id] = append(notices[id], n)
	}
	return notices, rows.Err()
}

// PublisherCatalog returns the widgets open to publishers with the share
// publisherID would get, newest first.
func (db *Store) PublisherCatalog(ctx context.Context, publisherID string) (_ []*buycard.CatalogEntry, err error) {
	defer db.wrap(&err, "publisher catalog")
	return snapshot(ctx, db, func(tx Tx) ([]*buycard.CatalogEntry, error) {
		rows, err := tx.Query(ctx, `
			SELECT w.id, m.id, m.name, p.id, p.title, p.image_url, p.image_width, p.image_height, p.image_alt, p.currency,
				(SELECT min(price) FROM variants WHERE product_id = p.id), (SELECT max(price) FROM variants WHERE product_id = p.id),
				coalesce(c.share_bps, w.publisher_share_bps)
			FROM widgets w JOIN merchants m ON m.id = w.merchant_id JOIN products p ON p.id = w.product_id
			LEFT JOIN publisher_contracts c ON c.merchant_id = w.merchant_id AND c.publisher_id = $1
			WHERE NOT w.closed_to_publishers AND m.charges_enabled AND p.archived_at IS NULL
				AND (coalesce(c.share_bps, w.publisher_share_bps) > 0 OR w.list_without_share)
			ORDER BY w.created_at DESC, w.id DESC`, publisherID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		list := []*buycard.CatalogEntry{}
		for rows.Next() {
			e := new(buycard.CatalogEntry)
			if err := rows.Scan(&e.WidgetID, &e.MerchantID, &e.MerchantName, &e.ProductID, &e.Title,
				&e.Image.URL, &e.Image.Width, &e.Image.Height, &e.Image.Alt, &e.Currency,
				&e.MinPrice, &e.MaxPrice, &e.ShareBPS); err != nil {
				return nil, err
			}
			list = append(list, e)
		}
		return list, rows.Err()
	})
}

// publisherSales selects a publisher's sales, newest first, with what
// its share is after refunds and lost disputes, and whether the ledger
// released it: $1 = publisher id, $2 = limit.
const publisherSales = `
	SELECT o.id, COALESCE(o.placement_id, ''), o.product_title, s.effective_at, o.currency, o.total, o.publisher_share_bps,
		(SELECT CAST(COALESCE(SUM(p.normal), 0) AS BIGINT) FROM ledger_postings p JOIN ledger_journals j ON j.seq = p.journal_seq
		 WHERE j.order_id = o.id AND j.kind IN ('sale', 'refund', 'dispute_lost') AND p.account LIKE 'publisher:%'),
		EXISTS (SELECT 1 FROM ledger_journals r WHERE r.key = 'publisher_release:' || o.id)
	FROM orders o JOIN ledger_journals s ON s.key = 'sale:' || o.id
	WHERE o.publisher_id = $1
	ORDER BY s.seq DESC
	LIMIT $2`

// PublisherSales implements buycard.PublisherService.
func (db *Store) PublisherSales(ctx context.Context, publisherID string, limit int) (_ []*buycard.PublisherSale, err error) {
	defer db.wrap(&err, "publisher sales")
	return queryAll(ctx, db, db.pool, "publisher sales", scanEach(scanPublisherSale), publisherSales, publisherID, limit)
}

func scanPublisherSale(row Row) (*buycard.PublisherSale, error) {
	var (
		s        buycard.PublisherSale
		soldAt   int64
		released bool
	)
	err := row.Scan(&s.OrderID, &s.PlacementID, &s.ProductTitle, &soldAt, &s.Total.Currency, &s.Total.Amount, &s.ShareBPS,
		&s.Share.Amount, &released)
	s.SoldAt, s.Share.Currency, s.Status = time.UnixMicro(soldAt).UTC(), s.Total.Currency, buycard.SharePending
	if released {
		s.Status = buycard.ShareAvailable
	}
	return &s, err
}
