// Package demo is the demo data and the demo publisher page that `make
// run` shows on first start: a merchant with products (one with variants,
// one sold out, prices in USD, JPY and KWD), a merchant that cannot take
// payments yet, their widgets, and a publisher whose social feed embeds
// them exactly as a real publisher would.
package demo

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/buycard/buycard"
)

//go:embed web
var webFS embed.FS

// Files returns the demo's static files keyed by their path under /web/
// ("demo/notebook.svg").
func Files() map[string][]byte {
	out := make(map[string][]byte)
	entries, _ := fs.ReadDir(webFS, "web")
	for _, e := range entries {
		data, err := webFS.ReadFile("web/" + e.Name())
		if err == nil {
			out["demo/"+e.Name()] = data
		}
	}
	return out
}

// Store is what seeding writes to.
type Store interface {
	buycard.CatalogService
	buycard.PublisherService
}

// Seeded reports whether the demo data is already there.
func Seeded(ctx context.Context, s Store) (bool, error) {
	_, err := s.FindCard(ctx, notebook.widget)
	switch {
	case err == nil:
		return true, nil
	case buycard.ErrorCode(err) == buycard.ENOTFOUND:
		return false, nil
	}
	return false, err
}

// Seed writes the demo merchants, products, widgets, publisher and
// placements. It is not idempotent: call Seeded first.
func Seed(ctx context.Context, s Store) error {
	for _, m := range merchants {
		if err := s.CreateMerchant(ctx, &m); err != nil {
			return fmt.Errorf("seed merchant %s: %w", m.ID, err)
		}
	}
	pub := buycard.Publisher{ID: PublisherID, Name: "The Daily Scroll"}
	if err := s.CreatePublisher(ctx, &pub); err != nil {
		return fmt.Errorf("seed publisher: %w", err)
	}
	var errs []error
	for _, it := range items {
		errs = append(errs, seedItem(ctx, s, it))
	}
	return errors.Join(errs...)
}

func seedItem(ctx context.Context, s Store, it item) error {
	p := it.product
	p.ID, p.MerchantID = it.productID, it.merchant
	p.Image.URL = "/web/demo/" + it.image
	p.Image.Width, p.Image.Height = 400, 400
	p.Image.Alt = p.Title
	if err := s.CreateProduct(ctx, &p); err != nil {
		return fmt.Errorf("seed product %s: %w", p.ID, err)
	}
	w := buycard.Widget{ID: it.widget, MerchantID: it.merchant, ProductID: p.ID, CTA: it.cta, PublisherShareBPS: 1000}
	if err := s.CreateWidget(ctx, &w); err != nil {
		return fmt.Errorf("seed widget %s: %w", w.ID, err)
	}
	pl := buycard.Placement{ID: it.placement, PublisherID: PublisherID, WidgetID: w.ID, Name: "Feed: " + p.Title}
	if err := s.CreatePlacement(ctx, &pl); err != nil {
		return fmt.Errorf("seed placement %s: %w", pl.ID, err)
	}
	return nil
}
