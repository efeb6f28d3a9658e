package api_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// TestProductPageInShoppersLanguage: the /p/ page speaks its lang
// parameter, else the browser's language, else English, as the card does;
// its checkout link carries the language on; merchant text stays as it
// is.
func TestProductPageInShoppersLanguage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	for _, tt := range []struct {
		name, query, accept, htmlLang, buy string
		price                              string
	}{
		{"accept-language", "", "de-DE,de;q=0.9,en;q=0.5", "de-DE", "Kaufen", buycard.Money{Amount: 2400, Currency: "USD"}.Format("de-DE")},
		{"lang parameter first", "?lang=ja", "fr", "ja", "購入", buycard.Money{Amount: 2400, Currency: "USD"}.Format("ja")},
		{"bad parameter ignored", "?lang=%3Cb%3E", "fr-CA", "fr-CA", "Acheter", buycard.Money{Amount: 2400, Currency: "USD"}.Format("fr-CA")},
		{"language the catalog lacks", "", "zh-CN", "en", "Buy", buycard.Money{Amount: 2400, Currency: "USD"}.Format("zh-CN")},
		{"none", "", "", "en", "Buy", "$24.00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, page := ts.do(t, "GET", "/p/wgt_notebook"+tt.query, "", "", "Accept-Language", tt.accept)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			for _, want := range []string{`<html lang="` + tt.htmlLang + `">`, ">" + tt.buy + "</a>", "Leather field notebook"} {
				if !strings.Contains(page, want) {
					t.Errorf("page lacks %s", want)
				}
			}
			if !strings.Contains(page, ">"+tt.price+"<") {
				t.Errorf("page lacks the price %q", tt.price)
			}
			link := regexp.MustCompile(`href="(/checkout/wgt_notebook\?[^"]+)"`).FindStringSubmatch(page)
			if link == nil {
				t.Fatal("no checkout link")
			}
			u, _ := url.Parse(strings.ReplaceAll(link[1], "&amp;", "&"))
			if lang := u.Query().Get("lang"); lang != tt.htmlLang && tt.htmlLang != "en" {
				t.Errorf("checkout link lang = %q, want %q", lang, tt.htmlLang)
			}
		})
	}
}

// TestCheckoutFormInGerman: a shopper without JavaScript whose browser
// reads German goes through the no-JS checkout in German from a link
// without lang (a /p/ page's), and the order remembers German: its
// receipt and order page speak it, whatever the browser that opens the
// page later; a lang parameter that is not a language is ignored.
func TestCheckoutFormInGerman(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	german := []string{"Accept-Language", "de-DE,de;q=0.9"}
	token := url.QueryEscape(ts.cardToken(t, "wgt_notebook"))
	resp, page := ts.do(t, "GET", "/checkout/wgt_notebook?t="+token, "", "", german...)
	if resp.StatusCode != 200 {
		t.Fatalf("choose page = %d", resp.StatusCode)
	}
	wantWords(t, "choose page", page, `<html lang="de-DE"`, "Menge", "Gesamt", "Weiter", `name="lang" value="de-DE"`)

	form := ts.chooseForm(t, "wgt_notebook", 0, "2")
	form.Set("lang", "de-DE")
	resp, body := ts.postForm(t, "/checkout/wgt_notebook", form, german...)
	choice := seeOther(t, resp, body, "/checkout/wgt_notebook/details")
	resp, page = ts.do(t, "GET", "/checkout/wgt_notebook/details?"+choice.Encode(), "", "")
	wantWords(t, "details page", page, `<html lang="de-DE"`, "Ihre Angaben", "Vollständiger Name", "Rabattcode", "Weiter zur Zahlung")

	for k, v := range buyerDetails() {
		choice[k] = v
	}
	// A code the shop does not have is refused in German.
	choice.Set("discount_code", "NOPE10")
	resp, page = ts.postForm(t, "/checkout/wgt_notebook/details", choice)
	if resp.StatusCode != 404 {
		t.Errorf("details with an unknown code = %d", resp.StatusCode)
	}
	wantWords(t, "details refused", page, "Dieser Rabattcode ist ungültig.")
	choice.Del("discount_code")
	resp, body = ts.postForm(t, "/checkout/wgt_notebook/details", choice)
	q := seeOther(t, resp, body, "/checkout/wgt_notebook/pay")
	o := ts.order(t, q.Get("order"))
	if o.Lang != "de" {
		t.Errorf("order lang = %q, want de", o.Lang)
	}
	total := o.Total.Format("de-DE")
	_, page = ts.do(t, "GET", "/checkout/wgt_notebook/pay?"+q.Encode(), "", "")
	wantWords(t, "pay page", page, "Testzahlung – es fließt kein echtes Geld", "Kartennummer", total+" bezahlen")

	payForm := func(card string) url.Values {
		return url.Values{"order": {q.Get("order")}, "ot": {q.Get("ot")}, "cs": {q.Get("cs")}, "o": {q.Get("o")}, "lang": {"de-DE"},
			"card_number": {card}}
	}
	resp, page = ts.postForm(t, "/checkout/wgt_notebook/pay", payForm("4000 0000 0000 0002"))
	if resp.StatusCode != 402 {
		t.Errorf("declined card = %d", resp.StatusCode)
	}
	wantWords(t, "declined", page, "Ihre Karte wurde abgelehnt. Versuchen Sie es mit einer anderen Karte.")
	resp, body = ts.postForm(t, "/checkout/wgt_notebook/pay", payForm("4242 4242 4242 4242"))
	r := seeOther(t, resp, body, "/checkout/wgt_notebook/receipt")
	_, page = ts.do(t, "GET", "/checkout/wgt_notebook/receipt?"+r.Encode(), "", "")
	wantWords(t, "receipt", page, "Vielen Dank! Ihre Bestellung ist bestätigt.", "Bestellnummer", o.Number, total)

	orderPage := "/order?t=" + url.QueryEscape(ts.tokens.SignOrderPage(buycard.OrderPageClaims{OrderID: o.ID, ExpiresAt: ts.now.Add(time.Hour)}))
	wantWords(t, "order page", ts.getPage(t, orderPage, 200), `<html lang="de">`, "Bestellung "+o.Number, "Bezahlt", "Ihr Einkauf", total)
	wantWords(t, "order page with lang", ts.getPage(t, orderPage+"&lang=fr", 200), `<html lang="fr">`, "Commande "+o.Number, "Payée")
	wantWords(t, "order page with a bad lang", ts.getPage(t, orderPage+"&lang=%3Cx%3E", 200), `<html lang="de">`, "Bezahlt")

	// Free text in lang never reaches the order.
	form = ts.chooseForm(t, "wgt_notebook", 0, "1")
	form.Set("lang", "de-DE'); DROP TABLE orders;--")
	for k, v := range buyerDetails() {
		form[k] = v
	}
	resp, body = ts.postForm(t, "/checkout/wgt_notebook/details", form)
	q = seeOther(t, resp, body, "/checkout/wgt_notebook/pay")
	if o := ts.order(t, q.Get("order")); o.Lang != "en" {
		t.Errorf("order lang from free text = %q, want en", o.Lang)
	}
}

// wantWords checks that page holds each of want.
func wantWords(t *testing.T, what, page string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}
