package operations

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/sqlite"
	"github.com/buycard/buycard/backend/storetest"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
	"github.com/buycard/buycard/ledger"
)

func publisherBalance(t *testing.T, db *sqlite.DB, publisherID string, kind ledger.AccountKind) int64 {
	t.Helper()
	b, err := db.Balance(t.Context(), ledger.Account(ledger.Publisher(publisherID), kind, "USD"))
	if err != nil {
		t.Fatal(err)
	}
	return b.Amount
}

// TestTransferShares pays a released publisher share into the publisher's
// Stripe account once, however often and concurrently payouts run, and
// takes the publisher's part of a later refund back by reversal, which the
// transfer.reversed webhook then reports without posting it twice.
func TestTransferShares(t *testing.T) {
	t.Parallel()
	w, db := newWorkflows(t)
	w.PublisherHold = 7 * 24 * time.Hour
	provider, fake := withStripe(t, w)
	webhooks := webhooksOf(db, provider)
	ctx := t.Context()
	f := storetest.Seed(t, db)
	link := func(id, kind, party string) {
		err := db.LinkPaymentAccount(ctx, &buycard.PaymentAccount{ID: id, PartyKind: kind, PartyID: party, ChargesEnabled: true, PayoutsEnabled: true})
		if err != nil {
			t.Fatal(err)
		}
	}
	link("acct_northwind", buycard.PartyMerchant, f.Merchant.ID)
	pending, session := stripeCheckout(t, db, provider, f)
	o := payBy(t, webhooks, db, pending, session, "pi_share")
	if _, err := w.ReleaseShares(ctx, time.Now().Add(w.PublisherHold+time.Hour)); err != nil {
		t.Fatal(err)
	}
	share := publisherBalance(t, db, o.PublisherID, ledger.Available)
	if share <= 0 {
		t.Fatalf("available share = %d", share)
	}

	// No publisher account yet: the share waits, and Stripe is not asked.
	run, err := w.RunStripePayouts(ctx, time.Now())
	if err != nil || len(run.Waiting) != 1 || len(run.Done) != 0 || len(fake.Created("/v1/transfers")) != 0 {
		t.Fatalf("run without an account = %+v, %v", run, err)
	}

	link("acct_daily", buycard.PartyPublisher, o.PublisherID)
	var wg sync.WaitGroup
	for range 3 { // three runs at once, as on three nodes
		wg.Go(func() {
			if _, err := w.RunStripePayouts(ctx, time.Now()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	transfers := fake.Created("/v1/transfers")
	if len(transfers) != 1 {
		t.Fatalf("%d transfers at Stripe, want 1", len(transfers))
	}
	tr := transfers[0]
	if tr.Get("destination") != "acct_daily" || tr.Get("amount") != fmt.Sprint(share) || tr.Get("source_transaction") != stripetest.ChargeOf("pi_share") {
		t.Fatalf("transfer = %v", tr)
	}
	if paid := publisherBalance(t, db, o.PublisherID, ledger.Paid); paid != share || publisherBalance(t, db, o.PublisherID, ledger.Available) != 0 {
		t.Fatalf("paid %d, want %d and nothing available", paid, share)
	}
	// A node's schedule (BUYCARD_PAYOUT_EVERY) runs the same transfers:
	// nothing is left to pay.
	if err := w.ScheduledPayouts(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := len(fake.Created("/v1/transfers")); n != 1 {
		t.Fatalf("%d transfers after a scheduled run, want still 1", n)
	}

	// A refund of a quarter after the transfer: the publisher's part of it
	// is reversed from the transfer.
	refundByOperator(t, db, provider, o, "refund-share", o.Total.Amount/4)
	clawback := -publisherBalance(t, db, o.PublisherID, ledger.Available)
	run, err = w.RunStripePayouts(ctx, time.Now())
	if err != nil || len(run.Done) != 1 || run.Done[0].Kind != ledger.TransferBack || run.Done[0].Amount.Amount != clawback || clawback <= 0 {
		t.Fatalf("run after the refund = %+v, %v (clawback %d)", run, err, clawback)
	}
	if publisherBalance(t, db, o.PublisherID, ledger.Available) != 0 || publisherBalance(t, db, o.PublisherID, ledger.Paid) != share-clawback {
		t.Fatal("balances after the reversal do not settle the order")
	}

	// Stripe reports the reversal: nothing is posted twice. Then someone
	// reverses 10 more in Stripe's Dashboard: its report is posted, once.
	transferID := run.Done[0].TransferID
	journals, _ := db.OrderJournals(ctx, o.ID)
	deliverReversed(t, webhooks, fake, transferID, "evt_reversed_1")
	if after, _ := db.OrderJournals(ctx, o.ID); len(after) != len(journals) {
		t.Fatalf("journals %d → %d after the webhook of our own reversal", len(journals), len(after))
	}
	stripeCall(t, fake, "POST", "/v1/transfers/"+transferID+"/reversals", "amount=10")
	for _, id := range []string{"evt_reversed_2", "evt_reversed_2b"} {
		deliverReversed(t, webhooks, fake, transferID, id)
	}
	if after, _ := db.OrderJournals(ctx, o.ID); len(after) != len(journals)+1 {
		t.Fatalf("journals %d → %d after the Dashboard reversal, want one more", len(journals), len(after))
	}
	if paid := publisherBalance(t, db, o.PublisherID, ledger.Paid); paid != share-clawback-10 {
		t.Fatalf("paid after the Dashboard reversal = %d, want %d", paid, share-clawback-10)
	}
	if v, err := db.VerifyLedger(ctx); err != nil || !v.OK() {
		t.Fatalf("ledger: %v, %v", v, err)
	}
}
