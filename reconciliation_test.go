package buycard

import (
	"strings"
	"testing"
	"time"
)

func TestReconcileDays(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name, from, to string
		want           string // the days, or the error's message
	}{
		{"one day", "2026-12-07", "", "2026-12-07"},
		{"a range", "2026-11-29", "2026-12-02", "2026-11-29 2026-11-30 2026-12-01 2026-12-02"},
		{"the same day twice", "2026-12-01", "2026-12-01", "2026-12-01"},
		{"today", "2026-12-08", "", "Day 2026-12-08 is not over yet: a day can be reconciled once it has ended (UTC)."},
		{"a range into the future", "2026-12-06", "2026-12-09", "Day 2026-12-09 is not over yet: a day can be reconciled once it has ended (UTC)."},
		{"malformed", "12/07/2026", "", `"12/07/2026" is not a day: write it as YYYY-MM-DD (UTC).`},
		{"no such day", "2026-02-30", "", `"2026-02-30" is not a day: write it as YYYY-MM-DD (UTC).`},
		{"empty", "", "", `"" is not a day: write it as YYYY-MM-DD (UTC).`},
		{"a time", "2026-12-07T00:00:00Z", "", `"2026-12-07T00:00:00Z" is not a day: write it as YYYY-MM-DD (UTC).`},
		{"backwards", "2026-12-05", "2026-12-01", "The last day 2026-12-01 is before the first 2026-12-05."},
		{"too long", "2026-10-01", "2026-12-01", "Reconcile at most 31 days at a time."},
		{"31 days", "2026-11-01", "2026-12-01", ""},
	} {
		days, err := ReconcileDays(tt.from, tt.to, now)
		got := strings.Join(days, " ")
		if err != nil {
			got = ErrorMessage(err)
			if ErrorCode(err) != EINVALID {
				t.Errorf("%s: code %s", tt.name, ErrorCode(err))
			}
		}
		if tt.want == "" {
			if err != nil || len(days) != 31 {
				t.Errorf("%s: %d days, %v", tt.name, len(days), err)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDifferenceString(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		d    Difference
		want string
	}{
		{Difference{Kind: MissingInLedger, Object: MoneyRefund, ProviderID: "re_1", OrderID: "ord_1", Currency: "USD", ProviderAmount: 100},
			"refund re_1 of 1.00 USD at the provider has no journal (order ord_1)."},
		{Difference{Kind: MissingAtProvider, Object: MoneyTransfer, JournalKey: "publisher_payout:ord_1/1", Currency: "JPY", LedgerAmount: 500},
			"journal publisher_payout:ord_1/1 records the transfer of 500 JPY, which the provider does not have."},
		{Difference{Kind: AmountDiffers, Object: MoneyApplicationFee, ProviderID: "fee_1", JournalKey: "sale:ord_1", Currency: "USD", ProviderAmount: 999, LedgerAmount: 480},
			"application fee fee_1 is 9.99 USD at the provider but 4.80 USD in journal sale:ord_1."},
	} {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%q, want %q", got, tt.want)
		}
	}
}
