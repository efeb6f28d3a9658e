package storetest

import (
	"testing"

	"github.com/buycard/buycard"
)

// testMerchantSettings covers a merchant's settings: the defaults, a save
// and a second one, refusals that leave them as they were, and another
// merchant's unaffected.
func testMerchantSettings(t *testing.T, s Store) {
	ctx := t.Context()
	f, other := Seed(t, s), Seed(t, s)
	got, err := s.MerchantSettings(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "default settings", got, buycard.NewMerchantSettings(f.Merchant.ID))

	set := &buycard.MerchantSettings{MerchantID: f.Merchant.ID, BusinessName: "Northwind Ceramics LLC",
		SupportEmail: "help@northwind.example", RefundPolicy: "Returns within 30 days.\nUnused only.",
		OriginCountry: "US", TaxID: "EIN 12-3456789", TaxMode: buycard.TaxRates, PricesIncludeTax: true, TaxShipping: true, AskPhone: true,
		TwitterHandle: "northwind_co"}
	must(t, s.SaveMerchantSettings(ctx, set))
	if set.UpdatedAt.IsZero() {
		t.Error("UpdatedAt not set")
	}
	got, err = s.MerchantSettings(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "saved settings", got, set)

	set.TaxMode, set.PricesIncludeTax, set.AskPhone = buycard.TaxStripe, false, false
	must(t, s.SaveMerchantSettings(ctx, set))
	got, err = s.MerchantSettings(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "saved again", got, set)

	bad := *set
	bad.TaxMode = "vat"
	wantError(t, s.SaveMerchantSettings(ctx, &bad), buycard.EINVALID, "The tax mode must be none, rates or stripe.")
	bad = *set
	bad.PricesIncludeTax = true
	wantError(t, s.SaveMerchantSettings(ctx, &bad), buycard.EINVALID,
		`Stripe Tax adds tax to your prices: turn off "Prices include tax", or use your own rates.`)
	bad = *set
	bad.TwitterHandle = "@northwind"
	wantError(t, s.SaveMerchantSettings(ctx, &bad), buycard.EINVALID,
		"An X (Twitter) handle is 1 to 15 letters, digits or underscores, like @northwind.")
	bad = *set
	bad.MerchantID = buycard.NewID("mer")
	if err := s.SaveMerchantSettings(ctx, &bad); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("settings of an unknown merchant: %v, want ENOTFOUND", err)
	}
	if _, err := s.MerchantSettings(ctx, bad.MerchantID); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("settings of an unknown merchant: %v, want ENOTFOUND", err)
	}
	got, err = s.MerchantSettings(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "settings after refusals", got, set)
	got, err = s.MerchantSettings(ctx, other.Merchant.ID)
	must(t, err)
	wantEqual(t, "other merchant's settings", got, buycard.NewMerchantSettings(other.Merchant.ID))
}

// testProductKind covers product kinds: a product without one is a
// service, a kind is stored and edited, and an unknown one refused.
func testProductKind(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	if f.Product.Kind != buycard.ProductService {
		t.Errorf("kind of a product without one = %q, want service", f.Product.Kind)
	}
	card, err := s.FindCard(ctx, f.Widget.ID)
	must(t, err)
	if card.Product.Kind != buycard.ProductService {
		t.Errorf("card's product kind = %q", card.Product.Kind)
	}
	physical := Seed(t, s, func(f *Fixture) { f.Product.Kind = buycard.ProductPhysical })
	got, err := s.FindProduct(ctx, physical.Product.ID)
	must(t, err)
	wantEqual(t, "physical product", got, &physical.Product)

	edit := *got
	edit.Kind = buycard.ProductDigital
	must(t, s.UpdateProduct(ctx, &edit))
	got, err = s.FindProduct(ctx, physical.Product.ID)
	must(t, err)
	if got.Kind != buycard.ProductDigital {
		t.Errorf("edited kind = %q, want digital", got.Kind)
	}

	edit.Kind = "gift"
	wantError(t, s.UpdateProduct(ctx, &edit), buycard.EINVALID, "The product kind must be physical, digital or service.")
	p := f.Product
	p.ID, p.Kind = "", "gift"
	wantError(t, s.CreateProduct(ctx, &p), buycard.EINVALID, "The product kind must be physical, digital or service.")
}
