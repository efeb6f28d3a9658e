package console

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

func TestSettingsForm(t *testing.T) {
	f := settingsFormOf(&buycard.MerchantSettings{TaxMode: buycard.TaxNone})
	f.BusinessName, f.SupportEmail, f.OriginCountry, f.TaxMode, f.TaxShipping = "Clay", "help@clay.example", "US", "rates", true
	edit, errs := f.request()
	if errs != nil {
		t.Fatal(errs)
	}
	got, err := edit.Apply(buycard.NewMerchantSettings("mer_1"))
	if err != nil || got.BusinessName != "Clay" || got.OriginCountry != "US" || got.TaxMode != buycard.TaxRates || !got.TaxShipping {
		t.Errorf("applied = %+v, %v", got, err)
	}
	f.SupportEmail, f.TaxMode, f.OriginCountry = "help@", "stripe", ""
	_, errs = f.request()
	for _, id := range []string{"set-email", "set-country"} {
		if errs[id] == "" {
			t.Errorf("no error for %s: %v", id, errs)
		}
	}
}

func TestZoneForm(t *testing.T) {
	f := newZoneForm()
	f.Name, f.Countries = "North America", "us, CA"
	f.Rates[0].Amount, f.Rates[0].FreeOver = "4.50", "100"
	f.Rates = append(f.Rates, rateForm{Name: "Courier", Currency: "KWD", Kind: "per_item", Amount: "1.250"})
	zone, errs := f.request()
	if errs != nil {
		t.Fatal(errs)
	}
	want := []buycard.ShippingRate{{Name: "Standard", Currency: "USD", Kind: buycard.ShipFlat, Amount: 450, FreeOver: 10000},
		{Name: "Courier", Currency: "KWD", Kind: buycard.ShipPerItem, Amount: 1250}}
	if !reflect.DeepEqual(zone.Rates, want) || !reflect.DeepEqual(zone.Countries, []string{"US", "CA"}) || zone.ID != "" {
		t.Errorf("zone = %+v", zone)
	}
	stored := &buycard.ShippingZone{ID: "shz_1", Name: "North America", Countries: []string{"CA", "US"}, Rates: want}
	if back := zoneFormOf(stored); back.Rates[0].Amount != "4.50" || back.Rates[0].FreeOver != "100.00" || back.Rates[1].FreeOver != "" {
		t.Errorf("form of a stored zone = %+v", back)
	}
	f.Countries, f.Rates[1].Amount, f.Name = "US, XX", "1.255", ""
	_, errs = f.request()
	for _, id := range []string{"zone-name", "zone-countries", fieldID("rate-amount", 1)} {
		if errs[id] == "" {
			t.Errorf("no error for %s: %v", id, errs)
		}
	}
}

// TestPostedZoneForm: the form posted before the WASM, its empty rate
// and an emptied one left out, reads as the zone the WASM would save.
func TestPostedZoneForm(t *testing.T) {
	posted := url.Values{zoneIDField: {"shz_1"}, zoneNameField: {"EU"}, zoneCountriesField: {"FR DE"},
		"rate-name-0": {""}, "rate-currency-0": {"EUR"}, "rate-kind-0": {"flat"}, "rate-amount-0": {" "}, "rate-free-0": {""},
		"rate-name-1": {"Post"}, "rate-currency-1": {"EUR"}, "rate-kind-1": {"per_item"}, "rate-amount-1": {"3"}, "rate-free-1": {""},
		"rate-name-2": {""}, "rate-currency-2": {"USD"}, "rate-kind-2": {"flat"}, "rate-amount-2": {""}, "rate-free-2": {""}}
	zone, errs := ShippingZoneForm(posted)
	want := []buycard.ShippingRate{{Name: "Post", Currency: "EUR", Kind: buycard.ShipPerItem, Amount: 300}}
	if errs != nil || zone.ID != "shz_1" || zone.Name != "EU" || !reflect.DeepEqual(zone.Rates, want) {
		t.Fatalf("zone = %+v, %v", zone, errs)
	}
	posted.Set("rate-name-1", "")
	posted.Set("rate-amount-1", "")
	if zone, errs := ShippingZoneForm(posted); zone != nil || errs["zone-rates"] == "" {
		t.Errorf("a zone without rates = %+v, %v", zone, errs)
	}
	if missing := ShippingZoneFields[len(ShippingZoneFields)-1]; missing != fieldID("rate-free", buycard.MaxRatesPerZone) {
		t.Errorf("the last field is %s", missing)
	}
}

func TestPostedTaxRateForm(t *testing.T) {
	rate, errs := TaxRateForm(url.Values{taxCountryField: {"US"}, taxRegionField: {"NY"}, taxRateField: {"8.875%"}})
	if errs != nil || *rate != (buycard.TaxRate{Country: "US", Region: "NY", RatePPM: 88_750}) {
		t.Errorf("rate = %+v, %v", rate, errs)
	}
	rate, errs = TaxRateForm(url.Values{taxCountryField: {noPlace}, taxRegionField: {noPlace}, taxRateField: {"101"}})
	if rate != nil || errs[taxCountryField] == "" || errs[taxRateField] == "" {
		t.Errorf("a rate without a country, over 100%% = %+v, %v", rate, errs)
	}
}

func TestTaxRatePercent(t *testing.T) {
	for ppm, text := range map[int64]string{88_750: "8.875", 200_000: "20", 0: "0", 1: "0.0001", 1_000_000: "100", 50_500: "5.05"} {
		if got := ppmPercent(ppm); got != text {
			t.Errorf("ppmPercent(%d) = %q, want %q", ppm, got, text)
		}
		if got, err := parsePPM(text + "%"); err != nil || got != ppm {
			t.Errorf("parsePPM(%q) = %d, %v", text, got, err)
		}
	}
	for _, bad := range []string{"100.0001", "8.87501", "-1", "x"} {
		if _, err := parsePPM(bad); err == nil {
			t.Errorf("parsePPM(%q) accepted", bad)
		}
	}
}

// TestSettingsSelectValues: as TestMerchSelectValues, for the settings
// page's selects.
func TestSettingsSelectValues(t *testing.T) {
	opts := append(countryOptions("Choose…"), productKinds...)
	for _, rs := range buycard.Regions {
		for _, r := range rs {
			opts = append(opts, ui.Option{Value: r.Code, Label: r.Name})
		}
	}
	for _, o := range opts {
		if o.Value == "" {
			t.Errorf("option %q has an empty value", o.Label)
		}
	}
}
