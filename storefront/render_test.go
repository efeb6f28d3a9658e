package storefront

import (
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// go-app writes a textarea's text as a value attribute, which browsers
// ignore: re-encoded, it is the textarea's content, escaped, its first
// line break kept.
func TestReencodeTextarea(t *testing.T) {
	for text, want := range map[string]string{
		`Refunds "within" 30 days <b>&</b>`: `<textarea id="policy" readonly>Refunds &#34;within&#34; 30 days &lt;b&gt;&amp;&lt;/b&gt;</textarea>`,
		"\nFirst line\nsecond":              "<textarea id=\"policy\" readonly>\n\nFirst line\nsecond</textarea>",
		"":                                  `<textarea id="policy" readonly></textarea>`,
	} {
		if got := fragmentHTML(app.Textarea().ID("policy").ReadOnly(true).Text(text)); got != want {
			t.Errorf("textarea of %q = %s, want %s", text, got, want)
		}
	}
}
