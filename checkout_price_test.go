package buycard_test

import (
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// mugCard is a physical mug at price (minor units of currency) each,
// sold through a placement of pub_blog.
func mugCard(currency string, price int64) *buycard.Card {
	return &buycard.Card{
		Widget:   buycard.Widget{ID: "wgt_mug", PublisherShareBPS: 1000},
		Merchant: buycard.Merchant{ID: "mer_clay", Name: "Clay & Co", ChargesEnabled: true},
		Product: buycard.Product{ID: "prd_mug", Title: "Mug", Currency: currency, Kind: buycard.ProductPhysical, MaxPerOrder: 10,
			Variants: []buycard.Variant{{ID: "var_blue", Name: "Blue", Price: price, Stock: 50}}},
	}
}

// salePricing ships to the US (New York taxed at 8.875%) and Germany
// (19%) at 4.50 in currency, or 12.00 by express; taxes shipping; and has
// SPRING25, 25% off.
func salePricing(currency string, inclusive bool) buycard.Pricing {
	four50, twelve := int64(450), int64(1200)
	if currency == "KWD" {
		four50, twelve = 4500, 12000
	}
	return buycard.Pricing{
		Settings: &buycard.MerchantSettings{MerchantID: "mer_clay", BusinessName: "Clay & Co Ltd", TaxMode: buycard.TaxRates,
			PricesIncludeTax: inclusive, TaxShipping: true, OriginCountry: "US"},
		Zones: buycard.ShippingZones{{ID: "shz_1", Name: "Home", Countries: []string{"DE", "US"}, Rates: []buycard.ShippingRate{
			{ID: "shr_express", Name: "Express", Currency: currency, Kind: buycard.ShipFlat, Amount: twelve},
			{ID: "shr_std", Name: "Standard", Currency: currency, Kind: buycard.ShipFlat, Amount: four50},
		}}},
		TaxRates: buycard.TaxRateList{{Country: "US", Region: "NY", RatePPM: 88_750}, {Country: "DE", RatePPM: 190_000}},
		Code:     &buycard.DiscountCode{ID: "dsc_1", MerchantID: "mer_clay", Code: "SPRING25", PercentBPS: 2500},
	}
}

func newYork() *buycard.Address {
	return &buycard.Address{Name: "Ann Lee", Line1: "1 Main St", City: "New York", Region: "NY", PostalCode: "10001", Country: "US"}
}

func berlin() *buycard.Address {
	return &buycard.Address{Name: "Ann Lee", Line1: "Hauptstr. 1", City: "Berlin", PostalCode: "10115", Country: "DE"}
}

// mugOrder asks for 3 mugs with SPRING25, shipped to to by rate.
func mugOrder(card *buycard.Card, pricing buycard.Pricing, to *buycard.Address, rate string) buycard.NewOrder {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	return buycard.NewOrder{
		Claims:    buycard.PlacementClaims{WidgetID: card.Widget.ID, ProductID: card.Product.ID, PublisherID: "pub_blog", PlacementID: "plc_blog"},
		VariantID: "var_blue", Quantity: 3, Now: now, ExpiresAt: now.Add(time.Hour),
		Buyer: &buycard.Buyer{Email: "ann@example.com", Name: "Ann Lee"}, ShipTo: to,
		ShippingRateID: rate, DiscountCode: "spring25", Pricing: pricing,
	}
}

// TestCardOrderPriceVectors prices the order, a 25% code on three
// mugs at 19.99 with 4.50 shipping and 8.875% tax on both, in USD, JPY
// and KWD (whose amounts round to 10 fils), and with German VAT included
// in the prices.
func TestCardOrderPriceVectors(t *testing.T) {
	tests := []struct {
		name      string
		currency  string
		price     int64
		inclusive bool
		to        *buycard.Address
		want      buycard.OrderPrice
		total     int64
		base      int64
	}{
		// 5997 − 1499.25 → 1499 = 4498; tax 399.1975 → 399 on the goods, 39.9375 → 40 on shipping.
		{"USD", "USD", 1999, false, newYork(),
			buycard.OrderPrice{Subtotal: 5997, Discount: 1499, Shipping: 450, Tax: 439, TaxOnShipping: 40}, 5387, 4498},
		{"JPY", "JPY", 1999, false, newYork(),
			buycard.OrderPrice{Subtotal: 5997, Discount: 1499, Shipping: 450, Tax: 439, TaxOnShipping: 40}, 5387, 4498},
		// 59970 − 14992.5 → 14990 = 44980; tax 3991.975 → 3990, 399.375 → 400.
		{"KWD", "KWD", 19990, false, newYork(),
			buycard.OrderPrice{Subtotal: 59970, Discount: 14990, Shipping: 4500, Tax: 4390, TaxOnShipping: 400}, 53870, 44980},
		// 4498 × 0.19 / 1.19 = 718.18 → 718, 450 × 0.19 / 1.19 = 71.85 → 72, within the total.
		{"EUR with VAT included", "EUR", 1999, true, berlin(),
			buycard.OrderPrice{Subtotal: 5997, Discount: 1499, Shipping: 450, Tax: 790, TaxOnShipping: 72, TaxInclusive: true}, 4948, 3780},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := mugCard(tt.currency, tt.price)
			pricing := salePricing(tt.currency, tt.inclusive)
			o, _, err := card.Order(mugOrder(card, pricing, tt.to, "shr_std"))
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.DiscountCode, want.ShippingRateName = "SPRING25", "Standard"
			if o.OrderPrice != want || o.Total != (buycard.Money{Amount: tt.total, Currency: tt.currency}) || o.CommissionBase() != tt.base {
				t.Errorf("price %+v, total %v, base %d; want %+v, %d, %d", o.OrderPrice, o.Total, o.CommissionBase(), want, tt.total, tt.base)
			}
			q, err := card.Quote(mugOrder(card, pricing, tt.to, "shr_std"))
			if err != nil || q.Price != o.OrderPrice || q.Total() != o.Total || q.ShippingRateID != "shr_std" {
				t.Errorf("quote %+v, %v: want the order's price", q, err)
			}
		})
	}
}

// TestCardQuote prices checkouts as far as the shopper filled them in,
// and refuses what the order would refuse.
func TestCardQuote(t *testing.T) {
	card := mugCard("USD", 1999)
	ends := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		edit    func(n *buycard.NewOrder)
		want    buycard.OrderPrice
		rate    string
		options int
		code    string
		message string
	}{
		{"no address yet: no shipping, no tax", func(n *buycard.NewOrder) { n.ShipTo = nil },
			buycard.OrderPrice{Subtotal: 5997, Discount: 1499, DiscountCode: "SPRING25"}, "", 0, "", ""},
		{"no rate chosen: the cheapest", func(n *buycard.NewOrder) { n.ShippingRateID = "" },
			buycard.OrderPrice{Subtotal: 5997, Discount: 1499, Shipping: 450, Tax: 439, TaxOnShipping: 40, DiscountCode: "SPRING25",
				ShippingRateName: "Standard"}, "shr_std", 2, "", ""},
		{"express", func(n *buycard.NewOrder) { n.ShippingRateID = "shr_express" },
			// 1200 × 0.08875 = 106.5 → 107.
			buycard.OrderPrice{Subtotal: 5997, Discount: 1499, Shipping: 1200, Tax: 506, TaxOnShipping: 107, DiscountCode: "SPRING25",
				ShippingRateName: "Express"}, "shr_express", 2, "", ""},
		{"no code", func(n *buycard.NewOrder) { n.DiscountCode, n.Pricing.Code = "", nil },
			// 5997 × 0.08875 = 532.23 → 532.
			buycard.OrderPrice{Subtotal: 5997, Shipping: 450, Tax: 572, TaxOnShipping: 40, ShippingRateName: "Standard"}, "shr_std", 2, "", ""},
		{"another merchant's or no such code", func(n *buycard.NewOrder) { n.Pricing.Code = nil },
			buycard.OrderPrice{}, "", 0, buycard.ENOTFOUND, "This discount code is not valid."},
		{"expired code", func(n *buycard.NewOrder) { n.Pricing.Code.EndsAt = &ends },
			buycard.OrderPrice{}, "", 0, buycard.ECONFLICT, "The code SPRING25 has expired."},
		{"used up", func(n *buycard.NewOrder) { n.Pricing.Code.MaxRedemptions, n.Pricing.Code.Redeemed = 5, 5 },
			buycard.OrderPrice{}, "", 0, buycard.ECONFLICT, "The code SPRING25 has been used up."},
		{"code for another product", func(n *buycard.NewOrder) { n.Pricing.Code.ProductIDs = []string{"prd_other"} },
			buycard.OrderPrice{}, "", 0, buycard.EINVALID, "The code SPRING25 is not for this product."},
		{"a country it doesn't ship to", func(n *buycard.NewOrder) {
			n.ShipTo = &buycard.Address{Name: "A", Line1: "1 rue de Rivoli", City: "Paris", PostalCode: "75001", Country: "FR"}
		}, buycard.OrderPrice{}, "", 0, buycard.EINVALID, "Clay & Co Ltd doesn't ship to France."},
		{"a rate of another zone", func(n *buycard.NewOrder) { n.ShippingRateID = "shr_moon" },
			buycard.OrderPrice{}, "", 0, buycard.EINVALID, "Choose one of the shipping options for United States."},
		{"unknown country", func(n *buycard.NewOrder) { n.ShipTo.Country = "XX" },
			buycard.OrderPrice{}, "", 0, buycard.EINVALID, "Choose a country from the list."},
		{"stale price", func(n *buycard.NewOrder) { n.Claims.PriceVersion = 7 },
			buycard.OrderPrice{}, "", 0, buycard.ECONFLICT, "The price changed. Review the new price and try again."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pricing := salePricing("USD", false)
			n := mugOrder(card, pricing, newYork(), "shr_std")
			tt.edit(&n)
			q, err := card.Quote(n)
			if tt.code != "" {
				if buycard.ErrorCode(err) != tt.code || buycard.ErrorMessage(err) != tt.message {
					t.Fatalf("error %v, want %s %q", err, tt.code, tt.message)
				}
				// The code's refusals, and only they, count as guesses.
				if buycard.IsRefusedCode(err) != strings.Contains(tt.message, "code") {
					t.Errorf("IsRefusedCode(%v) = %v", err, buycard.IsRefusedCode(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if q.Price != tt.want || q.ShippingRateID != tt.rate || len(q.ShippingOptions) != tt.options {
				t.Errorf("quote %+v, want %+v by %q with %d options", q, tt.want, tt.rate, tt.options)
			}
		})
	}
}

// TestCardOrderChoices refuses an order without the choices a quote
// defaults, and prices a product that does not ship at the origin's rate.
func TestCardOrderChoices(t *testing.T) {
	card := mugCard("USD", 1999)
	n := mugOrder(card, salePricing("USD", false), newYork(), "")
	if _, _, err := card.Order(n); buycard.ErrorMessage(err) != "Choose one of the shipping options for United States." {
		t.Errorf("order without a rate: %v", err)
	}
	n = mugOrder(card, salePricing("USD", false), newYork(), "shr_std")
	n.Pricing.Settings.AskPhone = true
	if _, _, err := card.Order(n); buycard.ErrorMessage(err) != "Enter a phone number." {
		t.Errorf("order without the phone asked for: %v", err)
	}
	// A download is taxed where the merchant sells from: New York has a
	// rate by state only, so the origin (US) has none here.
	card.Product.Kind = buycard.ProductDigital
	pricing := salePricing("USD", false)
	pricing.TaxRates = append(pricing.TaxRates, &buycard.TaxRate{Country: "US", RatePPM: 50_000})
	n = mugOrder(card, pricing, nil, "")
	o, _, err := card.Order(n)
	if err != nil {
		t.Fatal(err)
	}
	// 4498 × 5% = 224.9 → 225.
	if o.Shipping != 0 || o.Tax != 225 || o.Total.Amount != 4498+225 {
		t.Errorf("download %+v: want no shipping and 225 tax", o.OrderPrice)
	}
	n.ShipTo = berlin()
	if _, err := card.Quote(n); buycard.ErrorMessage(err) != "This product is not shipped: it needs no address." {
		t.Errorf("quote of a download with an address: %v", err)
	}
}

// TestCardOrderCodeOwner credits the placement owning the code the
// shopper used, at the contract's share or its widget's, rather than the
// card the shopper came through.
func TestCardOrderCodeOwner(t *testing.T) {
	card := mugCard("USD", 1999)
	owner := &buycard.CodeOwner{PlacementID: "plc_influencer", PublisherID: "pub_influencer", WidgetShareBPS: 1500}
	tests := []struct {
		name      string
		owner     *buycard.CodeOwner
		contract  *buycard.PublisherContract
		publisher string
		placement string
		share     int
	}{
		{"the card's placement without an owner", nil, nil, "pub_blog", "plc_blog", 1000},
		{"the owner's, at its widget's share", owner, nil, "pub_influencer", "plc_influencer", 1500},
		{"the owner's, at its contract's share", owner, &buycard.PublisherContract{ShareBPS: 2000}, "pub_influencer", "plc_influencer", 2000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pricing := salePricing("USD", false)
			pricing.CodeOwner = tt.owner
			n := mugOrder(card, pricing, newYork(), "shr_std")
			n.Contract = tt.contract
			if got := n.Credited(); got.PublisherID != tt.publisher || got.PlacementID != tt.placement {
				t.Errorf("credited %+v", got)
			}
			o, _, err := card.Order(n)
			if err != nil {
				t.Fatal(err)
			}
			if o.PublisherID != tt.publisher || o.PlacementID != tt.placement || o.PublisherShareBPS != tt.share {
				t.Errorf("order credits %s/%s at %d, want %s/%s at %d", o.PublisherID, o.PlacementID, o.PublisherShareBPS,
					tt.publisher, tt.placement, tt.share)
			}
		})
	}
}

// TestOfferCheckout tells the checkout what to ask for.
func TestOfferCheckout(t *testing.T) {
	card := mugCard("USD", 1999)
	pricing := salePricing("USD", true)
	pricing.Zones = append(pricing.Zones, &buycard.ShippingZone{Countries: []string{"JP"},
		Rates: []buycard.ShippingRate{{ID: "shr_yen", Currency: "JPY", Kind: buycard.ShipFlat, Amount: 500}}})
	pricing.Settings.AskPhone, pricing.Settings.SupportEmail = true, "help@clay.example"
	got := buycard.NewOfferCheckout(card, pricing.Settings, pricing.Zones)
	if got.Kind != buycard.ProductPhysical || !got.AskPhone || !got.PricesIncludeTax || len(got.ShipCountries) != 2 ||
		got.ShipCountries[0] != "DE" || got.ShipCountries[1] != "US" || got.Seller.Name != "Clay & Co Ltd" || got.Seller.SupportEmail != "help@clay.example" {
		t.Errorf("offer checkout %+v: want DE and US (JP ships only in yen)", got)
	}
	card.Product.Kind = ""
	got = buycard.NewOfferCheckout(card, buycard.NewMerchantSettings("mer_clay"), pricing.Zones)
	if got.Kind != buycard.ProductService || len(got.ShipCountries) != 0 || got.ShipCountries == nil || got.Seller.Name != "Clay & Co" ||
		got.PricesIncludeTax {
		t.Errorf("offer checkout of a service %+v", got)
	}
}
