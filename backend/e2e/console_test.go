package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Console tests: a person signs up, signs in and out, and works in the
// console at HOST/console the way they would, with the console WASM.

// consolePassword is every test user's password.
const consolePassword = "correct horse battery staple"

// userSeq makes each test user's email unique in the shared server.
var userSeq atomic.Int64

// consoleReady waits until the console WASM has rendered the page in place
// of the prerender (typing before that would be lost with the prerendered
// fields) and the page has loaded what it shows.
func consoleReady(t *testing.T, tb *tab) {
	t.Helper()
	waitConsole(t, tb, `!!document.querySelector('.cs-app[data-client=true]') && !!document.querySelector('main h1') &&
		![...document.querySelectorAll('.cs-loading')].some(e => e.textContent.trim())`)
}

// waitConsole polls predicate in tb and, when it never holds, fails with
// what the page showed and logged.
func waitConsole(t *testing.T, tb *tab, predicate string) {
	t.Helper()
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		page, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
		tb.mu.Lock()
		logged := strings.Join(tb.errors, "\n")
		tb.mu.Unlock()
		t.Fatalf("waiting for %s: %v\npage: %s\nerrors: %s", predicate, err, page, logged)
	}
}

// openConsole navigates tb to a console path and waits for the WASM.
func openConsole(t *testing.T, tb *tab, path string) {
	t.Helper()
	tb.do(navigate(h.host + path))
	consoleReady(t, tb)
}

// fill types value into the form control matched by selector, replacing
// what it held.
func fill(selector, value string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		selectAll := fmt.Sprintf(`{const el = document.querySelector(%q); el.focus(); el.select(); 0}`, selector)
		err := chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](selectAll),
			chromedp.SendKeys(chromedp.CSS(selector), value),
		)
		if err != nil {
			return chromedp.Void{}, err
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).value`, selector)))
		if err == nil && got != value {
			err = fmt.Errorf("typed %q into %s, which holds %q", value, selector, got)
		}
		return chromedp.Void{}, err
	}
}

// newSessionTab is a tab in a browser context of its own: its cookies,
// and so its session, are its own, as if it were another person's browser.
// It lives for a whole console story.
func newSessionTab(t *testing.T) *tab {
	return openTab(t, 4*time.Minute, chromedp.WithNewBrowserContext())
}

// signUp creates a merchant or publisher through the sign-up form and
// the link it emails, and returns its tab, signed in on the overview,
// and its email.
func signUp(t *testing.T, role, name string) (*tab, string) {
	t.Helper()
	tb := newSessionTab(t)
	email := fmt.Sprintf("%s-%d@example.com", role, userSeq.Add(1))
	submitSignUp(t, tb, role, name, email, consolePassword)
	tb.do(navigate(emailedLink(t, h.main, email, "/console/verify#token=")))
	waitConsole(t, tb, `location.pathname === '/console' && !!document.querySelector('.cs-nav')`)
	consoleReady(t, tb)
	return tb, email
}

// submitSignUp fills and sends the sign-up form, which then says to
// check the email, whether or not the address has an account.
func submitSignUp(t *testing.T, tb *tab, role, name, email, password string) {
	t.Helper()
	openConsole(t, tb, "/console/signup")
	tb.do(
		clickCSS("#role-"+role),
		fill("#name", name),
		fill("#email", email),
		fill("#password", password),
		clickCSS(`main form button[type=submit]`),
	)
	waitConsole(t, tb, `document.querySelector('main h1').textContent === 'Check your email'`)
}

// navLabels are the console navigation's link texts.
func navLabels(t *testing.T, tb *tab) string {
	return eval[string](t, tb.ctx, `[...document.querySelectorAll('.cs-nav a')].map(a => a.textContent).join(',')`)
}

func TestConsoleSignUpSignOutSignIn(t *testing.T) {
	t.Parallel()
	tb, email := signUp(t, "merchant", "Fernhill Ceramics")
	if got := eval[string](t, tb.ctx, `document.querySelector('.cs-who').textContent`); got != email {
		t.Errorf("signed in as %q, want %q", got, email)
	}
	if nav := navLabels(t, tb); !strings.Contains(nav, "API keys") {
		t.Errorf("merchant navigation = %q", nav)
	}

	// Signed out, a console page sends to sign-in and back after it.
	tb.do(clickCSS(`.cs-account button`))
	waitConsole(t, tb, `location.pathname === '/console/signin'`)
	// Signing up again with the email does not say it has an account: the
	// page says to check the email, where its owner reads that someone
	// tried, with the way to a new password.
	submitSignUp(t, tb, "publisher", "Impostor Ltd", email, "another password, surely")
	emailedLink(t, h.main, email, "/console/forgot-password")
	openConsole(t, tb, "/console/keys")
	waitConsole(t, tb, `location.pathname === '/console/signin'`)
	if next := eval[string](t, tb.ctx, `new URLSearchParams(location.search).get('next')`); next != "/console/keys" {
		t.Errorf("next = %q, want /console/keys", next)
	}
	consoleReady(t, tb)
	tb.do(fill("#email", email), fill("#password", "wrong password, surely"),
		clickCSS(`main form button[type=submit]`))
	waitConsole(t, tb, `document.querySelector('[role=alert]').textContent.length > 0`)
	tb.do(fill("#password", consolePassword), clickCSS(`main form button[type=submit]`))
	waitConsole(t, tb, `location.pathname === '/console/keys' && !!document.querySelector('#key-name')`)
	consoleNoErrors(tb)
}

// TestConsoleForgotPassword: a merchant who forgot the password asks the
// sign-in page for a link, follows the one emailed, sets a new password
// and signs in with it; the old one no longer works.
func TestConsoleForgotPassword(t *testing.T) {
	t.Parallel()
	tb, email := signUp(t, "merchant", "Larchmont Looms")
	tb.do(clickCSS(`.cs-account button`))
	waitConsole(t, tb, `location.pathname === '/console/signin'`)
	consoleReady(t, tb)
	tb.do(clickCSS(`a[href="/console/forgot-password"]`))
	waitConsole(t, tb, `location.pathname === '/console/forgot-password' && !!document.getElementById('email')`)
	consoleReady(t, tb)
	tb.do(fill("#email", email), clickCSS(`main form button[type=submit]`))
	waitConsole(t, tb, `document.querySelector('main h1').textContent === 'Check your email' &&
		document.querySelector('main').textContent.includes('If an account uses this email, we sent it a link.')`)

	openConsole(t, tb, strings.TrimPrefix(emailedLink(t, h.main, email, "/console/reset-password#token="), h.host))
	const newPassword = "a new password for the looms"
	tb.do(fill("#new-password", newPassword), clickCSS(`main form button[type=submit]`))
	waitConsole(t, tb, `document.querySelector('h1').textContent === 'Password set'`)
	openConsole(t, tb, "/console/signin")
	tb.do(fill("#email", email), fill("#password", consolePassword), clickCSS(`main form button[type=submit]`))
	waitConsole(t, tb, `document.querySelector('[role=alert]').textContent.includes('Wrong email or password.')`)
	tb.do(fill("#password", newPassword), clickCSS(`main form button[type=submit]`))
	waitConsole(t, tb, `location.pathname === '/console' && !!document.querySelector('.cs-nav')`)
	consoleNoErrors(tb)
}

// TestConsoleAPIKeyShownOnceAndRevoked makes a key in the console, uses
// it, revokes it in the console and sees it refused at once.
func TestConsoleAPIKeyShownOnceAndRevoked(t *testing.T) {
	t.Parallel()
	axeScript(t)
	tb, _ := signUp(t, "publisher", "The Daily Fold")
	visitConsole(t, tb, "/console/keys", `!!document.getElementById('key-name')`)
	tb.do(fill("#key-name", "feed sync"), clickCSS(`main form button[type=submit]`))
	waitConsole(t, tb, `!!document.getElementById('new-key') && document.querySelectorAll('.cs-table tbody tr').length === 1`)
	secret := eval[string](t, tb.ctx, `document.getElementById('new-key').value`)
	if !strings.HasPrefix(secret, "bc_test_") {
		t.Fatalf("new key = %q", secret)
	}
	if code := apiStatus(t, secret, "/v1/earnings"); code != 200 {
		t.Fatalf("GET /v1/earnings with the new key = %d", code)
	}
	tb.do(clickCSS(`.cs-table button.cs-danger`))
	waitConsole(t, tb, `document.querySelector('.cs-table tbody').textContent.includes('Revoked')`)
	if code := apiStatus(t, secret, "/v1/earnings"); code != 401 {
		t.Errorf("GET /v1/earnings with the revoked key = %d, want 401", code)
	}
	// Reloaded, the page no longer shows the secret.
	openConsole(t, tb, "/console/keys")
	if eval[bool](t, tb.ctx, `!!document.getElementById('new-key')`) {
		t.Error("the key's secret is shown again after a reload")
	}
	consoleNoErrors(tb)
}

// apiStatus is the status of GET path with an API key.
func apiStatus(t *testing.T, key, path string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.host+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// expectedRefusals are the API answers the console asks for knowing they
// may be refusals, which Chromium logs as errors: who is signed in (401
// until someone is), a wrong password, and the party's payment account
// (404 until onboarding starts).
var expectedRefusals = []string{
	"status of 401 (Unauthorized) " + "/v1/auth/me",
	"status of 401 (Unauthorized) " + "/v1/auth/login",
	"status of 404 (Not Found) " + "/v1/payment-account",
}

// consoleNoErrors fails the test on console errors other than the
// network log of expectedRefusals.
func consoleNoErrors(tb *tab) {
	tb.t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var errs []string
	for _, e := range tb.errors {
		if !isExpectedRefusal(e) {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		tb.t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
}

func isExpectedRefusal(logged string) bool {
	rest, ok := strings.CutPrefix(logged, "network: Failed to load resource: the server responded with a ")
	if !ok {
		return false
	}
	for _, r := range expectedRefusals {
		status, path, _ := strings.Cut(r, " /")
		if strings.HasPrefix(rest, status+" ") && strings.HasSuffix(rest, "/"+path) {
			return true
		}
	}
	return false
}

// signInAs signs tb in through the sign-in form.
func signInAs(t *testing.T, tb *tab, email string) {
	t.Helper()
	openConsole(t, tb, "/console/signin")
	tb.do(fill("#email", email), fill("#password", consolePassword), clickCSS(`main form button[type=submit]`))
	waitConsole(t, tb, `location.pathname === '/console' && !!document.querySelector('.cs-nav')`)
	consoleReady(t, tb)
}

// visitConsole opens a console page in tb, waits until selector shows
// what the page loaded, and checks it with axe in both color schemes.
func visitConsole(t *testing.T, tb *tab, path, loaded string) {
	t.Helper()
	openConsole(t, tb, path)
	waitConsole(t, tb, loaded)
	checkAxeSchemes(t, tb.ctx, "console "+path)
}

// TestConsoleSignedOutPagesAreAccessible checks the pages anyone can open.
func TestConsoleSignedOutPagesAreAccessible(t *testing.T) {
	t.Parallel()
	axeScript(t)
	tb := newSessionTab(t)
	visitConsole(t, tb, "/console/signin", `!!document.getElementById('password')`)
	visitConsole(t, tb, "/console/signup", `!!document.getElementById('role-merchant')`)
	visitConsole(t, tb, "/console/reset-password", `!!document.getElementById('new-password')`)
	visitConsole(t, tb, "/console/forgot-password", `!!document.getElementById('email')`)
	visitConsole(t, tb, "/console/verify", `document.querySelector('h1').textContent === 'This link did not work'`)
	visitConsole(t, tb, "/console/no-such-page", `document.querySelector('h1').textContent === 'Page not found'`)
	consoleNoErrors(tb)
}

// TestConsoleAdmin creates the platform admin as the CLI does, sets its
// password through the printed link, and walks the admin's pages: the
// status, the parties, the fee, which it changes, and the reconciliation.
func TestConsoleAdmin(t *testing.T) {
	t.Parallel()
	axeScript(t)
	email := fmt.Sprintf("ops-%d@example.com", userSeq.Add(1))
	link, _, err := h.main.Accounts().CreateAdmin(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	tb := newSessionTab(t)
	openConsole(t, tb, strings.TrimPrefix(link, h.host))
	tb.do(fill("#new-password", consolePassword), clickCSS(`main form button[type=submit]`))
	waitConsole(t, tb, `document.querySelector('h1').textContent === 'Password set'`)
	signInAs(t, tb, email)
	if nav := navLabels(t, tb); !strings.Contains(nav, "Merchants") || strings.Contains(nav, "Products") {
		t.Errorf("admin navigation = %q", nav)
	}
	// The overview: the ledger, and the job queue with the events that
	// wait for the relay.
	visitConsole(t, tb, "/console", `document.querySelector('main').textContent.includes('Ledger') && `+
		`document.querySelector('main').textContent.includes('Events to relay') && !document.querySelector('main .cs-loading')`)
	screenshot(t, tb.ctx, "console-admin.png")
	visitConsole(t, tb, "/console/admin/merchants", `document.querySelector('main').textContent.includes('Northwind')`)
	visitConsole(t, tb, "/console/admin/publishers", `document.querySelector('main').textContent.includes('Daily')`)
	visitConsole(t, tb, "/console/admin/settings", `!!document.getElementById('fee-percent') && document.getElementById('fee-percent').value !== ''`)
	// The reconciliation with Stripe: a sandbox server has nothing to
	// compare, and says so.
	visitConsole(t, tb, "/console/admin/reconciliation", `document.querySelector('main').textContent.includes('Latest runs') && `+
		`document.querySelector('main').textContent.includes('nothing to compare') && !!document.getElementById('recon-from')`)
	checkAxeSchemes(t, tb.ctx, "console admin reconciliation")
	consoleNoErrors(tb)
}

// TestConsoleSellEmbedBuy is the console's whole story in a browser: a
// merchant signs up, connects its (sandbox) payment account, creates a
// product and a widget and sees the designer's preview follow its colour;
// a publisher signs up, creates a placement from the catalog and copies
// its snippet into a page of its own site, where the card renders; a
// shopper buys there; and the sale shows in both consoles' funnels and
// balances. Every console page on the way passes axe-core.
func TestConsoleSellEmbedBuy(t *testing.T) {
	t.Parallel()
	shared(t, &paidOrdersLock)
	axeScript(t)
	merchant, _ := signUp(t, "merchant", "Fernhill Ceramics")
	checkAxeSchemes(t, merchant.ctx, "console merchant overview")

	// Payments: in the sandbox the account is connected at once.
	merchant.do(clickCSS(`[aria-labelledby=acct-h] button.cs-primary`))
	waitConsole(t, merchant, `document.querySelector('[aria-labelledby=acct-h]').textContent.includes('Sandbox')`)

	// A product, then its widget.
	visitConsole(t, merchant, "/console/products", `!!document.getElementById('new-title')`)
	// Made to order and collected at the studio: a service, so the story
	// needs no shipping zones (TestPhysicalPurchaseWithCodeShippingAndTax
	// ships one).
	merchant.do(fill("#new-title", "Speckled stoneware mug"), fill("#new-price", "24.00"), fill("#new-stock", "10"),
		clickCSS("#new-kind-service"), clickCSS(`main form button[type=submit]`))
	waitConsole(t, merchant, `location.pathname.startsWith('/console/products/prd_')`)
	consoleReady(t, merchant)
	checkAxeSchemes(t, merchant.ctx, "console product page")
	visitConsole(t, merchant, "/console/widgets", `!!document.getElementById('w-product')`)
	merchant.do(clickCSS(`main form button[type=submit]`))
	waitConsole(t, merchant, `location.pathname.startsWith('/console/widgets/wgt_') && !!document.querySelector('.cs-card-box .bc-buy')`)
	consoleReady(t, merchant)
	widgetID := eval[string](t, merchant.ctx, `location.pathname.split('/').pop()`)
	checkAxeSchemes(t, merchant.ctx, "console widget designer")

	// The preview is the card itself, and follows the colour as it is picked.
	const previewButton = `getComputedStyle(document.querySelector('.cs-card-box .bc-buy')).backgroundColor`
	before := eval[string](t, merchant.ctx, previewButton)
	merchant.do(chromedp.Evaluate[chromedp.Void](`{const c = document.getElementById('w-color');
		c.value = '#0a7d32'; c.dispatchEvent(new Event('input', {bubbles: true})); 0}`))
	waitConsole(t, merchant, previewButton+` === 'rgb(10, 125, 50)'`)
	if before == "rgb(10, 125, 50)" {
		t.Fatalf("preview button was green before the change")
	}
	merchant.do(fill("#w-share", "12.50"), clickCSS(`form[aria-label="Widget design"] button[type=submit]`))
	waitConsole(t, merchant, `[...document.querySelectorAll('[role=status]')].some(e => e.textContent.includes('saved'))`)

	// The publisher finds it in the catalog and makes a placement.
	publisher, _ := signUp(t, "publisher", "Kiln & Table Weekly")
	visitConsole(t, publisher, "/console/catalog", `document.querySelector('main').textContent.includes('Speckled stoneware mug')`)
	publisher.do(clickCSS(`button[aria-label="Create placement for Speckled stoneware mug"]`))
	waitConsole(t, publisher, `!!document.getElementById('placement-name')`)
	publisher.do(fill("#placement-name", "Mug review sidebar"), clickCSS(`main form button[type=submit]`))
	waitConsole(t, publisher, `location.pathname.startsWith('/console/placements/plc_') && document.getElementById('snippet-script')?.value.includes('`+widgetID+`')`)
	consoleReady(t, publisher)
	checkAxeSchemes(t, publisher.ctx, "console placement page")
	publisher.do(clickCSS(`#snippet-script ~ button`))
	waitConsole(t, publisher, `document.querySelector('#snippet-script ~ [role=status]').textContent === 'Copied.'`)
	snippet := eval[string](t, publisher.ctx, `document.getElementById('snippet-script').value`)
	if feed := eval[string](t, publisher.ctx, `document.getElementById('feed-google').value`); !strings.HasSuffix(feed, "/feeds/"+
		strings.TrimPrefix(eval[string](t, publisher.ctx, `location.pathname`), "/console/placements/")+"/google.xml") {
		t.Errorf("the placement's own feed is %q", feed)
	}

	// The snippet, pasted into the publisher's own page on another origin.
	h.pages.Store("/kiln-weekly", `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Kiln &amp; Table Weekly</title></head>
<body><main><h1>Our favourite mugs</h1>`+snippet+`</main></body></html>`)
	shopper := newSessionTab(t)
	shopper.do(navigate(h.site + "/kiln-weekly"))
	shopper.renderedCards(1)
	if got := eval[string](t, shopper.ctx, buyJS(widgetID)+`.textContent`); got != "Buy" {
		t.Errorf("card button = %q", got)
	}
	if got := eval[string](t, shopper.ctx, `getComputedStyle(`+buyJS(widgetID)+`).backgroundColor`); got != "rgb(10, 125, 50)" {
		t.Logf("card button colour on the publisher page = %s (the page's CSP decides whether style attributes apply)", got)
	}
	frame := shopper.buy(widgetID)
	payToReceipt(t, frame)
	shopper.noErrors()
	// Leaving the page sends the impression and the click.
	shopper.do(navigate("about:blank"))

	// Both consoles show the sale: funnel and balances.
	seeInConsole(t, merchant, "/console", `stat('Sales') === '1' && stat('Impressions') !== '0' && stat('Clicks') === '1' &&
		document.querySelector('[aria-labelledby=balances-h]').textContent.includes('$')`)
	seeInConsole(t, publisher, "/console", `stat('Sales') === '1' && stat('Impressions') !== '0' && stat('Clicks') === '1'`)
	// 12.5% of the publisher's share of $24.00, pending.
	// The sale behind it, pending until the hold window ends, and the
	// statement's CSV holds the same money.
	visitConsole(t, publisher, "/console/earnings", `document.querySelector('main').textContent.includes('$3.00') &&
		document.querySelector('[aria-labelledby=sales-h]').textContent.includes('Pending until ')`)
	visitConsole(t, publisher, "/console/statement", `document.querySelector('main a[download]')?.href.includes('/v1/earnings/statement')`)
	csv := eval[string](t, publisher.ctx, `fetch(document.querySelector('main a[download]').href).then(r => r.text())`)
	if !strings.Contains(csv, "sale:ord_") || !strings.Contains(csv, ",3.00,3.00,USD") {
		t.Errorf("the publisher's statement CSV:\n%s", csv)
	}
	// The merchant lowers the share: the placement keeps 12.5% for the
	// notice, and its publisher is told on the console.
	visitConsole(t, merchant, "/console/widgets/"+widgetID, `!!document.getElementById('w-share')`)
	merchant.do(fill("#w-share", "5"), clickCSS(`form[aria-label="Widget design"] button[type=submit]`))
	waitConsole(t, merchant, `[...document.querySelectorAll('[role=status]')].some(e => e.textContent.includes('saved'))`)
	visitConsole(t, publisher, "/console", `document.querySelector('main').textContent.includes('Share going down') &&
		document.querySelector('main').textContent.includes('keeps 12.50% until')`)
	publisher.do(chromedp.EmulateViewport(narrowWidth, 844))
	visitConsole(t, publisher, "/console/earnings", `document.querySelector('[aria-labelledby=sales-h]').textContent.includes('Pending until ')`)
	screenshot(t, publisher.ctx, "publisher-earnings-390")
	visitConsole(t, publisher, "/console", `document.querySelector('main').textContent.includes('Share going down')`)
	screenshot(t, publisher.ctx, "publisher-notice-390")
	publisher.do(chromedp.EmulateReset())
	visitConsole(t, merchant, "/console/orders", `document.querySelector('main').textContent.includes('Speckled stoneware mug') || document.querySelector('main').textContent.includes('BC-')`)
	visitConsole(t, merchant, "/console/statement", `!!document.querySelector('main a[download]')`)
	narrowDesignerAndOrders(t, merchant, "/console/widgets/"+widgetID)
	visitConsole(t, publisher, "/console/placements", `document.querySelector('main').textContent.includes('Mug review sidebar')`)
	fitsNarrowScreen(t, merchant, "/console", "/console/products", "/console/products/new", "/console/widgets", "/console/orders",
		"/console/statement", "/console/discount-codes", "/console/settings", "/console/keys", "/console/webhooks")
	fitsNarrowScreen(t, publisher, "/console", "/console/catalog", "/console/placements", "/console/earnings", "/console/webhooks")
	consoleNoErrors(merchant)
	consoleNoErrors(publisher)
}

// seeInConsole reloads a console page until the JS condition holds, in
// which stat(name) is the figure the funnel panel shows under name: the
// loader's beacons and the analytics rollup take a few seconds to land.
func seeInConsole(t *testing.T, tb *tab, path, condition string) {
	t.Helper()
	const statJS = `const stat = name => [...document.querySelectorAll('.cs-stats div')].find(d => d.querySelector('dt').textContent === name)?.querySelector('dd').textContent;`
	deadline := time.Now().Add(30 * time.Second)
	for {
		openConsole(t, tb, path)
		ok, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](`(() => {`+statJS+` return `+condition+`})()`,
			chromedp.WithPollingTimeout(3*time.Second)))
		if err == nil && ok {
			checkAxeSchemes(t, tb.ctx, "console "+path)
			return
		}
		if time.Now().After(deadline) {
			page := eval[string](t, tb.ctx, `document.querySelector('main').innerText`)
			t.Fatalf("%s never showed %s:\n%s", path, condition, page)
		}
	}
}

// TestConsolePhysicalProductNeedsShipping: a new product ships by default,
// and its page says shoppers cannot buy it until a shipping zone has a
// rate in its currency, with the way to add one.
func TestConsolePhysicalProductNeedsShipping(t *testing.T) {
	t.Parallel()
	merchant, _ := signUp(t, "merchant", "Ashgrove Pottery")
	visitConsole(t, merchant, "/console/products", `!!document.getElementById('new-title')`)
	merchant.do(fill("#new-title", "Ash-glazed bowl"), fill("#new-price", "32.00"), fill("#new-stock", "4"),
		clickCSS(`main form button[type=submit]`))
	waitConsole(t, merchant, `location.pathname.startsWith('/console/products/prd_') &&
		document.getElementById('ship-status')?.textContent.includes('Shoppers cannot buy this product yet') &&
		document.querySelector('[aria-labelledby=ship-h] a')?.getAttribute('href') === '/console/settings'`)
	screenshot(t, merchant.ctx, "product-needs-shipping.png")
	consoleNoErrors(merchant)
}

// TestConsoleSettingsForSharing: a merchant names its X handle for its
// links' previews and finds its product feeds' URLs on its settings page;
// the feed answers.
func TestConsoleSettingsForSharing(t *testing.T) {
	t.Parallel()
	merchant, _ := signUp(t, "merchant", "Ashgrove Pottery")
	visitConsole(t, merchant, "/console/settings", `!!document.getElementById('set-twitter')`)
	merchant.do(fill("#set-twitter", "@ashgrove"), clickCSS(`main form button[type=submit]`))
	waitConsole(t, merchant, `document.querySelector('main').textContent.includes('Settings saved.') &&
		document.getElementById('set-twitter').value === 'ashgrove'`)
	feed := eval[string](t, merchant.ctx, `document.getElementById('feed-google').value`)
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(h.host) + `/feeds/mer_[0-9a-z_]+/google\.xml$`).MatchString(feed) {
		t.Fatalf("the Google feed's URL is %q", feed)
	}
	if body := httpBody(t, feed); !strings.Contains(body, `<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">`) {
		t.Errorf("the feed is not a Google feed:\n%s", body)
	}
	if meta := eval[string](t, merchant.ctx, `document.getElementById('feed-meta').value`); meta != strings.TrimSuffix(feed, "google.xml")+"meta.csv" {
		t.Errorf("the Meta feed's URL is %q", meta)
	}
	merchant.do(chromedp.ScrollIntoView(chromedp.CSS("#feeds-h")))
	screenshot(t, merchant.ctx, "settings-feeds.png")
	checkAxe(t, merchant.ctx, "console settings with feeds")
	consoleNoErrors(merchant)
}
