package buycard_test

import (
	"reflect"
	"testing"

	"github.com/buycard/buycard"
)

func TestShippingOptions(t *testing.T) {
	zones := buycard.ShippingZones{
		{ID: "shz_na", Name: "North America", Countries: []string{"CA", "US"}, Rates: []buycard.ShippingRate{
			{ID: "shr_std", Name: "Standard", Currency: "USD", Kind: buycard.ShipFlat, Amount: 450, FreeOver: 10_000},
			{ID: "shr_exp", Name: "Express", Currency: "USD", Kind: buycard.ShipPerItem, Amount: 500},
			{ID: "shr_jpy", Name: "Standard", Currency: "JPY", Kind: buycard.ShipFlat, Amount: 700},
		}},
		{ID: "shz_us", Name: "US pickup", Countries: []string{"US"}, Rates: []buycard.ShippingRate{
			{ID: "shr_pick", Name: "Pickup", Currency: "USD", Kind: buycard.ShipFlat, Amount: 0},
		}},
	}
	usd := func(id, name string, amount int64) buycard.ShippingOption {
		return buycard.ShippingOption{RateID: id, Name: name, Amount: buycard.Money{Amount: amount, Currency: "USD"}}
	}
	tests := []struct {
		name     string
		country  string
		currency string
		subtotal int64
		quantity int
		want     []buycard.ShippingOption
	}{
		{"two zones, cheapest first", "US", "USD", 4498, 3, []buycard.ShippingOption{
			usd("shr_pick", "Pickup", 0), usd("shr_std", "Standard", 450), usd("shr_exp", "Express", 1500)}},
		{"one zone", "CA", "USD", 4498, 1, []buycard.ShippingOption{usd("shr_std", "Standard", 450), usd("shr_exp", "Express", 500)}},
		{"free over the threshold", "CA", "USD", 10_000, 1, []buycard.ShippingOption{usd("shr_std", "Standard", 0), usd("shr_exp", "Express", 500)}},
		{"other currency", "CA", "JPY", 5000, 2, []buycard.ShippingOption{
			{RateID: "shr_jpy", Name: "Standard", Amount: buycard.Money{Amount: 700, Currency: "JPY"}}}},
		{"no rate in the currency", "US", "EUR", 4498, 1, nil},
		{"country not shipped to", "FR", "USD", 4498, 1, nil},
		{"per item above one payment is left out", "CA", "USD", 4498, 1_000_000, []buycard.ShippingOption{usd("shr_std", "Standard", 450)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := zones.Options(tt.country, tt.currency, tt.subtotal, tt.quantity)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Options =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestShippingZoneNormalize(t *testing.T) {
	rate := func(edit func(r *buycard.ShippingRate)) []buycard.ShippingRate {
		r := buycard.ShippingRate{Name: "Standard", Currency: "KWD", Kind: buycard.ShipFlat, Amount: 1500}
		edit(&r)
		return []buycard.ShippingRate{r}
	}
	ok := func(*buycard.ShippingRate) {}
	tests := []struct {
		name string
		zone buycard.ShippingZone
		want string
	}{
		{"ok", buycard.ShippingZone{Name: " Gulf ", Countries: []string{"kw", "BH", "KW"}, Rates: rate(ok)}, ""},
		{"no name", buycard.ShippingZone{Name: " ", Countries: []string{"KW"}, Rates: rate(ok)}, "The zone needs a name."},
		{"no countries", buycard.ShippingZone{Name: "Gulf", Rates: rate(ok)}, "The zone needs at least one country."},
		{"unknown country", buycard.ShippingZone{Name: "Gulf", Countries: []string{"KW", "ZZ"}, Rates: rate(ok)},
			`"ZZ" is not a country code (ISO 3166-1 alpha-2, such as US or FR).`},
		{"no rates", buycard.ShippingZone{Name: "Gulf", Countries: []string{"KW"}}, "A zone has between 1 and 20 shipping rates."},
		{"rate without name", buycard.ShippingZone{Name: "Gulf", Countries: []string{"KW"},
			Rates: rate(func(r *buycard.ShippingRate) { r.Name = "" })}, "A shipping rate needs a name, such as Standard."},
		{"bad kind", buycard.ShippingZone{Name: "Gulf", Countries: []string{"KW"},
			Rates: rate(func(r *buycard.ShippingRate) { r.Kind = "weight" })}, `Shipping rate "Standard": the kind must be flat or per_item.`},
		{"bad currency", buycard.ShippingZone{Name: "Gulf", Countries: []string{"KW"},
			Rates: rate(func(r *buycard.ShippingRate) { r.Currency = "XYZ" })}, `Shipping rate "Standard": currency "XYZ" is not supported.`},
		{"KWD step", buycard.ShippingZone{Name: "Gulf", Countries: []string{"KW"},
			Rates: rate(func(r *buycard.ShippingRate) { r.FreeOver = 10_005 })}, `Shipping rate "Standard": KWD amounts must end in 0.`},
		{"negative", buycard.ShippingZone{Name: "Gulf", Countries: []string{"KW"},
			Rates: rate(func(r *buycard.ShippingRate) { r.Amount = -10 })}, `Shipping rate "Standard": amounts are between 0 and ` + buycard.Money{Amount: buycard.MaxAmount("KWD"), Currency: "KWD"}.Format("en") + "."},
		{"control character", buycard.ShippingZone{Name: "Gulf\x1b", Countries: []string{"KW"}, Rates: rate(ok)},
			"The zone name must not contain control characters or text direction controls."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.zone.Normalize()
			if tt.want != "" {
				wantInvalid(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.zone.Name != "Gulf" || !reflect.DeepEqual(tt.zone.Countries, []string{"BH", "KW"}) {
				t.Errorf("normalized zone = %+v", tt.zone)
			}
		})
	}
}
