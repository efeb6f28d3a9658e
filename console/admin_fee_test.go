package console

import "testing"

func TestBPSText(t *testing.T) {
	for bps, want := range map[int]string{0: "0.00%", 5: "0.05%", 875: "8.75%", 1250: "12.50%", 10000: "100.00%", 1: "0.01%", -250: "-2.50%"} {
		if got := bpsText(bps); got != want {
			t.Errorf("bpsText(%d) = %q, want %q", bps, got, want)
		}
	}
}

func TestPercentRoundTrip(t *testing.T) {
	for bps := 0; bps <= 10000; bps++ {
		got, msg := parsePercent(percentText(bps))
		if msg != "" || got != bps {
			t.Fatalf("parsePercent(percentText(%d) = %q) = %d, %q", bps, percentText(bps), got, msg)
		}
	}
	for bps, want := range map[int]string{0: "0", 5: "0.05", 10: "0.1", 875: "8.75", 1000: "10", 1250: "12.5", 10000: "100"} {
		if got := percentText(bps); got != want {
			t.Errorf("percentText(%d) = %q, want %q", bps, got, want)
		}
	}
}

func TestParsePercent(t *testing.T) {
	for in, want := range map[string]int{"8.75": 875, " 8.75 % ": 875, "8,75": 875, "12.5": 1250, ".5": 50, "7.": 700, "007": 700, "100": 10000, "100.00": 10000, "0": 0, "0.01": 1} {
		if got, msg := parsePercent(in); msg != "" || got != want {
			t.Errorf("parsePercent(%q) = %d, %q; want %d", in, got, msg, want)
		}
	}
	for _, in := range []string{"", "%", ".", "-1", "+5", "1e2", "12.345", "100.01", "101", "1000", "abc", "1.2.3", "８", "99999999999999999999"} {
		if got, msg := parsePercent(in); msg == "" {
			t.Errorf("parsePercent(%q) = %d with no error", in, got)
		}
	}
}

func TestParseFixed(t *testing.T) {
	for _, tc := range []struct {
		in, cur string
		want    int64
	}{
		{"0.30", "USD", 30}, {"0.3", "USD", 30}, {"1", "USD", 100}, {"1,25", "EUR", 125}, {"", "USD", 0}, {" 2.50 ", "GBP", 250},
		{"50", "JPY", 50}, {"0.25", "KWD", 250}, {"1.5", "BHD", 1500},
	} {
		if got, msg := parseFixed(tc.in, tc.cur); msg != "" || got != tc.want {
			t.Errorf("parseFixed(%q, %s) = %d, %q; want %d", tc.in, tc.cur, got, msg, tc.want)
		}
		if tc.want != 0 {
			if back, _ := parseFixed(fixedText(tc.want, tc.cur), tc.cur); back != tc.want {
				t.Errorf("fixedText(%d, %s) = %q reads back as %d", tc.want, tc.cur, fixedText(tc.want, tc.cur), back)
			}
		}
	}
	for _, tc := range []struct{ in, cur string }{
		{"0.301", "USD"}, {"-1", "USD"}, {"$1", "USD"}, {"1.5", "JPY"}, {"0.251", "KWD"}, {"abc", "EUR"},
		{"1", "XXX"}, {"9999999999999999", "USD"}, {".", "USD"},
	} {
		if got, msg := parseFixed(tc.in, tc.cur); msg == "" {
			t.Errorf("parseFixed(%q, %s) = %d with no error", tc.in, tc.cur, got)
		}
	}
}
