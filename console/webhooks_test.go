package console

import (
	"slices"
	"testing"

	"github.com/buycard/buycard"
)

func TestWebhookDraft(t *testing.T) {
	types := buycard.PartyEventTypes(buycard.PartyMerchant)
	d := webhookDraft{URL: " https://example.com/hooks ", Description: " order sync "}
	edit, problem := d.request(types)
	if problem != "" || *edit.URL != "https://example.com/hooks" || *edit.Description != "order sync" || !slices.Equal(*edit.EventTypes, types) {
		t.Fatalf("every type ticked: request = %+v, %q", edit, problem)
	}
	d.tick(buycard.EventOrderPaid, false)
	if edit, _ := d.request(types); slices.Contains(*edit.EventTypes, buycard.EventOrderPaid) || len(*edit.EventTypes) != len(types)-1 {
		t.Errorf("order.paid unticked: types = %v", *edit.EventTypes)
	}
	for _, typ := range types {
		d.tick(typ, false)
	}
	if edit, problem := d.request(types); edit != nil || problem == "" {
		t.Errorf("none ticked: request = %+v, %q", edit, problem)
	}
	for _, typ := range append(buycard.PartyEventTypes(buycard.PartyMerchant), buycard.PartyEventTypes(buycard.PartyPublisher)...) {
		if eventTypeLabel(typ) == string(typ) {
			t.Errorf("event type %s has no note", typ)
		}
	}
	if id := eventTypeID(buycard.EventLowStock); id != "wh-type-product-low-stock" {
		t.Errorf("eventTypeID = %q", id)
	}
}
