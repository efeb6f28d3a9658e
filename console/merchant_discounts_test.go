package console

import (
	"encoding/json"
	"testing"

	"github.com/buycard/buycard"
)

// TestDiscountForm checks the new-code form's request: what it sends for
// a percentage and for an amount with limits, an end and a placement, and
// the errors of what it cannot send.
func TestDiscountForm(t *testing.T) {
	tests := []struct {
		name    string
		form    discountForm
		want    string
		message string
	}{
		{"percent", discountForm{code: "spring", kind: "percent", percent: "25", placement: noPlacement},
			`{"code":"spring","percent_bps":2500}`, ""},
		{"amount with limits", discountForm{code: "MUG5", kind: "amount", amount: "5.00", currency: "USD", minimum: "30", total: "100",
			perBuyer: "1", ends: "2027-01-31", placement: "plc_a"},
			`{"code":"MUG5","amount_off":{"USD":500},"min_subtotal":{"USD":3000},"ends_at":"2027-01-31T00:00:00Z","max_redemptions":100,"max_per_buyer":1,"placement_id":"plc_a"}`, ""},
		{"KWD step", discountForm{code: "K", kind: "amount", amount: "1.005", currency: "KWD"}, "", ""},
		{"no percent", discountForm{code: "X", kind: "percent"}, "", "Percent off is required."},
		{"over 100%", discountForm{code: "X", kind: "percent", percent: "150"}, "", "Percent off must be at most 100%."},
		{"negative limit", discountForm{code: "X", kind: "percent", percent: "5", total: "-1"}, "", "Uses in all must be a whole number of at least 0."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := tt.form.edit()
			if tt.want == "" {
				if err == nil || tt.message != "" && message(err) != tt.message {
					t.Fatalf("edit = %+v, %v; want %q", e, err, tt.message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(e)
			if string(got) != tt.want {
				t.Errorf("request\n got %s\nwant %s", got, tt.want)
			}
		})
	}
	for _, o := range placementOptions([]*buycard.MerchantPlacement{{ID: "plc_a", Name: "Feed", PublisherName: "Blog"}}, "None") {
		if o.Value == "" {
			t.Errorf("option %q has an empty value", o.Label)
		}
	}
}
