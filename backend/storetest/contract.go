package storetest

import (
	"encoding/json"
	"testing"
	"time"

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
	c.ShareBPS = 1500 // the merchant lowers the contract: the placement keeps 2500 for the notice
	must(t, s.SetPublisherContract(ctx, c))
	again, err := s.CreateOrder(ctx, orderAt(f, buycard.DefaultShareNotice+time.Hour))
	must(t, err)
	stored, err := s.FindOrder(ctx, before.ID)
	must(t, err)
	if again.PublisherShareBPS != 1500 || stored.PublisherShareBPS != f.Widget.PublisherShareBPS {
		t.Errorf("shares: new order after the notice %d (want 1500), order from before the contract %d (want the widget's %d)",
			again.PublisherShareBPS, stored.PublisherShareBPS, f.Widget.PublisherShareBPS)
	}
	n := f.NewOrder(0, 1)
	n.Claims.PublisherID, n.Claims.PlacementID = "", ""
	direct, err := s.CreateOrder(ctx, n)
	must(t, err)
	if direct.PublisherShareBPS != 0 {
		t.Errorf("a sale without a publisher shares %d bps", direct.PublisherShareBPS)
	}

	c.ShareBPS = 9500 // with the platform's 875: above 100%, and a raise applies at once
	must(t, s.SetPublisherContract(ctx, c))
	_, err = s.CreateOrder(ctx, f.NewOrder(0, 1))
	wantError(t, err, buycard.ECONFLICT, "This product cannot be sold now: its commission rates exceed 100%.")

	err = s.SetPublisherContract(ctx, &buycard.PublisherContract{MerchantID: f.Merchant.ID, PublisherID: f.Publisher.ID, ShareBPS: 10001})
	wantError(t, err, buycard.EINVALID, "The publisher's share must be 0 to 10000 basis points.")
	err = s.SetPublisherContract(ctx, &buycard.PublisherContract{MerchantID: f.Merchant.ID, PublisherID: "pub_nope", ShareBPS: 100})
	wantError(t, err, buycard.ENOTFOUND, `Publisher "pub_nope" not found.`)
}

// orderAt is f's new order of one unit of its first variant, created
// after from now.
func orderAt(f Fixture, after time.Duration) buycard.NewOrder {
	n := f.NewOrder(0, 1)
	n.Now = n.Now.Add(after)
	n.ExpiresAt = n.Now.Add(15 * time.Minute)
	return n
}

// wantShares checks the share new orders through claims snapshot at each
// time after now.
func wantShares(t *testing.T, s Store, f Fixture, claims buycard.PlacementClaims, shares map[time.Duration]int) {
	t.Helper()
	for after, want := range shares {
		n := orderAt(f, after)
		n.Claims = claims
		o, err := s.CreateOrder(t.Context(), n)
		must(t, err)
		if o.PublisherShareBPS != want {
			t.Errorf("order %v from now: share %d, want %d", after, o.PublisherShareBPS, want)
		}
	}
}

// shareChange relays the events recorded since the last relay and
// returns the data of the one share.changed to publisherID.
func shareChange(t *testing.T, n Notifier, publisherID string) buycard.ShareChange {
	t.Helper()
	var found []buycard.ShareChange
	for _, ev := range relay(t, n) {
		if ev.Type == buycard.EventShareChanged && ev.PartyID == publisherID {
			var c buycard.ShareChange
			must(t, json.Unmarshal(ev.Data, &c))
			found = append(found, c)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d share.changed events to %s, want 1", len(found), publisherID)
	}
	return found[0]
}

// testShareNotice: a merchant lowering a widget's share, or its contract
// with a publisher, does not cut the placements that existed: their new
// orders keep the share they earned until the notice period ends, and
// the publisher is told when (share.changed with kept_until). New
// placements earn the new share at once, a raise applies at once, and a
// second lowering keeps each share for its own notice.
func testShareNotice(t *testing.T, s Store) {
	ctx := t.Context()
	n := notifier(t, s)
	f := Seed(t, s)
	relay(t, n)
	const day = 24 * time.Hour
	notice := buycard.DefaultShareNotice
	lowered := time.Now()
	w := f.Widget
	w.PublisherShareBPS = 400
	must(t, s.UpdateWidget(ctx, &w))
	c := shareChange(t, n, f.Publisher.ID)
	if c.ShareBPS != 400 || c.BeforeBPS == nil || *c.BeforeBPS != 1000 || c.KeptUntil == nil ||
		c.KeptUntil.Before(lowered.Add(notice-time.Minute)) || c.KeptUntil.After(time.Now().Add(notice)) {
		t.Fatalf("share.changed = %+v, want 1000 → 400 kept for %v", c, notice)
	}
	wantShares(t, s, f, f.Claims(), map[time.Duration]int{0: 1000, notice - day: 1000, notice + time.Minute: 400})

	fresh := buycard.Placement{PublisherID: f.Publisher.ID, WidgetID: f.Widget.ID, Name: "After the change"}
	must(t, s.CreatePlacement(ctx, &fresh))
	claims := f.Claims()
	claims.PlacementID = fresh.ID
	wantShares(t, s, f, claims, map[time.Duration]int{0: 400})
	list, err := s.ListPlacements(ctx, f.Publisher.ID)
	must(t, err)
	for _, p := range list {
		want := buycard.PlacementShare{ShareBPS: 400, Source: buycard.ShareFromWidget, BaseBPS: 400}
		if p.ID == f.Placement.ID {
			next := 400
			want.ShareBPS, want.KeptUntil, want.NextBPS = 1000, c.KeptUntil, &next
		}
		if p.Share.ShareBPS != want.ShareBPS || p.Share.Source != want.Source || p.Share.BaseBPS != want.BaseBPS ||
			(want.KeptUntil == nil) != (p.Share.KeptUntil == nil) || (want.KeptUntil != nil && !p.Share.KeptUntil.Equal(*want.KeptUntil)) {
			t.Errorf("placement %s earns %+v, want %+v", p.Name, p.Share, want)
		}
	}

	w.PublisherShareBPS = 1500 // a raise applies at once, to every placement
	must(t, s.UpdateWidget(ctx, &w))
	if c := shareChange(t, n, f.Publisher.ID); c.KeptUntil != nil {
		t.Errorf("a raise keeps shares until %v", c.KeptUntil)
	}
	wantShares(t, s, f, claims, map[time.Duration]int{0: 1500})
	w.PublisherShareBPS = 200 // lowered again: 1500 is kept too, for its own notice
	must(t, s.UpdateWidget(ctx, &w))
	shareChange(t, n, f.Publisher.ID)
	wantShares(t, s, f, f.Claims(), map[time.Duration]int{0: 1500, notice - day: 1500, notice + day: 200})
	wantShares(t, s, f, claims, map[time.Duration]int{0: 1500, notice + day: 200})

	// A first contract below the widget's share keeps the widget's.
	contract := &buycard.PublisherContract{MerchantID: f.Merchant.ID, PublisherID: f.Publisher.ID, ShareBPS: 100}
	must(t, s.SetPublisherContract(ctx, contract))
	if c := shareChange(t, n, f.Publisher.ID); c.KeptUntil == nil || c.BeforeBPS != nil || c.ShareBPS != 100 {
		t.Errorf("first contract's share.changed = %+v", c)
	}
	wantShares(t, s, f, claims, map[time.Duration]int{0: 1500, notice + day: 100})
	list, err = s.ListPlacements(ctx, f.Publisher.ID)
	must(t, err)
	if got := list[0].Share; got.Source != buycard.ShareFromContract || got.BaseBPS != 100 || got.ShareBPS != 1500 {
		t.Errorf("placement under the contract earns %+v", got)
	}
	contract.ShareBPS = 3000 // a raise of the contract: at once
	must(t, s.SetPublisherContract(ctx, contract))
	if c := shareChange(t, n, f.Publisher.ID); c.KeptUntil != nil {
		t.Errorf("a raised contract keeps shares until %v", c.KeptUntil)
	}
	wantShares(t, s, f, claims, map[time.Duration]int{0: 3000, notice + day: 3000})
}
