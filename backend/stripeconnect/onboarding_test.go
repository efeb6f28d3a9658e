package stripeconnect

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/demo"
	"github.com/buycard/buycard/backend/sqlite"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

const (
	accountsPath     = "/v1/accounts"
	accountLinksPath = "/v1/account_links"
	northwind        = "mer_northwind" // the demo merchant of wgt_notebook
)

// onboardingTest is an Onboarding against a stripetest fake and a SQLite
// store seeded with the demo, with a clock that moves a millisecond each
// time it is read.
type onboardingTest struct {
	*Onboarding
	fake *stripetest.Server
	db   *sqlite.DB
}

func newOnboardingTest(t *testing.T, mod ...func(*Config)) *onboardingTest {
	t.Helper()
	fake := stripetest.NewServer()
	t.Cleanup(fake.Close)
	db := seededStore(t)
	tokens, err := buycard.NewTokenSigner("k1", map[string][]byte{"k1": []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	var ticks atomic.Int64
	clock := func(c *Config) {
		c.Now = func() time.Time { return testNow.Add(time.Duration(ticks.Add(1)) * time.Millisecond) }
	}
	p := newTestProvider(t, fake.URL, append([]func(*Config){clock}, mod...)...)
	return &onboardingTest{Onboarding: &Onboarding{Provider: p, Accounts: db, Tokens: tokens}, fake: fake, db: db}
}

// seededStore is a migrated SQLite store holding the demo.
func seededStore(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "onboarding.db"))
	if err == nil {
		t.Cleanup(func() { db.Close() })
		err = db.Migrate(t.Context())
	}
	if err == nil {
		err = demo.Seed(t.Context(), db)
	}
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func (ot *onboardingTest) start(t *testing.T, partyKind, partyID string) *buycard.OnboardingLink {
	t.Helper()
	l, err := ot.Start(t.Context(), partyKind, partyID, "us", "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// availability is what the demo notebook card shows.
func (ot *onboardingTest) availability(t *testing.T) buycard.Availability {
	t.Helper()
	card, err := ot.db.FindCard(t.Context(), "wgt_notebook")
	if err != nil {
		t.Fatal(err)
	}
	return card.Availability()
}

// resumeToken is the token of a link's refresh URL.
func resumeToken(t *testing.T, l *buycard.OnboardingLink) string {
	t.Helper()
	u, err := url.Parse(l.ResumeURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("t")
}

// TestOnboardingStart creates and links one Express account for a
// merchant, whose cards stop being buyable until Stripe lets it take
// charges, and reuses it on a second start and from another node.
func TestOnboardingStart(t *testing.T) {
	ot := newOnboardingTest(t)
	l := ot.start(t, buycard.PartyMerchant, northwind)

	accounts := ot.fake.Created(accountsPath)
	if len(accounts) != 1 || accounts[0].Get("type") != "express" || accounts[0].Get("country") != "US" ||
		accounts[0].Get("email") != "owner@example.com" || accounts[0].Get("capabilities[card_payments][requested]") != "true" {
		t.Fatalf("accounts created: %v", accounts)
	}
	links := ot.fake.Created(accountLinksPath)
	refresh, ret := links[0].Get("refresh_url"), links[0].Get("return_url")
	if len(links) != 1 || links[0].Get("account") != l.AccountID || links[0].Get("type") != "account_onboarding" ||
		refresh != l.ResumeURL || !strings.HasPrefix(refresh, "https://buycard.example/connect/refresh?t=bc1.a.") ||
		ret != strings.Replace(refresh, "/connect/refresh", "/connect/return", 1) {
		t.Fatalf("links: %v; link %+v", links, l)
	}
	if ttl := l.ResumeExpiresAt.Sub(testNow); !strings.Contains(l.URL, l.AccountID) || l.ExpiresAt.IsZero() ||
		ttl < DefaultOnboardingTTL || ttl > DefaultOnboardingTTL+time.Second {
		t.Errorf("link = %+v", l)
	}
	a, err := ot.db.FindPaymentAccount(t.Context(), buycard.PartyMerchant, northwind)
	if err != nil || a.ID != l.AccountID || a.ChargesEnabled || a.PayoutsEnabled {
		t.Fatalf("linked account = %+v, %v", a, err)
	}
	if got := ot.availability(t); got != buycard.Unavailable {
		t.Errorf("card of a merchant whose account cannot take charges = %s, want unavailable", got)
	}

	again := ot.start(t, buycard.PartyMerchant, northwind)
	other := &Onboarding{Provider: newTestProvider(t, ot.fake.URL), Accounts: ot.db, Tokens: ot.Tokens}
	third, err := other.Start(t.Context(), buycard.PartyMerchant, northwind, "us", "")
	if err != nil || again.AccountID != l.AccountID || third.AccountID != l.AccountID {
		t.Fatalf("starts again = %s, %s (%v); want %s", again.AccountID, third.AccountID, err, l.AccountID)
	}
	if n, m := len(ot.fake.Created(accountsPath)), len(ot.fake.Created(accountLinksPath)); n != 1 || m != 3 {
		t.Errorf("%d accounts and %d links created, want 1 and 3", n, m)
	}
}

// TestOnboardingStartRetried: a create whose response was lost is retried
// with the same key.
func TestOnboardingStartRetried(t *testing.T) {
	ot := newOnboardingTest(t)
	ot.fake.Inject(stripetest.FaultLostResponse)
	l := ot.start(t, buycard.PartyPublisher, demo.PublisherID)
	if n := len(ot.fake.Created(accountsPath)); n != 1 || l.AccountID != "acct_fake000001" {
		t.Fatalf("%d accounts created, link to %s; want the one made before the connection dropped", n, l.AccountID)
	}
}

// TestOnboardingConcurrent: starts racing for one merchant make one
// account at Stripe and all link to it.
func TestOnboardingConcurrent(t *testing.T) {
	ot := newOnboardingTest(t, func(c *Config) { c.MaxRetries = 8; c.RetryBackoff = 20 * time.Millisecond })
	ot.fake.Delay = 50 * time.Millisecond
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		ids = map[string]int{}
	)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := ot.Start(context.Background(), buycard.PartyMerchant, northwind, "us", "")
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			ids[l.AccountID]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if n := len(ot.fake.Created(accountsPath)); len(ids) != 1 || n != 1 {
		t.Errorf("account ids = %v, %d created; want one", ids, n)
	}
}

// TestOnboardingRefresh mints a new link from the refresh URL of the
// first, with the same token.
func TestOnboardingRefresh(t *testing.T) {
	ot := newOnboardingTest(t)
	first := ot.start(t, buycard.PartyMerchant, northwind)
	fresh, err := ot.Refresh(t.Context(), resumeToken(t, first))
	if err != nil {
		t.Fatal(err)
	}
	if fresh.URL == first.URL || fresh.AccountID != first.AccountID || fresh.ResumeURL != first.ResumeURL ||
		!fresh.ResumeExpiresAt.Equal(first.ResumeExpiresAt) {
		t.Errorf("refreshed link = %+v, first %+v", fresh, first)
	}
	if links := ot.fake.Created(accountLinksPath); len(links) != 2 || links[1].Get("account") != first.AccountID {
		t.Errorf("links created: %v", links)
	}
	if n := len(ot.fake.Created(accountsPath)); n != 1 {
		t.Errorf("%d accounts created, want 1", n)
	}
}

// TestOnboardingReturn records what Stripe says of the account when the
// merchant comes back: not yet, then charges and payouts enabled, and the
// card becomes buyable.
func TestOnboardingReturn(t *testing.T) {
	ot := newOnboardingTest(t)
	l := ot.start(t, buycard.PartyMerchant, northwind)
	token := resumeToken(t, l)
	a, err := ot.Return(t.Context(), token)
	if err != nil || a.ChargesEnabled || a.PayoutsEnabled || a.ID != l.AccountID || a.PartyID != northwind {
		t.Fatalf("return before onboarding = %+v, %v", a, err)
	}
	ot.fake.UpdateAccount(l.AccountID, true, true)
	a, err = ot.Return(t.Context(), token)
	if err != nil || !a.ChargesEnabled || !a.PayoutsEnabled {
		t.Fatalf("return after onboarding = %+v, %v", a, err)
	}
	if got, _ := ot.FindPaymentAccount(t.Context(), buycard.PartyMerchant, northwind); !got.ChargesEnabled || !got.PayoutsEnabled {
		t.Errorf("stored account = %+v", got)
	}
	if got := ot.availability(t); got != buycard.Buyable {
		t.Errorf("card = %s, want buyable", got)
	}
}

// TestOnboardingBadToken: refresh and return refuse a token that is not a
// valid onboarding token, before asking Stripe or writing anything.
func TestOnboardingBadToken(t *testing.T) {
	ot := newOnboardingTest(t)
	l := ot.start(t, buycard.PartyMerchant, northwind)
	good := resumeToken(t, l)
	ot.fake.UpdateAccount(l.AccountID, true, true)
	expired := ot.Tokens.SignOnboarding(buycard.OnboardingClaims{
		PartyKind: buycard.PartyMerchant, PartyID: northwind, AccountID: l.AccountID, ExpiresAt: testNow,
	})
	tokens := map[string]string{
		"empty":    "",
		"garbage":  "not-a-token",
		"tampered": good[:len(good)-3] + "AAA",
		"order":    ot.Tokens.SignOrder(buycard.OrderClaims{OrderID: "ord_x", ExpiresAt: testNow.Add(time.Hour)}),
		"expired":  expired,
	}
	requests := ot.fake.Requests()
	for name, token := range tokens {
		_, err := ot.Refresh(t.Context(), token)
		wantCode(t, err, buycard.EUNAUTHORIZED)
		_, err = ot.Return(t.Context(), token)
		wantCode(t, err, buycard.EUNAUTHORIZED)
		if n := ot.fake.Requests(); n != requests {
			t.Errorf("%s: %d Stripe requests, want none", name, n-requests)
		}
	}
	if a, _ := ot.FindPaymentAccount(t.Context(), buycard.PartyMerchant, northwind); a.ChargesEnabled {
		t.Errorf("account = %+v, want unchanged", a)
	}
}

// TestOnboardingStartInvalid refuses bad input before any Stripe call.
func TestOnboardingStartInvalid(t *testing.T) {
	ot := newOnboardingTest(t)
	tests := []struct {
		name, kind, id, country, email, wantMessage string
	}{
		{"not a party", "shopper", "x", "us", "", "Only merchants and publishers have payment accounts."},
		{"bad id", buycard.PartyMerchant, "mer x", "us", "", "The merchant id is not valid."},
		{"bad email", buycard.PartyMerchant, northwind, "us", "owner.example.com", "The email address is not valid."},
		{"no country", buycard.PartyMerchant, northwind, "", "", "Choose a country."},
		{"long country", buycard.PartyPublisher, demo.PublisherID, "USA", "", "Choose a country."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ot.Start(t.Context(), tt.kind, tt.id, tt.country, tt.email)
			wantCode(t, err, buycard.EINVALID)
			if msg := buycard.ErrorMessage(err); msg != tt.wantMessage {
				t.Errorf("message = %q, want %q", msg, tt.wantMessage)
			}
		})
	}
	// A well-formed id of no merchant: no account is opened at Stripe
	// that nothing could link.
	_, err := ot.Start(t.Context(), buycard.PartyMerchant, "mer_nobody", "us", "")
	wantCode(t, err, buycard.ENOTFOUND)
	if n := ot.fake.Requests(); n != 0 {
		t.Errorf("%d Stripe requests, want none", n)
	}
}
