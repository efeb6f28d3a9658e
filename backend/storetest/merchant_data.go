package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// testWidgetDesign covers the card design of a widget: the default for
// widgets made without one, a designed widget's round trip through
// create, cards and edits, and the refusals.
func testWidgetDesign(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	plain, err := s.FindWidget(ctx, f.Widget.ID)
	must(t, err)
	if plain.ThemeColor != buycard.DefaultThemeColor || plain.CornerRadius != buycard.DefaultCornerRadius ||
		plain.ColorScheme != buycard.SchemeAuto || plain.Layout != buycard.LayoutFull || plain.Locale != "" {
		t.Errorf("widget made without a design = %+v, want the default design", plain)
	}

	designed := buycard.Widget{MerchantID: f.Merchant.ID, ProductID: f.Product.ID, CTA: "Buy",
		ThemeColor: "#1d4ed8", CornerRadius: 0, ColorScheme: buycard.SchemeDark, Layout: buycard.LayoutCompact, Locale: "fr-CA"}
	must(t, s.CreateWidget(ctx, &designed))
	got, err := s.FindWidget(ctx, designed.ID)
	must(t, err)
	wantEqual(t, "designed widget", got, &designed)
	card, err := s.FindCard(ctx, designed.ID)
	must(t, err)
	wantEqual(t, "designed card's widget", &card.Widget, &designed)

	edit := *got
	edit.ThemeColor, edit.CornerRadius, edit.ColorScheme, edit.Layout, edit.Locale = "#FACC15", 24, buycard.SchemeLight, buycard.LayoutFull, ""
	must(t, s.UpdateWidget(ctx, &edit))
	got, err = s.FindWidget(ctx, designed.ID)
	must(t, err)
	wantEqual(t, "redesigned widget", got, &edit)

	base := buycard.Widget{ID: designed.ID, MerchantID: f.Merchant.ID, ProductID: f.Product.ID, CTA: "Buy", ThemeColor: "#1d4ed8"}
	for _, tt := range []struct {
		name, message string
		edit          func(w *buycard.Widget)
	}{
		{"colour name", `Theme colour must be a hex colour like "#1d4ed8", not "red".`, func(w *buycard.Widget) { w.ThemeColor = "red" }},
		{"short colour", `Theme colour must be a hex colour like "#1d4ed8", not "#fff".`, func(w *buycard.Widget) { w.ThemeColor = "#fff" }},
		{"radius", "Corner radius must be between 0 and 24 pixels.", func(w *buycard.Widget) { w.CornerRadius = 25 }},
		{"negative radius", "Corner radius must be between 0 and 24 pixels.", func(w *buycard.Widget) { w.CornerRadius = -1 }},
		{"scheme", `Colour scheme must be "light", "dark" or "auto".`, func(w *buycard.Widget) { w.ColorScheme = "sepia" }},
		{"layout", `Layout must be "full" or "compact".`, func(w *buycard.Widget) { w.Layout = "tall" }},
		{"locale", `Locale must be a language tag like "en" or "fr-CA", or empty to follow the shopper, not "fr_CA".`, func(w *buycard.Widget) { w.Locale = "fr_CA" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			bad := base
			tt.edit(&bad)
			wantError(t, s.UpdateWidget(ctx, &bad), buycard.EINVALID, tt.message)
			bad.ID = ""
			wantError(t, s.CreateWidget(ctx, &bad), buycard.EINVALID, tt.message)
		})
	}
	after, err := s.FindWidget(ctx, designed.ID)
	must(t, err)
	wantEqual(t, "widget after refused edits", after, got)
}

// testUnlimitedStock has many shoppers buy a variant with unlimited stock
// at once: all get an order, and no order, cancel, expiry or payment
// touches its stock, while the counted variant next to it is reserved and
// released as before.
func testUnlimitedStock(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s, func(f *Fixture) {
		f.Product.Variants = []buycard.Variant{
			{Name: "Download", Price: 900, Unlimited: true},
			{Name: "Print", Price: 3000, Stock: 2},
		}
	})
	card, err := s.FindCard(ctx, f.Widget.ID)
	must(t, err)
	if v := card.Product.Variants[0]; !v.Unlimited || v.Stock != 0 || card.Availability() != buycard.Buyable {
		t.Fatalf("stored unlimited variant = %+v, card %s", v, card.Availability())
	}

	const buyers = 40
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		orders []*buycard.Order
		errs   []error
	)
	for range buyers {
		wg.Go(func() {
			o, err := s.CreateOrder(ctx, f.NewOrder(0, 5))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			orders = append(orders, o)
		})
	}
	wg.Wait()
	if len(errs) > 0 || len(orders) != buyers {
		t.Fatalf("%d orders, errors %v; want %d orders", len(orders), errs, buyers)
	}
	must(t, s.CancelOrder(ctx, orders[0].ID))
	attachSession(t, s, orders[1])
	_, err = s.ApplyPaymentEvent(ctx, event(orders[1], buycard.SessionExpired))
	must(t, err)
	payOrder(t, s, orders[2])
	_, err = s.ApplyPaymentEvent(ctx, moneyEvent(orders[2], buycard.PaymentRefunded, "re_unlimited", orders[2].Total.Amount))
	must(t, err)
	card, err = s.FindCard(ctx, f.Widget.ID)
	must(t, err)
	if v := card.Product.Variants[0]; !v.Unlimited || v.Stock != 0 {
		t.Errorf("unlimited variant after orders = %+v, want unlimited with stock 0", v)
	}

	// The counted variant is unchanged: reserved, sold out, released.
	counted, err := s.CreateOrder(ctx, f.NewOrder(1, 2))
	must(t, err)
	if got := f.Stock(t, s, 1); got != 0 {
		t.Errorf("counted stock = %d, want 0", got)
	}
	_, err = s.CreateOrder(ctx, f.NewOrder(1, 1))
	wantError(t, err, buycard.ECONFLICT, "Sold out.")
	must(t, s.CancelOrder(ctx, counted.ID))
	if got := f.Stock(t, s, 1); got != 2 {
		t.Errorf("counted stock after cancel = %d, want 2", got)
	}

	// Merchants switch a variant between counted and unlimited stock.
	p, err := s.FindProduct(ctx, f.Product.ID)
	must(t, err)
	edit := *p
	edit.Variants = []buycard.Variant{p.Variants[0], p.Variants[1]}
	edit.Variants[0].Unlimited, edit.Variants[0].Stock = false, 7
	edit.Variants[1].Unlimited, edit.Variants[1].Stock = true, 0
	must(t, s.UpdateProduct(ctx, &edit))
	p, err = s.FindProduct(ctx, f.Product.ID)
	must(t, err)
	if v0, v1 := p.Variants[0], p.Variants[1]; v0.Unlimited || v0.Stock != 7 || !v1.Unlimited || v1.Stock != 0 {
		t.Errorf("variants after the switch = %+v", p.Variants)
	}
	bad := *p
	bad.Variants = []buycard.Variant{p.Variants[0], p.Variants[1]}
	bad.Variants[1].Stock = 3
	wantError(t, s.UpdateProduct(ctx, &bad), buycard.EINVALID, `Variant "Print" has unlimited stock: leave its stock at 0.`)
}

// testProductImages stores uploaded images and sets them on products.
func testProductImages(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	other := Seed(t, s)
	data := []byte("\x89PNG fake bytes " + buycard.NewID("x"))
	sum := sha256.Sum256(data)
	img := &buycard.ImageFile{SHA256: hex.EncodeToString(sum[:]), ContentType: "image/png", Width: 640, Height: 480, Data: data,
		CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}

	// Another merchant's product: not found, and nothing stored.
	_, err := s.SetProductImage(ctx, other.Merchant.ID, f.Product.ID, img)
	wantError(t, err, buycard.ENOTFOUND, `Product "`+f.Product.ID+`" not found.`)
	_, err = s.FindImage(ctx, img.SHA256)
	wantError(t, err, buycard.ENOTFOUND, "Image not found.")

	p, err := s.SetProductImage(ctx, f.Merchant.ID, f.Product.ID, img)
	must(t, err)
	want := buycard.Image{URL: "/images/" + img.SHA256 + ".png", Width: 640, Height: 480, Alt: f.Product.Image.Alt}
	wantEqual(t, "product image", p.Image, want)
	stored, err := s.FindProduct(ctx, f.Product.ID)
	must(t, err)
	wantEqual(t, "stored product image", stored.Image, want)
	got, err := s.FindImage(ctx, img.SHA256)
	must(t, err)
	if !bytes.Equal(got.Data, data) || got.ContentType != "image/png" || got.Width != 640 || got.Height != 480 ||
		got.MerchantID != f.Merchant.ID || !got.CreatedAt.Equal(img.CreatedAt) {
		t.Errorf("stored image = %+v", got)
	}

	// The same bytes again, from another merchant: one row, both products.
	p, err = s.SetProductImage(ctx, other.Merchant.ID, other.Product.ID, img)
	must(t, err)
	if p.Image.URL != want.URL {
		t.Errorf("second upload's URL = %q", p.Image.URL)
	}
	if got, err := s.FindImage(ctx, img.SHA256); err != nil || got.MerchantID != f.Merchant.ID {
		t.Errorf("image after a second upload = %+v, %v", got, err)
	}

	bad := *img
	bad.ContentType = "text/html"
	_, err = s.SetProductImage(ctx, f.Merchant.ID, f.Product.ID, &bad)
	wantCode(t, "text/html image", err, buycard.EINVALID)
	_, err = s.SetProductImage(ctx, f.Merchant.ID, "prd_unknown", img)
	wantCode(t, "unknown product", err, buycard.ENOTFOUND)
}
