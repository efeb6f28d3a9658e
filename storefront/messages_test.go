package storefront

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

func TestValidParentOrigin(t *testing.T) {
	tests := []struct {
		origin string
		want   bool
	}{
		{"https://a.example", true},
		{"http://127.0.0.1:8080", true},
		{"http://localhost:8080", true},
		{"https://[::1]:8443", true},
		{"null", false},
		{"javascript:alert(1)", false},
		{"javascript://a.example", false},
		{"https://a.example/path", false},
		{"https://a.example/", false},
		{"https://a.example?x=1", false},
		{"https://a.example#x", false},
		{"https://user@a.example", false},
		{"https://a.example:", false},
		{"https://a.example:port", false},
		{"HTTPS://a.example", false},
		{"ftp://a.example", false},
		{"//a.example", false},
		{"https://", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.origin, func(t *testing.T) {
			if got := validParentOrigin(tt.origin); got != tt.want {
				t.Errorf("validParentOrigin(%q) = %v, want %v", tt.origin, got, tt.want)
			}
		})
	}
}

func TestNewMessengerDropsInvalidOrigin(t *testing.T) {
	if m := newMessenger("https://a.example/path"); m.parentOrigin != "" || m.canPost() {
		t.Errorf("messenger kept an invalid origin: %+v", m)
	}
}

func TestParseOpenMessage(t *testing.T) {
	valid := func() map[string]any {
		return map[string]any{"bc": 1.0, "type": "open", "widget": "wgt_abc", "token": "bc1.p.x", "lang": "de-DE"}
	}
	with := func(key string, value any) map[string]any {
		m := valid()
		if value == nil {
			delete(m, key)
		} else {
			m[key] = value
		}
		return m
	}
	tests := []struct {
		name   string
		fields map[string]any
		want   openMessage
		ok     bool
	}{
		{"ok", valid(), openMessage{Widget: "wgt_abc", Token: "bc1.p.x", Lang: "de-DE"}, true},
		{"empty lang defaults to en", with("lang", ""), openMessage{Widget: "wgt_abc", Token: "bc1.p.x", Lang: "en"}, true},
		{"odd lang defaults to en", with("lang", "de_DE!"), openMessage{Widget: "wgt_abc", Token: "bc1.p.x", Lang: "en"}, true},
		{"no fields", nil, openMessage{}, false},
		{"other version", with("bc", 2.0), openMessage{}, false},
		{"version as string", with("bc", "1"), openMessage{}, false},
		{"other type", with("type", "close"), openMessage{}, false},
		{"missing widget", with("widget", nil), openMessage{}, false},
		{"bad widget prefix", with("widget", "prd_abc"), openMessage{}, false},
		{"upper-case widget", with("widget", "wgt_ABC"), openMessage{}, false},
		{"widget too long", with("widget", "wgt_"+strings.Repeat("a", 41)), openMessage{}, false},
		{"widget with path", with("widget", "wgt_abc/../x"), openMessage{}, false},
		{"missing token", with("token", nil), openMessage{}, false},
		{"empty token", with("token", ""), openMessage{}, false},
		{"token too long", with("token", strings.Repeat("t", 2049)), openMessage{}, false},
		{"token as number", with("token", 5.0), openMessage{}, false},
		{"missing lang", with("lang", nil), openMessage{}, false},
		{"lang too long", with("lang", strings.Repeat("a", 36)), openMessage{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseOpenMessage(tt.fields)
			if ok != tt.ok || got != tt.want {
				t.Errorf("parseOpenMessage = %+v, %v; want %+v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestPurchaseMessage(t *testing.T) {
	o := &buycard.Order{ID: "ord_1", Number: "BC-7F3K-92QD", Quantity: 3, Total: buycard.Money{Amount: 7200, Currency: "USD"}}
	want := map[string]any{
		"type": "purchase",
		"order": map[string]any{
			"id": "ord_1", "number": "BC-7F3K-92QD", "quantity": 3,
			"total": map[string]any{"amount": int64(7200), "currency": "USD"},
		},
	}
	if got := purchaseMessage(o); !reflect.DeepEqual(got, want) {
		t.Errorf("purchaseMessage = %v, want %v", got, want)
	}
}

func TestParseCheckoutURL(t *testing.T) {
	tests := []struct {
		url  string
		want checkoutParams
	}{
		{"/checkout/wgt_abc?t=tok&o=https%3A%2F%2Fa.example&lang=ja",
			checkoutParams{widgetID: "wgt_abc", token: "tok", parentOrigin: "https://a.example", lang: "ja"}},
		{"/checkout/wgt_abc?t=tok", checkoutParams{widgetID: "wgt_abc", token: "tok", lang: "en"}},
		{"/checkout/prd_abc?t=tok", checkoutParams{lang: "en"}},
		{"/checkout/wgt_abc?t=" + strings.Repeat("t", 2049), checkoutParams{lang: "en"}},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := parseCheckoutURL(u); got != tt.want {
			t.Errorf("parseCheckoutURL(%s) = %+v, want %+v", tt.url, got, tt.want)
		}
	}
}
