package storetest

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// newSignUp starts a sign-up of role for a fresh address, unexpired
// until an hour after now, and issues its link, whose digest it returns.
func newSignUp(t *testing.T, s Store, role string, now time.Time) (*buycard.SignUp, string) {
	t.Helper()
	su := &buycard.SignUp{Email: " " + strings.ToUpper(buycard.NewID("su")) + "@Example.com", Role: role,
		PartyName: "Shop", PasswordHash: "$argon2id$signup", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	must(t, s.StartSignUp(t.Context(), su))
	if !strings.HasPrefix(su.ID, "sgn_") || su.Email != strings.ToLower(strings.TrimSpace(su.Email)) {
		t.Fatalf("sign-up = %+v", su)
	}
	digest := buycard.NewID("d")
	issued, err := s.IssueSignUp(t.Context(), su.ID, digest, now, now.Add(time.Hour))
	must(t, err)
	if issued.Email != su.Email || issued.Role != role || issued.PartyName != "Shop" {
		t.Fatalf("issued sign-up = %+v, want %+v", issued, su)
	}
	return su, digest
}

// testSignUps spends a sign-up's link once, even when used concurrently,
// creating its user and party; a later sign-up of the address records
// none; bad sign-ups are refused before anything is stored.
func testSignUps(t *testing.T, s Store) {
	ctx, now := t.Context(), time.Now().UTC()
	su, digest := newSignUp(t, s, buycard.RolePublisher, now)
	users, errs := make([]*buycard.User, 8), make([]error, 8)
	var wg sync.WaitGroup
	for i := range users {
		wg.Go(func() { users[i], errs[i] = s.VerifySignUp(ctx, digest, now) })
	}
	wg.Wait()
	var u *buycard.User
	for i, err := range errs {
		if err == nil {
			if u != nil {
				t.Fatal("a sign-up's link was spent twice")
			}
			u = users[i]
			continue
		}
		wantError(t, err, buycard.EUNAUTHORIZED, buycard.ErrBadSignUp.Message)
	}
	if u == nil {
		t.Fatal("no use of the link created the user")
	}
	found, err := s.FindUserByEmail(ctx, su.Email)
	must(t, err)
	wantEqual(t, "user", found, u)
	if u.Role != buycard.RolePublisher || u.PasswordHash != "$argon2id$signup" || !strings.HasPrefix(u.PartyID, "pub_") {
		t.Errorf("user = %+v", u)
	}
	must(t, s.CheckParty(ctx, buycard.PartyPublisher, u.PartyID))

	again := &buycard.SignUp{Email: su.Email, Role: buycard.RoleMerchant, PartyName: "Squat", PasswordHash: "$argon2id$x", ExpiresAt: now.Add(time.Hour)}
	must(t, s.StartSignUp(ctx, again))
	if again.ID != "" {
		t.Errorf("a sign-up of an address with an account recorded sign-up %q", again.ID)
	}
	for _, tt := range []struct {
		name, message string
		su            buycard.SignUp
	}{
		{"admin", "role must be merchant or publisher.", buycard.SignUp{Email: "a@b.example", Role: buycard.RoleAdmin}},
		{"bad email", "Enter a valid email address.", buycard.SignUp{Email: "nope", Role: buycard.RoleMerchant, PartyName: "X"}},
		{"no name", "Merchant name is required.", buycard.SignUp{Email: "a@b.example", Role: buycard.RoleMerchant, PartyName: " "}},
	} {
		wantError(t, s.StartSignUp(ctx, &tt.su), buycard.EINVALID, tt.message)
		if tt.su.ID != "" {
			t.Errorf("%s: refused sign-up got id %q", tt.name, tt.su.ID)
		}
	}
}

// testSignUpLinks: a link expires, a new link voids the one before, and
// of two sign-ups of one address the first followed creates the account
// and the other's link then creates nothing.
func testSignUpLinks(t *testing.T, s Store) {
	ctx, now := t.Context(), time.Now().UTC()
	su, digest := newSignUp(t, s, buycard.RoleMerchant, now)
	_, err := s.VerifySignUp(ctx, digest, now.Add(time.Hour))
	wantError(t, err, buycard.EUNAUTHORIZED, buycard.ErrBadSignUp.Message)
	_, err = s.IssueSignUp(ctx, su.ID, buycard.NewID("d"), now.Add(time.Hour), now.Add(2*time.Hour))
	wantCode(t, "issue an expired sign-up", err, buycard.ENOTFOUND)

	newer := buycard.NewID("d")
	_, err = s.IssueSignUp(ctx, su.ID, newer, now, now.Add(time.Hour))
	must(t, err)
	_, err = s.VerifySignUp(ctx, digest, now)
	wantCode(t, "a voided link", err, buycard.EUNAUTHORIZED)

	second := &buycard.SignUp{Email: su.Email, Role: buycard.RolePublisher, PartyName: "Second", PasswordHash: "$argon2id$2", ExpiresAt: now.Add(time.Hour)}
	must(t, s.StartSignUp(ctx, second))
	secondDigest := buycard.NewID("d")
	_, err = s.IssueSignUp(ctx, second.ID, secondDigest, now, now.Add(time.Hour))
	must(t, err)
	u, err := s.VerifySignUp(ctx, newer, now)
	must(t, err)
	_, err = s.VerifySignUp(ctx, secondDigest, now)
	wantError(t, err, buycard.EUNAUTHORIZED, buycard.ErrBadSignUp.Message)
	found, err := s.FindUserByEmail(ctx, su.Email)
	must(t, err)
	if found.ID != u.ID || found.Role != buycard.RoleMerchant {
		t.Errorf("the account is %+v, want the first one followed, %+v", found, u)
	}
	_, err = s.IssueSignUp(ctx, su.ID, buycard.NewID("d"), now, now.Add(time.Hour))
	wantCode(t, "issue a spent sign-up", err, buycard.ENOTFOUND)
}

// testExpiredSignUpsDeleted: the cleanup deletes sign-ups that expired,
// and only those. Its times are long past, so that it deletes nothing of
// the other tests, which may share the database.
func testExpiredSignUpsDeleted(t *testing.T, s Store) {
	ctx := t.Context()
	past := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	gone, _ := newSignUp(t, s, buycard.RoleMerchant, past)
	kept, _ := newSignUp(t, s, buycard.RoleMerchant, past.Add(24*time.Hour))
	n, err := s.DeleteExpiredAuth(ctx, past.Add(2*time.Hour))
	must(t, err)
	if n < 1 {
		t.Errorf("deleted %d rows, want the expired sign-up at least", n)
	}
	_, err = s.IssueSignUp(ctx, gone.ID, buycard.NewID("d"), past, past.Add(time.Hour))
	wantCode(t, "issue a deleted sign-up", err, buycard.ENOTFOUND)
	_, err = s.IssueSignUp(ctx, kept.ID, buycard.NewID("d"), past.Add(24*time.Hour), past.Add(25*time.Hour))
	must(t, err)
}
