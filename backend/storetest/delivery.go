package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sync"
	"testing"

	"github.com/buycard/buycard"
)

// digitalFixture is a fixture whose product is digital, with unlimited
// variants so that any number of orders can be made.
func digitalFixture(t *testing.T, s Store) Fixture {
	t.Helper()
	return Seed(t, s, func(f *Fixture) {
		f.Product.Kind = buycard.ProductDigital
		for i := range f.Product.Variants {
			f.Product.Variants[i].Unlimited, f.Product.Variants[i].Stock = true, 0
		}
	})
}

func deliveryFile(productID, content string) *buycard.DeliveryFile {
	sum := sha256.Sum256([]byte(content))
	return &buycard.DeliveryFile{ProductID: productID, Name: content + ".pdf", SHA256: hex.EncodeToString(sum[:]),
		Size: int64(len(content)), ContentType: "application/pdf"}
}

// testDeliveryFiles adds, lists and deletes a product's files, tells
// whether another product still names a deleted file's content, and
// refuses files for a product that is not digital or delivers keys.
func testDeliveryFiles(t *testing.T, s Store) {
	ctx := t.Context()
	f, g := digitalFixture(t, s), digitalFixture(t, s)
	guide, manual := deliveryFile(f.Product.ID, "guide"), deliveryFile(f.Product.ID, "manual")
	for _, file := range []*buycard.DeliveryFile{guide, manual} {
		must(t, s.AddDeliveryFile(ctx, file))
	}
	shared := deliveryFile(g.Product.ID, "guide")
	must(t, s.AddDeliveryFile(ctx, shared))
	list, err := s.DeliveryFiles(ctx, f.Product.ID)
	must(t, err)
	if len(list) != 2 || *list[0] != *guide || *list[1] != *manual {
		t.Fatalf("DeliveryFiles = %v, want guide and manual as added", list)
	}
	got, referenced, err := s.DeleteDeliveryFile(ctx, f.Product.ID, guide.ID)
	must(t, err)
	if *got != *guide || !referenced {
		t.Errorf("DeleteDeliveryFile = %+v, %v; want the guide, still referenced by the other product", got, referenced)
	}
	if _, referenced, err := s.DeleteDeliveryFile(ctx, g.Product.ID, shared.ID); err != nil || referenced {
		t.Errorf("deleting the last reference: referenced %v, %v", referenced, err)
	}
	if _, _, err := s.DeleteDeliveryFile(ctx, g.Product.ID, manual.ID); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("deleting another product's file: %v, want not found", err)
	}
	list, err = s.DeliveryFiles(ctx, f.Product.ID)
	must(t, err)
	if len(list) != 1 || list[0].ID != manual.ID {
		t.Errorf("after delete: %v, want the manual", list)
	}

	physical := Seed(t, s, func(f *Fixture) { f.Product.Kind = buycard.ProductPhysical })
	for _, tc := range []struct {
		name string
		file *buycard.DeliveryFile
		code string
	}{
		{"physical product", deliveryFile(physical.Product.ID, "x"), buycard.ECONFLICT},
		{"no product", deliveryFile("prd_missing", "x"), buycard.ENOTFOUND},
		{"bad name", func() *buycard.DeliveryFile { d := deliveryFile(f.Product.ID, "x"); d.Name = "a/b"; return d }(), buycard.EINVALID},
	} {
		if err := s.AddDeliveryFile(ctx, tc.file); buycard.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	if _, err := s.AddLicenseKeys(ctx, f.Product.ID, []string{"K-1"}); buycard.ErrorCode(err) != buycard.ECONFLICT {
		t.Errorf("keys for a product with files: %v, want conflict", err)
	}
	k := digitalFixture(t, s)
	_, err = s.AddLicenseKeys(ctx, k.Product.ID, []string{"K-1"})
	must(t, err)
	if err := s.AddDeliveryFile(ctx, deliveryFile(k.Product.ID, "x")); buycard.ErrorCode(err) != buycard.ECONFLICT {
		t.Errorf("a file for a product with keys: %v, want conflict", err)
	}
}

// testLicenseKeys adds keys (skipping those in the pool), refuses a bad
// batch whole, and assigns keys in the order they were added until the
// pool is empty.
func testLicenseKeys(t *testing.T, s Store) {
	ctx := t.Context()
	f := digitalFixture(t, s)
	added, err := s.AddLicenseKeys(ctx, f.Product.ID, []string{"K-1", "K-2"})
	must(t, err)
	if added != 2 {
		t.Errorf("added %d, want 2", added)
	}
	added, err = s.AddLicenseKeys(ctx, f.Product.ID, []string{"K-2", "K-3"})
	must(t, err)
	if added != 1 {
		t.Errorf("added %d with one already in the pool, want 1", added)
	}
	if _, err := s.AddLicenseKeys(ctx, f.Product.ID, []string{"K-4", "bad\x00key"}); buycard.ErrorCode(err) != buycard.EINVALID {
		t.Errorf("a bad key: %v, want invalid", err)
	}
	wantCounts(t, s, f.Product.ID, buycard.LicenseKeyCounts{Free: 3})

	var orders []*buycard.Order // made while keys are free: an empty pool refuses new orders
	for range 4 {
		o, err := s.CreateOrder(ctx, f.NewOrder(0, 1))
		must(t, err)
		orders = append(orders, o)
	}
	var got []string
	for _, o := range orders[:3] {
		k, err := s.AssignLicenseKey(ctx, f.Product.ID, o.ID)
		must(t, err)
		if k.OrderID != o.ID || k.AssignedAt == nil {
			t.Errorf("assigned %+v, want order %s and a time", k, o.ID)
		}
		keys, err := s.OrderLicenseKeys(ctx, o.ID)
		must(t, err)
		if len(keys) != 1 || keys[0].Key != k.Key || keys[0].OrderID != o.ID {
			t.Errorf("OrderLicenseKeys = %v, want %s", keys, k.Key)
		}
		got = append(got, k.Key)
	}
	if want := []string{"K-1", "K-2", "K-3"}; !slices.Equal(got, want) {
		t.Errorf("assigned %q, want %q", got, want)
	}
	wantCounts(t, s, f.Product.ID, buycard.LicenseKeyCounts{Assigned: 3})
	if _, err := s.AssignLicenseKey(ctx, f.Product.ID, orders[3].ID); err == nil || buycard.ErrorMessage(err) != buycard.ErrorMessage(buycard.ErrLicenseKeysSoldOut) {
		t.Errorf("empty pool: %v, want sold out", err)
	}
	if _, err := s.AssignLicenseKey(ctx, f.Product.ID, "ord_missing"); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("no order: %v, want not found", err)
	}
}

func wantCounts(t *testing.T, s Store, productID string, want buycard.LicenseKeyCounts) {
	t.Helper()
	got, err := s.LicenseKeyCounts(t.Context(), productID)
	must(t, err)
	if got != want {
		t.Errorf("LicenseKeyCounts = %+v, want %+v", got, want)
	}
}

// testConcurrentLicenseKeys has more orders than keys take keys at once:
// every key goes to exactly one order, and the rest are told it is sold
// out.
func testConcurrentLicenseKeys(t *testing.T, s Store) {
	ctx := t.Context()
	f := digitalFixture(t, s)
	const keys, buyers = 8, 12
	var pool []string
	for i := range keys {
		pool = append(pool, "KEY-"+string(rune('A'+i)))
	}
	_, err := s.AddLicenseKeys(ctx, f.Product.ID, pool)
	must(t, err)
	orders := make([]string, buyers)
	for i := range orders {
		o, err := s.CreateOrder(ctx, f.NewOrder(0, 1))
		must(t, err)
		orders[i] = o.ID
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		assigned []string
		soldOut  int
	)
	start := make(chan struct{})
	for _, id := range orders {
		wg.Go(func() {
			<-start
			k, err := s.AssignLicenseKey(ctx, f.Product.ID, id)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				assigned = append(assigned, k.Key)
			case buycard.ErrorMessage(err) == buycard.ErrorMessage(buycard.ErrLicenseKeysSoldOut):
				soldOut++
			default:
				t.Error(err)
			}
		})
	}
	close(start)
	wg.Wait()
	slices.Sort(assigned)
	if !slices.Equal(assigned, pool) || soldOut != buyers-keys {
		t.Errorf("assigned %q and %d sold out, want each of %q once and %d sold out", assigned, soldOut, pool, buyers-keys)
	}
	wantCounts(t, s, f.Product.ID, buycard.LicenseKeyCounts{Assigned: keys})
}
