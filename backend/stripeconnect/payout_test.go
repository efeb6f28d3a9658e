package stripeconnect

import (
	"context"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
	"github.com/buycard/buycard/ledger"
)

func testShare(id string) ledger.ShareTransfer {
	return ledger.ShareTransfer{ID: id, OrderID: "ord_1", PublisherID: "pub_1", Kind: ledger.TransferOut,
		Amount: buycard.Money{Amount: 250, Currency: "USD"}, Account: "acct_pub"}
}

// TestMoveShareOnce: a share transfer is made once, however often it is
// attempted: after a lost response (the idempotency key), and after the
// key is gone (found by its transfer group).
func TestMoveShareOnce(t *testing.T) {
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	p := newTestProvider(t, fake.URL)
	ctx := context.Background()
	share := testShare("ord_1/1")

	fake.Inject(stripetest.FaultLostResponse)
	id, at, err := p.MoveShare(ctx, share, "pi_1")
	if err != nil || id == "" || at.IsZero() {
		t.Fatalf("MoveShare = %q, %v, %v", id, at, err)
	}
	again, _, err := p.MoveShare(ctx, share, "pi_1")
	created := fake.Created("/v1/transfers")
	if err != nil || again != id || len(created) != 1 {
		t.Fatalf("second attempt = %q, %v; transfers created %d", again, err, len(created))
	}
	f := created[0]
	for k, want := range map[string]string{
		"destination": "acct_pub", "amount": "250", "currency": "usd", "source_transaction": stripetest.ChargeOf("pi_1"),
		"transfer_group": "ord_1/1", "metadata[share_transfer]": "ord_1/1", "metadata[publisher_id]": "pub_1", "metadata[order_id]": "ord_1",
	} {
		if f.Get(k) != want {
			t.Errorf("transfer %s = %q, want %q", k, f.Get(k), want)
		}
	}

	// The reversal of a refund after the transfer, also made once.
	back := testShare("ord_1/2")
	back.Kind, back.TransferID, back.Amount.Amount = ledger.TransferBack, id, 100
	fake.Inject(stripetest.Fault500)
	rev, _, err := p.MoveShare(ctx, back, "pi_1")
	if err != nil || rev == "" {
		t.Fatalf("reversal = %q, %v", rev, err)
	}
	if again, _, err := p.MoveShare(ctx, back, "pi_1"); err != nil || again != rev {
		t.Fatalf("reversal again = %q, %v; want %q", again, err, rev)
	}
	if n := len(fake.Created("/v1/transfers/" + id + "/reversals")); n != 1 {
		t.Fatalf("reversals created = %d, want 1", n)
	}

	// Stripe refuses what cannot be: the caller records a failure.
	over := testShare("ord_1/3")
	over.Kind, over.TransferID, over.Amount.Amount = ledger.TransferBack, id, 1000
	_, _, err = p.MoveShare(ctx, over, "pi_1")
	wantCode(t, err, buycard.EINVALID)
}

func TestMoveShareRefused(t *testing.T) {
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	p := newTestProvider(t, fake.URL)
	ctx := context.Background()
	noAccount := testShare("ord_1/1")
	noAccount.Account = ""
	noTransfer := testShare("ord_1/2")
	noTransfer.Kind = ledger.TransferBack
	zero := testShare("ord_1/3")
	zero.Amount.Amount = 0
	for name, tt := range map[string]struct {
		share   ledger.ShareTransfer
		payment string
	}{
		"no account":             {noAccount, "pi_1"},
		"reversal of nothing":    {noTransfer, "pi_1"},
		"zero amount":            {zero, "pi_1"},
		"a session, not payment": {testShare("ord_1/4"), "cs_1"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := p.MoveShare(ctx, tt.share, tt.payment)
			wantCode(t, err, buycard.EINVALID)
		})
	}
	if n := len(fake.Created("/v1/transfers")); n != 0 {
		t.Fatalf("transfers created = %d", n)
	}
}
