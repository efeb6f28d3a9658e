package buycard_test

import (
	"strings"
	"testing"

	"github.com/buycard/buycard"
)

func TestTextFieldCheck(t *testing.T) {
	line := buycard.TextField{Name: "The name", MaxLength: 5}
	lines := buycard.TextField{Name: "The text", MaxLength: 5, Multiline: true}
	for _, tt := range []struct {
		name  string
		field buycard.TextField
		text  string
		want  string
	}{
		{"ok", line, "Mug", ""},
		{"empty", line, "", ""},
		{"characters, not bytes", line, "ééééé", ""},
		{"too long", line, "abcdef", "The name must be at most 5 characters."},
		{"NUL", line, "a\x00b", "The name must not contain control characters or text direction controls."},
		{"escape", line, "\x1b[2J", "The name must not contain control characters or text direction controls."},
		{"DEL", line, "a\x7f", "The name must not contain control characters or text direction controls."},
		{"C1 control", line, "a\u009b", "The name must not contain control characters or text direction controls."},
		{"right-to-left override", line, "a\u202eb", "The name must not contain control characters or text direction controls."},
		{"left-to-right embedding", line, "\u202ab", "The name must not contain control characters or text direction controls."},
		{"first strong isolate", line, "\u2068b", "The name must not contain control characters or text direction controls."},
		{"pop directional isolate", line, "b\u2069", "The name must not contain control characters or text direction controls."},
		{"right-to-left mark is text", line, "\u200fشاي", ""},
		{"tab on one line", line, "a\tb", "The name must not contain control characters or text direction controls."},
		{"line break on one line", line, "a\nb", "The name must not contain control characters or text direction controls."},
		{"line breaks and tabs in text", lines, "a\r\n\tb", ""},
		{"NUL in text", lines, "a\x00", "The text must not contain control characters or text direction controls."},
		{"invalid UTF-8", line, "\xff", "The name is not valid UTF-8 text."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := buycard.ErrorMessage(tt.field.Check(tt.text)); got != tt.want {
				t.Errorf("Check(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestMerchantTextEverywhere checks that every place merchant or publisher
// text enters refuses what TextField refuses.
func TestMerchantTextEverywhere(t *testing.T) {
	const hostile = "Nice\u202e mug"
	key := buycard.APIKey{PartyKind: buycard.PartyMerchant, PartyID: "mer_a", Hash: "h", Prefix: "p", Name: "ci"}
	for _, tt := range []struct {
		name     string
		validate func(text string) error
		want     string
	}{
		{"merchant name", func(s string) error { return (&buycard.Merchant{Name: s}).Validate() }, "The merchant name"},
		{"publisher name", func(s string) error { return (&buycard.Publisher{Name: s}).Validate() }, "The publisher name"},
		{"placement name", func(s string) error {
			return (&buycard.Placement{PublisherID: "pub_a", WidgetID: "wgt_a", Name: s}).Validate()
		}, "The placement name"},
		{"button label", func(s string) error {
			return (&buycard.Widget{MerchantID: "mer_a", ProductID: "prd_a", CTA: s}).Validate()
		}, "The button label"},
		{"API key name", func(s string) error { k := key; k.Name = s; return k.Validate() }, "The API key's name"},
		{"refund reason", buycard.RefundReasonText.Check, "The reason"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.validate("Fine"); err != nil {
				t.Fatalf("plain text refused: %v", err)
			}
			want := tt.want + " must not contain control characters or text direction controls."
			if got := buycard.ErrorMessage(tt.validate(hostile)); got != want {
				t.Errorf("bidi override: %q, want %q", got, want)
			}
			if err := tt.validate(strings.Repeat("x", 501)); buycard.ErrorCode(err) != buycard.EINVALID {
				t.Errorf("501 characters: %v, want EINVALID", err)
			}
		})
	}
}

func TestAPIKeyNeedsAName(t *testing.T) {
	k := buycard.APIKey{PartyKind: buycard.PartyMerchant, PartyID: "mer_a", Hash: "h", Prefix: "p", Name: " "}
	if got := buycard.ErrorMessage(k.Validate()); got != "Name the API key, so that you can tell it from others." {
		t.Errorf("Validate() = %q", got)
	}
}
