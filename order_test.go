package buycard_test

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
)

func TestCardOrderPublisherShare(t *testing.T) {
	contract := func(bps int) *buycard.PublisherContract {
		return &buycard.PublisherContract{MerchantID: "mer_1", PublisherID: "pub_1", ShareBPS: bps}
	}
	tests := []struct {
		name      string
		publisher string
		contract  *buycard.PublisherContract
		want      int
		code      string
	}{
		{"the widget's", "pub_1", nil, 1000, ""},
		{"the contract's", "pub_1", contract(2500), 2500, ""},
		{"a contract of none", "pub_1", contract(0), 0, ""},
		{"no publisher shares nothing", "", nil, 0, ""},
		{"above 100% with the platform's", "pub_1", contract(9500), 0, buycard.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := testCard()
			card.Widget.PublisherShareBPS = 1000
			now := time.Now()
			o, _, err := card.Order(buycard.NewOrder{
				Claims:    buycard.PlacementClaims{WidgetID: "wgt_tee", ProductID: "prd_tee", PublisherID: tt.publisher},
				VariantID: "var_m", Quantity: 1, Now: now, ExpiresAt: now.Add(time.Hour),
				PlatformFee: buycard.PlatformFee{BPS: 875}, Contract: tt.contract,
			})
			if buycard.ErrorCode(err) != tt.code {
				t.Fatalf("error %v, want code %q", err, tt.code)
			}
			if err == nil && o.PublisherShareBPS != tt.want {
				t.Errorf("share = %d, want %d", o.PublisherShareBPS, tt.want)
			}
		})
	}
}

func TestCardOrderBuyerAndShipTo(t *testing.T) {
	ada := &buycard.Buyer{Email: " Ada@Example.com", Name: " Ada "}
	home := &buycard.Address{Name: "Ada", Line1: "1 Main St", City: "Springfield", Region: "il", PostalCode: "62701", Country: "us"}
	tests := []struct {
		name    string
		kind    buycard.ProductKind
		buyer   *buycard.Buyer
		shipTo  *buycard.Address
		message string
	}{
		{"no buyer yet", buycard.ProductPhysical, nil, nil, ""},
		{"physical", buycard.ProductPhysical, ada, home, ""},
		{"service", buycard.ProductService, ada, nil, ""},
		{"physical without address", buycard.ProductPhysical, ada, nil, "Enter the address to ship to."},
		{"address of a download", buycard.ProductDigital, ada, home, "This product is not shipped: it needs no address."},
		{"address without buyer", buycard.ProductPhysical, nil, home, "Enter your name and email."},
		{"no name", buycard.ProductService, &buycard.Buyer{Email: "ada@example.com"}, nil, "Enter your name."},
		{"bad address", buycard.ProductPhysical, ada, &buycard.Address{Name: "Ada", Line1: "1 Main St", City: "X", Country: "ZZ"},
			"Choose a country from the list."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := testCard()
			card.Product.Kind = tt.kind
			now := time.Now()
			o, _, err := card.Order(buycard.NewOrder{
				Claims:    buycard.PlacementClaims{WidgetID: "wgt_tee", ProductID: "prd_tee"},
				VariantID: "var_m", Quantity: 1, Now: now, ExpiresAt: now.Add(time.Hour), Buyer: tt.buyer, ShipTo: tt.shipTo,
				ShippingRateID: "shr_post", Pricing: buycard.Pricing{Zones: buycard.ShippingZones{{Countries: []string{"US"},
					Rates: []buycard.ShippingRate{{ID: "shr_post", Name: "Post", Currency: "USD", Kind: buycard.ShipFlat, Amount: 500}}}}},
			})
			if tt.message != "" {
				wantInvalid(t, err, tt.message)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.buyer == nil {
				if o.Buyer != nil || o.ShipTo != nil {
					t.Errorf("buyer %v, ship to %v, want none", o.Buyer, o.ShipTo)
				}
				return
			}
			if *o.Buyer != (buycard.Buyer{Email: "ada@example.com", Name: "Ada"}) || *tt.buyer != *ada {
				t.Errorf("buyer = %+v (given %+v)", o.Buyer, tt.buyer)
			}
			if tt.shipTo != nil && (o.ShipTo.Country != "US" || o.ShipTo.Region != "IL" || tt.shipTo.Country != "us" || o.Shipping != 500) {
				t.Errorf("ship to = %+v (given %+v)", o.ShipTo, tt.shipTo)
			}
		})
	}
}
