package embed

import (
	"strings"
	"testing"
)

func TestSnippets(t *testing.T) {
	l := newTestLoader(t)
	got := l.Snippets("https://buy.example/", Card{WidgetID: "wgt_abc", PlacementID: "plc_xyz", Layout: "full", Title: "Leather notebook"})
	loaderURL, cssURL := "https://buy.example"+l.VersionedPath(), "https://buy.example"+l.Stylesheet().VersionedPath()
	css := l.Stylesheet().SRI()
	want := Snippets{
		Script: `<link rel="stylesheet" href="` + cssURL + `" integrity="` + css + `" crossorigin="anonymous">` + "\n" +
			`<script async src="` + loaderURL + `" integrity="` + l.SRI() + `" crossorigin="anonymous"></script>` + "\n" +
			`<div data-buycard="wgt_abc" data-placement="plc_xyz"></div>` + "\n",
		Link: `<a href="https://buy.example/p/wgt_abc?pl=plc_xyz">Leather notebook</a>`,
		Latest: `<link rel="stylesheet" href="https://buy.example/buycard.css">` + "\n" +
			`<script async src="https://buy.example/buycard.js"></script>` + "\n" +
			`<div data-buycard="wgt_abc" data-placement="plc_xyz"></div>` + "\n",
		LoaderURL:           loaderURL,
		Integrity:           l.SRI(),
		StylesheetURL:       cssURL,
		StylesheetIntegrity: css,
	}
	if got != want {
		t.Fatalf("Snippets =\n%+v\nwant\n%+v", got, want)
	}
	// SRI values are base64 and may hold + and /; nothing in them needs
	// escaping, so the attribute carries the value as is.
	for _, sri := range []string{l.SRI(), css} {
		if !strings.HasPrefix(sri, "sha384-") || strings.ContainsAny(sri, `"<>&'`) {
			t.Fatalf("SRI %q", sri)
		}
	}
}

// TestSnippetsCompact: a compact card's element says so, for the card
// stylesheet to reserve the compact card's height.
func TestSnippetsCompact(t *testing.T) {
	tests := []struct{ layout, want string }{
		{"compact", `<div data-buycard="wgt_abc" data-buycard-layout="compact"></div>`},
		{"full", `<div data-buycard="wgt_abc"></div>`},
		{"", `<div data-buycard="wgt_abc"></div>`},
	}
	for _, tt := range tests {
		got := newTestLoader(t).Snippets("https://buy.example", Card{WidgetID: "wgt_abc", Layout: tt.layout})
		if !strings.HasSuffix(got.Script, tt.want+"\n") || !strings.HasSuffix(got.Latest, tt.want+"\n") {
			t.Errorf("layout %q: script %s\nlatest %s", tt.layout, got.Script, got.Latest)
		}
	}
}

func TestSnippetsEscaped(t *testing.T) {
	l := newTestLoader(t)
	got := l.Snippets(`https://x/"><b>`, Card{WidgetID: `wgt_"a<`, PlacementID: `p'&`, Title: `<img src=x onerror="1">`})
	for name, s := range map[string]string{"script": got.Script, "link": got.Link, "latest": got.Latest} {
		for _, bad := range []string{`"><b>`, `<b>`, `wgt_"a<`, `p'&`, "<img"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s snippet holds %q unescaped: %s", name, bad, s)
			}
		}
	}
	if !strings.Contains(got.Script, `src="https://x/&#34;&gt;&lt;b&gt;/buycard.`) ||
		!strings.Contains(got.Script, `<div data-buycard="wgt_&#34;a&lt;" data-placement="p&#39;&amp;">`) {
		t.Errorf("script snippet = %s", got.Script)
	}
	if got.Link != `<a href="https://x/&#34;&gt;&lt;b&gt;/p/wgt_%22a%3C?pl=p%27%26">&lt;img src=x onerror=&#34;1&#34;&gt;</a>` {
		t.Errorf("link snippet = %s", got.Link)
	}
}

func TestSnippetsWithoutPlacement(t *testing.T) {
	got := newTestLoader(t).Snippets("http://localhost:8080", Card{WidgetID: "wgt_abc"})
	if strings.Contains(got.Script, "data-placement") || strings.Contains(got.Latest, "data-placement") ||
		got.Link != `<a href="http://localhost:8080/p/wgt_abc">http://localhost:8080/p/wgt_abc</a>` {
		t.Fatalf("Snippets = %+v", got)
	}
}
