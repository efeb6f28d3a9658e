package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

func testCatalogRoundTrip(t *testing.T, s Store) {
	f := Seed(t, s)
	for _, id := range []struct{ got, prefix string }{
		{f.Merchant.ID, "mer_"}, {f.Product.ID, "prd_"}, {f.Product.Variants[0].ID, "var_"},
		{f.Widget.ID, "wgt_"}, {f.Publisher.ID, "pub_"}, {f.Placement.ID, "plc_"},
	} {
		if !strings.HasPrefix(id.got, id.prefix) {
			t.Errorf("id %q, want prefix %q", id.got, id.prefix)
		}
	}
	if f.Merchant.CreatedAt.IsZero() || f.Product.CreatedAt.IsZero() || f.Widget.CreatedAt.IsZero() {
		t.Errorf("CreatedAt not set: %+v", f)
	}
	card, err := s.FindCard(t.Context(), f.Widget.ID)
	must(t, err)
	wantEqual(t, "card", card, f.Card())
}

func testExplicitIDsAndTimes(t *testing.T, s Store) {
	at := time.Date(2025, 6, 1, 9, 30, 15, 123456000, time.FixedZone("CEST", 2*60*60))
	f := Seed(t, s, func(f *Fixture) {
		f.Merchant.ID, f.Merchant.CreatedAt = buycard.NewID("mer"), at
		f.Product.ID, f.Product.Variants[1].ID = buycard.NewID("prd"), buycard.NewID("var")
		f.Widget.ID, f.Widget.AllowedDomains = buycard.NewID("wgt"), nil
	})
	card, err := s.FindCard(t.Context(), f.Widget.ID)
	must(t, err)
	if !card.Merchant.CreatedAt.Equal(at) {
		t.Errorf("merchant CreatedAt = %v, want %v", card.Merchant.CreatedAt, at)
	}
	f.Merchant.CreatedAt = card.Merchant.CreatedAt // the store may return another zone
	wantEqual(t, "card", card, f.Card())
}

func testFindCards(t *testing.T, s Store) {
	ctx := t.Context()
	a, b := Seed(t, s), Seed(t, s)
	sameProduct := buycard.Widget{MerchantID: a.Merchant.ID, ProductID: a.Product.ID, CTA: "Pre-order", CheckoutMode: buycard.CheckoutPopup}
	must(t, s.CreateWidget(ctx, &sameProduct))

	cards, err := s.FindCards(ctx, []string{a.Widget.ID, "wgt_unknown", b.Widget.ID, a.Widget.ID, sameProduct.ID})
	must(t, err)
	wantEqual(t, "cards", cards, map[string]*buycard.Card{
		a.Widget.ID:    a.Card(),
		b.Widget.ID:    b.Card(),
		sameProduct.ID: {Widget: sameProduct, Product: a.Product, Merchant: a.Merchant},
	})

	for _, ids := range [][]string{nil, {}, {"wgt_unknown"}} {
		cards, err := s.FindCards(ctx, ids)
		must(t, err)
		if len(cards) != 0 {
			t.Errorf("FindCards(%q) = %v, want no cards", ids, cards)
		}
	}
	_, err = s.FindCard(ctx, "wgt_unknown")
	wantError(t, err, buycard.ENOTFOUND, `Widget "wgt_unknown" not found.`)
}

func testFindPlacements(t *testing.T, s Store) {
	a, b := Seed(t, s), Seed(t, s)
	got, err := s.FindPlacements(t.Context(), []string{b.Placement.ID, "plc_unknown", a.Placement.ID})
	must(t, err)
	wantEqual(t, "placements", got, map[string]*buycard.Placement{
		a.Placement.ID: &a.Placement,
		b.Placement.ID: &b.Placement,
	})
	got, err = s.FindPlacements(t.Context(), nil)
	must(t, err)
	if len(got) != 0 {
		t.Errorf("FindPlacements(nil) = %v, want none", got)
	}
}

// testCreateRejected checks that bad input is refused with a clear error
// and changes nothing.
func testCreateRejected(t *testing.T, s Store) {
	ctx := t.Context()
	f, other := Seed(t, s), Seed(t, s)
	product := func(edit func(p *buycard.Product)) *buycard.Product {
		p := f.Product
		p.ID, p.Variants = "", []buycard.Variant{{Name: "One", Price: 100, Stock: 1}}
		edit(&p)
		return &p
	}
	widget := func(edit func(w *buycard.Widget)) *buycard.Widget {
		w := buycard.Widget{MerchantID: f.Merchant.ID, ProductID: f.Product.ID, CTA: "Buy"}
		edit(&w)
		return &w
	}
	placement := func(edit func(p *buycard.Placement)) *buycard.Placement {
		p := buycard.Placement{PublisherID: f.Publisher.ID, WidgetID: f.Widget.ID, Name: "Sidebar"}
		edit(&p)
		return &p
	}
	tests := []struct {
		name          string
		create        func() error
		code, message string
	}{
		{"merchant without name", func() error {
			return s.CreateMerchant(ctx, &buycard.Merchant{Name: " "})
		}, buycard.EINVALID, "Merchant name is required."},
		{"merchant id taken", func() error {
			return s.CreateMerchant(ctx, &buycard.Merchant{ID: f.Merchant.ID, Name: "Copy"})
		}, buycard.ECONFLICT, fmt.Sprintf("Merchant id %q is already taken.", f.Merchant.ID)},

		{"product without title", func() error {
			return s.CreateProduct(ctx, product(func(p *buycard.Product) { p.Title = "" }))
		}, buycard.EINVALID, "Product title is required."},
		{"product with a bad variant", func() error {
			return s.CreateProduct(ctx, product(func(p *buycard.Product) {
				p.Variants = append(p.Variants, buycard.Variant{Name: "Free", Price: 0})
			}))
		}, buycard.EINVALID, `Variant "Free" needs a positive price.`},
		{"product without merchant", func() error {
			return s.CreateProduct(ctx, product(func(p *buycard.Product) { p.MerchantID = "" }))
		}, buycard.EINVALID, "Product merchant is required."},
		{"product of unknown merchant", func() error {
			return s.CreateProduct(ctx, product(func(p *buycard.Product) { p.MerchantID = "mer_unknown" }))
		}, buycard.ENOTFOUND, `Merchant "mer_unknown" not found.`},
		{"product id taken", func() error {
			return s.CreateProduct(ctx, product(func(p *buycard.Product) { p.ID = other.Product.ID }))
		}, buycard.ECONFLICT, fmt.Sprintf("Product id %q is already taken.", other.Product.ID)},
		{"variant id taken", func() error {
			return s.CreateProduct(ctx, product(func(p *buycard.Product) { p.Variants[0].ID = other.Product.Variants[1].ID }))
		}, buycard.ECONFLICT, fmt.Sprintf("Variant id %q is already taken.", other.Product.Variants[1].ID)},

		{"widget without label", func() error {
			return s.CreateWidget(ctx, widget(func(w *buycard.Widget) { w.CTA = "" }))
		}, buycard.EINVALID, "Button label is required."},
		{"widget share above 100%", func() error {
			return s.CreateWidget(ctx, widget(func(w *buycard.Widget) { w.PublisherShareBPS = 10001 }))
		}, buycard.EINVALID, "Publisher share must be between 0 and 10000 basis points."},
		{"widget domain that is not a host name", func() error {
			return s.CreateWidget(ctx, widget(func(w *buycard.Widget) { w.AllowedDomains = []string{"a.com; script-src *"} }))
		}, buycard.EINVALID, `Allowed domain "a.com; script-src *" is not a host name.`},
		{"widget with an unknown checkout mode", func() error {
			return s.CreateWidget(ctx, widget(func(w *buycard.Widget) { w.CheckoutMode = "modal" }))
		}, buycard.EINVALID, `Checkout mode must be "overlay" or "popup".`},
		{"widget of unknown product", func() error {
			return s.CreateWidget(ctx, widget(func(w *buycard.Widget) { w.ProductID = "prd_unknown" }))
		}, buycard.ENOTFOUND, `Product "prd_unknown" not found.`},
		{"widget of another merchant's product", func() error {
			return s.CreateWidget(ctx, widget(func(w *buycard.Widget) { w.ProductID = other.Product.ID }))
		}, buycard.EINVALID, fmt.Sprintf("Product %q does not belong to merchant %q.", other.Product.ID, f.Merchant.ID)},
		{"widget id taken", func() error {
			return s.CreateWidget(ctx, widget(func(w *buycard.Widget) { w.ID = other.Widget.ID }))
		}, buycard.ECONFLICT, fmt.Sprintf("Widget id %q is already taken.", other.Widget.ID)},

		{"publisher without name", func() error {
			return s.CreatePublisher(ctx, &buycard.Publisher{})
		}, buycard.EINVALID, "Publisher name is required."},
		{"publisher id taken", func() error {
			return s.CreatePublisher(ctx, &buycard.Publisher{ID: other.Publisher.ID, Name: "Copy"})
		}, buycard.ECONFLICT, fmt.Sprintf("Publisher id %q is already taken.", other.Publisher.ID)},

		{"placement without name", func() error {
			return s.CreatePlacement(ctx, placement(func(p *buycard.Placement) { p.Name = "" }))
		}, buycard.EINVALID, "Placement name is required."},
		{"placement of unknown publisher", func() error {
			return s.CreatePlacement(ctx, placement(func(p *buycard.Placement) { p.PublisherID = "pub_unknown" }))
		}, buycard.ENOTFOUND, `Publisher "pub_unknown" not found.`},
		{"placement of unknown widget", func() error {
			return s.CreatePlacement(ctx, placement(func(p *buycard.Placement) { p.WidgetID = "wgt_unknown" }))
		}, buycard.ENOTFOUND, `Widget "wgt_unknown" not found.`},
		{"placement id taken", func() error {
			return s.CreatePlacement(ctx, placement(func(p *buycard.Placement) { p.ID = other.Placement.ID }))
		}, buycard.ECONFLICT, fmt.Sprintf("Placement id %q is already taken.", other.Placement.ID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantError(t, tt.create(), tt.code, tt.message)
			wantFixtureUnchanged(t, s, f)
			wantFixtureUnchanged(t, s, other)
		})
	}
}

// wantFixtureUnchanged checks that the store still returns f as seeded.
func wantFixtureUnchanged(t *testing.T, s Store, f Fixture) {
	t.Helper()
	cards, err := s.FindCards(t.Context(), []string{f.Widget.ID})
	must(t, err)
	wantEqual(t, "card", cards[f.Widget.ID], f.Card())
	placements, err := s.FindPlacements(t.Context(), []string{f.Placement.ID})
	must(t, err)
	wantEqual(t, "placement", placements[f.Placement.ID], &f.Placement)
}

// testFailedProductLeavesNoTrace checks that a product whose last variant
// is refused is not half stored: the corrected product then goes in under
// the same ids.
func testFailedProductLeavesNoTrace(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	p := buycard.Product{
		ID: buycard.NewID("prd"), MerchantID: f.Merchant.ID, Title: "Poster", Currency: "EUR", MaxPerOrder: 1,
		Variants: []buycard.Variant{
			{ID: buycard.NewID("var"), Name: "Matte", Price: 1500, Stock: 2},
			{ID: f.Product.Variants[0].ID, Name: "Glossy", Price: 1700, Stock: 2},
		},
	}
	err := s.CreateProduct(ctx, &p)
	wantError(t, err, buycard.ECONFLICT, fmt.Sprintf("Variant id %q is already taken.", f.Product.Variants[0].ID))

	p.Variants[1].ID = buycard.NewID("var")
	must(t, s.CreateProduct(ctx, &p))
	w := buycard.Widget{MerchantID: f.Merchant.ID, ProductID: p.ID, CTA: "Buy"}
	must(t, s.CreateWidget(ctx, &w))
	card, err := s.FindCard(ctx, w.ID)
	must(t, err)
	wantEqual(t, "product", card.Product, p)
}
