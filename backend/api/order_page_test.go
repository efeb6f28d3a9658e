package api_test

import (
	"bytes"
	"database/sql"
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
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/backend/blob"
)

// newOrderPageServer is a server that stores delivered files, with the
// demo notebook made a digital product of its merchant.
func newOrderPageServer(t *testing.T) (*testServer, *blob.Files) {
	t.Helper()
	files, err := blob.OpenDir(filepath.Join(t.TempDir(), "files"), 1<<20)
	must(t, err)
	t.Cleanup(func() { files.Close() })
	ts := newTestServerWith(t, func(cfg *api.Config, svc *api.Services) {
		cfg.PasswordParams = auth.TestParams
		svc.Auth, svc.Files = svc.Catalog.(buycard.AuthService), files
	})
	key := partyKey(t, ts, buycard.PartyMerchant, demoMerchant)
	if resp, body := ts.do(t, "PATCH", "/v1/products/prd_notebook", "application/json", `{"kind":"digital"}`, key...); resp.StatusCode != 200 {
		t.Fatalf("make the notebook digital = %d %s", resp.StatusCode, body)
	}
	return ts, files
}

// addNotebookFile stores content as a file the notebook delivers.
func addNotebookFile(t *testing.T, ts *testServer, files *blob.Files, name string, content []byte) *buycard.DeliveryFile {
	t.Helper()
	stored, err := files.Put(t.Context(), name, bytes.NewReader(content))
	must(t, err)
	f := &buycard.DeliveryFile{ProductID: "prd_notebook", Name: name, SHA256: stored.SHA256, Size: stored.Size, ContentType: stored.ContentType}
	must(t, ts.db.AddDeliveryFile(t.Context(), f))
	return f
}

// buyNotebookPage buys a notebook and returns the order and the path of
// its order page, as the payment's answer gives it.
func (ts *testServer) buyNotebookPage(t *testing.T) (orderID, pagePath string) {
	t.Helper()
	r := ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 1)
	resp, body := ts.do(t, "GET", "/v1/orders/"+r.Order.ID, "", "", "Authorization", "Bearer "+r.OrderToken)
	if resp.StatusCode != 200 || strings.Contains(body, "page_url") {
		t.Fatalf("pending order = %d %s: want no page yet", resp.StatusCode, body)
	}
	resp, body = ts.payOrder(t, r)
	var paid struct {
		Order   buycard.Order
		PageURL string `json:"page_url"`
	}
	must(t, json.Unmarshal([]byte(body), &paid))
	path, ok := strings.CutPrefix(paid.PageURL, publicURL)
	if resp.StatusCode != 200 || paid.Order.Status != buycard.OrderPaid || !ok || !strings.HasPrefix(path, "/order?t=") {
		t.Fatalf("pay = %d %s: want paid with a page on %s", resp.StatusCode, body, publicURL)
	}
	return r.Order.ID, path
}

// getPage gets a page of the shopper's and checks the headers every one
// of them carries.
func (ts *testServer) getPage(t *testing.T, path string, status int) string {
	t.Helper()
	resp, body := ts.do(t, "GET", path, "", "", "Accept-Language", "en")
	if resp.StatusCode != status {
		t.Fatalf("GET %s = %d %s, want %d", path, resp.StatusCode, body, status)
	}
	if status == 200 && (resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Referrer-Policy") != "no-referrer" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'")) {
		t.Errorf("GET %s headers: %v", path, resp.Header)
	}
	return body
}

var downloadLink = regexp.MustCompile(`href="(/order/download\?t=[^"]+)"`)

// downloadLinks are the download paths of an order page.
func downloadLinks(page string) []string {
	var links []string
	for _, m := range downloadLink.FindAllStringSubmatch(page, -1) {
		links = append(links, html.UnescapeString(m[1]))
	}
	return links
}

// TestOrderPageDownloads: a shopper pays for a digital file, opens the
// order page the payment's answer links to, downloads the file as an
// attachment of its type, and can do so MaxDownloads times; tampered,
// expired and misapplied links are refused, and an expired link is
// replaced by opening the page again.
func TestOrderPageDownloads(t *testing.T) {
	t.Parallel()
	ts, files := newOrderPageServer(t)
	guide := addNotebookFile(t, ts, files, "guide.pdf", testPDF)
	orderID, pagePath := ts.buyNotebookPage(t)
	page := ts.getPage(t, pagePath, 200)
	for _, want := range []string{"Order BC-", "Paid", "What you bought", "guide.pdf", "10 downloads left", "Northwind"} {
		if !strings.Contains(page, want) {
			t.Errorf("order page lacks %q", want)
		}
	}
	links := downloadLinks(page)
	if len(links) != 1 {
		t.Fatalf("download links %q, want one", links)
	}
	resp, body := ts.do(t, "GET", links[0], "", "")
	if resp.StatusCode != 200 || body != string(testPDF) || resp.Header.Get("Content-Type") != "application/pdf" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename=guide.pdf` ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("download = %d %v, %d bytes", resp.StatusCode, resp.Header, len(body))
	}

	other := ts.checkout(t, "wgt_notebook:plc_feednotebook", 0, 1) // never paid
	pageToken, _ := url.ParseQuery(strings.TrimPrefix(pagePath, "/order?"))
	token := strings.TrimPrefix(links[0], "/order/download?t=")
	sign := func(c buycard.DownloadClaims) string {
		return "/order/download?t=" + url.QueryEscape(ts.tokens.SignDownload(c))
	}
	later := ts.now.Add(time.Hour)
	for _, tt := range []struct {
		name, path string
		status     int
		message    string
	}{
		{"no token", "/order/download", 401, "This download link is not valid."},
		{"tampered", "/order/download?t=" + tamper(token), 401, "This download link is not valid."},
		{"order page token", "/order/download?t=" + url.QueryEscape(pageToken.Get("t")), 401, "This download link is not valid."},
		{"unpaid order", sign(buycard.DownloadClaims{OrderID: other.Order.ID, FileID: guide.ID, ExpiresAt: later}), 409,
			"This order is pending: it has nothing to download."},
		{"another product's file", sign(buycard.DownloadClaims{OrderID: orderID, FileID: "dlf_other", ExpiresAt: later}), 404,
			`File "dlf_other" not found.`},
		{"no such order", sign(buycard.DownloadClaims{OrderID: "ord_nope", FileID: guide.ID, ExpiresAt: later}), 404,
			`Order "ord_nope" not found.`},
		{"order page: tampered", "/order?t=" + tamper(pageToken.Get("t")), 401, "This order link is not valid."},
		{"order page: checkout token", "/order?t=" + url.QueryEscape(other.OrderToken), 401, "This order link is not valid."},
		{"order page: download token", "/order?t=" + token, 401, "This order link is not valid."},
		// Hostile tokens: huge, control and bidi characters, markup.
		{"huge token", "/order/download?t=" + strings.Repeat("a.", 4000), 401, "This download link is not valid."},
		{"order page: huge token", "/order?t=" + strings.Repeat("a.", 4000), 401, "This order link is not valid."},
		{"control characters", "/order/download?t=%00%1b%e2%80%ae.x", 401, "This download link is not valid."},
		{"order page: markup", "/order?t=%3Cscript%3Ealert(1)%3C/script%3E", 401, "This order link is not valid."},
		{"order page: two tokens", "/order?t=x&t=" + url.QueryEscape(pageToken.Get("t")), 401, "This order link is not valid."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			body := ts.getPage(t, tt.path, tt.status)
			if !strings.Contains(body, html.EscapeString(tt.message)) || strings.Contains(body, "<script>alert") {
				t.Errorf("body %s, want %q", body, tt.message)
			}
		})
	}

	ts.now = ts.now.Add(buycard.DownloadLinkTTL)
	if body := ts.getPage(t, links[0], 401); !strings.Contains(body, "This download link has expired. Open your order page for a new one.") {
		t.Errorf("expired link: %s", body)
	}
	fresh := downloadLinks(ts.getPage(t, pagePath, 200))
	if len(fresh) != 1 || fresh[0] == links[0] {
		t.Fatalf("page after expiry: links %q", fresh)
	}
	for range buycard.MaxDownloads - 1 {
		ts.getPage(t, fresh[0], 200)
	}
	if body := ts.getPage(t, fresh[0], 409); !strings.Contains(body, "downloaded 10 times") {
		t.Errorf("used up: %s", body)
	}
	page = ts.getPage(t, pagePath, 200)
	if len(downloadLinks(page)) != 0 || !strings.Contains(page, "No downloads left") {
		t.Errorf("page of a used-up file still links it:\n%s", page)
	}
	ts.now = ts.now.Add(buycard.OrderPageTTL)
	if body := ts.getPage(t, pagePath, 401); !strings.Contains(body, "This order link has expired.") {
		t.Errorf("expired order page: %s", body)
	}
}

// tamper changes one character of a token's claims.
func tamper(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 5 {
		return token + "x"
	}
	b := []byte(parts[3])
	b[len(b)/2] ^= 1
	parts[3] = string(b)
	return strings.Join(parts, ".")
}

// TestOrderPageLicenseKey: a shopper buys the last license key of a pool,
// the order page shows it, and the card and the product page then say
// sold out and the checkout refuses another order.
func TestOrderPageLicenseKey(t *testing.T) {
	t.Parallel()
	ts, _ := newOrderPageServer(t)
	_, err := ts.db.AddLicenseKeys(t.Context(), "prd_notebook", []string{"NW-<b>1234</b>"})
	must(t, err)
	_, pagePath := ts.buyNotebookPage(t)
	page := ts.getPage(t, pagePath, 200)
	if !strings.Contains(page, "<code>NW-&lt;b&gt;1234&lt;/b&gt;</code>") {
		t.Errorf("order page lacks the key:\n%s", page)
	}
	_, cards := ts.do(t, "GET", "/v1/cards?ids=wgt_notebook&lang=en", "", "")
	if !strings.Contains(cards, `"sold_out"`) {
		t.Errorf("card after the last key: %s", cards)
	}
	if _, page := ts.do(t, "GET", "/p/wgt_notebook", "", ""); strings.Contains(page, "schema.org/InStock") {
		t.Errorf("product page after the last key says in stock")
	}
	resp, body := ts.do(t, "POST", "/v1/checkout", "application/json", jsonBody(map[string]any{
		"token": ts.cardToken(t, "wgt_notebook"), "variant_id": ts.variantID(t, "wgt_notebook", 0), "quantity": 1,
		"buyer": map[string]string{"email": "bo@example.com", "name": "Bo"},
	}))
	if resp.StatusCode != 409 || !strings.Contains(body, "no license keys left") {
		t.Errorf("checkout of a sold-out pool = %d %s", resp.StatusCode, body)
	}
}

// physicalOrderPage pays an order of the notebook, made physical
// (physicalNotebook), with a code, a shipping option and New York's tax,
// records its shipment, and returns the path of its order page.
func physicalOrderPage(t *testing.T, ts *testServer) (*buycard.Order, string) {
	t.Helper()
	standard, _ := physicalNotebook(t, ts)
	card, err := ts.db.FindCard(t.Context(), "wgt_notebook")
	must(t, err)
	n := ts.notebookOrder(card)
	n.Buyer = &buycard.Buyer{Email: "ada@example.com", Name: "Ada Lovelace"}
	n.ShipTo = &buycard.Address{Name: "Ada Lovelace", Line1: "1 Main St", City: "New York", Region: "NY", PostalCode: "10001", Country: "US"}
	n.ShippingRateID, n.DiscountCode = standard, "NOTE25"
	o := ts.payNewOrder(t, n)
	status, carrier, number, link := buycard.Fulfilled, "UPS", "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784"
	_, err = ts.db.UpdateFulfillment(t.Context(), demoMerchant, o.ID, buycard.FulfillmentEdit{Status: &status, Carrier: &carrier,
		TrackingNumber: &number, TrackingURL: &link}, ts.now)
	must(t, err)
	return o, "/order?t=" + url.QueryEscape(ts.tokens.SignOrderPage(buycard.OrderPageClaims{OrderID: o.ID, ExpiresAt: ts.now.Add(time.Hour)}))
}

// TestOrderPagePhysical: the page of a shipped order shows the total's
// breakdown with the code and the shipping option, the tracking link and
// the address; the buyer's erasure takes the address off it.
func TestOrderPagePhysical(t *testing.T) {
	t.Parallel()
	ts, _ := newOrderPageServer(t)
	o, path := physicalOrderPage(t, ts)
	if o.Total.Amount != 2450 {
		t.Fatalf("total %d, want 2450", o.Total.Amount)
	}
	page := ts.getPage(t, path, 200)
	flat := strings.Join(strings.Fields(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(page, " ")), " ")
	for _, want := range []string{
		"Leather field notebook Standard × 1 $24.00", "Discount (NOTE25) −$6.00", "Shipping (Standard) $4.50", "Tax $2.00", "Total $24.50",
		"Shipped", "Carrier: UPS", "Tracking number: 1Z999AA10123456784",
		"Shipping to: Ada Lovelace 1 Main St New York NY 10001 United States", "Sold by Northwind Goods Ltd.",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("order page lacks %q:\n%s", want, flat)
		}
	}
	if !strings.Contains(page, `<a href="https://www.ups.com/track?tracknum=1Z999AA10123456784" rel="noopener noreferrer">`) {
		t.Errorf("no tracking link:\n%s", page)
	}
	if _, err := ts.db.EraseBuyer(t.Context(), "ada@example.com"); err != nil {
		t.Fatal(err)
	}
	if page := ts.getPage(t, path, 200); strings.Contains(page, "1 Main St") || strings.Contains(page, "Ada") {
		t.Errorf("order page after erasure still shows the buyer:\n%s", page)
	}
}

// TestOrderTextCannotChangeOrderPage stores each hostile string as every
// text of an order the page shows that TestMerchantTextCannotChangePages
// does not reach (code, shipping option, carrier, tracking number and
// link, address, license key, file name): the page's element tree stays
// the one of harmless text.
func TestOrderTextCannotChangeOrderPage(t *testing.T) {
	t.Parallel()
	render := func(t *testing.T, text string) renderedPage {
		ts, _ := newOrderPageServer(t)
		o, path := physicalOrderPage(t, ts)
		// A physical order with a file and a key: impossible through the
		// API, and exactly what shows every text at once.
		db, err := sql.Open("sqlite", ts.dbPath)
		must(t, err)
		defer db.Close()
		for _, stmt := range []string{
			`UPDATE orders SET discount_code = ?1, shipping_rate_name = ?1, carrier = ?1, tracking_number = ?1,
				tracking_url = 'https://t.example/' || ?1, ship_name = ?1, ship_line1 = ?1, ship_line2 = ?1, ship_city = ?1 WHERE id = ?2`,
			`UPDATE products SET kind = 'digital' WHERE id = 'prd_notebook'`,
		} {
			if _, err := db.ExecContext(t.Context(), stmt, text, o.ID); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		_, err = ts.db.AddLicenseKeys(t.Context(), "prd_notebook", []string{"K-1"})
		must(t, err)
		for _, stmt := range []string{
			`UPDATE license_keys SET order_id = ?2, assigned_at = created_at, license_key = ?1 WHERE product_id = 'prd_notebook'`,
			`INSERT INTO delivery_files (id, product_id, name, sha256, size, content_type, created_at)
				SELECT 'dlf_hostile', id, ?1, '` + strings.Repeat("ab", 32) + `', 9000, 'application/pdf', created_at
				FROM products WHERE id = 'prd_notebook'`,
			`UPDATE products SET kind = 'physical' WHERE id = 'prd_notebook'`,
		} {
			if _, err := db.ExecContext(t.Context(), stmt, text, o.ID); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		return parsePage(t, "order page", ts.getPage(t, path, 200))
	}
	want := render(t, "Mug")
	for _, el := range []string{"<code >", "<a class download href>", "<a href rel>"} { // the key, the file, the tracking link
		if !strings.Contains(want.tree, el) {
			t.Fatalf("the page shows no %s:\n%s", el, want.tree)
		}
	}
	for i, text := range markupBreakers {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			if got := render(t, text); got.tree != want.tree {
				t.Errorf("the element tree changed with text %q:\n%s", text, diffLines(want.tree, got.tree))
			}
		})
	}
}
