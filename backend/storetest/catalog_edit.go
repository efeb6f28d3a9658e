package storetest

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// testEditProduct covers the merchant's product edits: fields, variants
// added, updated and removed, the price version, and refusals that leave
// the product as it was.
func testEditProduct(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	other := Seed(t, s)
	got, err := s.ListProducts(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "products", got, []*buycard.Product{&f.Product})

	edit := f.Product
	edit.Title, edit.MaxPerOrder = "Pocket notebook", 2
	edit.Variants = []buycard.Variant{
		{ID: f.Product.Variants[1].ID, Name: "A4 ruled", Price: 3100, Stock: 7},
		{Name: "A6", Price: 1500, Stock: 4},
	}
	must(t, s.UpdateProduct(ctx, &edit))
	if edit.PriceVersion != f.Product.PriceVersion || edit.Variants[1].ID == "" {
		t.Errorf("edit without price change = %+v", edit)
	}
	stored, err := s.FindProduct(ctx, f.Product.ID)
	must(t, err)
	wantEqual(t, "edited product", stored, &edit)

	repriced := *stored
	repriced.Variants = []buycard.Variant{stored.Variants[0], stored.Variants[1]}
	repriced.Variants[0].Price = 3300
	must(t, s.UpdateProduct(ctx, &repriced))
	if repriced.PriceVersion != stored.PriceVersion+1 {
		t.Errorf("PriceVersion = %d after a price change, want %d", repriced.PriceVersion, stored.PriceVersion+1)
	}

	before, err := s.FindProduct(ctx, f.Product.ID)
	must(t, err)
	for name, bad := range map[string]func(p *buycard.Product){
		"other merchant": func(p *buycard.Product) { p.MerchantID = other.Merchant.ID },
		"unknown":        func(p *buycard.Product) { p.ID = buycard.NewID("prd") },
		"no title":       func(p *buycard.Product) { p.Title = " " },
		"no variants":    func(p *buycard.Product) { p.Variants = nil },
		"foreign variant": func(p *buycard.Product) {
			p.Variants = append(p.Variants, other.Product.Variants[0])
		},
	} {
		p := *before
		p.Variants = append([]buycard.Variant(nil), before.Variants...)
		bad(&p)
		if err := s.UpdateProduct(ctx, &p); err == nil {
			t.Errorf("%s: UpdateProduct succeeded", name)
		}
	}
	after, err := s.FindProduct(ctx, f.Product.ID)
	must(t, err)
	wantEqual(t, "product after refused edits", after, before)

	// A variant with orders cannot be removed.
	o := other.NewOrder(0, 1)
	_, err = s.CreateOrder(ctx, o)
	must(t, err)
	p := other.Product
	p.Variants = p.Variants[1:]
	if err := s.UpdateProduct(ctx, &p); buycard.ErrorCode(err) != buycard.ECONFLICT {
		t.Errorf("removing an ordered variant: %v, want ECONFLICT", err)
	}

	at := time.Now().UTC().Truncate(time.Microsecond)
	if err := s.ArchiveProduct(ctx, other.Merchant.ID, f.Product.ID, at); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("archive by another merchant: %v", err)
	}
	must(t, s.ArchiveProduct(ctx, f.Merchant.ID, f.Product.ID, at))
	must(t, s.ArchiveProduct(ctx, f.Merchant.ID, f.Product.ID, at.Add(time.Hour)))
	archived, err := s.FindProduct(ctx, f.Product.ID)
	must(t, err)
	if archived.ArchivedAt == nil || !archived.ArchivedAt.Equal(at) {
		t.Errorf("ArchivedAt = %v, want %v", archived.ArchivedAt, at)
	}
	card, err := s.FindCard(ctx, f.Widget.ID)
	must(t, err)
	if card.Availability() != buycard.Unavailable {
		t.Errorf("card of an archived product is %s", card.Availability())
	}
}

// testEditWidget covers the merchant's widget edits and their refusals.
func testEditWidget(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	other := Seed(t, s)
	got, err := s.ListWidgets(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "widgets", got, []*buycard.Widget{&f.Widget})

	edit := buycard.Widget{ID: f.Widget.ID, MerchantID: f.Merchant.ID, CTA: "Pre-order",
		PublisherShareBPS: 2500, CheckoutMode: buycard.CheckoutPopup}
	must(t, s.UpdateWidget(ctx, &edit))
	stored, err := s.FindWidget(ctx, f.Widget.ID)
	must(t, err)
	wantEqual(t, "edited widget", stored, &edit)
	if stored.ProductID != f.Product.ID || stored.AllowedDomains != nil {
		t.Errorf("edited widget = %+v", stored)
	}

	for name, bad := range map[string]buycard.Widget{
		"other merchant": {ID: f.Widget.ID, MerchantID: other.Merchant.ID, CTA: "Buy"},
		"unknown":        {ID: buycard.NewID("wgt"), MerchantID: f.Merchant.ID, CTA: "Buy"},
		"no label":       {ID: f.Widget.ID, MerchantID: f.Merchant.ID},
		"share":          {ID: f.Widget.ID, MerchantID: f.Merchant.ID, CTA: "Buy", PublisherShareBPS: 10001},
		"domain":         {ID: f.Widget.ID, MerchantID: f.Merchant.ID, CTA: "Buy", AllowedDomains: []string{"a b"}},
	} {
		if err := s.UpdateWidget(ctx, &bad); err == nil {
			t.Errorf("%s: UpdateWidget succeeded", name)
		}
	}
	after, err := s.FindWidget(ctx, f.Widget.ID)
	must(t, err)
	wantEqual(t, "widget after refused edits", after, stored)
}
