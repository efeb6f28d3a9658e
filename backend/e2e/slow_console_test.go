package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The console on a slow phone: its WASM takes about ten seconds to arrive,
// and until then the prerendered pages must work as plain HTML forms.

// blockWasm stops every WASM download in tb, so its pages stay what the
// server prerendered, as on a slow link before the WASM has arrived.
func blockWasm(t *testing.T, tb *tab) {
	t.Helper()
	block := network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/*.wasm", Block: true}}}
	if _, err := chromedp.Call(tb.ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tb.ctx, network.SetBlockedURLs, block); err != nil {
		t.Fatal(err)
	}
}

// submitted clicks the main form's submit button and waits for the page
// the server answers to hold predicate.
func submitted(t *testing.T, tb *tab, predicate string) {
	t.Helper()
	submittedWith(t, tb, "main form button[type=submit]", predicate)
}

// submittedWith clicks the button (a selector) and waits for the page the
// server answers to hold predicate.
func submittedWith(t *testing.T, tb *tab, button, predicate string) {
	t.Helper()
	eval[bool](t, tb.ctx, `(window.beforeSubmit = true, document.querySelector('`+button+`').click(), true)`)
	waitNavigated(t, tb.ctx, `!window.beforeSubmit && `+predicate)
}

// noWasmRan checks that the page is still the server's prerender.
func noWasmRan(t *testing.T, tb *tab) {
	t.Helper()
	if eval[bool](t, tb.ctx, `!!document.querySelector('.cs-app[data-client=true]')`) {
		t.Fatal("the console WASM ran although it was blocked")
	}
}

// TestConsoleBeforeWasm: on a phone whose console WASM never arrives, a
// merchant signs up (a mistake first), confirms the emailed link, signs
// in from another browser (a wrong password first), creates a product,
// edits it, makes and designs a widget for it, makes a discount code,
// saves its settings, adds a tax rate and a shipping zone, deletes the
// rate, connects a sandbox payment account and signs out, all through the
// prerendered forms.
// Each page says the console is still loading, shows its data, and its
// forms are enabled.
func TestConsoleBeforeWasm(t *testing.T) {
	t.Parallel()
	tb := newSessionTab(t)
	blockWasm(t, tb)
	email := fmt.Sprintf("slow-%d@example.com", userSeq.Add(1))
	tb.do(chromedp.EmulateViewport(narrowWidth, 844), navigate(h.host+"/console/signup"))
	waitNavigated(t, tb.ctx, `!!document.querySelector('.cs-boot[role=status]') && !!document.querySelector('#name')`)
	if eval[bool](t, tb.ctx, `document.querySelector('main form button[type=submit]').disabled || !!document.querySelector('main fieldset[disabled]')`) {
		t.Fatal("the sign-up form is disabled before the WASM")
	}
	screenshot(t, tb.ctx, "console-signup-before-wasm.png")
	checkAxe(t, tb.ctx, "the sign-up page before the WASM")

	tb.do(clickCSS("#role-merchant"), fill("#name", "Slow Phone Ltd"), fill("#email", email), fill("#password", "too short"))
	submitted(t, tb, `document.querySelector('.cs-error').textContent.includes('at least 12 characters')`)
	kept := eval[string](t, tb.ctx, `['#role-merchant:checked', '#name', '#email', '#password'].map(s => document.querySelector(s)?.value).join('|')`)
	if kept != "merchant|Slow Phone Ltd|"+email+"|" {
		t.Errorf("refused sign-up shows %q, want the fields kept but the password", kept)
	}
	screenshot(t, tb.ctx, "console-signup-refused.png")
	tb.do(fill("#password", consolePassword))
	submitted(t, tb, `document.querySelector('main h1').textContent === 'Check your email'`)

	tb.do(navigate(emailedLink(t, h.main, email, "/console/verify#token=")))
	waitNavigated(t, tb.ctx, `!!document.querySelector('main form input[name=token]')?.value`)
	submitted(t, tb, `location.pathname === '/console' && !!document.querySelector('.cs-nav a[href="/console/products"]')`)
	noWasmRan(t, tb)

	other := newSessionTab(t)
	blockWasm(t, other)
	other.do(chromedp.EmulateViewport(narrowWidth, 844), navigate(h.host+"/console/signin?next=%2Fconsole%2Fproducts"))
	waitNavigated(t, other.ctx, `!!document.querySelector('#email')`)
	other.do(fill("#email", email), fill("#password", "not my password"))
	submitted(t, other, `document.querySelector('.cs-error').textContent.includes('Wrong email or password.')`)
	if got := eval[string](t, other.ctx, `document.querySelector('#email').value + '|' + document.querySelector('#password').value`); got != email+"|" {
		t.Errorf("refused sign-in shows %q", got)
	}
	other.do(fill("#password", consolePassword))
	submitted(t, other, `location.pathname === '/console/products' && !!document.querySelector('#new-title')`)
	screenshot(t, other.ctx, "console-products-before-wasm.png")

	other.do(fill("#new-title", "Slow Mug"), fill("#new-price", "9.50"), fill("#new-stock", "4"))
	submitted(t, other, `location.pathname.startsWith('/console/products/prd_')`)
	id := strings.TrimPrefix(eval[string](t, other.ctx, `location.pathname`), "/console/products/")
	var title string
	var price int64
	queryDB(t, `SELECT p.title, v.price FROM products p JOIN variants v ON v.product_id = p.id WHERE p.id = ?`, []any{id}, &title, &price)
	if title != "Slow Mug" || price != 950 {
		t.Errorf("product %s = %q at %d, want Slow Mug at 950", id, title, price)
	}
	// Its page comes filled in with the product, and Save works too.
	if got := eval[string](t, other.ctx, `document.querySelector('#p-title').value + '|' + document.querySelector('#v-price-0').value`); got != "Slow Mug|9.50" {
		t.Errorf("the product's page shows %q", got)
	}
	other.do(fill("#v-price-0", "10.50"))
	submitted(t, other, `document.querySelector('main').textContent.includes('Product saved.')`)
	queryDB(t, `SELECT v.price FROM variants v WHERE v.product_id = ?`, []any{id}, &price)
	if price != 1050 {
		t.Errorf("price after Save = %d, want 1050", price)
	}

	// The widgets page comes with the merchant's products (the prerender
	// reads them), and its New widget form works too.
	other.do(navigate(h.host + "/console/widgets"))
	waitNavigated(t, other.ctx, `document.querySelector('#w-product')?.value === '`+id+`' && document.querySelector('main').textContent.includes('No widgets yet.')`)
	screenshot(t, other.ctx, "console-widgets-before-wasm.png")
	submitted(t, other, `location.pathname.startsWith('/console/widgets/wgt_')`)
	// The designer comes with the widget, and Save works too.
	waitNavigated(t, other.ctx, `document.querySelector('#w-cta')?.value === 'Buy' && !!document.querySelector('.cs-card-preview')`)
	other.do(fill("#w-cta", "Get the mug"))
	submitted(t, other, `document.querySelector('main').textContent.includes('Widget saved.')`)
	var cta string
	queryDB(t, `SELECT cta FROM widgets WHERE product_id = ?`, []any{id}, &cta)
	if cta != "Get the mug" {
		t.Errorf("the widget's button reads %q, want Get the mug", cta)
	}

	// A discount code, from a page that shows both kinds' fields.
	other.do(navigate(h.host + "/console/discounts"))
	waitNavigated(t, other.ctx, `!!document.querySelector('#d-amount') && !!document.querySelector('#d-percent')`)
	other.do(fill("#d-code", "SLOW10"), fill("#d-percent", "10"))
	submitted(t, other, `location.pathname === '/console/discounts' && document.querySelector('main table')?.textContent.includes('SLOW10')`)
	eval[bool](t, other.ctx, `(document.querySelector('main table').scrollIntoView(), true)`)
	screenshot(t, other.ctx, "console-discounts-before-wasm.png")

	// Settings come filled in with what is stored, and Save keeps them.
	other.do(navigate(h.host + "/console/settings"))
	waitNavigated(t, other.ctx, `document.querySelector('#set-name')?.value === '' && !document.querySelector('main .cs-loading')`)
	other.do(fill("#set-name", "Slow Phone Ltd"), fill("#set-twitter", "@slowphone"))
	submitted(t, other, `document.querySelector('main').textContent.includes('Settings saved.') && document.querySelector('#set-name').value === 'Slow Phone Ltd'`)
	screenshot(t, other.ctx, "console-settings-before-wasm.png")

	// A tax rate, its state picked from every country's, and a shipping
	// zone with a second rate typed into the empty one the page offers in
	// place of Add rate; then the tax rate's Delete.
	eval[bool](t, other.ctx, `(document.querySelector('#tax-country').value = 'US', document.querySelector('#tax-region').value = 'NY', true)`)
	other.do(fill("#tax-rate", "8.875"))
	submittedWith(t, other, `form[action$="/tax-rates"] button[type=submit]`, `document.querySelector('main').textContent.includes('Tax rate added.')`)
	if got := eval[string](t, other.ctx, `document.querySelector('#tax-h').parentElement.querySelector('table').textContent`); !strings.Contains(got, "New York, United States") {
		t.Errorf("the tax rates read %q", got)
	}
	other.do(fill("#zone-name", "Home"), fill("#zone-countries", "US"), fill("#rate-amount-0", "4"), fill("#rate-name-1", "Express"), fill("#rate-amount-1", "12"))
	submittedWith(t, other, `form[action$="/shipping-zones"] button[type=submit]`, `document.querySelector('main').textContent.includes('Zone saved.')`)
	var rates int
	queryDB(t, `SELECT count(*) FROM shipping_rates r JOIN shipping_zones z ON z.id = r.zone_id WHERE z.name = 'Home' AND z.merchant_id = (SELECT merchant_id FROM products WHERE id = ?)`, []any{id}, &rates)
	if rates != 2 {
		t.Errorf("the zone has %d rates, want Standard and Express", rates)
	}
	screenshot(t, other.ctx, "console-shipping-before-wasm.png")
	checkAxe(t, other.ctx, "the settings page before the WASM")
	submittedWith(t, other, `form[action*="/tax-rates/"] button[type=submit]`, `document.querySelector('main').textContent.includes('No tax rates yet.')`)

	// The overview's payment account button connects the sandbox's.
	other.do(navigate(h.host + "/console"))
	waitNavigated(t, other.ctx, `!!document.querySelector('form[action="/console/payment-account"] button:not([disabled])')`)
	submittedWith(t, other, `form[action="/console/payment-account"] button`, `document.querySelector('main').textContent.includes('Your sandbox account is connected.')`)

	submittedWith(t, other, ".cs-account form button[type=submit]", `location.pathname === '/console/signin' && !!document.querySelector('#email')`)
	if status := eval[int](t, other.ctx, `fetch('/v1/auth/me').then(r => r.status)`); status != 401 {
		t.Errorf("after Sign out /v1/auth/me answers %d, want 401", status)
	}
	noWasmRan(t, other)
}

// TestConsoleWasmTakesOverSignIn: a person types into the prerendered
// sign-in form while the WASM is still on its way; when it arrives it
// takes the page over with what was typed, and
// signs in without reloading the page.
func TestConsoleWasmTakesOverSignIn(t *testing.T) {
	t.Parallel()
	_, email := signUp(t, "merchant", "Patient Ltd")

	tb := newSessionTab(t)
	held := make(chan fetch.RequestID, 1)
	if err := chromedp.Listen(tb.ctx, func(ev any) {
		if ev, ok := ev.(*fetch.EventRequestPaused); ok {
			held <- ev.RequestID
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(tb.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/web/console.*.wasm"}}}); err != nil {
		t.Fatal(err)
	}
	tb.do(navigate(h.host + "/console/signin"))
	waitNavigated(t, tb.ctx, `!!document.querySelector('.cs-boot') && !!document.querySelector('#email')`)
	tb.do(fill("#email", email), fill("#password", consolePassword))
	noWasmRan(t, tb)

	if _, err := chromedp.Call(tb.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: <-held}); err != nil {
		t.Fatal(err)
	}
	waitConsole(t, tb, `!!document.querySelector('.cs-app[data-client=true] #email')`)
	got := eval[string](t, tb.ctx, `[document.querySelector('#email').value, document.querySelector('#password').value === `+
		fmt.Sprintf("%q", consolePassword)+`, !!document.querySelector('.cs-boot')].join('|')`)
	if got != email+"|true|false" {
		t.Fatalf("after the WASM took over: %q, want the email, the password and no loading note", got)
	}
	eval[bool](t, tb.ctx, `(window.samePage = true, document.querySelector('main form button[type=submit]').click(), true)`)
	waitConsole(t, tb, `location.pathname === '/console' && !!document.querySelector('.cs-nav') && window.samePage === true`)
}

// narrowDesignerAndOrders: at 390 px the widget designer does not scroll
// sideways, and the orders table shows each order's Total and net
// without scrolling.
func narrowDesignerAndOrders(t *testing.T, tb *tab, designer string) {
	t.Helper()
	tb.do(chromedp.EmulateViewport(narrowWidth, 844))
	defer tb.do(chromedp.EmulateReset())
	openConsole(t, tb, designer)
	if w := eval[int](t, tb.ctx, `document.documentElement.scrollWidth`); w > narrowWidth {
		t.Errorf("the designer at %d px is %d px wide", narrowWidth, w)
	}
	screenshot(t, tb.ctx, "console-designer-390.png")
	openConsole(t, tb, "/console/orders")
	waitConsole(t, tb, `!!document.querySelector('.cs-orders tbody tr')`)
	visible := eval[string](t, tb.ctx, `[...document.querySelectorAll('.cs-orders thead th')].filter(th => {
		const r = th.getBoundingClientRect();
		return r.width > 0 && r.left >= 0 && r.right <= innerWidth;
	}).map(th => th.textContent.trim()).join('|')`)
	if !strings.Contains(visible, "Total") || !strings.Contains(visible, "Your net") {
		t.Errorf("at %d px the orders table shows only %q, want Total and Your net", narrowWidth, visible)
	}
	if w := eval[int](t, tb.ctx, `document.documentElement.scrollWidth`); w > narrowWidth {
		t.Errorf("the orders page at %d px is %d px wide", narrowWidth, w)
	}
	screenshot(t, tb.ctx, "console-orders-390.png")
}

// TestWebhooksBeforeWasm: on a phone whose console WASM never arrives, a
// merchant adds an endpoint (its secret shown once), sends it a test
// event, sees it among the endpoint's deliveries, resends it, and deletes
// the endpoint after confirming, all through the prerendered forms; the
// receiver gets the event twice, signed with that secret.
func TestWebhooksBeforeWasm(t *testing.T) {
	t.Parallel()
	receiver := newHookReceiver(t)
	tb, _ := signUp(t, "merchant", "Slow Hooks")
	blockWasm(t, tb)
	tb.do(chromedp.EmulateViewport(narrowWidth, 844), navigate(h.host+"/console/webhooks"))
	waitNavigated(t, tb.ctx, `!!document.querySelector('#wh-url')`)
	tb.do(fill("#wh-url", receiver.URL+"/buycard"))
	submitted(t, tb, `document.querySelector('#wh-secret')?.value.startsWith('whsec_')`)
	receiver.setSecret(eval[string](t, tb.ctx, `document.querySelector('#wh-secret').value`))

	submittedWith(t, tb, `form[action$="/test"] button`, `document.querySelector('main').textContent.includes('Test event sent to')`)
	receiver.wait(t)
	tb.do(navigate(eval[string](t, tb.ctx, `document.querySelector('a[aria-label^="Refresh deliveries"]').href`)))
	waitNavigated(t, tb.ctx, `document.querySelector('[aria-labelledby=wh-deliveries-h] table')?.textContent.includes('test.webhook')`)
	screenshot(t, tb.ctx, "console-webhooks-before-wasm.png")
	submittedWith(t, tb, `form[action$="/resend"] button`, `!!document.querySelector('[aria-labelledby=wh-deliveries-h] table')`)
	receiver.wait(t)

	submittedWith(t, tb, `form[action$="/delete"] button`, `document.querySelector('main').textContent.includes('Nothing more is sent to it')`)
	checkAxe(t, tb.ctx, "the webhooks page asking to confirm a deletion, before the WASM")
	submittedWith(t, tb, `form[action$="/delete"] button[type=submit].cs-danger-solid`, `document.querySelector('main').textContent.includes('No endpoints yet.')`)
	noWasmRan(t, tb)
	receiver.mu.Lock()
	defer receiver.mu.Unlock()
	if receiver.signed != 2 || len(receiver.unsigned) > 0 {
		t.Errorf("receiver got %d signed requests and these unsigned or badly signed: %q; want 2 signed", receiver.signed, receiver.unsigned)
	}
}
