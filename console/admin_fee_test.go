package console

import (
	"testing"

	"github.com/buycard/buycard/console/ui"
)

func TestParseFixed(t *testing.T) {
	for _, tc := range []struct {
		in, cur string
		want    int64
	}{
		{"0.30", "USD", 30}, {"0.3", "USD", 30}, {"1", "USD", 100}, {"1.25", "EUR", 125}, {"", "USD", 0}, {" 2.50 ", "GBP", 250},
		{"50", "JPY", 50}, {"0.25", "KWD", 250}, {"1.5", "BHD", 1500},
	} {
		if got, msg := parseFixed(tc.in, tc.cur); msg != "" || got != tc.want {
			t.Errorf("parseFixed(%q, %s) = %d, %q; want %d", tc.in, tc.cur, got, msg, tc.want)
		}
		if tc.want != 0 {
			if back, _ := parseFixed(ui.DecimalText(tc.want, tc.cur), tc.cur); back != tc.want {
				t.Errorf("decimalText(%d, %s) = %q reads back as %d", tc.want, tc.cur, ui.DecimalText(tc.want, tc.cur), back)
			}
		}
	}
	for _, tc := range []struct{ in, cur string }{
		{"0.301", "USD"}, {"-1", "USD"}, {"$1", "USD"}, {"1.5", "JPY"}, {"0.251", "KWD"}, {"abc", "EUR"},
		{"1", "XXX"}, {"1,25", "EUR"}, {"9999999999999999", "USD"}, {".", "USD"},
	} {
		if got, msg := parseFixed(tc.in, tc.cur); msg == "" {
			t.Errorf("parseFixed(%q, %s) = %d with no error", tc.in, tc.cur, got)
		}
	}
}
