package console

import (
	"testing"

	"github.com/buycard/buycard"
)

func TestDiscardedText(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    buycard.FunnelDiscards
		want string
	}{
		{"none", buycard.FunnelDiscards{}, "Every impression and click received was counted."},
		{"one reason", buycard.FunnelDiscards{OverLimit: 1400}, "Not counted: 1,400 over one network's limit per minute."},
		{"every reason", buycard.FunnelDiscards{Bot: 3, Unproven: 2, OverLimit: 1, Duplicate: 4},
			"Not counted: 3 from bots, 2 without a recently served card, 1 over one network's limit per minute, 4 repeats."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := discardedText(tc.d); got != tc.want {
				t.Errorf("discardedText = %q, want %q", got, tc.want)
			}
		})
	}
}
