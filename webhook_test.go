package buycard

import (
	"net/netip"
	"testing"
	"time"
)

func TestCheckWebhookURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, url  string
		production bool
		want, err  string
	}{
		{"https", " https://hooks.example.com/buycard ", true, "https://hooks.example.com/buycard", ""},
		{"http in development", "http://127.0.0.1:9000/h", false, "http://127.0.0.1:9000/h", ""},
		{"http in production", "http://hooks.example.com/h", true, "", "The endpoint URL must use https."},
		{"loopback in production", "https://127.0.0.1/h", true, "", "The endpoint URL must name a host on the public internet."},
		{"localhost in production", "https://localhost/h", true, "", "The endpoint URL must name a host on the public internet."},
		{"metadata in production", "https://169.254.169.254/latest", true, "", "The endpoint URL must name a host on the public internet."},
		{"private IPv6 in production", "https://[fd00::1]/h", true, "", "The endpoint URL must name a host on the public internet."},
		{"credentials", "https://u:p@hooks.example.com/", true, "", "The endpoint URL must not hold credentials or a fragment."},
		{"relative", "/hooks", false, "", "The endpoint URL must be an absolute URL such as https://example.com/buycard/webhooks."},
		{"other scheme", "ftp://example.com/", false, "", "The endpoint URL must use https."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckWebhookURL(tt.url, tt.production)
			if ErrorMessage(err) != tt.err || got != tt.want {
				t.Errorf("CheckWebhookURL(%q) = %q, %v; want %q, %q", tt.url, got, err, tt.want, tt.err)
			}
		})
	}
}

func TestPublicAddr(t *testing.T) {
	t.Parallel()
	for addr, public := range map[string]bool{
		"93.184.215.14": true, "2606:4700::1111": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "0.0.0.0": false, "::1": false, "fe80::1": false, "fd00:ec2::254": false,
		"::ffff:127.0.0.1": false, "224.0.0.1": false, "64:ff9b::7f00:1": false,
	} {
		if got := PublicAddr(netip.MustParseAddr(addr)); got != public {
			t.Errorf("PublicAddr(%s) = %v, want %v", addr, got, public)
		}
	}
}

func TestWebhookEndpointEdit(t *testing.T) {
	t.Parallel()
	now := time.Now()
	url, desc := "https://hooks.example.com/h", "  fulfilment  "
	types := []EventType{EventOrderPaid, EventOrderPaid, EventOrderRefunded}
	e := &WebhookEndpoint{PartyKind: PartyMerchant}
	edit := WebhookEndpointEdit{URL: &url, Description: &desc, EventTypes: &types}
	if err := edit.Apply(e, true, now); err != nil {
		t.Fatal(err)
	}
	if e.URL != url || e.Description != "fulfilment" || len(e.EventTypes) != 2 {
		t.Errorf("endpoint = %+v", e)
	}
	for name, bad := range map[string]WebhookEndpointEdit{
		"a publisher's event": {EventTypes: &[]EventType{EventPayoutPaid}},
		"no event":            {EventTypes: &[]EventType{}},
		"unknown event":       {EventTypes: &[]EventType{"order.eaten"}},
	} {
		before := *e
		if err := bad.Apply(e, true, now); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
		*e = before
	}
	off := false
	(&WebhookEndpointEdit{Enabled: &off}).Apply(e, true, now)
	if e.DisabledAt == nil || e.Subscribed(EventOrderPaid) {
		t.Error("a disabled endpoint is still subscribed")
	}
	on := true
	e.FailingSince = &now
	(&WebhookEndpointEdit{Enabled: &on}).Apply(e, true, now)
	if e.DisabledAt != nil || e.FailingSince != nil || !e.Subscribed(EventOrderPaid) || e.Subscribed(EventOrderCanceled) {
		t.Errorf("enabled again: %+v", e)
	}
}
