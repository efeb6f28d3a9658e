package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// releasedOrder pays an order of one A5 notebook (2400) and releases its
// publisher share, returning the order and the share (10%: 240).
func releasedOrder(t *testing.T, s Store, f Fixture) (*buycard.Order, int64) {
	t.Helper()
	ctx := t.Context()
	o := openOrder(t, s, f, 0, 1)
	paid := event(o, buycard.PaymentSucceeded)
	paid.PaymentID = "pi_" + o.ID
	o = applyEvent(t, s, paid)
	due, err := s.DueReleases(ctx, time.Now().Add(time.Hour), time.Now())
	must(t, err)
	for _, r := range due {
		if r.OrderID == o.ID {
			j, err := ledger.PublisherRelease(r)
			must(t, err)
			_, err = s.Post(ctx, j)
			must(t, err)
			return o, r.Amount.Amount
		}
	}
	t.Fatalf("no release due for %s", o.ID)
	return nil, 0
}

// orderShare is o's entry in OrderShares, or zero.
func orderShare(t *testing.T, s Store, orderID string) int64 {
	t.Helper()
	shares, err := s.OrderShares(t.Context())
	must(t, err)
	for _, sh := range shares {
		if sh.OrderID == orderID {
			return sh.Amount.Amount
		}
	}
	return 0
}

func wantPublisherBalance(t *testing.T, s Store, f Fixture, kind ledger.AccountKind, want int64) {
	t.Helper()
	b, err := s.Balance(t.Context(), ledger.Account(ledger.Publisher(f.Publisher.ID), kind, "USD"))
	must(t, err)
	if b.Amount != want {
		t.Fatalf("publisher %s = %d, want %d", kind, b.Amount, want)
	}
}

// testShareTransfers takes a released share through a transfer claimed by
// ten workers at once, a refund after the transfer and the reversal that
// takes the publisher's part of it back.
func testShareTransfers(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	o, share := releasedOrder(t, s, f)
	if share != 240 || orderShare(t, s, o.ID) != 240 {
		t.Fatalf("released share %d, order share %d, want 240", share, orderShare(t, s, o.ID))
	}

	// Ten claims at once: one pending transfer, which they all resume.
	now := time.Now().UTC().Truncate(time.Microsecond)
	claims := make([]ledger.ShareTransfer, 10)
	var wg sync.WaitGroup
	for i := range claims {
		wg.Go(func() {
			c, ok, err := s.ClaimShareTransfer(ctx, o.ID, "acct_pub", now)
			if err != nil || !ok {
				t.Errorf("claim: ok %v, %v", ok, err)
			}
			claims[i] = c
		})
	}
	wg.Wait()
	tr := claims[0]
	for _, c := range claims {
		if c.ID != o.ID+"/1" || c.Kind != ledger.TransferOut || c.Amount.Amount != 240 || c.Status != ledger.TransferPending || c.Account != "acct_pub" {
			t.Fatalf("claimed %+v, want pending transfer %s/1 of 240 to acct_pub", c, o.ID)
		}
	}
	wantPublisherBalance(t, s, f, ledger.Available, 240) // nothing moves before the provider did it

	for range 2 { // finishing again changes nothing
		must(t, s.FinishShareTransfer(ctx, tr.ID, "tr_1", now, now))
	}
	wantCode(t, "finish as another transfer", s.FinishShareTransfer(ctx, tr.ID, "tr_2", now, now), buycard.ECONFLICT)
	wantCode(t, "fail a done transfer", s.FailShareTransfer(ctx, tr.ID, "no", now), buycard.ECONFLICT)
	wantCode(t, "finish an unknown transfer", s.FinishShareTransfer(ctx, "ord_none/1", "tr_3", now, now), buycard.ENOTFOUND)
	wantPublisherBalance(t, s, f, ledger.Available, 0)
	wantPublisherBalance(t, s, f, ledger.Paid, 240)
	if _, ok, err := s.ClaimShareTransfer(ctx, o.ID, "acct_pub", now); ok || err != nil || orderShare(t, s, o.ID) != 0 {
		t.Fatalf("claim after the transfer: ok %v, %v; share %d", ok, err, orderShare(t, s, o.ID))
	}

	// A refund of half: the publisher gives back 120, which the platform
	// takes from the transfer.
	applyEvent(t, s, moneyEvent(o, buycard.PaymentRefunded, "re_half", 1200))
	if got := orderShare(t, s, o.ID); got != -120 {
		t.Fatalf("order share after the refund = %d, want -120", got)
	}
	rev, ok, err := s.ClaimShareTransfer(ctx, o.ID, "acct_pub", now)
	must(t, err)
	if !ok || rev.ID != o.ID+"/2" || rev.Kind != ledger.TransferBack || rev.Amount.Amount != 120 || rev.TransferID != "tr_1" {
		t.Fatalf("claimed %+v (ok %v), want reversal %s/2 of 120 from tr_1", rev, ok, o.ID)
	}
	must(t, s.FinishShareTransfer(ctx, rev.ID, "trr_1", now, now))
	wantPublisherBalance(t, s, f, ledger.Available, 0)
	wantPublisherBalance(t, s, f, ledger.Paid, 120)

	list, err := s.ShareTransfersOf(ctx, o.ID)
	must(t, err)
	if len(list) != 2 || list[0].ProviderID != "tr_1" || list[1].ProviderID != "trr_1" || list[1].Status != ledger.TransferDone {
		t.Fatalf("share transfers = %+v", list)
	}
	mine, err := s.ShareTransfersTo(ctx, f.Publisher.ID, 10)
	must(t, err)
	wantEqual(t, "share transfers to the publisher, newest first", mine, []ledger.ShareTransfer{list[1], list[0]})
	first, err := s.ShareTransfersTo(ctx, f.Publisher.ID, 1)
	must(t, err)
	wantEqual(t, "share transfers to the publisher, at most 1", first, list[1:])
	journals, err := s.OrderJournals(ctx, o.ID)
	must(t, err)
	if last := journals[len(journals)-1].Key; last != "publisher_reversal:trr_1" {
		t.Fatalf("last journal of the order = %s", last)
	}
}

// testShareTransferFailed: a refused transfer moves nothing, and the next
// claim, once RetryFailedAfter has passed, starts a new one.
func testShareTransferFailed(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	o, _ := releasedOrder(t, s, f)
	now := time.Now().UTC().Truncate(time.Microsecond)
	tr, ok, err := s.ClaimShareTransfer(ctx, o.ID, "acct_pub", now)
	must(t, err)
	if !ok {
		t.Fatal("nothing to claim")
	}
	must(t, s.FailShareTransfer(ctx, tr.ID, "Insufficient funds in the platform balance.", now))
	wantCode(t, "fail twice", s.FailShareTransfer(ctx, tr.ID, "again", now), buycard.ECONFLICT)
	wantCode(t, "finish a failed transfer", s.FinishShareTransfer(ctx, tr.ID, "tr_1", now, now), buycard.ECONFLICT)
	wantPublisherBalance(t, s, f, ledger.Available, 240)
	if _, ok, err := s.ClaimShareTransfer(ctx, o.ID, "acct_pub", now.Add(time.Minute)); ok || err != nil {
		t.Fatalf("claim right after a failure: ok %v, %v; want it to wait", ok, err)
	}
	next, ok, err := s.ClaimShareTransfer(ctx, o.ID, "acct_pub", now.Add(ledger.RetryFailedAfter))
	must(t, err)
	if !ok || next.ID != o.ID+"/2" || next.Amount.Amount != 240 {
		t.Fatalf("claim after a failure: %+v (ok %v)", next, ok)
	}
	// No account to pay yet: nothing is claimed.
	o2, _ := releasedOrder(t, s, f)
	if _, ok, err := s.ClaimShareTransfer(ctx, o2.ID, "", now); ok || err != nil {
		t.Fatalf("claim without an account: ok %v, %v", ok, err)
	}
}
