package buycard_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// storedProduct is a product as a store returns it.
func storedProduct() *buycard.Product {
	return &buycard.Product{ID: "prd_1", MerchantID: "mer_1", Title: "Tee", Description: "Cotton", Currency: "EUR",
		Image: buycard.Image{URL: "https://cdn.example/tee.png", Width: 10, Height: 20, Alt: "A tee"}, OptionName: "Size",
		Variants:    []buycard.Variant{{ID: "var_s", Name: "S", Price: 1999, Stock: 4}, {ID: "var_m", Name: "M", Price: 2099, Unlimited: true}},
		MaxPerOrder: 5, PriceVersion: 3, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func TestProductEditApply(t *testing.T) {
	tests := []struct {
		name string
		body string
		want func(p *buycard.Product)
	}{
		{"empty", `{}`, func(*buycard.Product) {}},
		{"same currency, null title", `{"currency": "EUR", "title": null}`, func(*buycard.Product) {}},
		{"title and limit", `{"title": "Red tee", "max_per_order": 2}`, func(p *buycard.Product) { p.Title, p.MaxPerOrder = "Red tee", 2 }},
		{"one variant repriced", `{"option_name": "", "variants": [{"id": "var_s", "name": "S", "price": 1899, "stock": 4}]}`,
			func(p *buycard.Product) {
				p.OptionName, p.PriceVersion = "", 4
				p.Variants = []buycard.Variant{{ID: "var_s", Name: "S", Price: 1899, Stock: 4}}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edit := decode[buycard.ProductEdit](t, tt.body)
			got, err := edit.Apply(storedProduct())
			if err != nil {
				t.Fatal(err)
			}
			want := storedProduct()
			tt.want(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestProductEditApplyRefuses(t *testing.T) {
	tests := []struct {
		name, body, message string
	}{
		{"another currency", `{"currency": "USD"}`, "A product's currency cannot change."},
		{"null variants", `{"variants": null}`, "A product needs at least one variant."},
		{"another product's variant", `{"variants": [{"id": "var_x", "name": "X", "price": 100}]}`,
			`Variant "var_x" is not one of this product's, or is listed twice.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edit := decode[buycard.ProductEdit](t, tt.body)
			_, err := edit.Apply(storedProduct())
			wantInvalid(t, err, tt.message)
		})
	}
}

func TestProductEditNewProduct(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	edit := buycard.ProductEdit{Title: new("Mug"), Currency: new("JPY"),
		Variants: buycard.Replace(buycard.Variant{ID: "var_mine", Name: "Standard", Price: 1500})}
	got := edit.NewProduct("mer_1", now)
	want := &buycard.Product{MerchantID: "mer_1", Title: "Mug", Currency: "JPY", MaxPerOrder: 10, PriceVersion: 1,
		Variants: []buycard.Variant{{Name: "Standard", Price: 1500}}, CreatedAt: now}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}
