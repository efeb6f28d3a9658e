package console

import (
	"encoding/json"
	"testing"

	"github.com/buycard/buycard"
)

func TestFulfilForm(t *testing.T) {
	o := &buycard.Order{Status: buycard.OrderPaid,
		Fulfillment: buycard.Fulfillment{Status: buycard.PartiallyFulfilled, Carrier: "UPS", TrackingNumber: "1Z9"}}
	f := newFulfilForm(o)
	if f.Status != "partially_fulfilled" || f.Carrier != "UPS" || f.Number != "1Z9" || f.URL != "" {
		t.Fatalf("form of %+v = %+v", o.Fulfillment, f)
	}
	if got := newFulfilForm(&buycard.Order{}).Status; got != "unfulfilled" {
		t.Errorf("status of an order never fulfilled = %q", got)
	}
	f.Status, f.URL = "fulfilled", "https://ups.example/t/1Z9"
	body, err := json.Marshal(f.edit())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"status":"fulfilled","carrier":"UPS","tracking_number":"1Z9","tracking_url":"https://ups.example/t/1Z9"}`
	if string(body) != want {
		t.Errorf("PATCH body = %s, want %s", body, want)
	}
}
