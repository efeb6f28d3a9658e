package main

import (
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/server"
)

// benchCards is how many widgets the harness seeds: the largest page.
const benchCards = 50

// env is the system under test: Buycard started in process the way the
// binary starts it, and a publisher site on another origin.
type env struct {
	main *server.Main
	// host is Buycard's origin (http://localhost:PORT); site is the
	// publisher's (http://127.0.0.1:PORT2), another site for the browser.
	host, site string
	siteSrv    *httptest.Server
	pages      sync.Map // path → page HTML: a string, or a cachedPage
	widgets    []string // wgt_bench00 …
	variant    string   // the variant of wgt_bench00, for checkouts
}

// startEnv starts Buycard on 127.0.0.1:0 with a fresh SQLite database in
// tmp, its emails going to box (when not nil), seeds the bench catalog,
// and starts the publisher site.
func startEnv(ctx context.Context, tmp, webDir string, box *mailbox) (*env, error) {
	secret := make([]byte, 32)
	rand.Read(secret)
	cfg := map[string]string{
		"BUYCARD_ADDR":         "127.0.0.1:0",
		"BUYCARD_DATABASE_URL": "sqlite:" + filepath.Join(tmp, "bench.db"),
		"BUYCARD_WEB_DIR":      webDir,
		"BUYCARD_NO_SEED":      "1",
		// The load generator is one client: the limiters still count
		// every checkout, but never refuse one.
		"BUYCARD_CHECKOUTS_PER_IP":        "1000000000",
		"BUYCARD_CHECKOUTS_PER_PUBLISHER": "1000000000",
		"BUYCARD_SECRET":                  hex.EncodeToString(secret),
		// The event beacons name a client network of their own in
		// X-Forwarded-For, as shoppers behind a load balancer do, so
		// that the per-network bound of analytics does not apply.
		"BUYCARD_TRUSTED_PROXIES": "127.0.0.1/32",
	}
	if box != nil {
		cfg["BUYCARD_SMTP_URL"], cfg["BUYCARD_MAIL_FROM"] = box.srv.SMTPURL, "orders@buycard.test"
	}
	m, err := server.NewMain(func(k string) string { return cfg[k] }, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	if err := m.Run(ctx); err != nil {
		return nil, fmt.Errorf("start buycard: %w", err)
	}
	e := &env{main: m, host: m.Config.PublicURL}
	if err := e.seed(ctx); err != nil {
		m.Close()
		return nil, err
	}
	e.siteSrv = httptest.NewServer(http.HandlerFunc(e.servePage))
	e.site = e.siteSrv.URL
	return e, nil
}

func (e *env) close() {
	e.siteSrv.Close()
	e.main.Close()
}

// seed creates a merchant with benchCards products, each with a widget.
// Stock is huge so that checkout load never sells out.
func (e *env) seed(ctx context.Context) error {
	db := e.main.DB
	merchant := buycard.Merchant{ID: "mer_bench", Name: "Northwind Goods", ChargesEnabled: true}
	if err := db.CreateMerchant(ctx, &merchant); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	images := []string{"notebook", "tee", "matcha", "oud", "print", "mug"}
	for i := range benchCards {
		p := buycard.Product{
			ID: fmt.Sprintf("prd_bench%02d", i), MerchantID: merchant.ID,
			Title:       fmt.Sprintf("Leather field notebook no. %d", i+1),
			Description: "A5, 192 dot-grid pages, vegetable-tanned leather cover that ages with you.",
			Image:       buycard.Image{URL: "/web/demo/" + images[i%len(images)] + ".svg", Width: 400, Height: 400, Alt: "Notebook"},
			Currency:    "USD", MaxPerOrder: 5, PriceVersion: 1,
			Variants: []buycard.Variant{{Name: "Standard", Price: 2400, Stock: 1_000_000_000}},
		}
		if err := db.CreateProduct(ctx, &p); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		w := buycard.Widget{ID: fmt.Sprintf("wgt_bench%02d", i), MerchantID: merchant.ID, ProductID: p.ID, CTA: "Buy", PublisherShareBPS: 1000}
		if err := db.CreateWidget(ctx, &w); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		e.widgets = append(e.widgets, w.ID)
		if i == 0 {
			e.variant = p.Variants[0].ID
		}
	}
	return nil
}

// addPage registers a publisher page and returns its URL.
func (e *env) addPage(name, html string) string {
	e.pages.Store("/"+name, html)
	return e.site + "/" + name
}

// cachedPage is a page browsers may cache for a minute, as they may
// Buycard's hosted product page.
type cachedPage string

// productPageCopy serves the bytes of Buycard's hosted product page of
// widget, its links aimed at Buycard, from the publisher site's server
// under the name localhost, and returns its URL: the overlay baseline's
// frame. The name makes it cross-site from the publisher page
// (127.0.0.1), as Buycard's origin is, and it is cacheable as /p/ is; /p/
// itself may not be framed (frame-ancestors 'none').
func (e *env) productPageCopy(ctx context.Context, widget string) (string, error) {
	page, err := e.get(ctx, "/p/"+widget)
	if err != nil {
		return "", err
	}
	e.pages.Store("/product-copy", cachedPage(strings.Replace(string(page), "<head>", `<head><base href="`+e.host+`/">`, 1)))
	return strings.Replace(e.site, "127.0.0.1", "localhost", 1) + "/product-copy", nil
}

// servePage serves a registered page, gzipped when the browser accepts it
// (as any publisher's server would), never cached but a cachedPage.
func (e *env) servePage(w http.ResponseWriter, r *http.Request) {
	page, ok := e.pages.Load(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if p, ok := page.(cachedPage); ok {
		w.Header().Set("Cache-Control", "public, max-age=60")
		page = string(p)
	}
	var out io.Writer = w
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		defer zw.Close()
		out = zw
	}
	io.WriteString(out, page.(string))
}
