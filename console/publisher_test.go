package console

import (
	"strings"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/console/ui"
)

func TestPublisherAdminRoutes(t *testing.T) {
	for _, tc := range []struct {
		path, title, role string
		args              []string
	}{
		{"/console/catalog", "Catalog", buycard.RolePublisher, []string{}},
		{"/console/placements", "Placements", buycard.RolePublisher, []string{}},
		{"/console/placements/plc_feednotebook", "Placement", buycard.RolePublisher, []string{"plc_feednotebook"}},
		{"/console/earnings", "Earnings", buycard.RolePublisher, []string{}},
		{"/console/admin/settings", "Platform fee", buycard.RoleAdmin, []string{}},
		{"/console/admin/merchants", "Merchants", buycard.RoleAdmin, []string{}},
		{"/console/admin/publishers", "Publishers", buycard.RoleAdmin, []string{}},
	} {
		r, args, ok := match(tc.path)
		if !ok || r.title != tc.title || r.role != tc.role || len(args) != len(tc.args) || (len(args) == 1 && args[0] != tc.args[0]) {
			t.Errorf("match(%q) = %q %q %v %v", tc.path, r.title, r.role, args, ok)
		}
		if r.allows(buycard.RoleMerchant) {
			t.Errorf("%s lets merchants in", tc.path)
		}
	}
	if _, _, ok := match("/console/placements/PLC_1"); ok {
		t.Error("a malformed placement id matched")
	}
	for role, want := range map[string][]string{
		buycard.RolePublisher: {"Overview", "Statement", "Catalog", "Placements", "Earnings", "API keys", "Webhooks"},
		buycard.RoleAdmin:     {"Overview", "Merchants", "Publishers", "Platform fee", "Reconciliation"},
	} {
		var got []string
		for _, r := range navFor(role) {
			got = append(got, r.nav)
		}
		if len(got) != len(want) {
			t.Errorf("nav of %s = %v, want %v", role, got, want)
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("nav of %s = %v, want %v", role, got, want)
			}
		}
	}
}

func TestPreviewPath(t *testing.T) {
	if got := previewPath("wgt_a1", "plc_b2"); got != "/embed/preview?placement=plc_b2&widget=wgt_a1" {
		t.Errorf("previewPath = %q", got)
	}
	if got := snippetPath("wgt_a1", "plc_b2"); got != "/v1/embed/snippet?placement=plc_b2&widget=wgt_a1" {
		t.Errorf("snippetPath = %q", got)
	}
}

func TestEarningsFormat(t *testing.T) {
	e := earnings{"USD": {"pending": 1250}, "EUR": {"available": 99}}
	if got := e.currencies(); len(got) != 2 || got[0] != "EUR" || got[1] != "USD" {
		t.Errorf("currencies = %v", got)
	}
	if got := ui.MoneyText(1250, "USD"); got != "$12.50" {
		t.Errorf("moneyText = %q", got)
	}
	if got := priceRangeText(1000, 2500, "USD"); got != "$10.00 – $25.00" {
		t.Errorf("priceRangeText = %q", got)
	}
	if got := feeSummary(&platformSettings{BPS: 875, Fixed: map[string]int64{"USD": 30, "JPY": 0}}); got != "8.75% of each order, plus $0.30 per order in that currency." {
		t.Errorf("feeSummary = %q", got)
	}
}

func TestAccountState(t *testing.T) {
	for _, tc := range []struct {
		a        *buycard.PaymentAccount
		merchant bool
		want     string
	}{
		{nil, false, "Not set up"},
		{nil, true, "Not set up"},
		{&buycard.PaymentAccount{ID: "acct_1"}, false, "Setup not finished"},
		{&buycard.PaymentAccount{ID: "acct_1", ChargesEnabled: true}, false, "Setup not finished"},
		{&buycard.PaymentAccount{ID: "acct_1", ChargesEnabled: true}, true, "Takes payments"},
		{&buycard.PaymentAccount{ID: "acct_1", ChargesEnabled: true, PayoutsEnabled: true}, false, "Payouts enabled"},
		{&buycard.PaymentAccount{ID: "acct_sandbox_mer_1", ChargesEnabled: true, PayoutsEnabled: true}, true, "Sandbox"},
	} {
		if got, _ := accountState(tc.a, tc.merchant); got != tc.want {
			t.Errorf("accountState(%+v) = %q, want %q", tc.a, got, tc.want)
		}
	}
}

func TestCSPHint(t *testing.T) {
	tests := []struct{ name, loaderURL, want string }{
		{"from the loader URL", "https://buy.example/buycard.0123456789abcdef.js", "allow https://buy.example in style-src, script-src,"},
		{"no URL", "", "allow Buycard's origin in style-src, script-src,"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cspHint(tt.loaderURL); !strings.Contains(got, tt.want) || !strings.Contains(got, "no 'unsafe-inline'") {
				t.Errorf("cspHint = %q, want it to contain %q", got, tt.want)
			}
		})
	}
}
