package buycard_test

import (
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

var (
	keyA = []byte("0123456789abcdef0123456789abcdef")
	keyB = []byte("fedcba9876543210fedcba9876543210")
	now  = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
)

func newSigner(t *testing.T, current string, keys map[string][]byte) *buycard.TokenSigner {
	t.Helper()
	s, err := buycard.NewTokenSigner(current, keys)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func claims() buycard.PlacementClaims {
	return buycard.PlacementClaims{
		WidgetID: "wgt_a", ProductID: "prd_a", PublisherID: "pub_a", PlacementID: "plc_a",
		PriceVersion: 3, ExpiresAt: now.Add(time.Hour),
	}
}

func TestPlacementTokenRoundTrip(t *testing.T) {
	s := newSigner(t, "a", map[string][]byte{"a": keyA})
	got, err := s.VerifyPlacement(s.SignPlacement(claims()), now)
	if err != nil {
		t.Fatal(err)
	}
	if got != claims() {
		t.Errorf("claims = %+v, want %+v", got, claims())
	}
}

func TestPlacementTokenRejected(t *testing.T) {
	s := newSigner(t, "a", map[string][]byte{"a": keyA})
	good := s.SignPlacement(claims())
	other := newSigner(t, "a", map[string][]byte{"a": keyB}).SignPlacement(claims())
	expired := claims()
	expired.ExpiresAt = now
	parts := strings.Split(good, ".")
	tampered := claims()
	tampered.PriceVersion = 1
	forged := strings.Join(append(parts[:3:3], b64(t, tampered), parts[4]), ".")

	tests := []struct {
		name, token, wantMessage string
	}{
		{"empty", "", "The checkout token is not valid."},
		{"garbage", "not-a-token", "The checkout token is not valid."},
		{"other key", other, "The checkout token is not valid."},
		{"tampered payload", forged, "The checkout token is not valid."},
		{"flipped signature", good[:len(good)-2] + flip(good[len(good)-2:]), "The checkout token is not valid."},
		{"order token as placement", s.SignOrder(buycard.OrderClaims{OrderID: "ord_a", ExpiresAt: now.Add(time.Hour)}), "The checkout token is not valid."},
		{"unknown key id", strings.Replace(good, ".a.", ".z.", 1), "The checkout token is not valid."},
		{"expired", s.SignPlacement(expired), "This checkout link has expired. Reload the page and try again."},
		{"huge", strings.Repeat("a", 5000), "The checkout token is not valid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.VerifyPlacement(tt.token, now)
			if code := buycard.ErrorCode(err); code != buycard.EUNAUTHORIZED {
				t.Fatalf("code = %q, want unauthorized (err %v)", code, err)
			}
			if msg := buycard.ErrorMessage(err); msg != tt.wantMessage {
				t.Errorf("message = %q, want %q", msg, tt.wantMessage)
			}
		})
	}
}

func TestTokenKeyRotation(t *testing.T) {
	old := newSigner(t, "a", map[string][]byte{"a": keyA})
	rotated := newSigner(t, "b", map[string][]byte{"a": keyA, "b": keyB})
	if _, err := rotated.VerifyPlacement(old.SignPlacement(claims()), now); err != nil {
		t.Errorf("token from the previous key rejected after rotation: %v", err)
	}
	if _, err := old.VerifyPlacement(rotated.SignPlacement(claims()), now); err == nil {
		t.Error("token signed with a key the verifier does not hold was accepted")
	}
}

func TestOrderToken(t *testing.T) {
	s := newSigner(t, "a", map[string][]byte{"a": keyA})
	tok := s.SignOrder(buycard.OrderClaims{OrderID: "ord_a", ExpiresAt: now.Add(time.Minute)})
	if c, err := s.VerifyOrder(tok, now); err != nil || c.OrderID != "ord_a" {
		t.Fatalf("VerifyOrder = %+v, %v", c, err)
	}
	if _, err := s.VerifyOrder(tok, now.Add(time.Minute)); buycard.ErrorCode(err) != buycard.EUNAUTHORIZED {
		t.Errorf("expired order token: err = %v", err)
	}
	if _, err := s.VerifyOrder(s.SignPlacement(claims()), now); buycard.ErrorCode(err) != buycard.EUNAUTHORIZED {
		t.Errorf("placement token accepted as order token: err = %v", err)
	}
}

func TestNewTokenSignerRejectsWeakKeys(t *testing.T) {
	for name, keys := range map[string]map[string][]byte{
		"short key":       {"a": []byte("short")},
		"dot in key id":   {"a.b": keyA},
		"missing current": {"b": keyA},
	} {
		current := "a"
		if name == "dot in key id" {
			current = "a.b"
		}
		if _, err := buycard.NewTokenSigner(current, keys); buycard.ErrorCode(err) != buycard.EINVALID {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
}

func FuzzVerifyPlacement(f *testing.F) {
	s, _ := buycard.NewTokenSigner("a", map[string][]byte{"a": keyA})
	f.Add(s.SignPlacement(claims()))
	f.Add("bc1.p.a.e30.")
	f.Add("")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := s.VerifyPlacement(token, now)
		if err == nil && (c.WidgetID == "" || !now.Before(c.ExpiresAt)) {
			t.Fatalf("accepted invalid claims %+v", c)
		}
		if err != nil && buycard.ErrorCode(err) != buycard.EUNAUTHORIZED {
			t.Fatalf("code = %q", buycard.ErrorCode(err))
		}
	})
}

func onboardingClaims() buycard.OnboardingClaims {
	return buycard.OnboardingClaims{PartyKind: buycard.PartyMerchant, PartyID: "mer_a", AccountID: "acct_a", ExpiresAt: now.Add(time.Hour)}
}

func TestOnboardingToken(t *testing.T) {
	s := newSigner(t, "a", map[string][]byte{"a": keyA})
	got, err := s.VerifyOnboarding(s.SignOnboarding(onboardingClaims()), now)
	if err != nil || got != onboardingClaims() {
		t.Fatalf("VerifyOnboarding = %+v, %v; want %+v", got, err, onboardingClaims())
	}
	good := s.SignOnboarding(onboardingClaims())
	parts := strings.Split(good, ".")
	forged := onboardingClaims()
	forged.AccountID = "acct_thief"
	noAccount, shopper := onboardingClaims(), onboardingClaims()
	noAccount.AccountID, shopper.PartyKind = "", "shopper"
	const invalid, expired = "This onboarding link is not valid.", "This onboarding link has expired. Ask the platform for a new one."
	tests := []struct {
		name, token, wantMessage string
	}{
		{"empty", "", invalid},
		{"tampered payload", strings.Join(append(parts[:3:3], b64(t, forged), parts[4]), "."), invalid},
		{"other key", newSigner(t, "a", map[string][]byte{"a": keyB}).SignOnboarding(onboardingClaims()), invalid},
		{"order token", s.SignOrder(buycard.OrderClaims{OrderID: "ord_a", ExpiresAt: now.Add(time.Hour)}), invalid},
		{"placement token", s.SignPlacement(claims()), invalid},
		{"no account", s.SignOnboarding(noAccount), invalid},
		{"not a party", s.SignOnboarding(shopper), invalid},
		{"expired", s.SignOnboarding(buycard.OnboardingClaims{PartyKind: "merchant", PartyID: "mer_a", AccountID: "acct_a", ExpiresAt: now}), expired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.VerifyOnboarding(tt.token, now)
			if code, msg := buycard.ErrorCode(err), buycard.ErrorMessage(err); code != buycard.EUNAUTHORIZED || msg != tt.wantMessage {
				t.Errorf("err = %s %q, want unauthorized %q", code, msg, tt.wantMessage)
			}
		})
	}
	if _, err := s.VerifyOrder(good, now); buycard.ErrorCode(err) != buycard.EUNAUTHORIZED {
		t.Errorf("onboarding token accepted as order token: err = %v", err)
	}
}

// TestOrderPageAndDownloadTokens checks the two tokens of the shopper's
// order page: each round-trips, and neither is taken for the other, for
// the checkout's order token, or after a change of its claims or expiry.
func TestOrderPageAndDownloadTokens(t *testing.T) {
	s := newSigner(t, "a", map[string][]byte{"a": keyA})
	page := buycard.OrderPageClaims{OrderID: "ord_a", ExpiresAt: now.Add(time.Hour)}
	dl := buycard.DownloadClaims{OrderID: "ord_a", FileID: "dlf_a", ExpiresAt: now.Add(time.Hour)}
	if got, err := s.VerifyOrderPage(s.SignOrderPage(page), now); err != nil || got != page {
		t.Fatalf("VerifyOrderPage = %+v, %v", got, err)
	}
	if got, err := s.VerifyDownload(s.SignDownload(dl), now); err != nil || got != dl {
		t.Fatalf("VerifyDownload = %+v, %v", got, err)
	}
	parts := strings.Split(s.SignDownload(dl), ".")
	otherFile := dl
	otherFile.FileID = "dlf_b"
	noFile := dl
	noFile.FileID = ""
	const badPage, badDownload = "This order link is not valid.", "This download link is not valid."
	tests := []struct {
		name, token, wantMessage string
		verify                   func(string, time.Time) error
	}{
		{"page: download token", s.SignDownload(dl), badPage, verifyPage(s)},
		{"page: order token", s.SignOrder(buycard.OrderClaims{OrderID: "ord_a", ExpiresAt: now.Add(time.Hour)}), badPage, verifyPage(s)},
		{"page: other key", newSigner(t, "a", map[string][]byte{"a": keyB}).SignOrderPage(page), badPage, verifyPage(s)},
		{"page: expired", s.SignOrderPage(buycard.OrderPageClaims{OrderID: "ord_a", ExpiresAt: now}),
			"This order link has expired. Write to the seller for a new one.", verifyPage(s)},
		{"download: page token", s.SignOrderPage(page), badDownload, verifyDownload(s)},
		{"download: another file", strings.Join(append(parts[:3:3], b64(t, otherFile), parts[4]), "."), badDownload, verifyDownload(s)},
		{"download: no file", s.SignDownload(noFile), badDownload, verifyDownload(s)},
		{"download: expired", s.SignDownload(buycard.DownloadClaims{OrderID: "ord_a", FileID: "dlf_a", ExpiresAt: now}),
			"This download link has expired. Open your order page for a new one.", verifyDownload(s)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.verify(tt.token, now)
			if code, msg := buycard.ErrorCode(err), buycard.ErrorMessage(err); code != buycard.EUNAUTHORIZED || msg != tt.wantMessage {
				t.Errorf("err = %s %q, want unauthorized %q", code, msg, tt.wantMessage)
			}
		})
	}
}

func verifyPage(s *buycard.TokenSigner) func(string, time.Time) error {
	return func(tok string, now time.Time) error { _, err := s.VerifyOrderPage(tok, now); return err }
}

func verifyDownload(s *buycard.TokenSigner) func(string, time.Time) error {
	return func(tok string, now time.Time) error { _, err := s.VerifyDownload(tok, now); return err }
}
