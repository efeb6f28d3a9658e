package storetest

import (
	"testing"

	"github.com/buycard/buycard"
)

// testShippingZones covers a merchant's shipping zones: created with
// their rates, listed in order, replaced, deleted, refused when invalid or
// another merchant's, and the options they give.
func testShippingZones(t *testing.T, s Store) {
	ctx := t.Context()
	f, other := Seed(t, s), Seed(t, s)
	zones, err := s.ShippingZones(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "no zones", len(zones), 0)

	na := &buycard.ShippingZone{MerchantID: f.Merchant.ID, Name: "North America", Countries: []string{"us", "CA"},
		Rates: []buycard.ShippingRate{
			{Name: "Standard", Currency: "USD", Kind: buycard.ShipFlat, Amount: 450, FreeOver: 10_000},
			{Name: "Express", Currency: "USD", Kind: buycard.ShipPerItem, Amount: 900},
		}}
	must(t, s.CreateShippingZone(ctx, na))
	if na.ID == "" || na.Rates[0].ID == "" || na.Countries[0] != "CA" {
		t.Fatalf("created zone = %+v", na)
	}
	gulf := &buycard.ShippingZone{MerchantID: f.Merchant.ID, Name: "Gulf", Countries: []string{"KW"},
		Rates: []buycard.ShippingRate{{Name: "Courier", Currency: "KWD", Kind: buycard.ShipFlat, Amount: 2500}}}
	must(t, s.CreateShippingZone(ctx, gulf))
	zones, err = s.ShippingZones(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "zones", zones, buycard.ShippingZones{na, gulf})
	opts := zones.Options("US", "USD", 4498, 3)
	if len(opts) != 2 || opts[0].Amount.Amount != 450 || opts[1].Amount.Amount != 2700 {
		t.Errorf("options = %+v", opts)
	}

	edited := *na
	edited.Name, edited.Countries = "USA", []string{"US"}
	edited.Rates = []buycard.ShippingRate{{Name: "Ground", Currency: "USD", Kind: buycard.ShipFlat, Amount: 600}}
	must(t, s.UpdateShippingZone(ctx, &edited))
	zones, err = s.ShippingZones(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "edited zones", zones, buycard.ShippingZones{&edited, gulf})

	bad := edited
	bad.Countries = []string{"ZZ"}
	wantError(t, s.UpdateShippingZone(ctx, &bad), buycard.EINVALID, `"ZZ" is not a country code (ISO 3166-1 alpha-2, such as US or FR).`)
	bad = edited
	bad.MerchantID = other.Merchant.ID
	if err := s.UpdateShippingZone(ctx, &bad); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("another merchant's zone: %v, want ENOTFOUND", err)
	}
	if err := s.DeleteShippingZone(ctx, other.Merchant.ID, edited.ID); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("deleting another merchant's zone: %v, want ENOTFOUND", err)
	}
	bad = *gulf
	bad.ID, bad.MerchantID = "", buycard.NewID("mer")
	if err := s.CreateShippingZone(ctx, &bad); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("zone of an unknown merchant: %v, want ENOTFOUND", err)
	}
	zones, err = s.ShippingZones(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "zones after refusals", zones, buycard.ShippingZones{&edited, gulf})

	must(t, s.DeleteShippingZone(ctx, f.Merchant.ID, edited.ID))
	if err := s.DeleteShippingZone(ctx, f.Merchant.ID, edited.ID); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("deleting a deleted zone: %v, want ENOTFOUND", err)
	}
	zones, err = s.ShippingZones(ctx, f.Merchant.ID)
	must(t, err)
	wantEqual(t, "zones after delete", zones, buycard.ShippingZones{gulf})
}

// testShipsNowhere covers the card of a physical product: not available
// while its merchant has no shipping zone with a rate in its currency,
// buyable once one has; other kinds need no zone.
func testShipsNowhere(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s, func(f *Fixture) { f.Product.Kind = buycard.ProductPhysical })
	service := Seed(t, s)
	wantCard := func(name string, widgetID string, want buycard.Availability) {
		t.Helper()
		cards, err := s.FindCards(ctx, []string{f.Widget.ID, service.Widget.ID}) // read together, as a page's cards are
		must(t, err)
		if got := cards[widgetID].Availability(); got != want {
			t.Errorf("%s: card is %s, want %s", name, got, want)
		}
	}
	wantCard("no zone", f.Widget.ID, buycard.Unavailable)
	wantCard("a service with no zone", service.Widget.ID, buycard.Buyable)
	must(t, s.CreateShippingZone(ctx, &buycard.ShippingZone{MerchantID: f.Merchant.ID, Name: "Eurozone", Countries: []string{"FR"},
		Rates: []buycard.ShippingRate{{Name: "Poste", Currency: "EUR", Kind: buycard.ShipFlat, Amount: 500}}}))
	wantCard("a zone in another currency", f.Widget.ID, buycard.Unavailable)
	must(t, s.CreateShippingZone(ctx, &buycard.ShippingZone{MerchantID: f.Merchant.ID, Name: "USA", Countries: []string{"US"},
		Rates: []buycard.ShippingRate{{Name: "Ground", Currency: "USD", Kind: buycard.ShipFlat, Amount: 600}}}))
	wantCard("a zone in its currency", f.Widget.ID, buycard.Buyable)
}

// testShippingZoneLimit covers the cap on a merchant's zones.
func testShippingZoneLimit(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	zone := func() *buycard.ShippingZone {
		return &buycard.ShippingZone{MerchantID: f.Merchant.ID, Name: "Zone", Countries: []string{"FR"},
			Rates: []buycard.ShippingRate{{Name: "Poste", Currency: "EUR", Kind: buycard.ShipFlat, Amount: 500}}}
	}
	for range buycard.MaxShippingZones {
		must(t, s.CreateShippingZone(ctx, zone()))
	}
	wantError(t, s.CreateShippingZone(ctx, zone()), buycard.ECONFLICT,
		"You have 50 shipping zones, the most a merchant can have: delete one first.")
}
