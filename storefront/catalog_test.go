package storefront

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestCatalogHasEveryMessage(t *testing.T) {
	seen := map[string]Message{}
	for m := Message(0); m < msgCount; m++ {
		text := english[m]
		if text == "" {
			t.Errorf("message %d has no English text", m)
		}
		if other, dup := seen[text]; dup {
			t.Errorf("messages %d and %d both read %q", other, m, text)
		}
		seen[text] = m
	}
}

func TestCatalogTranslations(t *testing.T) {
	defer func(saved map[string]*[msgCount]string) { translations = saved }(translations)
	var fr [msgCount]string
	fr[msgPay] = "Payer %s"
	translations = map[string]*[msgCount]string{"fr": &fr}
	for _, tt := range []struct{ lang, want string }{
		{"fr-CA", "Payer 5 $"}, {"FR", "Payer 5 $"}, {"en-US", "Pay 5 $"}, {"de", "Pay 5 $"},
	} {
		if got := tr(tt.lang, msgPay, "5 $"); got != tt.want {
			t.Errorf("tr(%q) = %q, want %q", tt.lang, got, tt.want)
		}
	}
	// A message a translation lacks reads in English.
	if got := tr("fr", msgDone); got != "Done" {
		t.Errorf("untranslated message = %q", got)
	}
	if got := tr("en", msgItemQuantity, "A5", 3); !strings.Contains(got, "A5 × 3") {
		t.Errorf("arguments: %q", got)
	}
}

// formatVerb matches a fmt verb with its flags, index and width.
var formatVerb = regexp.MustCompile(`%[-+# 0]*(\[\d+\])?\d*(\.\d+)?[a-zA-Z%]`)

// TestCatalogLanguages: every language the card speaks has every message,
// with the English text's format verbs in the same order.
func TestCatalogLanguages(t *testing.T) {
	for lang := range cardTranslations {
		if lang == "en" {
			continue
		}
		t.Run(lang, func(t *testing.T) {
			table := translations[lang]
			if table == nil {
				t.Fatal("no translations")
			}
			for m := Message(0); m < msgCount; m++ {
				want := formatVerb.FindAllString(english[m], -1)
				switch got := formatVerb.FindAllString(table[m], -1); {
				case table[m] == "":
					t.Errorf("message %d (%q) is missing", m, english[m])
				case !slices.Equal(got, want):
					t.Errorf("message %d: %q has verbs %q, English %q has %q", m, table[m], got, english[m], want)
				}
			}
		})
	}
	if len(translations) != len(cardTranslations)-1 {
		t.Errorf("the catalog has %d languages besides English, the card %d", len(translations), len(cardTranslations)-1)
	}
}

func TestLanguage(t *testing.T) {
	for _, tt := range []struct{ tag, want string }{
		{"de-AT", "de"}, {"ja", "ja"}, {"PT-br", "pt"}, {"en-GB", "en"}, {"", "en"},
		{"zh-CN", "en"}, {"<script>", "en"}, {"de-DE'); --", "en"}, {strings.Repeat("d", 100), "en"},
	} {
		if got := Language(tt.tag); got != tt.want {
			t.Errorf("Language(%q) = %q, want %q", tt.tag, got, tt.want)
		}
	}
}
