package storefront

import (
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

func TestProductPageHTML(t *testing.T) {
	v := ProductView{
		Offer:       testOffer(),
		Lang:        "en",
		CheckoutURL: "/checkout/wgt_abc?t=bc1.p&x=1",
		PriceText:   "From $24.00",
	}
	html := ProductPageHTML(v)
	for _, want := range []string{
		`<img class="bc-product-img" src="https://img.example/notebook.jpg" width="800" height="600" alt="A brown notebook">`,
		`<p class="bc-merchant">Paper &amp; Co</p>`,
		`<h1 class="bc-title">Leather notebook</h1>`,
		`<p class="bc-price">From $24.00</p>`,
		`<p class="bc-description">A5, 192 pages.</p><p class="bc-description">Hand-stitched.</p>`,
		`<a class="bc-buy" href="/checkout/wgt_abc?t=bc1.p&amp;x=1" data-buycard-open="wgt_abc">Buy</a>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("product page lacks %s:\n%s", want, html)
		}
	}
}

func TestProductPageNotBuyable(t *testing.T) {
	for availability, note := range map[buycard.Availability]string{
		buycard.SoldOut:     "Sold out",
		buycard.Unavailable: "Not available right now",
	} {
		o := testOffer()
		o.Availability = availability
		html := ProductPageHTML(ProductView{Offer: o, Lang: "en", CheckoutURL: "/checkout/wgt_abc", PriceText: "$24.00"})
		if strings.Contains(html, "bc-buy") || !strings.Contains(html, `<p class="bc-note">`+note+`</p>`) {
			t.Errorf("%s: want the note %q and no Buy link:\n%s", availability, note, html)
		}
	}
}
