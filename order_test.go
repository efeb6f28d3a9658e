package buycard_test

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
)

func TestCardOrderPublisherShare(t *testing.T) {
	contract := func(bps int) *buycard.PublisherContract {
		return &buycard.PublisherContract{MerchantID: "mer_1", PublisherID: "pub_1", ShareBPS: bps}
	}
	tests := []struct {
		name      string
		publisher string
		contract  *buycard.PublisherContract
		want      int
		code      string
	}{
		{"the widget's", "pub_1", nil, 1000, ""},
		{"the contract's", "pub_1", contract(2500), 2500, ""},
		{"a contract of none", "pub_1", contract(0), 0, ""},
		{"no publisher shares nothing", "", nil, 0, ""},
		{"above 100% with the platform's", "pub_1", contract(9500), 0, buycard.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := testCard()
			card.Widget.PublisherShareBPS = 1000
			now := time.Now()
			o, _, err := card.Order(buycard.NewOrder{
				Claims:    buycard.PlacementClaims{WidgetID: "wgt_tee", ProductID: "prd_tee", PublisherID: tt.publisher},
				VariantID: "var_m", Quantity: 1, Now: now, ExpiresAt: now.Add(time.Hour),
				PlatformFee: buycard.PlatformFee{BPS: 875}, Contract: tt.contract,
			})
			if buycard.ErrorCode(err) != tt.code {
				t.Fatalf("error %v, want code %q", err, tt.code)
			}
			if err == nil && o.PublisherShareBPS != tt.want {
				t.Errorf("share = %d, want %d", o.PublisherShareBPS, tt.want)
			}
		})
	}
}
