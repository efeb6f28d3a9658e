package storetest

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// Fixture is one of everything, as stored by Seed: a merchant that can
// take payments, a product with two variants, its widget, a publisher and
// the publisher's placement of the widget.
type Fixture struct {
	Merchant  buycard.Merchant
	Product   buycard.Product
	Widget    buycard.Widget
	Publisher buycard.Publisher
	Placement buycard.Placement
}

// Seed stores a fixture after applying edits to its values, and returns it
// with the ids and times the store set. Unedited, the product is
// "Field notebook" in USD, at most 5 per order, price version 1, with
// variants "A5" (2400, 10 in stock) and "A4" (3100, 3 in stock); the
// widget shares 10% with publishers.
func Seed(t testing.TB, s Store, edits ...func(*Fixture)) Fixture {
	t.Helper()
	f := Fixture{
		Merchant: buycard.Merchant{Name: "Northwind Goods", ChargesEnabled: true},
		Product: buycard.Product{
			Title:       "Field notebook",
			Description: "Dot grid, 192 pages.",
			Image:       buycard.Image{URL: "https://cdn.example.com/notebook.jpg", Width: 400, Height: 300, Alt: "A notebook"},
			Currency:    "USD",
			OptionName:  "Size",
			Variants: []buycard.Variant{
				{Name: "A5", Price: 2400, Stock: 10},
				{Name: "A4", Price: 3100, Stock: 3},
			},
			MaxPerOrder:  5,
			PriceVersion: 1,
		},
		Widget: buycard.Widget{
			CTA: "Buy", PublisherShareBPS: 1000, AllowedDomains: []string{"example.com", "*.example.org"},
		},
		Publisher: buycard.Publisher{Name: "The Daily Scroll"},
		Placement: buycard.Placement{Name: "Feed"},
	}
	for _, edit := range edits {
		edit(&f)
	}
	ctx := t.Context()
	must(t, s.CreateMerchant(ctx, &f.Merchant))
	f.Product.MerchantID = f.Merchant.ID
	must(t, s.CreateProduct(ctx, &f.Product))
	f.Widget.MerchantID, f.Widget.ProductID = f.Merchant.ID, f.Product.ID
	must(t, s.CreateWidget(ctx, &f.Widget))
	must(t, s.CreatePublisher(ctx, &f.Publisher))
	f.Placement.PublisherID, f.Placement.WidgetID = f.Publisher.ID, f.Widget.ID
	must(t, s.CreatePlacement(ctx, &f.Placement))
	return f
}

// Card is the card the store should return for the fixture's widget.
func (f Fixture) Card() *buycard.Card {
	return &buycard.Card{Widget: f.Widget, Product: f.Product, Merchant: f.Merchant}
}

// Claims are what a fresh placement token for the fixture's card names.
func (f Fixture) Claims() buycard.PlacementClaims {
	return buycard.PlacementClaims{
		WidgetID:     f.Widget.ID,
		ProductID:    f.Product.ID,
		PublisherID:  f.Publisher.ID,
		PlacementID:  f.Placement.ID,
		PriceVersion: f.Product.PriceVersion,
		ExpiresAt:    time.Now().Add(time.Hour),
	}
}

// NewOrder asks for quantity units of the variant at index variant,
// expiring in 15 minutes. Times are whole microseconds, which every store
// keeps exactly.
func (f Fixture) NewOrder(variant, quantity int) buycard.NewOrder {
	now := time.Now().UTC().Truncate(time.Microsecond)
	return buycard.NewOrder{
		Claims:      f.Claims(),
		VariantID:   f.Product.Variants[variant].ID,
		Quantity:    quantity,
		Now:         now,
		ExpiresAt:   now.Add(15 * time.Minute),
		PlatformFee: buycard.PlatformFee{BPS: 875, Fixed: map[string]int64{"USD": 30, "JPY": 0}},
	}
}

// Stock reads the stock of the variant at index variant from s.
func (f Fixture) Stock(t testing.TB, s Store, variant int) int {
	t.Helper()
	card, err := s.FindCard(t.Context(), f.Widget.ID)
	must(t, err)
	return card.Product.Variants[variant].Stock
}
