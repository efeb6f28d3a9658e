package api_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/operations"
	"github.com/buycard/buycard/backend/sqlite"
)

// sandboxReconciliation is a node's reconciliation without Stripe: its
// runs and alerts are the store's, and there is nothing to compare.
type sandboxReconciliation struct{ *sqlite.DB }

func (sandboxReconciliation) ReconcileDays(context.Context, []string, bool) ([]*buycard.ReconciliationRun, error) {
	return nil, operations.ErrNoProvider
}

func (sandboxReconciliation) HasProvider() bool { return false }

// raiseAlert records a mismatched day with one difference, as a run
// finds it, and returns its alert.
func raiseAlert(t *testing.T, db *sqlite.DB, day string) *buycard.ReconciliationAlert {
	t.Helper()
	ctx, now := t.Context(), time.Now().UTC()
	ok, err := db.ClaimReconciliation(ctx, day, now, true)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	diff := buycard.Difference{Kind: buycard.MissingInLedger, Object: buycard.MoneyRefund, ProviderID: "re_dash", OrderID: "ord_1", Currency: "USD", ProviderAmount: 500}
	must(t, db.FinishReconciliation(ctx, &buycard.ReconciliationRun{Day: day, Status: buycard.ReconciliationMismatch, StartedAt: now,
		Report: &buycard.ReconciliationReport{Day: day, Compared: 1, Totals: []buycard.CurrencyTotals{}, Differences: []buycard.Difference{diff}}}, now))
	alerts, err := db.OpenReconciliationAlerts(ctx)
	must(t, err)
	return alerts[len(alerts)-1]
}

// TestReconciliationRoutes: the admin's reconciliation through the API.
// Bad days are refused with what is wrong; without Stripe there is
// nothing to compare; an alert holds payouts (the status and the
// publisher's payouts say so) until it is cleared with a note.
func TestReconciliationRoutes(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	ts := newConsoleServer(t)
	mer, _ := signup(t, ts, "ann@example.com", "merchant")
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(buycard.DayLayout)
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format(buycard.DayLayout)
	for _, tt := range []struct {
		name, body string
		headers    []string
		status     int
		message    string
	}{
		{"malformed day", `{"from":"07/12/2026"}`, operator, 400, "is not a day: write it as YYYY-MM-DD (UTC)."},
		{"day to come", `{"from":"` + tomorrow + `"}`, operator, 400, "Day " + tomorrow + " is not over yet: a day can be reconciled once it has ended (UTC)."},
		{"today", `{"from":"` + time.Now().UTC().Format(buycard.DayLayout) + `"}`, operator, 400, "is not over yet"},
		{"range backwards", `{"from":"2026-12-05","to":"2026-12-01"}`, operator, 400, "The last day 2026-12-01 is before the first 2026-12-05."},
		{"too many days", `{"from":"2026-01-01","to":"2026-12-01"}`, operator, 400, "Reconcile at most 31 days at a time."},
		{"unknown field", `{"day":"2026-12-01"}`, operator, 400, ""},
		{"no provider", `{"from":"` + yesterday + `"}`, operator, 409, "Nothing to reconcile: this server takes no Stripe payments"},
		{"merchant", `{"from":"` + yesterday + `"}`, mer.headers(), 403, ""},
	} {
		resp, body := ts.do(t, "POST", "/v1/admin/reconciliation/runs", "application/json", tt.body, tt.headers...)
		if resp.StatusCode != tt.status || !strings.Contains(body, tt.message) {
			t.Errorf("%s: %d %s, want %d %q", tt.name, resp.StatusCode, body, tt.status, tt.message)
		}
	}
	if runs, _ := ts.db.ReconciliationRuns(t.Context(), 10); len(runs) != 0 {
		t.Fatalf("refused runs recorded: %+v", runs)
	}

	alert := raiseAlert(t, ts.db, "2026-12-01")
	resp, body := ts.do(t, "GET", "/v1/admin/reconciliation", "", "", operator...)
	validateResponse(t, doc, "GET", "/v1/admin/reconciliation", "/v1/admin/reconciliation", resp, body)
	if !strings.Contains(body, `"payouts_held":true`) || !strings.Contains(body, `"provider_id":"re_dash"`) || !strings.Contains(body, `"provider":false`) {
		t.Errorf("reconciliation with an alert = %s", body)
	}
	if _, body := ts.do(t, "GET", "/v1/admin/status", "", "", operator...); !strings.Contains(body, `"payouts_held":true`) {
		t.Errorf("status with an alert = %s", body)
	}
	clear := "/v1/admin/reconciliation/alerts/" + strconv.FormatInt(alert.ID, 10) + "/clear"
	for _, tt := range []struct {
		name, path, body string
		status           int
	}{
		{"no note", clear, `{"note":"  "}`, 400},
		{"not an id", "/v1/admin/reconciliation/alerts/abc/clear", `{"note":"x"}`, 404},
		{"unknown alert", "/v1/admin/reconciliation/alerts/999/clear", `{"note":"x"}`, 404},
	} {
		if resp, body := ts.do(t, "POST", tt.path, "application/json", tt.body, operator...); resp.StatusCode != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, resp.StatusCode, body, tt.status)
		}
	}
	resp, body = ts.do(t, "POST", clear, "application/json", `{"note":"Goodwill refund made in the Dashboard; booked."}`, operator...)
	validateResponse(t, doc, "POST", "/v1/admin/reconciliation/alerts/{id}/clear", clear, resp, body)
	if resp.StatusCode != 200 || !strings.Contains(body, `"payouts_held":false`) {
		t.Errorf("clear = %d %s", resp.StatusCode, body)
	}
	if resp, _ := ts.do(t, "POST", clear, "application/json", `{"note":"again"}`, operator...); resp.StatusCode != 409 {
		t.Errorf("clear twice = %d, want 409", resp.StatusCode)
	}
}

// TestReconciliationForms: the reconciliation page's forms work before
// the WASM: a bad day shows the page again with the message and the day
// as typed; an alert's clear form clears it, recording the admin.
func TestReconciliationForms(t *testing.T) {
	t.Parallel()
	ts := newConsolePages(t)
	admin := adminBrowser(t, ts)
	got := postConsole(t, ts, "/admin/reconciliation", url.Values{"recon-from": {"2026-02-30"}, "csrf_token": {admin.csrf}}, "Cookie", admin.cookie)
	if got.status != 400 || !strings.Contains(got.page, "is not a day: write it as YYYY-MM-DD (UTC).") || !strings.Contains(got.page, `value="2026-02-30"`) {
		t.Errorf("bad day = %d %.400s", got.status, got.page)
	}
	alert := raiseAlert(t, ts.db, "2026-12-02")
	page := func() string {
		_, body := ts.do(t, "GET", "/console/admin/reconciliation", "", "", "Cookie", admin.cookie)
		return body
	}
	wantWords(t, "the page with an alert", page(), "Payouts held", "Differences on 2026-12-02", "re_dash", `action="/console/admin/reconciliation/alerts/`+strconv.FormatInt(alert.ID, 10)+`/clear"`)
	field := "alert-note-" + strconv.FormatInt(alert.ID, 10)
	action := "/admin/reconciliation/alerts/" + strconv.FormatInt(alert.ID, 10) + "/clear"
	if got := postConsole(t, ts, action, url.Values{field: {""}, "csrf_token": {admin.csrf}}, "Cookie", admin.cookie); got.status != 400 || !strings.Contains(got.page, "Say in a note") {
		t.Errorf("clear without a note = %d %.300s", got.status, got.page)
	}
	if got := postConsole(t, ts, action, url.Values{field: {"Checked with Stripe."}}, "Cookie", admin.cookie); got.status != 403 {
		t.Errorf("clear without the CSRF token = %d", got.status)
	}
	got = postConsole(t, ts, action, url.Values{field: {"Checked with Stripe."}, "csrf_token": {admin.csrf}}, "Cookie", admin.cookie)
	if got.status != 303 || got.location != "/console/admin/reconciliation" {
		t.Fatalf("clear = %d → %s", got.status, got.location)
	}
	if alerts, _ := ts.db.OpenReconciliationAlerts(t.Context()); len(alerts) != 0 {
		t.Fatalf("alerts after clearing: %+v", alerts)
	}
	wantWords(t, "the page after clearing", page(), "Payouts running", "Cleared alerts", "root@example.com", "Checked with Stripe.")
}
