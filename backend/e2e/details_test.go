package e2e

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/buycard/buycard"
)

// The ceramics shop of issue 14: a stoneware mug at $19.99 that ships
// within the United States (Standard $4.50, Express $15.00), taxed at
// 8.875% with shipping, and the code SPRING25 for 25% off. A shopper buys
// three, with an address, a shipping option and the code, with the WASM
// and with JavaScript off.

const mugWidget = "wgt_stonewaremug"

var mugShop sync.Once

// seller is what the story seeds the shop through: the server's store.
type seller interface {
	buycard.CatalogService
	buycard.SellerService
	buycard.DiscountService
}

// openMugShop seeds the shop once, beside the demo's other products: its
// merchant's settings, zone, rate and code change nothing for products
// that do not ship or shoppers who type no code.
func openMugShop(t *testing.T) {
	t.Helper()
	mugShop.Do(func() {
		ctx := context.Background()
		s := h.main.Server.Services.Catalog.(seller)
		p := &buycard.Product{
			MerchantID: "mer_northwind", Title: "Stoneware mug", Currency: "USD", MaxPerOrder: 5, PriceVersion: 1,
			Kind: buycard.ProductPhysical, Description: "Wheel-thrown, celadon glaze.",
			Variants: []buycard.Variant{{Name: "Celadon", Price: 1999, Stock: 50}},
		}
		steps := []func() error{
			func() error { return s.CreateProduct(ctx, p) },
			func() error {
				return s.CreateWidget(ctx, &buycard.Widget{ID: mugWidget, MerchantID: "mer_northwind", ProductID: p.ID, CTA: "Buy"})
			},
			func() error {
				return s.SaveMerchantSettings(ctx, &buycard.MerchantSettings{MerchantID: "mer_northwind", TaxMode: buycard.TaxRates, TaxShipping: true})
			},
			func() error {
				return s.CreateShippingZone(ctx, &buycard.ShippingZone{MerchantID: "mer_northwind", Name: "Domestic", Countries: []string{"US"},
					Rates: []buycard.ShippingRate{
						{Name: "Standard", Currency: "USD", Kind: buycard.ShipFlat, Amount: 450},
						{Name: "Express", Currency: "USD", Kind: buycard.ShipFlat, Amount: 1500},
					}})
			},
			func() error {
				return s.CreateTaxRate(ctx, &buycard.TaxRate{MerchantID: "mer_northwind", Country: "US", RatePPM: 88_750})
			},
			func() error {
				return s.CreateDiscountCode(ctx, &buycard.DiscountCode{MerchantID: "mer_northwind", Code: "SPRING25", PercentBPS: 2500})
			},
		}
		for _, step := range steps {
			if err := step(); err != nil {
				t.Fatalf("seed the mug shop: %v", err)
			}
		}
	})
}

// rows is the breakdown a page shows, "term value" per row.
func rows(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `[...document.querySelectorAll('.bc-breakdown dt')].map(dt =>
		dt.textContent + ' ' + dt.nextElementSibling.textContent).join('\n')`)
}

func wantBreakdown(t *testing.T, ctx context.Context, what string, want ...string) {
	t.Helper()
	if got := rows(t, ctx); got != strings.Join(want, "\n") {
		t.Errorf("%s breakdown:\n%s\nwant:\n%s", what, got, strings.Join(want, "\n"))
	}
}

// selectOption chooses value in a select as a shopper does: the page sees
// the change.
func selectOption(t *testing.T, ctx context.Context, selector, value string) {
	t.Helper()
	eval[bool](t, ctx, `(() => { const s = document.querySelector('`+selector+`'); s.value = '`+value+`';
		s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`)
}

func typeInto(t *testing.T, ctx context.Context, fields ...string) {
	t.Helper()
	for i := 0; i+1 < len(fields); i += 2 {
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(fields[i]), fields[i+1])); err != nil {
			t.Fatalf("type into %s: %v", fields[i], err)
		}
	}
}

func TestPhysicalPurchaseWithCodeShippingAndTax(t *testing.T) {
	t.Parallel()
	shared(t, &paidOrdersLock)
	openMugShop(t)
	tb := newTab(t)
	tb.do(navigate(publisherPage(t, `<main><div data-buycard="`+mugWidget+`"></div></main>`)))
	tb.renderedCards(1)
	frame := tb.buy(mugWidget)
	appReady(t, frame)
	clickIn(t, frame, `.bc-adjust[aria-label="Increase quantity"]`)
	clickIn(t, frame, `.bc-adjust[aria-label="Increase quantity"]`)
	clickIn(t, frame, "#bc-primary") // Continue
	waitFor(t, frame, `document.activeElement?.id === 'bc-step-title' && !!document.querySelector('.bc-breakdown')`)
	wantBreakdown(t, frame, "before an address", "Subtotal $59.97", "Total $59.97")
	if got := eval[string](t, frame, `document.querySelector('#bc-f-country').value`); got != "US" {
		t.Errorf("country = %q, want the one the shop ships to", got)
	}

	typeInto(t, frame, "#bc-f-email", "ann@", "#bc-f-name", "Ann Lee")
	clickIn(t, frame, "#bc-primary") // Continue to payment: the email is not one
	waitFor(t, frame, `document.activeElement?.id === 'bc-f-email'`)
	if !eval[bool](t, frame, `document.querySelector('#bc-f-email').getAttribute('aria-describedby').includes('bc-f-email-error') &&
		document.querySelector('#bc-f-email').getAttribute('aria-invalid') === 'true'`) {
		t.Errorf("the email's error is not tied to it: %s", eval[string](t, frame, `document.querySelector('#bc-f-email').parentElement.outerHTML + ' | ' + document.querySelector('.bc-error').outerHTML`))
	}
	typeInto(t, frame, "#bc-f-email", "example.com",
		"#bc-f-line1", "1 Main St", "#bc-f-city", "New York", "#bc-f-postal_code", "10001")
	selectOption(t, frame, "#bc-f-region", "NY")
	waitFor(t, frame, `!!document.querySelector('input[name=shipping_rate_id]:checked')`)
	screenshot(t, tb.ctx, "details-overlay.png")
	wantBreakdown(t, frame, "with the address", "Subtotal $59.97", "Shipping (Standard) $4.50", "Tax $5.72", "Total $70.19")

	typeInto(t, frame, "#bc-f-discount_code", "nope")
	clickIn(t, frame, ".bc-apply")
	waitFor(t, frame, `!!document.querySelector('#bc-f-discount_code-error')`)
	eval[bool](t, frame, `(document.querySelector('#bc-f-discount_code').select(), true)`)
	typeInto(t, frame, "#bc-f-discount_code", "spring25")
	clickIn(t, frame, ".bc-apply")
	waitFor(t, frame, `document.querySelector('.bc-breakdown')?.textContent.includes('SPRING25')`)
	clickIn(t, frame, `input[name=shipping_rate_id]:not(:checked)`) // Express
	waitFor(t, frame, `document.querySelector('.bc-breakdown')?.textContent.includes('Express')`)
	// 3 × 19.99 = 59.97; 25% off 14.99; tax 8.875% of 44.98 (3.99) and of 15.00 (1.33).
	wantBreakdown(t, frame, "with the code and Express", "Subtotal $59.97", "Discount (SPRING25) −$14.99",
		"Shipping (Express) $15.00", "Tax $5.32", "Total $65.30")

	clickIn(t, frame, "#bc-primary") // Continue to payment
	waitFor(t, frame, `!!document.querySelector('[data-card="4242 4242 4242 4242"]')`)
	wantBreakdown(t, frame, "pay step", "Celadon × 3 $59.97", "Discount (SPRING25) −$14.99",
		"Shipping (Express) $15.00", "Tax $5.32", "Total $65.30")
	if got := text(t, frame, "#bc-primary"); got != "Pay $65.30" {
		t.Errorf("pay button = %q", got)
	}
	first := newestOrder(t, mugWidget)

	clickIn(t, frame, ".bc-change button") // Change
	waitFor(t, frame, `!!document.querySelector('#bc-f-email')`)
	if got := eval[string](t, frame, `document.querySelector('#bc-f-line1').value + '|' + document.querySelector('#bc-f-discount_code').value`); got != "1 Main St|spring25" {
		t.Errorf("details after Change = %q", got)
	}
	eventually(t, "the changed order is released", func() bool { return orderStatus(t, first) == "canceled" })
	clickIn(t, frame, "#bc-primary") // Continue to payment
	waitFor(t, frame, `!!document.querySelector('[data-card="4242 4242 4242 4242"]')`)
	clickIn(t, frame, `[data-card="4242 4242 4242 4242"]`)
	clickIn(t, frame, "#bc-primary") // Pay
	waitFor(t, frame, `document.querySelector('.bc-order-number-value')?.textContent.startsWith('BC-')`)
	wantBreakdown(t, frame, "receipt", "Product Stoneware mug", "Celadon × 3 $59.97", "Discount (SPRING25) −$14.99",
		"Shipping (Express) $15.00", "Tax $5.32", "Total $65.30")
	tb.noErrors()
	followOrderPageLink(t, frame, "Total $65.30")
}

// followOrderPageLink opens the receipt's link to the order page in a tab
// of its own, as the link does, and finds the order and want there.
func followOrderPageLink(t *testing.T, receipt context.Context, want string) {
	t.Helper()
	link := eval[string](t, receipt, `(a => a && a.target === '_blank' && a.rel === 'noopener' ? a.href : '')(document.querySelector('.bc-order-page a'))`)
	if !strings.HasPrefix(link, h.host+"/order?t=") {
		t.Fatalf("receipt's order page link = %q, want one opening %s/order?t=… in a new tab", link, h.host)
	}
	number := eval[string](t, receipt, `document.querySelector('.bc-order-number-value').textContent`)
	page := newTab(t)
	page.do(navigate(link))
	if body := eval[string](t, page.ctx, `document.body.innerText.replace(/\s+/g, ' ')`); !strings.Contains(body, number) || !strings.Contains(body, want) {
		t.Errorf("order page lacks %s or %q: %.600s", number, want, body)
	}
}

func TestPhysicalPurchaseWithoutJavaScript(t *testing.T) {
	t.Parallel()
	shared(t, &paidOrdersLock)
	openMugShop(t)
	tb := newTab(t)
	if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	tb.do(
		navigate(h.host+"/p/"+mugWidget),
		clickCSS(".bc-buy"),
		chromedp.WaitVisible(chromedp.CSS("#bc-qty")),
		chromedp.SetValue(chromedp.CSS("#bc-qty"), "3"),
		clickCSS("#bc-primary"), // Continue
		chromedp.WaitVisible(chromedp.CSS("#bc-f-email")),
		chromedp.SendKeys(chromedp.CSS("#bc-f-email"), "ann@example.com"),
		chromedp.SendKeys(chromedp.CSS("#bc-f-name"), "Ann Lee"),
		chromedp.SendKeys(chromedp.CSS("#bc-f-line1"), "1 Main St"),
		chromedp.SendKeys(chromedp.CSS("#bc-f-city"), "New York"),
		chromedp.SetValue(chromedp.CSS("#bc-f-region"), "NY"),
		chromedp.SendKeys(chromedp.CSS("#bc-f-postal_code"), "10001"),
		clickCSS(".bc-ship"), // Update shipping: the server prices it
		chromedp.WaitVisible(chromedp.CSS("input[name=shipping_rate_id]:checked")),
		chromedp.SendKeys(chromedp.CSS("#bc-f-discount_code"), "SPRING25"),
		clickCSS(".bc-apply"),
		chromedp.WaitVisible(chromedp.CSS(`.bc-breakdown`)),
	)
	waitFor(t, tb.ctx, `document.querySelector('.bc-breakdown')?.textContent.includes('SPRING25')`)
	// 25% off 59.97 is 14.99; tax 8.875% of 44.98 (3.99) and of 4.50 (0.40).
	wantBreakdown(t, tb.ctx, "details", "Subtotal $59.97", "Discount (SPRING25) −$14.99",
		"Shipping (Standard) $4.50", "Tax $4.39", "Total $53.87")
	tb.do(
		clickCSS("#bc-primary"), // Continue to payment
		chromedp.WaitVisible(chromedp.CSS("#bc-card")),
	)
	wantBreakdown(t, tb.ctx, "pay step", "Celadon × 3 $59.97", "Discount (SPRING25) −$14.99",
		"Shipping (Standard) $4.50", "Tax $4.39", "Total $53.87")
	screenshot(t, tb.ctx, "pay-restated-without-js.png")
	tb.do(
		clickCSS(".bc-change button"), // Change
		chromedp.WaitVisible(chromedp.CSS("#bc-f-email")),
	)
	if got := eval[string](t, tb.ctx, `document.querySelector('#bc-f-email').value + '|' + document.querySelector('#bc-f-region').value`); got != "ann@example.com|NY" {
		t.Errorf("details after Change = %q", got)
	}
	tb.do(
		clickCSS("#bc-primary"), // Continue to payment
		chromedp.WaitVisible(chromedp.CSS("#bc-card")),
		chromedp.SendKeys(chromedp.CSS("#bc-card"), "4242 4242 4242 4242"),
		clickCSS("#bc-primary"), // Pay
		chromedp.WaitVisible(chromedp.CSS(".bc-order-number-value")),
	)
	wantBreakdown(t, tb.ctx, "receipt", "Product Stoneware mug", "Celadon × 3 $59.97", "Discount (SPRING25) −$14.99",
		"Shipping (Standard) $4.50", "Tax $4.39", "Total $53.87")
	followOrderPageLink(t, tb.ctx, "Total $53.87")
}

// newestOrder is the id of the newest order of widget.
func newestOrder(t *testing.T, widget string) string {
	t.Helper()
	var id string
	queryDB(t, `SELECT id FROM orders WHERE widget_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`, []any{widget}, &id)
	return id
}
