package server

import (
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/mailpittest"
)

// TestSaleEmailsOnEachStore follows a sale's emails through the job queue
// and a real SMTP server (Mailpit), on SQLite and on PostgreSQL: Stripe's
// webhook pays the order of a mug, and the shopper gets a receipt whose
// link opens the order page, the merchant's user a new-order email with
// the address to ship to, whose answer goes to the shopper; marking it
// shipped sends the tracking, and a refund its confirmation. Each arrives
// once.
func TestSaleEmailsOnEachStore(t *testing.T) {
	t.Parallel()
	for name, databaseURL := range testStores() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			m, mp := startMailNode(t, databaseURL(t))
			shop := openOwnedShop(t, m)
			o := paidShopOrder(t, m, shop)

			receipt := mp.Wait(t, "to:ann@example.com", 1, 20*time.Second)[0]
			checkMessage(t, receipt, "ann@example.com", "help@kiln.test", "Your order "+o.Number+" from Kiln & Co <Ceramics>")
			if !strings.Contains(receipt.HTML, "Kiln &amp; Co &lt;Ceramics&gt;") {
				t.Errorf("the receipt's HTML does not escape the merchant's name:\n%s", receipt.HTML)
			}
			link := regexp.MustCompile(`https?://\S+/order\?t=\S+`).FindString(receipt.Text)
			if link == "" || !strings.Contains(receipt.HTML, link) {
				t.Fatalf("receipt has no order page link in both parts:\n%s", receipt.Text)
			}
			if page := getPage(t, link); !strings.Contains(page, o.Number) {
				t.Errorf("the receipt's link opens a page without the order number %s", o.Number)
			}

			news := mp.Wait(t, "to:owner@kiln.test", 1, 20*time.Second)[0]
			checkMessage(t, news, "owner@kiln.test", "ann@example.com", "New order "+o.Number+": $24.49")
			for _, want := range []string{"Ann Lee", "ann@example.com", "Stoneware mug", "1 Main St", "Springfield"} {
				if !strings.Contains(news.Text, want) || !strings.Contains(news.HTML, want) {
					t.Errorf("new-order email lacks %q:\n%s", want, news.Text)
				}
			}

			key := "Bearer " + merchantKey(t, m, shop.merchantID)
			status, body := send(t, m, "PATCH", "/v1/merchant/orders/"+o.ID+"/fulfillment",
				[]byte(`{"status":"fulfilled","carrier":"USPS","tracking_number":"9400100000000000000000","tracking_url":"https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000"}`),
				map[string]string{"Authorization": key})
			if status != http.StatusOK {
				t.Fatalf("mark shipped = %d %s", status, body)
			}
			shipped := mp.Wait(t, "to:ann@example.com subject:\"on its way\"", 1, 20*time.Second)[0]
			checkMessage(t, shipped, "ann@example.com", "help@kiln.test", "Your order "+o.Number+" is on its way")
			if !strings.Contains(shipped.Text, "9400100000000000000000") || !strings.Contains(shipped.HTML, "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000") {
				t.Errorf("shipped email lacks the tracking:\n%s", shipped.Text)
			}

			status, refund := postRaw(t, m, "/v1/merchant/orders/"+o.ID+"/refunds", []byte(`{"amount":600}`),
				map[string]string{"Authorization": key, "Idempotency-Key": "mail-refund"})
			if status != http.StatusCreated {
				t.Fatalf("refund = %d %s", status, refund)
			}
			refunds := mp.Wait(t, "to:ann@example.com subject:refund", 1, 20*time.Second)
			checkMessage(t, refunds[0], "ann@example.com", "help@kiln.test", "Refund of $6.00 for your order "+o.Number)
			if total := mp.Total(t); total != 4 {
				t.Errorf("%d emails in all, want 4 (receipt, new order, shipped, refund)", total)
			}
		})
	}
}

// TestReceiptInShoppersLanguage: a shopper who checked out in German
// (de-AT, as the checkout sent it) gets the receipt in German, its prices
// as the checkout showed them, and its link opens the order page in
// German; the merchant's new-order email stays in English.
func TestReceiptInShoppersLanguage(t *testing.T) {
	t.Parallel()
	m, mp := startMailNode(t, "")
	shop := openOwnedShop(t, m)
	o := paidShopOrderIn(t, m, shop, "de-AT")

	receipt := mp.Wait(t, "to:ann@example.com", 1, 20*time.Second)[0]
	checkMessage(t, receipt, "ann@example.com", "help@kiln.test", "Ihre Bestellung "+o.Number+" bei Kiln & Co <Ceramics>")
	total := buycard.Money{Amount: 2449, Currency: "USD"}.Format("de")
	for _, want := range []string{"Vielen Dank für Ihre Bestellung", "Kiln & Co <Ceramics> hat Ihre Bestellung " + o.Number + " erhalten.",
		"Versand (Standard): ", "Gesamt: " + total, "Lieferung an", "Bestellung ansehen: http",
		"Verkauft von Kiln & Co <Ceramics>. Fragen zu Ihrer Bestellung?"} {
		if !strings.Contains(receipt.Text, want) {
			t.Errorf("the German receipt lacks %q:\n%s", want, receipt.Text)
		}
	}
	if !strings.Contains(receipt.HTML, `<html lang="de">`) {
		t.Errorf("the receipt's HTML is not marked German:\n%.300s", receipt.HTML)
	}
	link := regexp.MustCompile(`https?://\S+/order\?t=\S+`).FindString(receipt.Text)
	page := getPage(t, link)
	for _, want := range []string{`<html lang="de">`, "Bestellung " + o.Number, "Bezahlt", total} {
		if !strings.Contains(page, want) {
			t.Errorf("the order page lacks %q", want)
		}
	}
	news := mp.Wait(t, "to:owner@kiln.test", 1, 20*time.Second)[0]
	checkMessage(t, news, "owner@kiln.test", "ann@example.com", "New order "+o.Number+": $24.49")
}

// ownedShop is a merchant with a user who signs in, selling a mug it
// ships.
type ownedShop struct {
	merchantID, widgetID string
}

// openOwnedShop opens a shop on m: the merchant of a user
// owner@kiln.test, its settings (a name with markup, a support address),
// a US shipping zone, a mug at $19.99 with its widget, and a Stripe
// account taking charges.
func openOwnedShop(t *testing.T, m *Main) ownedShop {
	t.Helper()
	return openOwnedShopNamed(t, m, "owner@kiln.test", "wgt_kilnmug")
}

// openOwnedShopNamed is openOwnedShop with another owner and widget.
func openOwnedShopNamed(t *testing.T, m *Main, email, widgetID string) ownedShop {
	t.Helper()
	ctx := t.Context()
	owner := &buycard.User{Email: email, Role: buycard.RoleMerchant}
	if err := m.DB.CreateUser(ctx, owner, "Kiln"); err != nil {
		t.Fatal(err)
	}
	shop := ownedShop{merchantID: owner.PartyID, widgetID: widgetID}
	p := &buycard.Product{
		MerchantID: shop.merchantID, Title: "Stoneware mug", Currency: "USD", MaxPerOrder: 5, PriceVersion: 1,
		Kind: buycard.ProductPhysical, Variants: []buycard.Variant{{Name: "Celadon", Price: 1999, Stock: 50}},
	}
	settings := buycard.NewMerchantSettings(shop.merchantID)
	settings.BusinessName, settings.SupportEmail = "Kiln & Co <Ceramics>", "help@kiln.test"
	steps := []func() error{
		func() error { return m.DB.CreateProduct(ctx, p) },
		func() error {
			return m.DB.CreateWidget(ctx, &buycard.Widget{ID: shop.widgetID, MerchantID: shop.merchantID, ProductID: p.ID, CTA: "Buy"})
		},
		func() error { return m.DB.SaveMerchantSettings(ctx, settings) },
		func() error {
			return m.DB.CreateShippingZone(ctx, &buycard.ShippingZone{MerchantID: shop.merchantID, Name: "Domestic", Countries: []string{"US"},
				Rates: []buycard.ShippingRate{{Name: "Standard", Currency: "USD", Kind: buycard.ShipFlat, Amount: 450}}})
		},
		func() error {
			return m.DB.LinkPaymentAccount(ctx, &buycard.PaymentAccount{ID: "acct_" + widgetID, PartyKind: buycard.PartyMerchant,
				PartyID: shop.merchantID, ChargesEnabled: true, UpdatedAt: time.Now()})
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("open the shop: %v", err)
		}
	}
	return shop
}

// paidShopOrder checks out a mug of shop, and pays it with Stripe's
// signed webhook.
func paidShopOrder(t *testing.T, m *Main, shop ownedShop) buycard.Order {
	t.Helper()
	return paidShopOrderIn(t, m, shop, "")
}

// paidShopOrderIn is paidShopOrder by a shopper whose checkout speaks
// lang ("" for none).
func paidShopOrderIn(t *testing.T, m *Main, shop ownedShop, lang string) buycard.Order {
	t.Helper()
	var started struct {
		Order   buycard.Order
		Payment struct {
			SessionID string `json:"session_id"`
		}
	}
	checkoutShop(t, m, shop, lang, &started)
	payStripeOrder(t, m, started.Order, started.Payment.SessionID, "pi_mug")
	return started.Order
}

// checkoutShop checks out a mug of shop shipped to Springfield, in lang
// ("" for none), decoding the 201 answer into reply.
func checkoutShop(t *testing.T, m *Main, shop ownedShop, lang string, reply any) {
	t.Helper()
	zones, err := m.DB.ShippingZones(t.Context(), shop.merchantID)
	if err != nil || len(zones) == 0 {
		t.Fatalf("zones = %v, %v", zones, err)
	}
	status := checkout(t, m, shop.widgetID, map[string]any{
		"ship_to": map[string]string{"name": "Ann Lee", "line1": "1 Main St", "city": "Springfield", "region": "IL",
			"postal_code": "62701", "country": "US"},
		"shipping_rate_id": zones[0].Rates[0].ID, "lang": lang,
	}, reply)
	if status != http.StatusCreated {
		t.Fatalf("checkout = %d %+v", status, reply)
	}
}

// startMailNode runs a Stripe node on the database databaseURL names
// that sends its emails to a Mailpit of the test's own.
func startMailNode(t *testing.T, databaseURL string) (*Main, *mailpittest.Server) {
	t.Helper()
	mp := mailpittest.Start(t)
	m, _ := startStripeNodeOn(t, databaseURL, map[string]string{
		"BUYCARD_SMTP_URL": mp.SMTPURL, "BUYCARD_MAIL_FROM": "mail@buycard.test",
	})
	return m, mp
}

// testStores are the databases a test runs a node on, by name: a fresh
// SQLite file (""), and a copy of the PostgreSQL template when
// BUYCARD_TEST_POSTGRES_URL is set.
func testStores() map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite":   func(*testing.T) string { return "" },
		"postgres": func(t *testing.T) string { return postgresTemplate.Database(t) },
	}
}

// checkMessage checks who an email went to, where answers go, its
// subject, and that it has both parts.
func checkMessage(t *testing.T, m *mailpittest.Message, to, replyTo, subject string) {
	t.Helper()
	if got := m.Recipients(); !slices.Equal(got, []string{to}) {
		t.Errorf("%q went to %v, want %s", m.Subject, got, to)
	}
	if len(m.ReplyTo) != 1 || m.ReplyTo[0].Address != replyTo {
		t.Errorf("%q replies to %v, want %s", m.Subject, m.ReplyTo, replyTo)
	}
	if m.Subject != subject {
		t.Errorf("subject %q, want %q", m.Subject, subject)
	}
	if m.Text == "" || !strings.Contains(m.HTML, "<html") {
		t.Errorf("%q lacks a text or an HTML part", m.Subject)
	}
}

// getPage returns the body of a 200 answer to GET url.
func getPage(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

// linkNotebookMerchant links the notebook's merchant to acct_northwind,
// taking charges, and returns its id.
func linkNotebookMerchant(t *testing.T, m *Main) string {
	t.Helper()
	card, err := m.DB.FindCard(t.Context(), "wgt_notebook")
	if err != nil {
		t.Fatal(err)
	}
	err = m.DB.LinkPaymentAccount(t.Context(), &buycard.PaymentAccount{
		ID: "acct_northwind", PartyKind: buycard.PartyMerchant, PartyID: card.Merchant.ID, ChargesEnabled: true, UpdatedAt: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return card.Merchant.ID
}
