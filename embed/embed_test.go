package embed

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// testCSS stands in for widget.CardCSS, with characters that must be
// escaped inside a JS string.
const testCSS = ":host{display:block}\n.bc-card{height:132px;font-family:\"Inter\",sans-serif}\n.bc-x::after{content:'</script>\\u2028'}"

// brotliBudget is the loader's size budget on the wire (DESIGN.md).
const brotliBudget = 4096

func newTestLoader(t *testing.T) *Loader {
	t.Helper()
	l, err := NewLoader(testCSS)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLoaderContent(t *testing.T) {
	js := string(newTestLoader(t).Asset().Raw)
	for _, bad := range []string{"eval(", "new Function", "document.write", ".style.", `setAttribute("style"`, "__CARD_CSS__", "</script>", "cssText", "insertAdjacentHTML"} {
		if strings.Contains(js, bad) {
			t.Errorf("loader contains %q", bad)
		}
	}
	for _, line := range strings.Split(js, "\n") {
		if strings.HasPrefix(line, "//") || strings.HasPrefix(line, " ") {
			t.Fatalf("comment or indentation left: %q", line)
		}
	}
	if !strings.Contains(js, `\u003c/script\u003e`) {
		t.Error("card CSS not baked in, JSON-escaped")
	}
}

func TestLoaderSize(t *testing.T) {
	a := newTestLoader(t).Asset()
	t.Logf("buycard.js: raw %d, gzip %d, brotli %d bytes", len(a.Raw), len(a.Gzip), len(a.Brotli))
	if len(a.Brotli) > brotliBudget {
		t.Fatalf("loader is %d bytes brotli, budget %d", len(a.Brotli), brotliBudget)
	}
}

func TestLoaderSRI(t *testing.T) {
	l := newTestLoader(t)
	sum := sha512.Sum384(l.Asset().Raw)
	if want := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); l.SRI() != want {
		t.Fatalf("SRI = %s, want %s", l.SRI(), want)
	}
	if want := "/buycard." + l.Asset().Hash + ".js"; l.VersionedPath() != want || len(l.Asset().Hash) != 16 {
		t.Fatalf("VersionedPath = %s, want %s", l.VersionedPath(), want)
	}
}

// TestLoaderSyntax parses the built loader with node, when it is installed.
func TestLoaderSyntax(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not on PATH")
	}
	path := filepath.Join(t.TempDir(), "buycard.js")
	if err := os.WriteFile(path, newTestLoader(t).Asset().Raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--check", path).CombinedOutput(); err != nil {
		t.Fatalf("node --check: %v\n%s", err, out)
	}
}

func TestMinify(t *testing.T) {
	got, err := minify([]byte("// header\n(() => {\n  // why\n  const answer = 1;\n\n\tconsole.log(answer);\n})();\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "console.log(1);\n"; string(got) != want {
		t.Fatalf("minify = %q, want %q", got, want)
	}
	if _, err := minify([]byte("const = ;")); err == nil {
		t.Fatal("minify accepted a syntax error")
	}
}

func TestSnippet(t *testing.T) {
	tests := []struct {
		name, url, widget, placement, want string
	}{
		{"with placement", "https://buy.example/", "wgt_abc", "plc_xyz",
			`<script async src="https://buy.example/buycard.js"></script>` + "\n" +
				`<div data-buycard="wgt_abc" data-placement="plc_xyz"></div>` + "\n"},
		{"without placement", "http://localhost:8080", "wgt_abc", "",
			`<script async src="http://localhost:8080/buycard.js"></script>` + "\n" +
				`<div data-buycard="wgt_abc"></div>` + "\n"},
		{"escaped", `https://x/"><b>`, `wgt_"a<`, `p'&`,
			`<script async src="https://x/&#34;&gt;&lt;b&gt;/buycard.js"></script>` + "\n" +
				`<div data-buycard="wgt_&#34;a&lt;" data-placement="p&#39;&amp;"></div>` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Snippet(tt.url, tt.widget, tt.placement); got != tt.want {
				t.Fatalf("Snippet = %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestLinkSnippet(t *testing.T) {
	tests := []struct {
		name, url, widget, placement, text, want string
	}{
		{"with placement", "https://buy.example", "wgt_abc", "plc_xyz", "Leather notebook",
			`<a href="https://buy.example/p/wgt_abc?pl=plc_xyz">Leather notebook</a>`},
		{"no text", "https://buy.example/", "wgt_abc", "", "",
			`<a href="https://buy.example/p/wgt_abc">https://buy.example/p/wgt_abc</a>`},
		{"escaped", "https://buy.example", "wgt_a/b", "p&q", `<img src=x onerror="1">`,
			`<a href="https://buy.example/p/wgt_a%2Fb?pl=p%26q">&lt;img src=x onerror=&#34;1&#34;&gt;</a>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LinkSnippet(tt.url, tt.widget, tt.placement, tt.text); got != tt.want {
				t.Fatalf("LinkSnippet = %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestNewLoaderPlaceholder(t *testing.T) {
	saved := loaderSource
	defer func() { loaderSource = saved }()
	loaderSource = bytes.ReplaceAll(saved, []byte(cssPlaceholder), []byte(`""`))
	if _, err := NewLoader(testCSS); err == nil {
		t.Fatal("no error without the CSS placeholder")
	}
}
