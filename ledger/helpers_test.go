package ledger_test

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// t0 is the effective time of test journals.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func usd(amount int64) buycard.Money { return buycard.Money{Amount: amount, Currency: "USD"} }

// wantErr fails t unless err has code and, when message is not "", that
// message.
func wantErr(t *testing.T, err error, code, message string) {
	t.Helper()
	if got := buycard.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if message != "" && buycard.ErrorMessage(err) != message {
		t.Fatalf("error message = %q, want %q", buycard.ErrorMessage(err), message)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
