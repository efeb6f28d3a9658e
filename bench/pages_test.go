package main

import (
	"strings"
	"testing"
)

func TestBuycardPage(t *testing.T) {
	page := buycardPage("http://localhost:8080", []string{"wgt_a", "wgt_b"})
	for _, want := range []string{
		`<link rel="stylesheet" href="http://localhost:8080/buycard.css"><script async src="http://localhost:8080/buycard.js"></script>`,
		`<p>Post 1</p><div data-buycard="wgt_a"></div><p>Post 2</p><div data-buycard="wgt_b"></div>`,
		"if (n >= 2) return",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "__") {
		t.Errorf("a placeholder is left:\n%s", page)
	}
	// The probe comes before the loader, so it sees the first card.
	if strings.Index(page, "window.bench") > strings.Index(page, "buycard.js") {
		t.Error("the probe runs after the loader")
	}
	if old := scriptOnlyPage("http://localhost:8080", []string{"wgt_a"}); strings.Contains(old, "buycard.css") || !strings.Contains(old, "buycard.js") {
		t.Errorf("script-only page:\n%s", old)
	}
}

func TestStaticPage(t *testing.T) {
	card := `<article class="bc-card"><button class="bc-buy">Buy</button></article>`
	page := staticPage([]string{card}, "")
	if !strings.Contains(page, `<div class="bench-card">`+card+`</div>`) || !strings.Contains(page, ".bc-card{") {
		t.Errorf("static page lacks the card or its CSS:\n%s", page)
	}
	if strings.Contains(page, "<dialog") || strings.Contains(page, "buycard.js") {
		t.Error("a static page without overlay has a dialog or the loader")
	}
	withOverlay := staticPage([]string{card}, "http://localhost:8080/p/wgt_a")
	if !strings.Contains(withOverlay, `f.src = "http://localhost:8080/p/wgt_a"`) || !strings.Contains(withOverlay, `<dialog id="bench-overlay">`) {
		t.Errorf("overlay page:\n%s", withOverlay)
	}
}
