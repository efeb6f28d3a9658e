package storefront

import (
	"strings"
	"testing"
)

func TestCatalogHasEveryMessage(t *testing.T) {
	seen := map[string]msg{}
	for m := msg(0); m < msgCount; m++ {
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
