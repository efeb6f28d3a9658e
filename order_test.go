package buycard_test

import (
	"errors"
	"reflect"
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

// TestPaymentTakesContact: a payment's payer fills in what the buyer
// lacks, and its address replaces the checkout's when the price stays
// right (same country; same region where tax rates go by region, unless
// the provider priced the tax).
func TestPaymentTakesContact(t *testing.T) {
	t.Parallel()
	ny := buycard.Address{Name: "Ada", Line1: "1 Main St", City: "New York", Region: "NY", PostalCode: "10001", Country: "US"}
	la := buycard.Address{Name: "Ada", Line1: "1 Sunset Blvd", City: "Los Angeles", Region: "CA", PostalCode: "90001", Country: "US"}
	berlin := buycard.Address{Name: "Ada", Line1: "Unter den Linden 1", City: "Berlin", PostalCode: "10117", Country: "DE"}
	munich := buycard.Address{Name: "Ada", Line1: "Marienplatz 1", City: "München", Region: "Bayern", PostalCode: "80331", Country: "DE"}
	ada := buycard.Buyer{Email: "ada@example.com", Name: "Ada Lovelace"}
	payer := buycard.Buyer{Email: "ada@example.com", Name: "A. L.", Phone: "+12125550100"}
	withPhone := ada
	withPhone.Phone = payer.Phone
	for _, tt := range []struct {
		name           string
		buyer          *buycard.Buyer
		shipTo, paidTo *buycard.Address
		tax            *buycard.TaxQuote
		wantBuyer      *buycard.Buyer
		wantShipTo     *buycard.Address
	}{
		{"no buyer at checkout: the payer", nil, nil, nil, nil, &payer, nil},
		{"the buyer, with the payer's phone", &ada, &ny, nil, nil, &withPhone, &ny},
		{"another street, same state", &ada, &ny, &buycard.Address{Name: "Ada", Line1: "9 Elm St", City: "Brooklyn", Region: "NY", PostalCode: "11201", Country: "US"}, nil,
			&withPhone, &buycard.Address{Name: "Ada", Line1: "9 Elm St", City: "Brooklyn", Region: "NY", PostalCode: "11201", Country: "US"}},
		{"another state, Buycard's tax", &ada, &ny, &la, nil, &withPhone, &ny},
		{"another state, the provider's tax", &ada, &ny, &la, &buycard.TaxQuote{}, &withPhone, &la},
		{"a region where tax does not go by region", &ada, &berlin, &munich, nil, &withPhone, &munich},
		{"another country", &ada, &ny, &berlin, &buycard.TaxQuote{}, &withPhone, &ny},
		{"not shipped", &ada, nil, &ny, nil, &withPhone, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := &buycard.Order{Status: buycard.OrderPending, Quantity: 1, Total: buycard.Money{Amount: 2400, Currency: "USD"},
				OrderPrice: buycard.OrderPrice{Subtotal: 2400}, Buyer: tt.buyer, ShipTo: tt.shipTo}
			if _, _, err := o.Apply(buycard.PaymentEvent{Type: buycard.PaymentSucceeded, Amount: o.Total, Tax: tt.tax,
				Payer: &payer, ShipTo: tt.paidTo, OccurredAt: time.Now()}); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(o.Buyer, tt.wantBuyer) || !reflect.DeepEqual(o.ShipTo, tt.wantShipTo) {
				t.Errorf("buyer %+v, ship to %+v; want %+v, %+v", o.Buyer, o.ShipTo, tt.wantBuyer, tt.wantShipTo)
			}
			if tt.buyer != nil && *tt.buyer != ada {
				t.Error("the checkout's buyer was changed in place")
			}
		})
	}
}

// TestFlagMismatch: only a pending order is flagged with a payment that
// is not its total, once per amount.
func TestFlagMismatch(t *testing.T) {
	t.Parallel()
	taken := buycard.Money{Amount: 2401, Currency: "USD"}
	e := buycard.PaymentEvent{Type: buycard.PaymentSucceeded, Amount: taken, OccurredAt: time.Now()}
	o := &buycard.Order{Status: buycard.OrderPending, Quantity: 1, Total: buycard.Money{Amount: 2400, Currency: "USD"},
		OrderPrice: buycard.OrderPrice{Subtotal: 2400}}
	if _, _, err := o.Apply(e); !errors.Is(err, buycard.ErrPaymentMismatch) {
		t.Fatalf("Apply = %v, want ErrPaymentMismatch", err)
	}
	if !o.FlagMismatch(e) || o.MismatchedPayment != taken || o.FlagMismatch(e) {
		t.Errorf("flagged %v: want it flagged with %v, once", o.MismatchedPayment, taken)
	}
	expired := buycard.PaymentEvent{Type: buycard.SessionExpired, OccurredAt: time.Now()}
	paid := &buycard.Order{Status: buycard.OrderPaid}
	if paid.FlagMismatch(e) || (&buycard.Order{Status: buycard.OrderPending}).FlagMismatch(expired) {
		t.Error("a paid order, or an event that is no payment, flagged")
	}
}
