package ledger

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
)

func TestNextShareTransfer(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	usd := func(n int64) buycard.Money { return buycard.Money{Amount: n, Currency: "USD"} }
	share := func(n int64) OrderShare { return OrderShare{OrderID: "ord_1", PublisherID: "pub_1", Amount: usd(n)} }
	done := func(kind TransferKind, n int64, id, of string) ShareTransfer {
		return ShareTransfer{Kind: kind, Amount: usd(n), Status: TransferDone, ProviderID: id, TransferID: of, Account: "acct_old"}
	}
	for _, tt := range []struct {
		name    string
		share   OrderShare
		history []ShareTransfer
		account string
		want    ShareTransfer // zero: nothing to do
	}{
		{"first transfer", share(240), nil, "acct_1",
			ShareTransfer{ID: "ord_1/1", Kind: TransferOut, Amount: usd(240), Account: "acct_1"}},
		{"no account to pay", share(240), nil, "", ShareTransfer{}},
		{"nothing owed", share(0), nil, "acct_1", ShareTransfer{}},
		{"an hour after a failure", share(240), []ShareTransfer{{Kind: TransferOut, Amount: usd(240), Status: TransferFailed, UpdatedAt: now.Add(-RetryFailedAfter)}}, "acct_1",
			ShareTransfer{ID: "ord_1/2", Kind: TransferOut, Amount: usd(240), Account: "acct_1"}},
		{"right after a failure", share(240), []ShareTransfer{{Kind: TransferOut, Amount: usd(240), Status: TransferFailed, UpdatedAt: now.Add(-time.Minute)}}, "acct_1",
			ShareTransfer{}},
		{"refund after the transfer", share(-60), []ShareTransfer{done(TransferOut, 240, "tr_1", "")}, "",
			ShareTransfer{ID: "ord_1/2", Kind: TransferBack, Amount: usd(60), Account: "acct_old", TransferID: "tr_1"}},
		{"reversal from the newest transfer with enough left", share(-100), []ShareTransfer{
			done(TransferOut, 240, "tr_1", ""), done(TransferOut, 50, "tr_2", ""), done(TransferBack, 50, "trr_1", "tr_2"),
		}, "acct_1", ShareTransfer{ID: "ord_1/4", Kind: TransferBack, Amount: usd(100), Account: "acct_old", TransferID: "tr_1"}},
		{"only what is left of it", share(-300), []ShareTransfer{done(TransferOut, 240, "tr_1", ""), done(TransferBack, 40, "trr_1", "tr_1")}, "",
			ShareTransfer{ID: "ord_1/3", Kind: TransferBack, Amount: usd(200), Account: "acct_old", TransferID: "tr_1"}},
		{"nothing left to reverse", share(-60), []ShareTransfer{done(TransferOut, 60, "tr_1", ""), done(TransferBack, 60, "trr_1", "tr_1")}, "", ShareTransfer{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := NextShareTransfer(tt.share, tt.history, tt.account, now)
			if ok != (tt.want.ID != "") {
				t.Fatalf("ok = %v, got %+v", ok, got)
			}
			if !ok {
				return
			}
			want := tt.want
			want.OrderID, want.PublisherID, want.Status, want.CreatedAt, want.UpdatedAt = "ord_1", "pub_1", TransferPending, now, now
			if got != want {
				t.Fatalf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}
