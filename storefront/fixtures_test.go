package storefront

import (
	"time"

	"github.com/buycard/buycard"
)

// testCard is a buyable notebook with two sizes at different prices.
func testCard() *buycard.Card {
	return &buycard.Card{
		Widget:   buycard.Widget{ID: "wgt_abc", CTA: "Buy"},
		Merchant: buycard.Merchant{ID: "mer_1", Name: "Paper & Co", ChargesEnabled: true},
		Product: buycard.Product{
			ID:          "prd_1",
			Title:       "Leather notebook",
			Description: "A5, 192 pages.\n\nHand-stitched.",
			Image:       buycard.Image{URL: "https://img.example/notebook.jpg", Width: 800, Height: 600, Alt: "A brown notebook"},
			Currency:    "USD",
			OptionName:  "Size",
			Variants: []buycard.Variant{
				{ID: "var_a5", Name: "A5", Price: 2400, Stock: 7},
				{ID: "var_a4", Name: "A4", Price: 3200, Stock: 0},
			},
			MaxPerOrder: 5,
		},
	}
}

// testOffer is testCard's offer.
func testOffer() *buycard.Offer {
	return buycard.NewOffer(testCard(), "bc1.p.k1.token")
}

// testPhysicalOffer is testOffer for a product that ships to Germany and
// the United States, whose merchant asks for a phone number.
func testPhysicalOffer() *buycard.Offer {
	o := testOffer()
	o.Checkout = buycard.OfferCheckout{Kind: buycard.ProductPhysical, AskPhone: true, ShipCountries: []string{"DE", "US"}}
	return o
}

// testDetails are complete details for testPhysicalOffer.
func testDetails() Details {
	return Details{
		Email: "ada@example.com", Name: "Ada Lovelace", Phone: "+1 212 555 0100",
		Line1: "1 Main St", City: "Springfield", Region: "NY", PostalCode: "10001", Country: "US",
		ShippingRateID: "shr_std", DiscountCode: " SPRING25 ",
	}
}

// testQuote prices two A5 notebooks with a 25% code, standard shipping
// and 8.875% tax.
func testQuote() *Quote {
	return &Quote{
		Price: QuotedPrice{
			OrderPrice: buycard.OrderPrice{
				Subtotal: 4800, Discount: 1200, DiscountCode: "SPRING25", Shipping: 450, ShippingRateName: "Standard",
				Tax: 359, TaxOnShipping: 40,
			},
			Total: buycard.Money{Amount: 4409, Currency: "USD"},
		},
		ShippingOptions: []buycard.ShippingOption{
			{RateID: "shr_std", Name: "Standard", Amount: buycard.Money{Amount: 450, Currency: "USD"}},
			{RateID: "shr_exp", Name: "Express", Amount: buycard.Money{Amount: 1500, Currency: "USD"}},
		},
		ShippingRateID: "shr_std",
	}
}

// testOrder is an order of two A5 notebooks.
func testOrder(status buycard.OrderStatus) *buycard.Order {
	return &buycard.Order{
		ID: "ord_1", Number: "BC-7F3K-92QD", Status: status, WidgetID: "wgt_abc", VariantID: "var_a5",
		ProductTitle: "Leather notebook", VariantName: "A5", Quantity: 2,
		UnitPrice: buycard.Money{Amount: 2400, Currency: "USD"}, Total: buycard.Money{Amount: 4800, Currency: "USD"},
		OrderPrice: buycard.OrderPrice{Subtotal: 4800},
		CreatedAt:  time.Unix(0, 0),
	}
}
