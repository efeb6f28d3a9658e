package storetest

import (
	"testing"

	"github.com/buycard/buycard"
)

// testPublisherContract checks that a merchant's contract with a
// publisher overrides the widget's share on new orders only, and that bad
// contracts are refused.
func testPublisherContract(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	before, err := s.CreateOrder(ctx, f.NewOrder(0, 1))
	must(t, err)
	c := &buycard.PublisherContract{MerchantID: f.Merchant.ID, PublisherID: f.Publisher.ID, ShareBPS: 2500}
	must(t, s.SetPublisherContract(ctx, c))
	after, err := s.CreateOrder(ctx, f.NewOrder(0, 1))
	must(t, err)
	if after.PublisherShareBPS != 2500 {
		t.Errorf("share under the contract = %d, want 2500", after.PublisherShareBPS)
	}
	c.ShareBPS = 1500 // the merchant changes the contract
	must(t, s.SetPublisherContract(ctx, c))
	again, err := s.CreateOrder(ctx, f.NewOrder(0, 1))
	must(t, err)
	stored, err := s.FindOrder(ctx, before.ID)
	must(t, err)
	if again.PublisherShareBPS != 1500 || stored.PublisherShareBPS != f.Widget.PublisherShareBPS {
		t.Errorf("shares: new order %d (want 1500), order from before the contract %d (want the widget's %d)",
			again.PublisherShareBPS, stored.PublisherShareBPS, f.Widget.PublisherShareBPS)
	}
	n := f.NewOrder(0, 1)
	n.Claims.PublisherID, n.Claims.PlacementID = "", ""
	direct, err := s.CreateOrder(ctx, n)
	must(t, err)
	if direct.PublisherShareBPS != 0 {
		t.Errorf("a sale without a publisher shares %d bps", direct.PublisherShareBPS)
	}

	c.ShareBPS = 9500 // with the platform's 875: above 100%
	must(t, s.SetPublisherContract(ctx, c))
	_, err = s.CreateOrder(ctx, f.NewOrder(0, 1))
	wantError(t, err, buycard.ECONFLICT, "This product cannot be sold now: its commission rates exceed 100%.")

	err = s.SetPublisherContract(ctx, &buycard.PublisherContract{MerchantID: f.Merchant.ID, PublisherID: f.Publisher.ID, ShareBPS: 10001})
	wantError(t, err, buycard.EINVALID, "The publisher's share must be 0 to 10000 basis points.")
	err = s.SetPublisherContract(ctx, &buycard.PublisherContract{MerchantID: f.Merchant.ID, PublisherID: "pub_nope", ShareBPS: 100})
	wantError(t, err, buycard.ENOTFOUND, `Publisher "pub_nope" not found.`)
}
