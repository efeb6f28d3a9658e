package storetest

import (
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// testListPlacements: a publisher's placements, newest first, with their
// widgets' product titles, and no one else's.
func testListPlacements(t *testing.T, s Store) {
	ctx := t.Context()
	f, other := Seed(t, s), Seed(t, s)
	later := &buycard.Placement{PublisherID: f.Publisher.ID, WidgetID: other.Widget.ID, Name: "Sidebar", CreatedAt: f.Placement.CreatedAt.Add(time.Minute)}
	must(t, s.CreatePlacement(ctx, later))
	list, err := s.ListPlacements(ctx, f.Publisher.ID)
	must(t, err)
	share := buycard.PlacementShare{ShareBPS: 1000, Source: buycard.ShareFromWidget, BaseBPS: 1000}
	wantEqual(t, "placements", list, []*buycard.PlacementListing{
		{Placement: *later, WidgetName: other.Product.Title, Share: share},
		{Placement: f.Placement, WidgetName: f.Product.Title, Share: share},
	})
	none, err := s.ListPlacements(ctx, "pub_nobody")
	must(t, err)
	if none == nil || len(none) != 0 {
		t.Fatalf("placements of an unknown publisher = %#v, want an empty list", none)
	}
}

// testPublisherCatalog: the catalog holds the open widgets of merchants
// that can take payments and whose product is on sale, with the share of
// the merchant's contract with the caller, else the widget's.
func testPublisherCatalog(t *testing.T, s Store) {
	ctx := t.Context()
	f := Seed(t, s)
	closed := Seed(t, s, func(f *Fixture) { f.Merchant.ChargesEnabled = false })
	archived := Seed(t, s)
	must(t, s.ArchiveProduct(ctx, archived.Merchant.ID, archived.Product.ID, time.Now()))
	must(t, s.SetPublisherContract(ctx, &buycard.PublisherContract{MerchantID: f.Merchant.ID, PublisherID: closed.Publisher.ID, ShareBPS: 2500}))

	entry := func(publisherID, widgetID string) *buycard.CatalogEntry {
		t.Helper()
		list, err := s.PublisherCatalog(ctx, publisherID)
		must(t, err)
		for _, e := range list {
			if e.WidgetID == widgetID {
				return e
			}
		}
		return nil
	}
	want := &buycard.CatalogEntry{
		WidgetID: f.Widget.ID, MerchantID: f.Merchant.ID, MerchantName: f.Merchant.Name, ProductID: f.Product.ID,
		Title: f.Product.Title, Image: f.Product.Image, Currency: "USD", MinPrice: 2400, MaxPrice: 3100, ShareBPS: 1000,
	}
	wantEqual(t, "catalog entry with the widget's share", entry(f.Publisher.ID, f.Widget.ID), want)
	want.ShareBPS = 2500
	wantEqual(t, "catalog entry with the contract's share", entry(closed.Publisher.ID, f.Widget.ID), want)
	if e := entry(f.Publisher.ID, closed.Widget.ID); e != nil {
		t.Errorf("widget of a merchant that cannot take payments in the catalog: %+v", e)
	}
	if e := entry(f.Publisher.ID, archived.Widget.ID); e != nil {
		t.Errorf("widget of an archived product in the catalog: %+v", e)
	}

	// At a 0% share a widget is listed only when its merchant says so, or
	// for a publisher whose contract gives it a share.
	w := f.Widget
	w.PublisherShareBPS = 0
	must(t, s.UpdateWidget(ctx, &w))
	if e := entry(f.Publisher.ID, f.Widget.ID); e != nil {
		t.Errorf("widget at 0%% in the catalog: %+v", e)
	}
	if e := entry(closed.Publisher.ID, f.Widget.ID); e == nil || e.ShareBPS != 2500 {
		t.Errorf("widget at 0%% for a publisher with a contract: %+v", e)
	}
	w.ListedWithoutShare = true
	must(t, s.UpdateWidget(ctx, &w))
	if e := entry(f.Publisher.ID, f.Widget.ID); e == nil || e.ShareBPS != 0 {
		t.Errorf("widget at 0%% its merchant lists: %+v", e)
	}
	stored, err := s.FindWidget(ctx, f.Widget.ID)
	must(t, err)
	if !stored.ListedWithoutShare {
		t.Error("listed_without_share did not round-trip")
	}
}
