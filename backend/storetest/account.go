package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// testPaymentAccounts links a merchant and a publisher to provider
// accounts and applies the provider's reports in and out of order: the
// latest report wins, and the merchant's cards follow its charges.
func testPaymentAccounts(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	merchantAcct := "acct_" + f.Merchant.ID
	must(t, s.LinkPaymentAccount(ctx, &buycard.PaymentAccount{ID: merchantAcct, PartyKind: buycard.PartyMerchant, PartyID: f.Merchant.ID, UpdatedAt: t0}))
	must(t, s.LinkPaymentAccount(ctx, &buycard.PaymentAccount{ID: "acct_" + f.Publisher.ID, PartyKind: buycard.PartyPublisher, PartyID: f.Publisher.ID, UpdatedAt: t0}))
	card, err := s.FindCard(ctx, f.Widget.ID)
	must(t, err)
	if card.Merchant.ChargesEnabled || card.Availability() == buycard.Buyable {
		t.Fatal("a merchant whose account cannot take charges must not be buyable")
	}

	later := &buycard.PaymentAccount{ID: merchantAcct, ChargesEnabled: true, PayoutsEnabled: true, UpdatedAt: t0.Add(2 * time.Minute)}
	if ok, err := s.UpdatePaymentAccount(ctx, later); err != nil || !ok {
		t.Fatalf("update = %v, %v", ok, err)
	}
	older := &buycard.PaymentAccount{ID: merchantAcct, ChargesEnabled: false, UpdatedAt: t0.Add(time.Minute)}
	if ok, err := s.UpdatePaymentAccount(ctx, older); err != nil || ok {
		t.Fatalf("an older report = %v, %v; want it ignored", ok, err)
	}
	got, err := s.FindPaymentAccount(ctx, buycard.PartyMerchant, f.Merchant.ID)
	must(t, err)
	if !got.ChargesEnabled || !got.PayoutsEnabled || got.PartyID != f.Merchant.ID || !got.UpdatedAt.Equal(later.UpdatedAt) {
		t.Errorf("account = %+v, want the later report", got)
	}
	card, err = s.FindCard(ctx, f.Widget.ID)
	must(t, err)
	if !card.Merchant.ChargesEnabled {
		t.Error("the merchant's charges must follow its account")
	}

	err = s.LinkPaymentAccount(ctx, &buycard.PaymentAccount{ID: "acct_other", PartyKind: buycard.PartyMerchant, PartyID: f.Merchant.ID})
	wantError(t, err, buycard.ECONFLICT, `The merchant or the account "acct_other" is linked already.`)
	err = s.LinkPaymentAccount(ctx, &buycard.PaymentAccount{ID: "acct_x", PartyKind: buycard.PartyPublisher, PartyID: "pub_nope"})
	wantError(t, err, buycard.ENOTFOUND, `Publisher "pub_nope" not found.`)
	err = s.LinkPaymentAccount(ctx, &buycard.PaymentAccount{ID: "acct_x", PartyKind: "shopper", PartyID: "x"})
	wantError(t, err, buycard.EINVALID, "A payment account belongs to a merchant or a publisher.")
	_, err = s.UpdatePaymentAccount(ctx, &buycard.PaymentAccount{ID: "acct_nope", UpdatedAt: t0})
	wantError(t, err, buycard.ENOTFOUND, "No payment account found.")

	must(t, s.CheckParty(ctx, buycard.PartyMerchant, f.Merchant.ID))
	must(t, s.CheckParty(ctx, buycard.PartyPublisher, f.Publisher.ID))
	wantError(t, s.CheckParty(ctx, buycard.PartyMerchant, f.Publisher.ID), buycard.ENOTFOUND, fmt.Sprintf("Merchant %q not found.", f.Publisher.ID))
	wantError(t, s.CheckParty(ctx, "shopper", "x"), buycard.EINVALID, "Only merchants and publishers have payment accounts.")
}
