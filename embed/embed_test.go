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

	"github.com/evanw/esbuild/pkg/api"
)

// testCSS stands in for widget.CardCSS, with characters that must be
// escaped inside a JS string.
const testCSS = ":host{display:block}\n.bc-card{height:132px;font-family:\"Inter\",sans-serif}\n.bc-x::after{content:'</script>\\u2028'}"

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

func TestPinnedFiles(t *testing.T) {
	l := newTestLoader(t)
	tests := []struct {
		name        string
		file        *Pinned
		ext, prefix string
	}{
		{"loader", l.Pinned, ".js", "text/javascript"},
		{"stylesheet", l.Stylesheet(), ".css", "text/css"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.file.Asset()
			sum := sha512.Sum384(a.Raw)
			if want := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); tt.file.SRI() != want {
				t.Errorf("SRI = %s, want %s", tt.file.SRI(), want)
			}
			if want := "/buycard." + a.Hash + tt.ext; tt.file.VersionedPath() != want || len(a.Hash) != 16 {
				t.Errorf("VersionedPath = %s, want %s", tt.file.VersionedPath(), want)
			}
			if tt.file.LatestPath() != "/buycard"+tt.ext || !strings.HasPrefix(a.ContentType, tt.prefix) {
				t.Errorf("LatestPath = %s, type %s", tt.file.LatestPath(), a.ContentType)
			}
		})
	}
	if files := l.Files(); len(files) != 2 || files[0] != l.Pinned || files[1] != l.Stylesheet() {
		t.Errorf("Files = %v", files)
	}
}

// TestStylesheet: the card stylesheet is minified, reserves a box of the
// card's height for each layout until the loader mounts the element, and
// reserves nothing without scripting.
func TestStylesheet(t *testing.T) {
	css := string(newTestLoader(t).Stylesheet().Asset().Raw)
	for _, want := range []string{
		"@media(scripting:enabled){",
		"[data-buycard]:not([data-buycard-mounted]){display:block;box-sizing:content-box;height:130px;border:1px solid #cfd9de;",
		"[data-buycard][data-buycard-layout=compact]:not([data-buycard-mounted]){height:102px}",
	} {
		if !strings.Contains(css, want) {
			t.Errorf("stylesheet lacks %s:\n%s", want, css)
		}
	}
	if strings.Contains(css, "/*") || strings.Count(css, "\n") > 1 {
		t.Errorf("stylesheet not minified:\n%s", css)
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
	got, err := minify([]byte("// header\n(() => {\n  // why\n  const answer = 1;\n\n\tconsole.log(answer);\n})();\n"), api.LoaderJS)
	if err != nil {
		t.Fatal(err)
	}
	if want := "console.log(1);\n"; string(got) != want {
		t.Fatalf("minify = %q, want %q", got, want)
	}
	if _, err := minify([]byte("const = ;"), api.LoaderJS); err == nil {
		t.Fatal("minify accepted a syntax error")
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
