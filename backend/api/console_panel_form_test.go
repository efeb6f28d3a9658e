package api_test

// The console's forms before the WASM, of the pages with several: the
// settings page's tax rates and shipping zones, the payment account
// panel, the platform fee, and the rows' buttons (console_form_test.go
// has each page's main form).

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/api"
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
