package storefront

import (
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
