// Package storetest is the conformance suite every Buycard store passes:
// the SQLite store always, the PostgreSQL store when a test database is
// configured. A store's tests call Run with a function that opens an
// empty, migrated store.
//
// The tests create their own rows with fresh ids and look only at those,
// so a store may also hand every test the same database.
package storetest

import (
	"reflect"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// Store is everything a Buycard store implements.
type Store interface {
	buycard.CatalogService
	buycard.PublisherService
	buycard.OrderService
	buycard.AccountService
	buycard.AuthService
	LedgerStore
	ledger.ShareTransfers
	buycard.FunnelService
	buycard.ImageService
	buycard.DiscountService
	buycard.SellerService
	buycard.FulfillmentService
	buycard.DeliveryService
	buycard.ErasureService
	buycard.PinnedAssetService
}

// Run runs the suite, opening a store for each test with open.
func Run(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name string
		test func(t *testing.T, s Store)
	}{
		{"CatalogRoundTrip", testCatalogRoundTrip},
		{"EditProduct", testEditProduct},
		{"EditWidget", testEditWidget},
		{"ExplicitIDsAndTimes", testExplicitIDsAndTimes},
		{"FindCards", testFindCards},
		{"FindPlacements", testFindPlacements},
		{"ListPlacements", testListPlacements},
		{"PublisherCatalog", testPublisherCatalog},
		{"CreateRejected", testCreateRejected},
		{"FailedProductLeavesNoTrace", testFailedProductLeavesNoTrace},
		{"CreateOrder", testCreateOrder},
		{"CreateOrderWithoutPublisher", testCreateOrderWithoutPublisher},
		{"CreateOrderRejected", testCreateOrderRejected},
		{"OrderPrice", testOrderPrice},
		{"ConcurrentBuyers", testConcurrentBuyers},
		{"ConcurrentSessions", testConcurrentSessions},
		{"AttachPaymentSession", testAttachPaymentSession},
		{"PreparedSession", testPreparedSession},
		{"CancelOrder", testCancelOrder},
		{"PaymentEvents", testPaymentEvents},
		{"PaymentEventReplayed", testPaymentEventReplayed},
		{"PaidAfterStockWasSoldAgain", testPaidAfterStockWasSoldAgain},
		{"PaymentEventRejected", testPaymentEventRejected},
		{"ExpiredOrders", testExpiredOrders},
		{"HoldCap", testHoldCap},
		{"ConcurrentHoldCap", testConcurrentHoldCap},
		{"RenewHold", testRenewHold},
		{"RenewLapsedHoldSoldOut", testRenewLapsedHoldSoldOut},
		{"LapseHolds", testLapseHolds},
		{"CapFollowsHolds", testCapFollowsHolds},
		{"HeldCard", testHeldCard},
		{"PaidAfterRelease", testPaidAfterRelease},
		{"ReleaseRacesPayment", testReleaseRacesPayment},
		{"SaleJournal", testSaleJournal},
		{"SaleJournalRefusedLeavesOrderUnpaid", testSaleJournalRefusedLeavesOrderUnpaid},
		{"PaymentWithProviderDetails", testPaymentWithProviderDetails},
		{"RefundsAndDisputes", testRefundsAndDisputes},
		{"RefundRejected", testRefundRejected},
		{"FindPaymentOrder", testFindPaymentOrder},
		{"RefundRequests", testRefundRequests},
		{"ConcurrentRefundRequests", testConcurrentRefundRequests},
		{"PublisherContract", testPublisherContract},
		{"ShareNotice", testShareNotice},
		{"PaymentAccounts", testPaymentAccounts},
		{"ShareTransfers", testShareTransfers},
		{"ShareTransferFailed", testShareTransferFailed},
		{"ReconciliationRuns", testReconciliationRuns},
		{"ProviderJournals", testProviderJournals},
		{"FunnelCountsAdd", testFunnelCountsAdd},
		{"FunnelOrders", testFunnelOrders},
		{"FunnelScopes", testFunnelScopes},
		{"FunnelStagesNested", testFunnelStagesNested},
		{"MerchantOrders", testMerchantOrders},
		{"PartySummaries", testPartySummaries},
		{"PlatformSettings", testPlatformSettings},
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"APIKeys", testAPIKeys},
		{"PasswordResets", testPasswordResets},
		{"NewResetVoidsOlder", testNewResetVoidsOlder},
		{"SignUps", testSignUps},
		{"SignUpLinks", testSignUpLinks},
		{"ExpiredSignUpsDeleted", testExpiredSignUpsDeleted},
		{"WidgetDesign", testWidgetDesign},
		{"OrderEvents", testOrderEvents},
		{"JobsWaitingByKind", testJobsWaitingByKind},
		{"WebhookEndpoints", testWebhookEndpoints},
		{"WebhookDeliveries", testWebhookDeliveries},
		{"LowStock", testLowStock},
		{"UnlimitedStock", testUnlimitedStock},
		{"ProductImages", testProductImages},
		{"HostileLookups", testHostileLookups},
		{"DiscountCodes", testDiscountCodes},
		{"RedeemDiscount", testRedeemDiscount},
		{"ConcurrentRedeem", testConcurrentRedeem},
		{"OrderCode", testOrderCode},
		{"ConcurrentOrderCode", testConcurrentOrderCode},
		{"OrderCodeOwner", testOrderCodeOwner},
		{"OrderShipping", testOrderShipping},
		{"OrderPriceCurrencies", testOrderPriceCurrencies},
		{"DeliveryFiles", testDeliveryFiles},
		{"LicenseKeys", testLicenseKeys},
		{"ConcurrentLicenseKeys", testConcurrentLicenseKeys},
		{"LicenseKeysAtPayment", testLicenseKeysAtPayment},
		{"ConcurrentPaymentsOnLastKey", testConcurrentPaymentsOnLastKey},
		{"Downloads", testDownloads},
		{"EraseBuyer", testEraseBuyer},
		{"MerchantSettings", testMerchantSettings},
		{"ProductKind", testProductKind},
		{"ShippingZones", testShippingZones},
		{"ShipsNowhere", testShipsNowhere},
		{"ShippingZoneLimit", testShippingZoneLimit},
		{"TaxRates", testTaxRates},
		{"BuyerAndShipTo", testBuyerAndShipTo},
		{"Fulfillment", testFulfillment},
		{"FulfillmentRejected", testFulfillmentRejected},
		{"PinnedAssets", testPinnedAssets},
		{"PinnedAssetRejected", testPinnedAssetRejected},
		{"ConcurrentPins", testConcurrentPins},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each test has a store of its own
			tt.test(t, open(t))
		})
	}
}

// must stops the test on an unexpected error.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantError checks the code and the user-facing message of err.
func wantError(t testing.TB, err error, code, message string) {
	t.Helper()
	if got := buycard.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (error: %v)", got, code, err)
	}
	if got := buycard.ErrorMessage(err); got != message {
		t.Fatalf("error message = %q, want %q", got, message)
	}
}

// wantCode checks the code of err, returned by what.
func wantCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	if got := buycard.ErrorCode(err); got != code {
		t.Fatalf("%s: error code = %q, want %q (error: %v)", what, got, code, err)
	}
}

// wantEqual compares values deeply, pointers by what they point to.
func wantEqual(t testing.TB, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}
