package storetest

import (
	"sync"
	"testing"

	"github.com/buycard/buycard"
)

// What a payment delivers (delivery.go at the root): license keys taken in
// the payment's transaction, and downloads counted within the limit.

// keysFixture is a digital fixture whose pool has keys.
func keysFixture(t *testing.T, s Store, keys ...string) Fixture {
	t.Helper()
	f := digitalFixture(t, s)
	_, err := s.AddLicenseKeys(t.Context(), f.Product.ID, keys)
	must(t, err)
	return f
}

// wantOrderKeys checks that the order has the keys want, in order.
func wantOrderKeys(t *testing.T, s Store, orderID string, want ...string) {
	t.Helper()
	keys, err := s.OrderLicenseKeys(t.Context(), orderID)
	must(t, err)
	var got []string
	for _, k := range keys {
		got = append(got, k.Key)
	}
	wantEqual(t, "keys of "+orderID, got, want)
}

// wantKeysFree checks what a card of f says of its pool.
func wantKeysFree(t *testing.T, s Store, f Fixture, free int, availability buycard.Availability) {
	t.Helper()
	card, err := s.FindCard(t.Context(), f.Widget.ID)
	must(t, err)
	if card.Product.LicenseKeysFree == nil || *card.Product.LicenseKeysFree != free || card.Availability() != availability {
		t.Errorf("card: %v keys free, %s; want %d, %s", card.Product.LicenseKeysFree, card.Availability(), free, availability)
	}
	if got := buycard.NewOffer(card, "").Variants[0].Available; got != min(free, f.Product.MaxPerOrder) {
		t.Errorf("offer: %d available, want %d", got, min(free, f.Product.MaxPerOrder))
	}
}

// testLicenseKeysAtPayment pays orders of a product with three keys: a
// payment takes a key per unit, in the pool's order; a card shows the
// keys left and no more can be ordered; the payment that finds the pool
// empty is still paid, its unit recorded as Oversold for the merchant to
// refund; a replayed payment takes nothing more.
func testLicenseKeysAtPayment(t *testing.T, s Store) {
	ctx := t.Context()
	f := keysFixture(t, s, "K-1", "K-2", "K-3")
	wantKeysFree(t, s, f, 3, buycard.Buyable)
	two := openOrder(t, s, f, 0, 2)
	first, second := openOrder(t, s, f, 0, 1), openOrder(t, s, f, 0, 1)
	wantOrderKeys(t, s, two.ID) // pending: no key yet
	paid := applyEvent(t, s, event(two, buycard.PaymentSucceeded))
	if paid.Status != buycard.OrderPaid || paid.Oversold != 0 {
		t.Fatalf("paid order: %s, %d oversold", paid.Status, paid.Oversold)
	}
	wantOrderKeys(t, s, two.ID, "K-1", "K-2")
	wantKeysFree(t, s, f, 1, buycard.Buyable)
	_, err := s.CreateOrder(ctx, f.NewOrder(0, 2))
	wantError(t, err, buycard.ECONFLICT, "Only 1 left.")

	applyEvent(t, s, event(first, buycard.PaymentSucceeded))
	wantOrderKeys(t, s, first.ID, "K-3")
	wantKeysFree(t, s, f, 0, buycard.SoldOut)
	_, err = s.CreateOrder(ctx, f.NewOrder(0, 1))
	wantError(t, err, buycard.ECONFLICT, buycard.ErrorMessage(buycard.ErrLicenseKeysSoldOut))

	e := event(second, buycard.PaymentSucceeded)
	late := applyEvent(t, s, e)
	if late.Status != buycard.OrderPaid || late.Oversold != 1 {
		t.Errorf("payment on an empty pool: %s, %d oversold; want paid, 1 oversold", late.Status, late.Oversold)
	}
	wantOrderKeys(t, s, second.ID)
	must(t, addKeys(t, s, f, "K-4"))
	if replayed := applyEvent(t, s, e); replayed.Oversold != 1 {
		t.Errorf("replayed payment: %d oversold, want 1", replayed.Oversold)
	}
	wantOrderKeys(t, s, second.ID)
	wantCounts(t, s, f.Product.ID, buycard.LicenseKeyCounts{Free: 1, Assigned: 3})
	wantLedgerVerifies(t, s)
}

func addKeys(t *testing.T, s Store, f Fixture, keys ...string) error {
	_, err := s.AddLicenseKeys(t.Context(), f.Product.ID, keys)
	return err
}

// wantLedgerVerifies checks the whole ledger.
func wantLedgerVerifies(t *testing.T, s Store) {
	t.Helper()
	v, err := s.VerifyLedger(t.Context())
	must(t, err)
	if !v.OK() {
		t.Errorf("ledger does not verify: %+v", v)
	}
}

// testConcurrentPaymentsOnLastKey pays orders made while one key was free
// all at once: every order is paid, one gets the key, the others are
// Oversold by their unit.
func testConcurrentPaymentsOnLastKey(t *testing.T, s Store) {
	const buyers = 6
	f := keysFixture(t, s, "LAST")
	orders := make([]*buycard.Order, buyers)
	for i := range orders {
		orders[i] = openOrder(t, s, f, 0, 1)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, o := range orders {
		wg.Go(func() {
			<-start
			if _, err := s.ApplyPaymentEvent(t.Context(), event(o, buycard.PaymentSucceeded)); err != nil {
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	withKey, oversold := 0, 0
	for _, o := range orders {
		got, err := s.FindOrder(t.Context(), o.ID)
		must(t, err)
		keys, err := s.OrderLicenseKeys(t.Context(), o.ID)
		must(t, err)
		switch {
		case got.Status != buycard.OrderPaid:
			t.Errorf("order %s is %s, want paid", o.ID, got.Status)
		case len(keys) == 1 && got.Oversold == 0:
			withKey++
		case len(keys) == 0 && got.Oversold == 1:
			oversold++
		default:
			t.Errorf("order %s: %d keys, %d oversold", o.ID, len(keys), got.Oversold)
		}
	}
	if withKey != 1 || oversold != buyers-1 {
		t.Errorf("%d orders got the key and %d were oversold, want 1 and %d", withKey, oversold, buyers-1)
	}
	wantLedgerVerifies(t, s)
}

// testDownloads counts a paid order's downloads of its product's files:
// nothing before payment, MaxDownloads of each file even when asked for
// at once, counted per order and file, none of another product's file,
// none once the order is refunded in full.
func testDownloads(t *testing.T, s Store) {
	ctx := t.Context()
	f, other := digitalFixture(t, s), digitalFixture(t, s)
	guide, manual := deliveryFile(f.Product.ID, "guide"), deliveryFile(f.Product.ID, "manual")
	foreign := deliveryFile(other.Product.ID, "foreign")
	for _, file := range []*buycard.DeliveryFile{guide, manual, foreign} {
		must(t, s.AddDeliveryFile(ctx, file))
	}
	o, again := openOrder(t, s, f, 0, 1), openOrder(t, s, f, 0, 1)
	_, err := s.RecordDownload(ctx, o.ID, guide.ID)
	wantError(t, err, buycard.ECONFLICT, "This order is pending: it has nothing to download.")
	if list, err := s.OrderDownloads(ctx, o.ID); err != nil || len(list) != 0 {
		t.Errorf("pending order's downloads: %v, %v", list, err)
	}
	o = applyEvent(t, s, event(o, buycard.PaymentSucceeded))
	applyEvent(t, s, event(again, buycard.PaymentSucceeded))

	const tries = buycard.MaxDownloads + 4
	var (
		wg             sync.WaitGroup
		mu             sync.Mutex
		served, usedUp int
	)
	for range tries {
		wg.Go(func() {
			got, err := s.RecordDownload(ctx, o.ID, guide.ID)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && *got == *guide:
				served++
			case buycard.ErrorMessage(err) == buycard.ErrorMessage(buycard.ErrDownloadsUsedUp):
				usedUp++
			default:
				t.Errorf("download: %+v, %v", got, err)
			}
		})
	}
	wg.Wait()
	if served != buycard.MaxDownloads || usedUp != tries-buycard.MaxDownloads {
		t.Errorf("%d downloads served and %d refused, want %d and %d", served, usedUp, buycard.MaxDownloads, tries-buycard.MaxDownloads)
	}
	_, err = s.RecordDownload(ctx, o.ID, manual.ID)
	must(t, err)
	_, err = s.RecordDownload(ctx, again.ID, guide.ID)
	must(t, err)
	list, err := s.OrderDownloads(ctx, o.ID)
	must(t, err)
	if len(list) != 2 || list[0].DeliveryFile != *guide || list[0].Downloads != buycard.MaxDownloads || list[0].Left() != 0 ||
		list[1].DeliveryFile != *manual || list[1].Downloads != 1 {
		t.Errorf("OrderDownloads = %+v, want the guide used up and the manual once", list)
	}
	_, err = s.RecordDownload(ctx, o.ID, foreign.ID)
	wantError(t, err, buycard.ENOTFOUND, `File "`+foreign.ID+`" not found.`)
	_, err = s.RecordDownload(ctx, "ord_missing", guide.ID)
	wantError(t, err, buycard.ENOTFOUND, `Order "ord_missing" not found.`)

	applyEvent(t, s, moneyEvent(again, buycard.PaymentRefunded, "re_all", again.Total.Amount))
	_, err = s.RecordDownload(ctx, again.ID, guide.ID)
	wantError(t, err, buycard.ECONFLICT, "This order is refunded: it has nothing to download.")
	if list, err := s.OrderDownloads(ctx, again.ID); err != nil || len(list) != 0 {
		t.Errorf("refunded order's downloads: %v, %v", list, err)
	}
}
