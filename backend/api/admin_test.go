package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/auth"
)

// adminBrowser makes an admin user and signs it in.
func adminBrowser(t *testing.T, ts *testServer) browser {
	t.Helper()
	u := &buycard.User{Email: "root@example.com", Role: buycard.RoleAdmin, PasswordHash: auth.TestParams.HashPassword(password), CreatedAt: ts.now}
	must(t, ts.db.CreateUser(t.Context(), u, ""))
	resp, body := login(ts, t, u.Email, password)
	if resp.StatusCode != 200 {
		t.Fatalf("admin login = %d %s", resp.StatusCode, body)
	}
	return signedIn(t, resp, body)
}

func TestAdminRoutes(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newConsoleServer(t)
	admin := adminBrowser(t, ts)
	mer, _ := signup(t, ts, "ann@example.com", "merchant")
	merKey := partyKey(t, ts, buycard.PartyMerchant, demoMerchant)
	ts.buyNotebook(t)
	for _, path := range []string{"/v1/admin/merchants", "/v1/admin/publishers", "/v1/admin/settings", "/v1/admin/status"} {
		for who, headers := range map[string][]string{"operator": operator, "admin": admin.headers()} {
			resp, body := ts.do(t, "GET", path, "", "", headers...)
			if resp.StatusCode != 200 {
				t.Errorf("%s: GET %s = %d %s", who, path, resp.StatusCode, body)
			}
			validateResponse(t, doc, "GET", path, path, resp, body)
		}
		for who, tt := range map[string]struct {
			headers []string
			status  int
		}{
			"anonymous": {nil, 401}, "merchant": {mer.headers(), 403}, "merchant key": {merKey, 403},
			"bad operator key": {[]string{"Authorization", "Bearer nope"}, 401},
		} {
			resp, body := ts.do(t, "GET", path, "", "", tt.headers...)
			if resp.StatusCode != tt.status {
				t.Errorf("%s: GET %s = %d %s, want %d", who, path, resp.StatusCode, body, tt.status)
			}
		}
	}
	_, body := ts.do(t, "GET", "/v1/admin/merchants", "", "", operator...)
	var merchants struct{ Merchants []buycard.PartySummary }
	must(t, json.Unmarshal([]byte(body), &merchants))
	var northwind *buycard.PartySummary
	for i, m := range merchants.Merchants {
		if m.ID == demoMerchant {
			northwind = &merchants.Merchants[i]
		}
	}
	if northwind == nil || northwind.Counts["paid_orders"] != 1 || northwind.PaymentAccount != buycard.AccountNone {
		t.Errorf("northwind = %+v in %s", northwind, body)
	}
	_, body = ts.do(t, "GET", "/v1/admin/status", "", "", operator...)
	// No node relays this store's events: the sale's order.paid waits.
	var status struct {
		LedgerOK bool `json:"ledger_ok"`
		Ledger   struct{ Journals int }
		Queue    struct{ Pending, Discarded, Undispatched int }
	}
	must(t, json.Unmarshal([]byte(body), &status))
	if !status.LedgerOK || status.Ledger.Journals != 2 || !strings.Contains(body, `"reconcile":null`) ||
		status.Queue.Undispatched == 0 || status.Queue.Pending != 0 || status.Queue.Discarded != 0 {
		t.Errorf("status = %s", body)
	}
	must(t, ts.db.RecordJobRun(t.Context(), &buycard.JobRun{Job: buycard.JobReconcile, StartedAt: ts.now, FinishedAt: ts.now.Add(time.Second), OK: true, Result: "3 sessions"}))
	resp, body := ts.do(t, "GET", "/v1/admin/status", "", "", operator...)
	validateResponse(t, doc, "GET", "/v1/admin/status", "/v1/admin/status", resp, body)
	if !strings.Contains(body, `"reconcile":{"job":"reconcile"`) || !strings.Contains(body, `"ok":true,"result":"3 sessions"`) {
		t.Errorf("status after a reconcile run = %s", body)
	}
}

func TestAdminSettingsChangeNewOrdersOnly(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newConsoleServer(t)
	admin := adminBrowser(t, ts)
	before := ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 1).Order
	if before.PlatformFeeBPS != 875 || before.PlatformFeeFixed != 30 {
		t.Fatalf("configured fee = %d + %d", before.PlatformFeeBPS, before.PlatformFeeFixed)
	}
	_, body := ts.do(t, "GET", "/v1/admin/settings", "", "", operator...)
	if body != `{"platform_fee_bps":875,"platform_fee_fixed":{"USD":30},"source":"config","refresh_seconds":10}` {
		t.Errorf("settings before a change = %s", body)
	}
	put := func(body string, headers ...string) (int, string) {
		resp, got := ts.do(t, "PUT", "/v1/admin/settings", "application/json", body, headers...)
		validateResponse(t, doc, "PUT", "/v1/admin/settings", "/v1/admin/settings", resp, got)
		return resp.StatusCode, got
	}
	for _, tt := range []struct{ name, body, message string }{
		{"bps", `{"platform_fee_bps":10001}`, "Platform fee must be 0 to 10000 basis points."},
		{"negative", `{"platform_fee_bps":-1}`, "Platform fee must be 0 to 10000 basis points."},
		{"currency", `{"platform_fee_bps":500,"platform_fee_fixed":{"XYZ":1}}`, `Unsupported currency`},
		{"step", `{"platform_fee_bps":500,"platform_fee_fixed":{"JPY":-5}}`, "Fixed JPY fee must be a non-negative multiple of 1."},
		{"missing", `{"platform_fee_fixed":{"USD":30}}`, "platform_fee_bps is required."},
		{"unknown field", `{"platform_fee_bps":500,"fee":1}`, ""},
	} {
		status, body := put(tt.body, operator...)
		if status != 400 || !strings.Contains(body, tt.message) {
			t.Errorf("%s: PUT = %d %s, want 400 %q", tt.name, status, body, tt.message)
		}
	}
	if status, body := put(`{"platform_fee_bps":500}`, "Cookie", admin.cookie); status != 403 {
		t.Errorf("PUT without CSRF = %d %s", status, body)
	}
	if o := ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 1).Order; o.PlatformFeeBPS != 875 || o.PlatformFeeFixed != 30 {
		t.Fatalf("a refused change changed the fee: %d + %d", o.PlatformFeeBPS, o.PlatformFeeFixed)
	}

	status, body := put(`{"platform_fee_bps":500,"platform_fee_fixed":{"USD":50}}`, admin.headers()...)
	if status != 200 || !strings.Contains(body, `"platform_fee_bps":500,"platform_fee_fixed":{"USD":50},"source":"saved"`) {
		t.Fatalf("PUT = %d %s", status, body)
	}
	after := ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 1).Order
	if after.PlatformFeeBPS != 500 || after.PlatformFeeFixed != 50 {
		t.Errorf("new order's fee = %d + %d, want 500 + 50", after.PlatformFeeBPS, after.PlatformFeeFixed)
	}
	if o := ts.order(t, before.ID); o.PlatformFeeBPS != 875 || o.PlatformFeeFixed != 30 {
		t.Errorf("an earlier order's fee changed: %d + %d", o.PlatformFeeBPS, o.PlatformFeeFixed)
	}
	_, body = ts.do(t, "GET", "/v1/admin/settings", "", "", admin.headers()...)
	if !strings.Contains(body, `"source":"saved"`) {
		t.Errorf("settings after the change = %s", body)
	}
}

// TestPlatformFeeRefresh: another node's change reaches this node's
// orders within the refresh time.
func TestPlatformFeeRefresh(t *testing.T) {
	t.Parallel()
	ts := newConsoleServer(t)
	ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 1) // reads the fee
	must(t, ts.db.SavePlatformSettings(t.Context(), &buycard.PlatformSettings{PlatformFee: buycard.PlatformFee{BPS: 100}, UpdatedAt: ts.now}))
	if o := ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 1).Order; o.PlatformFeeBPS != 875 {
		t.Errorf("within the refresh time: %d bps, want the cached 875", o.PlatformFeeBPS)
	}
	ts.now = ts.now.Add(11 * time.Second)
	if o := ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 1).Order; o.PlatformFeeBPS != 100 || o.PlatformFeeFixed != 0 {
		t.Errorf("after the refresh time: %d + %d, want 100 + 0", o.PlatformFeeBPS, o.PlatformFeeFixed)
	}
}
