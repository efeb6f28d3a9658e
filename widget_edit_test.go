package buycard_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// storedWidget is a widget as a store returns it.
func storedWidget() *buycard.Widget {
	return &buycard.Widget{ID: "wgt_1", MerchantID: "mer_1", ProductID: "prd_1", CTA: "Buy", PublisherShareBPS: 1000,
		AllowedDomains: []string{"example.com"}, CheckoutMode: buycard.CheckoutOverlay, ThemeColor: "#1d4ed8",
		CornerRadius: 4, ColorScheme: buycard.SchemeDark, Layout: buycard.LayoutCompact, Locale: "fr",
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func TestWidgetEditApply(t *testing.T) {
	tests := []struct {
		name string
		body string
		want func(w *buycard.Widget)
	}{
		{"empty", `{}`, func(*buycard.Widget) {}},
		{"nulls leave the fields", `{"cta": null, "corner_radius": null, "closed_to_publishers": null}`, func(*buycard.Widget) {}},
		{"label and share", `{"cta": "Pre-order", "publisher_share_bps": 2500}`, func(w *buycard.Widget) {
			w.CTA, w.PublisherShareBPS = "Pre-order", 2500
		}},
		{"same product", `{"product_id": "prd_1"}`, func(*buycard.Widget) {}},
		{"null domains: any site", `{"allowed_domains": null}`, func(w *buycard.Widget) { w.AllowedDomains = nil }},
		{"no domains: any site", `{"allowed_domains": []}`, func(w *buycard.Widget) { w.AllowedDomains = nil }},
		{"domains", `{"allowed_domains": ["*.example.org"]}`, func(w *buycard.Widget) { w.AllowedDomains = []string{"*.example.org"} }},
		{"empty colour: the default, radius kept", `{"theme_color": ""}`, func(w *buycard.Widget) { w.ThemeColor = buycard.DefaultThemeColor }},
		{"empty mode: overlay", `{"checkout_mode": "", "closed_to_publishers": true}`, func(w *buycard.Widget) { w.ClosedToPublishers = true }},
		{"empty scheme and layout: defaults", `{"color_scheme": "", "layout": "", "locale": ""}`, func(w *buycard.Widget) {
			w.ColorScheme, w.Layout, w.Locale = buycard.DefaultColorScheme, buycard.DefaultLayout, ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edit := decode[buycard.WidgetEdit](t, tt.body)
			stored := storedWidget()
			got, err := edit.Apply(stored)
			if err != nil {
				t.Fatal(err)
			}
			want := storedWidget()
			tt.want(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
			if !reflect.DeepEqual(stored, storedWidget()) {
				t.Errorf("Apply changed the stored widget: %+v", stored)
			}
		})
	}
}

func TestWidgetEditApplyRefuses(t *testing.T) {
	tests := []struct {
		name, body, message string
	}{
		{"another product", `{"product_id": "prd_2"}`, "A widget's product cannot change."},
		{"blank label", `{"cta": "  "}`, "Button label is required."},
		{"share", `{"publisher_share_bps": 10001}`, "Publisher share must be between 0 and 10000 basis points."},
		{"radius", `{"corner_radius": 25}`, "Corner radius must be between 0 and 24 pixels."},
		{"domain", `{"allowed_domains": ["a b"]}`, `Allowed domain "a b" is not a host name.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			edit := decode[buycard.WidgetEdit](t, tt.body)
			_, err := edit.Apply(storedWidget())
			wantInvalid(t, err, tt.message)
		})
	}
}

func TestWidgetEditNewWidget(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	edit := buycard.WidgetEdit{ProductID: new("prd_1"), PublisherShareBPS: new(500), ThemeColor: new("")}
	got := edit.NewWidget("mer_1", now)
	want := &buycard.Widget{MerchantID: "mer_1", ProductID: "prd_1", CTA: "Buy", PublisherShareBPS: 500,
		ThemeColor: buycard.DefaultThemeColor, CornerRadius: buycard.DefaultCornerRadius,
		ColorScheme: buycard.DefaultColorScheme, Layout: buycard.DefaultLayout, CreatedAt: now}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestListEditJSON(t *testing.T) {
	var edit buycard.WidgetEdit
	err := json.Unmarshal([]byte(`{"allowed_domains": 5}`), &edit)
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) || typeErr.Field != "allowed_domains" {
		t.Errorf("error %v, want a type error on allowed_domains", err)
	}
	for _, tt := range []struct {
		edit buycard.WidgetEdit
		want string
	}{
		{buycard.WidgetEdit{}, `{}`},
		{buycard.WidgetEdit{AllowedDomains: buycard.Replace[string]()}, `{"allowed_domains":[]}`},
		{buycard.WidgetEdit{AllowedDomains: buycard.Replace("example.com")}, `{"allowed_domains":["example.com"]}`},
	} {
		if b, err := json.Marshal(tt.edit); err != nil || string(b) != tt.want {
			t.Errorf("JSON %s, %v; want %s", b, err, tt.want)
		}
	}
}
