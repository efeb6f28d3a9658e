package stripeconnect

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/testenv"
	"github.com/buycard/buycard/ledger"
)

const stripeMockModule = "github.com/stripe/stripe-mock@v0.180.0"

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startStripeMock runs stripe-mock and returns its HTTP URL. Without
// stripe-mock the test is skipped, unless CI=true.
func startStripeMock(t *testing.T) string {
	t.Helper()
	bin := testenv.Tool(t, "stripe-mock", stripeMockModule)
	httpPort, httpsPort := freePort(t), freePort(t)
	logs := testenv.Start(t, bin, "-http-port", fmt.Sprint(httpPort), "-https-port", fmt.Sprint(httpsPort))
	url := fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequest("GET", url+"/v1/charges", nil)
		req.SetBasicAuth("sk_test_123", "")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("stripe-mock did not answer at %s: %v\n%s", url, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestStripeMock sends every request the package makes to stripe-mock,
// which validates it against Stripe's OpenAPI spec. stripe-mock answers
// with fixtures (a session without client secret, for example), so the
// checks are that the request was accepted and the response decoded.
func TestStripeMock(t *testing.T) {
	url := startStripeMock(t)
	p := newTestProvider(t, url, func(c *Config) { c.Locale = "auto"; c.MaxRetries = -1; c.MerchantSettings = settingsOf })
	ctx := context.Background()

	t.Run("checkout session", func(t *testing.T) {
		for _, o := range []*buycard.Order{testOrder("ord_mock"), func() *buycard.Order {
			o := testOrder("ord_mock_nopub")
			o.PublisherID, o.PlacementID, o.PublisherShareBPS, o.VariantName = "", "", 0, ""
			o.PlatformFeeBPS, o.PlatformFeeFixed = 0, 0 // no application fee at all
			return o
		}()} {
			for _, opts := range []buycard.PaymentSessionOptions{{}, hostedOptions} {
				mockSession(t, p, o, opts)
			}
		}
		// Through CreatePaymentSession: accepted, then refused for want of the
		// client secret stripe-mock's fixture does not have.
		_, err := p.CreatePaymentSession(ctx, testOrder("ord_mock"))
		if err == nil || !strings.Contains(err.Error(), "client secret (embedded)") {
			t.Errorf("CreatePaymentSession against stripe-mock = %v", err)
		}
	})
	t.Run("priced checkout sessions", func(t *testing.T) {
		// Discounts, shipping, Buycard's tax and Stripe Tax, buyers and
		// addresses, the merchant's texts: every parameter they add.
		for _, o := range pricedOrders() {
			for _, opts := range []buycard.PaymentSessionOptions{{Lang: "de"}, hostedOptions} {
				mockSession(t, p, o, opts)
			}
		}
	})
	t.Run("checkout session with texts at their limits", func(t *testing.T) {
		long := *pricedSettings["mer_rates"]
		long.MerchantID, long.BusinessName = "mer_long", strings.Repeat("N", buycard.BusinessNameText.MaxLength)
		long.RefundPolicy = strings.Repeat("Returns within 30 days.\n", buycard.RefundPolicyText.MaxLength/24)
		p := newTestProvider(t, url, func(c *Config) {
			c.MaxRetries = -1
			c.MerchantSettings = func(context.Context, string) (*buycard.MerchantSettings, error) { return &long, nil }
		})
		o := pricedOrder("ord_mock_long", "mer_long", "USD", 1999, 3, buycard.OrderPrice{Discount: 1499, Shipping: 450, Tax: 399,
			DiscountCode:     strings.Repeat("C", buycard.MaxDiscountCodeLength),
			ShippingRateName: strings.Repeat("S", buycard.ShippingRateNameText.MaxLength)}, buyerAda, toNY)
		o.ProductTitle, o.VariantName = strings.Repeat("T", buycard.ProductTitleText.MaxLength), strings.Repeat("V", buycard.VariantNameText.MaxLength)
		mockSession(t, p, o, buycard.PaymentSessionOptions{})
	})
	t.Run("hosted checkout session", func(t *testing.T) {
		s, err := p.CreatePaymentSessionWith(ctx, testOrder("ord_mock_hosted"), hostedOptions)
		if err != nil || s.ID == "" || s.URL == "" {
			t.Errorf("CreatePaymentSessionWith(hosted) against stripe-mock = %+v, %v", s, err)
		}
	})
	t.Run("every checkout locale", func(t *testing.T) {
		for _, l := range checkoutLocales {
			if CheckoutLocale(l) != l {
				t.Fatalf("CheckoutLocale(%q) = %q", l, CheckoutLocale(l))
			}
			mockSession(t, p, testOrder("ord_mock_"+l), buycard.PaymentSessionOptions{Lang: l})
		}
	})
	t.Run("a locale Stripe does not know is refused", func(t *testing.T) {
		params := &stripe.CheckoutSessionParams{UIMode: stripe.String("embedded"), Mode: stripe.String("payment"), Locale: stripe.String("xx")}
		params.Context = ctx
		_, err := p.api.sessions.New(params)
		wantCode(t, p.failure("probe", err, false, nil), buycard.EINVALID)
	})
	t.Run("stripe-mock validates requests", func(t *testing.T) {
		params := &stripe.CheckoutSessionParams{UIMode: stripe.String("sideways"), Mode: stripe.String("payment")}
		params.Context = ctx
		_, err := p.api.sessions.New(params)
		wantCode(t, p.failure("probe", err, false, nil), buycard.EINVALID)
	})
	t.Run("retrieve checkout session", func(t *testing.T) {
		// stripe-mock's fixture session is open and unpaid: no event.
		if _, ok, err := p.SessionPayment(ctx, "cs_test_123"); err != nil || ok {
			t.Fatalf("SessionPayment = %v, %v", ok, err)
		}
	})
	t.Run("expire checkout session", func(t *testing.T) {
		// stripe-mock answers with its fixture session, open as ever:
		// what ExpireSession makes of the answer is stripetest's to test.
		if _, err := p.expire(ctx, "cs_test_123"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("list checkout sessions", func(t *testing.T) {
		if _, err := p.SessionEventsSince(ctx, time.Now().Add(-24*time.Hour)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("refund by payment intent", func(t *testing.T) {
		r, err := p.Refund(ctx, "pi_123", 500, "buycard-refund-ord_mock-1")
		if err != nil || r.ID == "" {
			t.Fatal(r, err)
		}
	})
	t.Run("refund by charge", func(t *testing.T) {
		if _, err := p.Refund(ctx, "ch_123", 500, "buycard-refund-ord_mock-2"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("list refunds of a charge", func(t *testing.T) {
		refunds, err := p.ChargeRefunds(ctx, "ch_123")
		if err != nil || len(refunds) == 0 {
			t.Fatal(refunds, err)
		}
	})
	share := ledger.ShareTransfer{ID: "ord_mock/1", OrderID: "ord_mock", PublisherID: "pub_mock", Kind: ledger.TransferOut,
		Amount: buycard.Money{Amount: 250, Currency: "USD"}, Account: "acct_123"}
	t.Run("find share transfer by group", func(t *testing.T) {
		if _, err := p.findTransfer(ctx, share.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("charge of a payment intent", func(t *testing.T) {
		// stripe-mock accepts the request; its fixture payment intent has
		// no latest_charge, which paymentCharge refuses.
		if ch, err := p.paymentCharge(ctx, "pi_123"); err != nil && !strings.Contains(buycard.ErrorMessage(err), "has no charge") {
			t.Fatal(ch, err)
		}
	})
	t.Run("share transfer", func(t *testing.T) {
		// stripe-mock lists a transfer for any group, so create directly.
		if id, _, err := p.transferShare(ctx, share, "ch_123"); err != nil || id == "" {
			t.Fatal(id, err)
		}
	})
	t.Run("share reversal", func(t *testing.T) {
		back := share
		back.ID, back.Kind, back.TransferID = "ord_mock/2", ledger.TransferBack, "tr_123"
		if _, err := p.findReversal(ctx, back); err != nil {
			t.Fatal(err)
		}
		if id, _, err := p.reverseShare(ctx, back); err != nil || id == "" {
			t.Fatal(id, err)
		}
	})
	t.Run("money of a day", func(t *testing.T) {
		// Balance transactions (sources expanded), application fees
		// (charges expanded) and refunds, by creation time.
		day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
		if _, err := p.MoneyBetween(ctx, day, day.AddDate(0, 0, 1)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("express account", func(t *testing.T) {
		a, err := p.CreateExpressAccount(ctx, "owner@example.com", "us", "buycard-account-mer_1")
		if err != nil || a.ID == "" {
			t.Fatal(a, err)
		}
	})
	t.Run("account link", func(t *testing.T) {
		l, err := p.AccountLink(ctx, "acct_123", "https://buycard.example/connect/refresh", "https://buycard.example/connect/return")
		if err != nil || l.URL == "" {
			t.Fatal(l, err)
		}
	})
	t.Run("retrieve account", func(t *testing.T) {
		a, err := p.RetrieveAccount(ctx, "acct_123")
		if err != nil || a.ID == "" {
			t.Fatal(a, err)
		}
	})
}

// hostedOptions are a popup checkout's session options.
var hostedOptions = buycard.PaymentSessionOptions{Hosted: true, Origin: "https://news.example", Lang: "en-US"}

// mockSession sends the session request for o and opts to stripe-mock,
// which validates it against Stripe's OpenAPI spec.
func mockSession(t *testing.T, p *Provider, o *buycard.Order, opts buycard.PaymentSessionOptions) {
	t.Helper()
	ctx := context.Background()
	params, err := p.sessionParams(ctx, o, opts)
	if err != nil {
		t.Fatal(err)
	}
	var s *stripe.CheckoutSession
	err = p.call(ctx, "create checkout session", func(ctx context.Context) (err error) {
		params.Context = ctx
		s, err = p.api.sessions.New(params)
		return err
	})
	if err != nil {
		t.Fatalf("%s (hosted %v): %v", o.ID, opts.Hosted, err)
	}
	if s.ID == "" {
		t.Errorf("%s (hosted %v): session has no id", o.ID, opts.Hosted)
	}
}
