package storetest

import (
	"testing"

	"github.com/buycard/buycard"
)

// testTaxRates covers a merchant's tax rates: created, listed by country
// and region, one per place, updated, deleted, and another merchant's
// refused.
func testTaxRates(t *testing.T, s Store) {
	ctx := t.Context()
	f, other := Seed(t, s), Seed(t, s)
	ny := &buycard.TaxRate{MerchantID: f.Merchant.ID, Country: "us", Region: "ny", RatePPM: 88_750}
	us := &buycard.TaxRate{MerchantID: f.Merchant.ID, Country: "US", RatePPM: 0}
	de := &buycard.TaxRate{MerchantID: f.Merchant.ID, Country: "DE", RatePPM: 190_000}
	for _, r := range []*buycard.TaxRate{ny, us, de} {
		must(t, s.CreateTaxRate(ctx, r))
	}
	rates, err := s.TaxRates(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "rates", rates, buycard.TaxRateList{de, us, ny})
	if tax := rates.TaxFor(buycard.Address{Country: "US", Region: "NY"}, "USD", 4498, false); tax != 399 {
		t.Errorf("tax in NY = %d, want 399", tax)
	}

	dup := &buycard.TaxRate{MerchantID: f.Merchant.ID, Country: "US", Region: "NY", RatePPM: 1}
	wantError(t, s.CreateTaxRate(ctx, dup), buycard.ECONFLICT, "There is a tax rate for NY, United States already: change that one.")
	moved := *us
	moved.Country = "DE"
	wantError(t, s.UpdateTaxRate(ctx, &moved), buycard.ECONFLICT, "There is a tax rate for Germany already: change that one.")
	wantError(t, s.CreateTaxRate(ctx, &buycard.TaxRate{MerchantID: f.Merchant.ID, Country: "XX"}), buycard.EINVALID,
		"Choose a country from the list.")
	// Another merchant may have its own rate for the same place.
	must(t, s.CreateTaxRate(ctx, &buycard.TaxRate{MerchantID: other.Merchant.ID, Country: "US", Region: "NY", RatePPM: 45_000}))
	theirs := *ny
	theirs.MerchantID = other.Merchant.ID
	if err := s.UpdateTaxRate(ctx, &theirs); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("updating another merchant's rate: %v, want ENOTFOUND", err)
	}
	if err := s.DeleteTaxRate(ctx, other.Merchant.ID, ny.ID); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("deleting another merchant's rate: %v, want ENOTFOUND", err)
	}
	rates, err = s.TaxRates(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "rates after refusals", rates, buycard.TaxRateList{de, us, ny})

	ny.RatePPM = 88_875
	must(t, s.UpdateTaxRate(ctx, ny))
	must(t, s.DeleteTaxRate(ctx, f.Merchant.ID, de.ID))
	rates, err = s.TaxRates(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "rates after edits", rates, buycard.TaxRateList{us, ny})
}
