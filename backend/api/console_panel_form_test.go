package api_test

// The console's forms before the WASM, of the pages with several: the
// settings page's tax rates and shipping zones, the payment account
// panel, the platform fee, and the rows' buttons (console_form_test.go
// has each page's main form).

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
	"github.com/buycard/buycard/backend/blob"
)

// The settings page's tax rates work before the WASM: the new rate form
// adds (a state picked from every country's, which the server checks
// belongs to the country), and a rate's Delete button deletes; another
// merchant can do neither to ann's rates.
func TestConsoleTaxRateForms(t *testing.T) {
	t.Parallel()
	ts, ann, bo := newConsoleParties(t)
	cy, _ := signup(t, ts, "cy@example.com", "merchant")
	page := consolePage(t, ts, "/console/settings", ann)
	wantWords(t, "the settings page", page, `action="/console/settings/tax-rates"`, `<optgroup label="United States">`, "No tax rates yet.")
	// The feeds' links take the server's public origin before the WASM.
	if feed := regexp.MustCompile(`https?://[^"<\s]+/feeds/` + partyOf(t, ts, "ann@example.com") + `/google.xml`); !feed.MatchString(page) {
		t.Errorf("the settings page has no link to its Google feed")
	}

	form := func(country, region, rate, csrf string) url.Values {
		return url.Values{"tax-country": {country}, "tax-region": {region}, "tax-rate": {rate}, "csrf_token": {csrf}}
	}
	rates := func() int { return countRows(t, ts, `SELECT count(*) FROM tax_rates`) }
	wantRefused(t, ts, "/settings/tax-rates", func() bool { return rates() == 0 }, []formRefusal{
		{"over 100%", form("US", "-", "101", ann.csrf), []string{"Cookie", ann.cookie}, 400, []string{"The rate must be at most 100%.", `value="101"`}},
		{"no country", form("-", "-", "5", ann.csrf), []string{"Cookie", ann.cookie}, 400, []string{"Choose a country."}},
		{"a state of another country", form("FR", "NY", "5", ann.csrf), []string{"Cookie", ann.cookie}, 400, []string{"Tax rates by region are for the United States and Canada; France has one rate."}},
		{"without the CSRF token", form("US", "NY", "5", ""), []string{"Cookie", ann.cookie}, 403, nil},
		{"cross-site", form("US", "NY", "5", ann.csrf), append([]string{"Cookie", ann.cookie}, crossSite...), 403, nil},
		{"a publisher", form("US", "NY", "5", bo.csrf), []string{"Cookie", bo.cookie}, 403, nil},
	})

	got := postConsole(t, ts, "/settings/tax-rates", form("US", "NY", "8.875%", ann.csrf), "Cookie", ann.cookie)
	if got.status != 200 {
		t.Fatalf("add = %d: %.300s", got.status, got.page)
	}
	wantWords(t, "the added rate", got.page, "Tax rate added.", "New York, United States", "8.875%")
	var id string
	must(t, ts.sql(t).QueryRow(`SELECT id FROM tax_rates WHERE country = 'US' AND region = 'NY' AND rate_ppm = 88750`).Scan(&id))

	del := "/settings/tax-rates/" + id + "/delete"
	if got := postConsole(t, ts, del, url.Values{"csrf_token": {cy.csrf}}, "Cookie", cy.cookie); got.status != 404 || rates() != 1 {
		t.Errorf("another merchant's delete = %d, %d rates: %.300s", got.status, rates(), got.page)
	} else {
		wantWords(t, "another merchant's delete", got.page, "not found")
	}
	if got := postConsole(t, ts, del, url.Values{"csrf_token": {""}}, "Cookie", ann.cookie); got.status != 403 || rates() != 1 {
		t.Errorf("a delete without the CSRF token = %d, %d rates", got.status, rates())
	}
	if got := postConsole(t, ts, del, url.Values{"csrf_token": {ann.csrf}}, "Cookie", ann.cookie); got.status != 303 ||
		got.location != "/console/settings#tax-h" || rates() != 0 {
		t.Errorf("delete = %d to %q, %d rates", got.status, got.location, rates())
	}
}

// The settings page's shipping zones work before the WASM: the form adds
// a zone with the rates filled in (the empty one it offers left out),
// ?zone= opens a zone to edit, a rate emptied is removed, and Delete
// deletes; another merchant can neither edit nor delete ann's zone.
func TestConsoleShippingZoneForms(t *testing.T) {
	t.Parallel()
	ts, ann, _ := newConsoleParties(t)
	cy, _ := signup(t, ts, "cy@example.com", "merchant")
	form := func(id, name, countries, csrf string, rates ...[4]string) url.Values {
		v := url.Values{"zone-id": {id}, "zone-name": {name}, "zone-countries": {countries}, "csrf_token": {csrf}}
		for i, r := range append(rates, [4]string{}) { // the empty rate the page offers
			n := "-" + string(rune('0'+i))
			v.Set("rate-name"+n, r[0])
			v.Set("rate-currency"+n, r[1])
			v.Set("rate-kind"+n, "flat")
			v.Set("rate-amount"+n, r[2])
			v.Set("rate-free"+n, r[3])
		}
		return v
	}
	zones := func() int { return countRows(t, ts, `SELECT count(*) FROM shipping_zones`) }
	standard := [4]string{"Standard", "USD", "4.50", "100"}
	wantRefused(t, ts, "/settings/shipping-zones", func() bool { return zones() == 0 }, []formRefusal{
		{"a bad country", form("", "Domestic", "US, XX", ann.csrf, standard), []string{"Cookie", ann.cookie}, 400,
			[]string{"XX is not a country code", `value="US, XX"`}},
		{"no rate", form("", "Domestic", "US", ann.csrf), []string{"Cookie", ann.cookie}, 400, []string{"Add at least one rate."}},
		{"without the CSRF token", form("", "Domestic", "US", "", standard), []string{"Cookie", ann.cookie}, 403, nil},
	})

	got := postConsole(t, ts, "/settings/shipping-zones", form("", "Domestic", "us ca", ann.csrf, standard), "Cookie", ann.cookie)
	if got.status != 200 {
		t.Fatalf("add = %d: %.300s", got.status, got.page)
	}
	wantWords(t, "the added zone", got.page, "Zone saved.", "Domestic", "Canada, United States", "Standard: $4.50 per order, free from $100.00")
	stored := func() *buycard.ShippingZone {
		z, err := ts.db.ShippingZones(t.Context(), partyOf(t, ts, "ann@example.com"))
		must(t, err)
		if len(z) != 1 {
			t.Fatalf("%d zones", len(z))
		}
		return z[0]
	}
	z := stored()
	if len(z.Rates) != 1 || z.Rates[0].Amount != 450 {
		t.Fatalf("zone = %+v", z)
	}

	edit := consolePage(t, ts, "/console/settings?zone="+z.ID, ann)
	wantWords(t, "the zone to edit", edit, "Edit Domestic", `value="`+z.ID+`"`, `value="Standard"`, `value="4.50"`)
	emptied := [4]string{"", "USD", "", ""}
	express := [4]string{"Express", "USD", "12", ""}
	if got := postConsole(t, ts, "/settings/shipping-zones", form(z.ID, "Everywhere", "US", cy.csrf, express), "Cookie", cy.cookie); got.status != 404 {
		t.Errorf("another merchant's edit = %d: %.300s", got.status, got.page)
	}
	got = postConsole(t, ts, "/settings/shipping-zones", form(z.ID, "Domestic", "US", ann.csrf, emptied, express), "Cookie", ann.cookie)
	if z := stored(); got.status != 200 || zones() != 1 || len(z.Rates) != 1 || z.Rates[0].Name != "Express" || len(z.Countries) != 1 {
		t.Errorf("edit = %d, zone %+v: %.300s", got.status, z, got.page)
	}

	del := "/settings/shipping-zones/" + z.ID + "/delete"
	if got := postConsole(t, ts, del, url.Values{"csrf_token": {cy.csrf}}, "Cookie", cy.cookie); got.status != 404 || zones() != 1 {
		t.Errorf("another merchant's delete = %d, %d zones", got.status, zones())
	}
	if got := postConsole(t, ts, del, url.Values{"csrf_token": {ann.csrf}}, "Cookie", ann.cookie); got.status != 303 || zones() != 0 {
		t.Errorf("delete = %d to %q, %d zones", got.status, got.location, zones())
	}
}

// The payment account panel's button works before the WASM: without
// Stripe it connects a sandbox account and shows the page it was sent
// from saying so; with Stripe it sends the browser on to the onboarding.
func TestConsoleOnboardingForm(t *testing.T) {
	t.Parallel()
	ts, _, bo := newConsoleParties(t)
	page := consolePage(t, ts, "/console/earnings", bo)
	wantWords(t, "the earnings page", page, `action="/console/payment-account"`, `value="/console/earnings"`, "Set up payouts with Stripe")
	if got := postConsole(t, ts, "/payment-account", url.Values{"from": {"/console/earnings"}}, "Cookie", bo.cookie); got.status != 403 {
		t.Errorf("without the CSRF token = %d", got.status)
	}
	got := postConsole(t, ts, "/payment-account", url.Values{"from": {"/console/earnings"}, "csrf_token": {bo.csrf}}, "Cookie", bo.cookie)
	if got.status != 200 {
		t.Fatalf("sandbox = %d: %.300s", got.status, got.page)
	}
	wantWords(t, "the sandbox", got.page, "Your sandbox account is connected.", "Payout history", "acct_sandbox_")
	if n := countRows(t, ts, `SELECT count(*) FROM payment_accounts`); n != 1 {
		t.Errorf("%d payment accounts", n)
	}
	// Another site's page as from is not followed: the overview shows.
	if got := postConsole(t, ts, "/payment-account", url.Values{"from": {"https://evil.example/"}, "csrf_token": {bo.csrf}}, "Cookie", bo.cookie); got.status != 200 ||
		!strings.Contains(got.page, "<h1>Overview</h1>") && !strings.Contains(got.page, "Overview") {
		t.Errorf("from another site = %d: %.300s", got.status, got.page)
	}

	fake := &onboardingFake{}
	stripe := newConsolePages(t, func(_ *api.Config, svc *api.Services) { svc.StripeOnboarding = fake })
	ann, _ := signup(t, stripe, "ann@example.com", "merchant")
	got = postConsole(t, stripe, "/payment-account", url.Values{"from": {"/console"}, "csrf_token": {ann.csrf}}, "Cookie", ann.cookie)
	if got.status != 303 || !strings.HasPrefix(got.location, "https://connect.stripe.com/setup/") || len(fake.started) != 1 {
		t.Errorf("with Stripe = %d to %q, started %v", got.status, got.location, fake.started)
	}
}

// consolePage is the console page at path as b's browser gets it.
func consolePage(t *testing.T, ts *testServer, path string, b browser) string {
	t.Helper()
	resp, page := ts.do(t, "GET", path, "", "", "Cookie", b.cookie)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d", path, resp.StatusCode)
	}
	return page
}

// partyOf is the party of the user with email.
func partyOf(t *testing.T, ts *testServer, email string) (id string) {
	t.Helper()
	must(t, ts.sql(t).QueryRow(`SELECT party_id FROM users WHERE email = ?`, email).Scan(&id))
	return id
}

// The admin's platform fee form works before the WASM: with a field for
// every currency's fixed fee (empty for none), it saves the fee exactly
// and shows the page saying so; a refused form saves nothing.
func TestConsolePlatformFeeForm(t *testing.T) {
	t.Parallel()
	ts, ann, _ := newConsoleParties(t)
	root := adminBrowser(t, ts)
	wantWords(t, "the platform fee page", consolePage(t, ts, "/console/admin/settings", root),
		`action="/console/admin/settings"`, `name="fee-fixed-USD"`, `name="fee-fixed-JPY"`, "Leave a currency empty for no fixed fee.")
	form := func(percent, usd, csrf string) url.Values {
		return url.Values{"fee-percent": {percent}, "fee-fixed-USD": {usd}, "fee-fixed-EUR": {""}, "csrf_token": {csrf}}
	}
	saved := func() int { return countRows(t, ts, `SELECT count(*) FROM platform_settings`) }
	wantRefused(t, ts, "/admin/settings", func() bool { return saved() == 0 }, []formRefusal{
		{"over 100%", form("101", "0.30", root.csrf), []string{"Cookie", root.cookie}, 400, []string{`value="101"`, `value="0.30"`}},
		{"a fraction of a cent", form("8.75", "0.305", root.csrf), []string{"Cookie", root.cookie}, 400, []string{`value="0.305"`}},
		{"without the CSRF token", form("8.75", "0.30", ""), []string{"Cookie", root.cookie}, 403, nil},
		{"a merchant", form("0", "", ann.csrf), []string{"Cookie", ann.cookie}, 403, nil},
	})
	got := postConsole(t, ts, "/admin/settings", form("8.75", "0.30", root.csrf), "Cookie", root.cookie)
	if got.status != 200 {
		t.Fatalf("save = %d: %.300s", got.status, got.page)
	}
	wantWords(t, "the saved fee", got.page, "Saved. New orders on this server take the new fee now", "8.75% (875 bps)")
	set, err := ts.db.FindPlatformSettings(t.Context())
	must(t, err)
	if set.PlatformFee.BPS != 875 || len(set.PlatformFee.Fixed) != 1 || set.PlatformFee.Fixed["USD"] != 30 {
		t.Errorf("saved fee = %+v", set.PlatformFee)
	}
}

// A row's buttons work before the WASM, each a form of its own: they
// post with the session's CSRF token, act on the caller's own rows only,
// and answer with the page again.

// An API key's Revoke button revokes it; another party's cannot.
func TestConsoleRevokeKeyForm(t *testing.T) {
	t.Parallel()
	ts, ann, bo := newConsoleParties(t)
	if got := postConsole(t, ts, "/keys", url.Values{"key-name": {"Shop sync"}, "csrf_token": {ann.csrf}}, "Cookie", ann.cookie); got.status != 200 {
		t.Fatalf("new key = %d: %.300s", got.status, got.page)
	}
	var id string
	must(t, ts.sql(t).QueryRow(`SELECT id FROM api_keys WHERE name = 'Shop sync'`).Scan(&id))
	wantWords(t, "the keys page", consolePage(t, ts, "/console/keys", ann), `action="/console/keys/`+id+`/revoke"`)
	revoked := func() bool {
		return countRows(t, ts, `SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL`) == 1
	}
	path := "/keys/" + id + "/revoke"
	if got := postConsole(t, ts, path, url.Values{"csrf_token": {bo.csrf}}, "Cookie", bo.cookie); got.status != 404 || revoked() {
		t.Errorf("another party's revoke = %d: %.300s", got.status, got.page)
	}
	if got := postConsole(t, ts, path, url.Values{}, "Cookie", ann.cookie); got.status != 403 || revoked() {
		t.Errorf("a revoke without the CSRF token = %d", got.status)
	}
	if got := postConsole(t, ts, path, url.Values{"csrf_token": {ann.csrf}}, "Cookie", ann.cookie); got.status != 303 || got.location != "/console/keys" || !revoked() {
		t.Errorf("revoke = %d to %q", got.status, got.location)
	}
}

// A discount code's placement saves and its End button ends it; another
// merchant can do neither, and a placement that is not one of the
// merchant's is refused, the message shown.
func TestConsoleDiscountRowForms(t *testing.T) {
	t.Parallel()
	ts, ann, _ := newConsoleParties(t)
	cy, _ := signup(t, ts, "cy@example.com", "merchant")
	form := url.Values{"d-code": {"SPRING"}, "d-kind": {"percent"}, "d-percent": {"10"}, "d-placement": {"none"}, "csrf_token": {ann.csrf}}
	if got := postConsole(t, ts, "/discounts", form, "Cookie", ann.cookie); got.status != 303 {
		t.Fatalf("new code = %d: %.300s", got.status, got.page)
	}
	var id string
	must(t, ts.sql(t).QueryRow(`SELECT id FROM discount_codes WHERE code = 'SPRING'`).Scan(&id))
	wantWords(t, "the codes page", consolePage(t, ts, "/console/discounts", ann),
		`action="/console/discounts/`+id+`/archive"`, `action="/console/discounts/`+id+`/placement"`, `aria-label="Save the placement of SPRING"`)

	placed := func() bool {
		return countRows(t, ts, `SELECT count(*) FROM discount_codes WHERE placement_id IS NOT NULL`) > 0
	}
	place := "/discounts/" + id + "/placement"
	got := postConsole(t, ts, place, url.Values{"placement": {"plc_not_ours"}, "csrf_token": {ann.csrf}}, "Cookie", ann.cookie)
	if got.status/100 != 4 || placed() || !strings.Contains(got.page, "plc_not_ours") {
		t.Errorf("another's placement = %d: %.300s", got.status, got.page)
	}
	if got := postConsole(t, ts, place, url.Values{"placement": {"none"}, "csrf_token": {cy.csrf}}, "Cookie", cy.cookie); got.status != 404 {
		t.Errorf("another merchant's placement form = %d", got.status)
	}
	if got := postConsole(t, ts, place, url.Values{"placement": {"none"}, "csrf_token": {ann.csrf}}, "Cookie", ann.cookie); got.status != 303 || placed() {
		t.Errorf("no placement = %d to %q", got.status, got.location)
	}

	ended := func() bool {
		return countRows(t, ts, `SELECT count(*) FROM discount_codes WHERE archived_at IS NOT NULL`) == 1
	}
	end := "/discounts/" + id + "/archive"
	if got := postConsole(t, ts, end, url.Values{"csrf_token": {cy.csrf}}, "Cookie", cy.cookie); got.status != 404 || ended() {
		t.Errorf("another merchant's End = %d", got.status)
	}
	if got := postConsole(t, ts, end, url.Values{"csrf_token": {ann.csrf}}, "Cookie", ann.cookie); got.status != 303 || got.location != "/console/discounts" || !ended() {
		t.Errorf("End = %d to %q", got.status, got.location)
	}
}

// An order's refund works before the WASM, in two steps as in the page's
// WASM: the form asks to confirm the amount, and the confirmation, with
// the attempt's key, refunds once however often it is sent; a refused
// form or a forged confirmation moves nothing.
func TestConsoleRefundForm(t *testing.T) {
	t.Parallel()
	ts, ann, bo := newConsoleParties(t)
	north, o := northwindOrder(t, ts)
	action := "/orders/" + o.ID + "/refund"
	wantWords(t, "the open order", consolePage(t, ts, "/console/orders?open="+o.ID, north), `action="/console`+action+`"`, `name="refund-amount"`)
	refunded := func() int64 {
		got, err := ts.db.FindOrder(t.Context(), o.ID)
		must(t, err)
		return got.Refunded
	}
	form := func(kind, amount, csrf string) url.Values {
		return url.Values{"refund-kind": {kind}, "refund-amount": {amount}, "refund-reason": {"Arrived damaged"}, "csrf_token": {csrf}}
	}
	wantRefused(t, ts, action, func() bool { return refunded() == 0 }, []formRefusal{
		{"nothing", form("partial", "0", north.csrf), []string{"Cookie", north.cookie}, 400, []string{"Amount must be more than 0.", `value="0"`}},
		{"too much", form("partial", "1000000", north.csrf), []string{"Cookie", north.cookie}, 400, []string{"can still be refunded."}},
		{"without the CSRF token", form("full", "", ""), []string{"Cookie", north.cookie}, 403, nil},
		{"a publisher", form("full", "", bo.csrf), []string{"Cookie", bo.cookie}, 403, nil},
		{"another merchant", form("full", "", ann.csrf), []string{"Cookie", ann.cookie}, 404, nil},
	})

	review := postConsole(t, ts, action, form("partial", "5", north.csrf), "Cookie", north.cookie)
	if review.status != 200 || refunded() != 0 {
		t.Fatalf("review = %d, refunded %d: %.300s", review.status, refunded(), review.page)
	}
	wantWords(t, "the confirmation", review.page, "Refund $5.00 of order", "This cannot be undone.", `value="500"`, "Arrived damaged")
	key := hiddenValue(t, review.page, "refund-key")
	confirm := func(amount, csrf string) url.Values {
		return url.Values{"refund-key": {key}, "refund-minor": {amount}, "refund-reason": {"Arrived damaged"}, "csrf_token": {csrf}}
	}
	if got := postConsole(t, ts, action, confirm("500", ann.csrf), "Cookie", ann.cookie); got.status != 404 || refunded() != 0 {
		t.Errorf("another merchant's confirmation = %d, refunded %d", got.status, refunded())
	}
	for i := range 2 { // sent twice, as a reload would
		got := postConsole(t, ts, action, confirm("500", north.csrf), "Cookie", north.cookie)
		if got.status != 200 || refunded() != 500 {
			t.Fatalf("confirmation %d = %d, refunded %d: %.300s", i, got.status, refunded(), got.page)
		}
		wantWords(t, "the refunded order", got.page, "Refunded $5.00.")
	}
	if got := postConsole(t, ts, action, confirm("900", north.csrf), "Cookie", north.cookie); got.status != 400 || refunded() != 500 {
		t.Errorf("the key with another amount = %d, refunded %d: %.300s", got.status, refunded(), got.page)
	}
}

// hiddenValue is the value of the page's hidden field name.
func hiddenValue(t *testing.T, page, name string) string {
	t.Helper()
	input := regexp.MustCompile(`<input [^>]*name="` + regexp.QuoteMeta(name) + `"[^>]*>`).FindString(page)
	value := regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(input)
	if value == nil {
		t.Fatalf("no field %s in %.300s", name, page)
	}
	return value[1]
}

// A webhook endpoint's buttons work before the WASM: Send test event
// shows the endpoint's deliveries with the test, whose Resend sends it
// again; Rotate secret shows the new secret once; Disable and Enable;
// Delete asks first, then deletes. Another party's endpoint is not
// found.
func TestConsoleWebhookRowForms(t *testing.T) {
	t.Parallel()
	ts, ann, bo := newConsoleParties(t)
	created := postConsole(t, ts, "/webhooks", url.Values{"wh-url": {"https://example.com/hook"}, "wh-type-order-paid": {"on"},
		"csrf_token": {ann.csrf}}, "Cookie", ann.cookie)
	if created.status != 200 {
		t.Fatalf("new endpoint = %d: %.300s", created.status, created.page)
	}
	var id, secret string
	must(t, ts.sql(t).QueryRow(`SELECT id, secret FROM webhook_endpoints`).Scan(&id, &secret))
	wantWords(t, "the webhooks page", consolePage(t, ts, "/console/webhooks", ann), `action="/console/webhooks/`+id+`/test"`,
		`action="/console/webhooks/`+id+`/rotate-secret"`, `action="/console/webhooks/`+id+`/disable"`, `href="/console/webhooks?deliveries=`+id+`#wh-deliveries-h"`)
	button := func(b browser, verb string, extra ...string) consoleForm {
		form := url.Values{"csrf_token": {b.csrf}}
		for i := 0; i+1 < len(extra); i += 2 {
			form.Set(extra[i], extra[i+1])
		}
		return postConsole(t, ts, "/webhooks/"+id+"/"+verb, form, "Cookie", b.cookie)
	}
	for _, verb := range []string{"test", "rotate-secret", "disable", "delete"} {
		if got := button(bo, verb, "confirmed", "yes"); got.status != 404 {
			t.Errorf("another party's %s = %d", verb, got.status)
		}
	}
	if got := button(ann, "test"); got.status != 200 {
		t.Fatalf("test = %d: %.300s", got.status, got.page)
	} else {
		wantWords(t, "the test", got.page, "Test event sent to https://example.com/hook.", "Deliveries to https://example.com/hook",
			"test.webhook", `action="/console/webhooks/deliveries/`)
	}
	var delivery string
	must(t, ts.sql(t).QueryRow(`SELECT id FROM webhook_deliveries WHERE endpoint_id = ?`, id).Scan(&delivery))
	if got := postConsole(t, ts, "/webhooks/deliveries/"+delivery+"/resend", url.Values{"csrf_token": {ann.csrf}}, "Cookie", ann.cookie); got.status != 303 ||
		got.location != "/console/webhooks?deliveries="+id+"#wh-deliveries-h" {
		t.Errorf("resend = %d to %q: %.300s", got.status, got.location, got.page)
	}

	rotated := button(ann, "rotate-secret")
	var next string
	must(t, ts.sql(t).QueryRow(`SELECT secret FROM webhook_endpoints`).Scan(&next))
	if rotated.status != 200 || next == secret || !strings.Contains(rotated.page, next) {
		t.Errorf("rotate = %d, the new secret shown: %v", rotated.status, strings.Contains(rotated.page, next))
	}
	wantWords(t, "the rotation", rotated.page, "Secret of https://example.com/hook rotated.", "The old secret also signs deliveries until")

	disabled := func() bool {
		return countRows(t, ts, `SELECT count(*) FROM webhook_endpoints WHERE disabled_at IS NOT NULL`) == 1
	}
	if got := button(ann, "disable"); got.status != 200 || !disabled() || !strings.Contains(got.page, "https://example.com/hook disabled.") {
		t.Errorf("disable = %d, disabled %v", got.status, disabled())
	}
	if got := button(ann, "enable"); got.status != 200 || disabled() {
		t.Errorf("enable = %d, disabled %v", got.status, disabled())
	}

	endpoints := func() int { return countRows(t, ts, `SELECT count(*) FROM webhook_endpoints`) }
	asked := button(ann, "delete")
	if asked.status != 200 || endpoints() != 1 {
		t.Fatalf("delete, unconfirmed = %d, %d endpoints", asked.status, endpoints())
	}
	wantWords(t, "the question", asked.page, "Delete https://example.com/hook? Nothing more is sent to it", `name="confirmed"`, "Delete endpoint")
	if got := button(ann, "delete", "confirmed", "yes"); got.status != 303 || got.location != "/console/webhooks#wh-list-h" || endpoints() != 0 {
		t.Errorf("delete, confirmed = %d to %q, %d endpoints", got.status, got.location, endpoints())
	}
}

// A product's Archive works before the WASM: the page asks first, then
// the confirmation archives it; another merchant's product is not found.
func TestConsoleArchiveProductForm(t *testing.T) {
	t.Parallel()
	ts, ann, _ := newConsoleParties(t)
	cy, _ := signup(t, ts, "cy@example.com", "merchant")
	id := newConsoleProduct(t, ts, ann)
	archived := func() bool {
		return countRows(t, ts, `SELECT count(*) FROM products WHERE id = ? AND archived_at IS NOT NULL`, id) == 1
	}
	action := "/products/" + id + "/archive"
	if got := postConsole(t, ts, action, url.Values{"csrf_token": {cy.csrf}, "confirmed": {"yes"}}, "Cookie", cy.cookie); got.status != 404 || archived() {
		t.Errorf("another merchant's archive = %d", got.status)
	}
	asked := postConsole(t, ts, action, url.Values{"csrf_token": {ann.csrf}}, "Cookie", ann.cookie)
	if asked.status != 200 || archived() {
		t.Fatalf("archive, unconfirmed = %d, archived %v", asked.status, archived())
	}
	wantWords(t, "the question", asked.page, "Archive Speckled mug? Its cards can no longer be bought.", `name="confirmed"`)
	if got := postConsole(t, ts, action, url.Values{"csrf_token": {ann.csrf}, "confirmed": {"yes"}}, "Cookie", ann.cookie); got.status != 200 ||
		!archived() || !strings.Contains(got.page, "Product archived.") {
		t.Errorf("archive, confirmed = %d, archived %v: %.300s", got.status, archived(), got.page)
	}
}

// The product page's uploads work before the WASM, each a multipart form
// of its own: the image, a delivery file (and its Delete), license keys.
// Each is checked as the API checks it; another merchant's product is not
// found, and a post without the session's CSRF token changes nothing.
func TestConsoleProductUploadForms(t *testing.T) {
	t.Parallel()
	files, err := blob.OpenDir(filepath.Join(t.TempDir(), "files"), 4096)
	must(t, err)
	t.Cleanup(func() { files.Close() })
	ts := newConsolePages(t, func(cfg *api.Config, svc *api.Services) { cfg.MaxFileBytes, svc.Files = 4096, files })
	ann, _ := signup(t, ts, "ann@example.com", "merchant")
	cy, _ := signup(t, ts, "cy@example.com", "merchant")
	id := newProduct(t, ts, ann, buycard.ProductDigital)
	wantWords(t, "the product page", consolePage(t, ts, "/console/products/"+id, ann), `enctype="multipart/form-data"`,
		`action="/console/products/`+id+`/image"`, `action="/console/products/`+id+`/files"`, `action="/console/products/`+id+`/license-keys"`)
	upload := func(b browser, what, field, name string, content []byte, csrf string) consoleForm {
		body, contentType := multipartForm(t, field, name, content, url.Values{"csrf_token": {csrf}})
		resp, page := ts.do(t, "POST", "/console/products/"+id+"/"+what, contentType, body,
			"Origin", publicURL, "Sec-Fetch-Site", "same-origin", "Cookie", b.cookie)
		return consoleForm{status: resp.StatusCode, location: resp.Header.Get("Location"), page: page}
	}

	png := []byte(testImage(t, 640, 480, encodePNG))
	if got := upload(ann, "image", "image", "mug.png", png, ""); got.status != 403 {
		t.Errorf("an image without the CSRF token = %d", got.status)
	}
	if got := upload(cy, "image", "image", "mug.png", png, cy.csrf); got.status != 404 {
		t.Errorf("another merchant's image = %d", got.status)
	}
	if got := upload(ann, "image", "image", "mug.png", []byte("not an image"), ann.csrf); got.status/100 != 4 || !strings.Contains(got.page, "cs-error") {
		t.Errorf("not an image = %d: %.300s", got.status, got.page)
	}
	if got := postConsole(t, ts, "/products/"+id+"/image", url.Values{"csrf_token": {ann.csrf}}, "Cookie", ann.cookie); got.status != 415 {
		t.Errorf("an image form not multipart = %d", got.status)
	}
	if got := upload(ann, "image", "image", "mug.png", png, ann.csrf); got.status != 200 || !strings.Contains(got.page, "Image uploaded: 640 × 480 pixels.") {
		t.Errorf("image = %d: %.300s", got.status, got.page)
	}

	keys := upload(ann, "license-keys", "file", "keys.csv", []byte("KEY-1\nKEY-2\n"), ann.csrf)
	if keys.status != 200 || !strings.Contains(keys.page, "2 license keys added.") {
		t.Errorf("keys = %d: %.300s", keys.status, keys.page)
	}
	if got := upload(ann, "files", "file", "guide.pdf", testPDF, ann.csrf); got.status != 409 {
		t.Errorf("a file for a product with keys = %d", got.status)
	}

	pdfProduct := newProduct(t, ts, ann, buycard.ProductDigital)
	id = pdfProduct
	if got := upload(ann, "files", "file", "guide.pdf", testPDF, ann.csrf); got.status != 200 || !strings.Contains(got.page, "File uploaded.") ||
		!strings.Contains(got.page, "guide.pdf") {
		t.Fatalf("file = %d: %.300s", got.status, got.page)
	}
	var file string
	must(t, ts.sql(t).QueryRow(`SELECT id FROM delivery_files WHERE product_id = ?`, id).Scan(&file))
	del := "/products/" + id + "/files/" + file + "/delete"
	if got := postConsole(t, ts, del, url.Values{"csrf_token": {cy.csrf}}, "Cookie", cy.cookie); got.status != 404 {
		t.Errorf("another merchant's delete = %d", got.status)
	}
	if got := postConsole(t, ts, del, url.Values{"csrf_token": {ann.csrf}}, "Cookie", ann.cookie); got.status != 303 ||
		got.location != "/console/products/"+id+"#dl-h" || countRows(t, ts, `SELECT count(*) FROM delivery_files`) != 0 {
		t.Errorf("delete = %d to %q", got.status, got.location)
	}
}

// The orders page before the WASM pages with a link where the WASM's
// Load more adds orders in place: Older orders shows the next page.
func TestConsoleOlderOrders(t *testing.T) {
	t.Parallel()
	ts, _, _ := newConsoleParties(t)
	var ids []string    // oldest first
	for i := range 26 { // from shoppers of their own: one may hold only so many
		ts.now = ts.now.Add(time.Second)
		resp, body := ts.checkoutFrom(t, fmt.Sprintf("203.0.113.%d", i+1), 1)
		var r checkoutReply
		if resp.StatusCode != 201 || json.Unmarshal([]byte(body), &r) != nil {
			t.Fatalf("checkout = %d %s", resp.StatusCode, body)
		}
		ids = append(ids, r.Order.ID)
	}
	ts.now = ts.now.Add(time.Second)
	north, _ := northwindOrder(t, ts) // the 27th, newest
	first := consolePage(t, ts, "/console/orders", north)
	older := regexp.MustCompile(`href="(/console/orders\?before=[^"]+)"`).FindStringSubmatch(first)
	if older == nil || !strings.Contains(first, "Older orders") || !strings.Contains(first, ids[25]) || strings.Contains(first, ids[0]) {
		t.Fatalf("the first page has no link to older orders: %.300s", first)
	}
	next := consolePage(t, ts, html.UnescapeString(older[1]), north)
	if strings.Contains(next, ids[25]) || !strings.Contains(next, ids[0]) {
		t.Errorf("the older page shows the newest order, or not the oldest")
	}
}

// The funnel comes with its figures before the WASM, for the range its
// form asks for (a GET of the page), and the catalog's rows pick the
// product of the new placement with a link.
func TestConsoleFunnelAndCatalogBeforeWasm(t *testing.T) {
	t.Parallel()
	ts, _, bo := newConsoleParties(t)
	page := consolePage(t, ts, "/console?all-days=7", bo)
	wantWords(t, "the overview", page, "Click-through", "Impressions to sales", `name="all-days"`)
	if !regexp.MustCompile(`<option [^>]*(selected[^>]*value="7"|value="7"[^>]*selected)`).MatchString(page) {
		t.Error("the funnel's range is not the one asked for")
	}
	catalog := consolePage(t, ts, "/console/catalog?widget=wgt_tee", bo)
	wantWords(t, "the catalog", catalog, `href="/console/catalog?widget=wgt_tee#new-placement-h"`, `href="/console/catalog?widget=wgt_notebook#new-placement-h"`)
	if !regexp.MustCompile(`<option [^>]*(selected[^>]*value="wgt_tee"|value="wgt_tee"[^>]*selected)`).MatchString(catalog) {
		t.Error("the catalog's link does not pick its product")
	}
}
