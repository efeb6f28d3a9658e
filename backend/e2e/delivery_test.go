package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/buycard/buycard"
)

// After the payment of a digital product: a shopper buys a PDF guide and
// a license key, from the full-page checkout with JavaScript off and with
// the WASM, and finds them on the order page; the key product then shows
// sold out. The order page is reached as the payment's answer links it
// (GET /v1/orders/{id} with the order token of the receipt's URL) until
// the receipt itself links it.

// digitalProduct is a product of a new merchant that delivers a file or
// keys, and its widget.
type digitalProduct struct {
	merchantID, productID, widgetID string
}

// newDigitalProduct stores a merchant that can take payments, a digital
// product of it at $12.00 and a widget.
func newDigitalProduct(t *testing.T, title string) digitalProduct {
	t.Helper()
	ctx := t.Context()
	m := &buycard.Merchant{Name: "Kiln & Key Studio", ChargesEnabled: true}
	must(t, h.main.DB.CreateMerchant(ctx, m))
	must(t, h.main.DB.SaveMerchantSettings(ctx, &buycard.MerchantSettings{MerchantID: m.ID, BusinessName: "Kiln & Key Studio Ltd",
		SupportEmail: "help@kilnkey.example", RefundPolicy: "Refunds within 14 days of purchase.\nWrite to us with your order number.",
		TaxMode: buycard.TaxNone}))
	p := &buycard.Product{MerchantID: m.ID, Title: title, Currency: "USD", Kind: buycard.ProductDigital, MaxPerOrder: 2,
		PriceVersion: 1, Variants: []buycard.Variant{{Name: "Download", Price: 1200, Unlimited: true}}}
	must(t, h.main.DB.CreateProduct(ctx, p))
	w := &buycard.Widget{MerchantID: m.ID, ProductID: p.ID, CTA: "Buy"}
	must(t, h.main.DB.CreateWidget(ctx, w))
	return digitalProduct{merchantID: m.ID, productID: p.ID, widgetID: w.ID}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// guidePDF is the file the guide delivers.
var guidePDF = append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("glaze firing guide "), 400)...)

func TestDigitalPurchases(t *testing.T) {
	t.Parallel()
	shared(t, &paidOrdersLock)
	guide := newDigitalProduct(t, "Glaze firing guide (PDF)")
	stored, err := h.main.Server.Files.Put(t.Context(), "glaze-guide.pdf", bytes.NewReader(guidePDF))
	must(t, err)
	must(t, h.main.DB.AddDeliveryFile(t.Context(), &buycard.DeliveryFile{ProductID: guide.productID, Name: "glaze-guide.pdf",
		SHA256: stored.SHA256, Size: stored.Size, ContentType: stored.ContentType}))
	keys := newDigitalProduct(t, "Kiln planner licence")
	_, err = h.main.DB.AddLicenseKeys(t.Context(), keys.productID, []string{"KILN-7F3K-92QD", "KILN-QX4M-18ZT"})
	must(t, err)

	for _, js := range []bool{false, true} {
		name := map[bool]string{false: "without JavaScript", true: "with the WASM"}[js]
		t.Run(name, func(t *testing.T) {
			tb := newTab(t)
			if !js {
				disableScripts(t, tb.ctx)
			}
			page := buyDigital(t, tb, guide.widgetID, js)
			tb.do(navigate(page), chromedp.WaitVisible(chromedp.CSS(".bc-download")))
			if got := text(t, tb.ctx, "h2#bc-downloads"); got != "Downloads" {
				t.Errorf("order page downloads heading = %q", got)
			}
			checkSellerBlock(t, tb.ctx)
			href := eval[string](t, tb.ctx, `document.querySelector('a.bc-download').href`)
			body, header := download(t, href)
			if !bytes.Equal(body, guidePDF) || header.Get("Content-Type") != "application/pdf" ||
				header.Get("Content-Disposition") != "attachment; filename=glaze-guide.pdf" {
				t.Errorf("download: %d bytes, %v", len(body), header)
			}
			shotOrderPage(t, tb.ctx, "order-page-download-"+map[bool]string{false: "nojs", true: "js"}[js])

			page = buyDigital(t, tb, keys.widgetID, js)
			tb.do(navigate(page), chromedp.WaitVisible(chromedp.CSS(".bc-keys code")))
			if got := text(t, tb.ctx, ".bc-keys code"); !strings.HasPrefix(got, "KILN-") {
				t.Errorf("license key = %q", got)
			}
			shotOrderPage(t, tb.ctx, "order-page-key-"+map[bool]string{false: "nojs", true: "js"}[js])
			tb.noErrors()
		})
	}
	// The card's data is cached for a while; what it says comes from here.
	card, err := h.main.DB.FindCard(t.Context(), keys.widgetID)
	must(t, err)
	if state := card.Availability(); state != buycard.SoldOut {
		t.Errorf("key card after its two keys = %q, want sold out", state)
	}
	var cards struct {
		Cards map[string]struct{ Token string }
	}
	getJSON(t, "GET", "/v1/cards?ids="+keys.widgetID, nil, &cards)
	body, _ := json.Marshal(map[string]any{"token": cards.Cards[keys.widgetID].Token, "variant_id": card.Product.Variants[0].ID, "quantity": 1,
		"buyer": map[string]string{"email": "bo@example.com", "name": "Bo"}})
	resp, err := http.Post(h.host+"/v1/checkout", "application/json", bytes.NewReader(body))
	must(t, err)
	reply, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict || !strings.Contains(string(reply), "no license keys left") {
		t.Errorf("checkout of the sold-out key = %d %s", resp.StatusCode, reply)
	}
}

// disableScripts turns JavaScript off in the tab.
func disableScripts(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
}

// buyDigital buys one unit of widget from its full-page checkout, as Ada
// with the test card, and returns the order page the paid order links to.
func buyDigital(t *testing.T, tb *tab, widget string, js bool) string {
	t.Helper()
	wasm := "false"
	if js {
		wasm = ""
	}
	tb.do(navigate(checkoutURL(t, widget, wasm)))
	click := func(selector string) { tb.do(clickCSS(selector)) } // no checkout.js to arm the page
	if js {
		appReady(t, tb.ctx)
		click = func(selector string) { clickIn(t, tb.ctx, selector) }
	}
	click("#bc-primary") // Continue to the details
	waitNavigated(t, tb.ctx, `!!document.querySelector('#bc-f-email')`)
	tb.do(chromedp.SendKeys(chromedp.CSS("#bc-f-email"), "ada@example.com"), chromedp.SendKeys(chromedp.CSS("#bc-f-name"), "Ada Lovelace"))
	click("#bc-primary") // Continue to payment
	waitNavigated(t, tb.ctx, `!!document.querySelector('#bc-card')`)
	if js {
		click(`[data-card="4242 4242 4242 4242"]`)
	} else {
		tb.do(chromedp.SendKeys(chromedp.CSS("#bc-card"), "4242 4242 4242 4242"))
	}
	click("#bc-primary") // Pay
	waitNavigated(t, tb.ctx, `!!document.querySelector('.bc-order-number-value')?.textContent.startsWith('BC-')`)
	return orderPageOf(t, text(t, tb.ctx, ".bc-order-number-value"), eval[string](t, tb.ctx, `location.search`))
}

// orderPageOf is the order page of the order numbered number, as GET
// /v1/orders/{id} gives it to the holder of the order token: the one in
// the receipt's URL (the page's search) when there is one, else, for the
// WASM's in-place receipt, a token signed as the checkout signs it.
func orderPageOf(t *testing.T, number, search string) string {
	t.Helper()
	var id string
	queryDB(t, `SELECT id FROM orders WHERE number = ?`, []any{number}, &id)
	q, _ := url.ParseQuery(strings.TrimPrefix(search, "?"))
	token := q.Get("ot")
	if q.Get("order") != id {
		token = h.main.Server.Tokens.SignOrder(buycard.OrderClaims{OrderID: id, ExpiresAt: time.Now().Add(time.Hour)})
	}
	req, _ := http.NewRequest("GET", h.host+"/v1/orders/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	var reply struct {
		PageURL string `json:"page_url"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /v1/orders/%s = %d (%v)", id, resp.StatusCode, err)
	}
	if !strings.HasPrefix(reply.PageURL, h.host+"/order?t=") {
		t.Fatalf("order %s page_url = %q", number, reply.PageURL)
	}
	return reply.PageURL
}

// checkSellerBlock checks the seller's contact and refund policy.
func checkSellerBlock(t *testing.T, ctx context.Context) {
	t.Helper()
	help := text(t, ctx, "section[aria-labelledby=bc-help]")
	for _, want := range []string{"Sold by Kiln & Key Studio Ltd.", "help@kilnkey.example", "Refunds within 14 days"} {
		if !strings.Contains(help, want) {
			t.Errorf("seller block %q lacks %q", help, want)
		}
	}
}

// download gets href as the browser's link would and returns the body
// and headers.
func download(t *testing.T, href string) ([]byte, http.Header) {
	t.Helper()
	resp, err := http.Get(href)
	must(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	must(t, err)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d %s", href, resp.StatusCode, body)
	}
	return body, resp.Header
}

// shotOrderPage saves the order page at a phone's width (390 px) and a
// desktop's, when BUYCARD_SCREENSHOTS is set, and checks that neither
// scrolls sideways.
func shotOrderPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	for _, size := range []struct {
		suffix string
		width  int64
	}{{"-390", 390}, {"-desktop", 1280}} {
		if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(size.width, 900)); err != nil {
			t.Fatal(err)
		}
		if wide := eval[bool](t, ctx, `document.documentElement.scrollWidth > innerWidth`); wide {
			t.Errorf("%s scrolls sideways at %d px", name, size.width)
		}
		screenshot(t, ctx, name+size.suffix+".png")
	}
}
