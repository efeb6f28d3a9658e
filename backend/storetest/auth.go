package storetest

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// newUser creates a user of role with a fresh email, and its party.
func newUser(t *testing.T, s Store, role string) *buycard.User {
	t.Helper()
	u := &buycard.User{Email: "  " + strings.ToUpper(buycard.NewID("u")) + "@Example.com ", Role: role, PasswordHash: "$argon2id$x"}
	must(t, s.CreateUser(t.Context(), u, "Shop of "+u.Email))
	return u
}

// testUsers signs up users of each role: emails are normalized and
// unique, and a merchant's or publisher's party exists with the user.
func testUsers(t *testing.T, s Store) {
	ctx := t.Context()
	m := newUser(t, s, buycard.RoleMerchant)
	if m.Email != strings.ToLower(strings.TrimSpace(m.Email)) || !strings.HasPrefix(m.PartyID, "mer_") || !strings.HasPrefix(m.ID, "usr_") {
		t.Fatalf("user = %+v", m)
	}
	must(t, s.CheckParty(ctx, buycard.PartyMerchant, m.PartyID))
	p := newUser(t, s, buycard.RolePublisher)
	must(t, s.CheckParty(ctx, buycard.PartyPublisher, p.PartyID))
	admin := newUser(t, s, buycard.RoleAdmin)
	if admin.PartyID != "" {
		t.Errorf("admin party = %q", admin.PartyID)
	}
	got, err := s.FindUserByEmail(ctx, m.Email)
	must(t, err)
	wantEqual(t, "found user", got, m)

	dup := &buycard.User{Email: strings.ToUpper(m.Email), Role: buycard.RolePublisher}
	wantError(t, s.CreateUser(ctx, dup, "Another"), buycard.ECONFLICT, "An account with this email exists already.")
	if err := s.CheckParty(ctx, buycard.PartyPublisher, dup.PartyID); buycard.ErrorCode(err) != buycard.ENOTFOUND {
		t.Errorf("a refused signup left its publisher %q behind: %v", dup.PartyID, err)
	}
	wantError(t, s.CreateUser(ctx, &buycard.User{Email: "nope", Role: buycard.RoleMerchant}, "X"), buycard.EINVALID, "Enter a valid email address.")
	wantError(t, s.CreateUser(ctx, &buycard.User{Email: "a@b.example", Role: buycard.RoleMerchant}, " "), buycard.EINVALID, "Merchant name is required.")
	_, err = s.FindUser(ctx, "usr_nope")
	wantError(t, err, buycard.ENOTFOUND, "No such user.")

	for _, tt := range []struct{ name, old, new, want string }{
		{"rehash", "$argon2id$x", "$argon2id$rehashed", "$argon2id$rehashed"},
		{"stale rehash", "$argon2id$x", "$argon2id$stale", "$argon2id$rehashed"},
	} {
		must(t, s.RehashPassword(ctx, m.ID, tt.old, tt.new))
		got, err = s.FindUser(ctx, m.ID)
		must(t, err)
		if got.PasswordHash != tt.want {
			t.Errorf("%s: password hash = %q, want %q", tt.name, got.PasswordHash, tt.want)
		}
	}
}

// testSessions finds a session until it expires, slides it, and ends it.
func testSessions(t *testing.T, s Store) {
	ctx := t.Context()
	u := newUser(t, s, buycard.RoleMerchant)
	t0 := time.Now().UTC().Truncate(time.Second)
	sess := &buycard.Session{ID: buycard.NewID("s"), UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	must(t, s.CreateSession(ctx, sess, u.PasswordHash))
	got, gotUser, err := s.FindSession(ctx, sess.ID, t0.Add(59*time.Minute))
	must(t, err)
	wantEqual(t, "session", got, sess)
	wantEqual(t, "session user", gotUser, u)

	_, _, err = s.FindSession(ctx, sess.ID, t0.Add(time.Hour))
	wantError(t, err, buycard.EUNAUTHORIZED, "Your session has ended. Sign in again.")
	must(t, s.TouchSession(ctx, sess.ID, t0.Add(2*time.Hour)))
	_, _, err = s.FindSession(ctx, sess.ID, t0.Add(time.Hour))
	must(t, err)

	must(t, s.DeleteSession(ctx, sess.ID))
	_, _, err = s.FindSession(ctx, sess.ID, t0)
	wantCode(t, "deleted session", err, buycard.EUNAUTHORIZED)
	must(t, s.DeleteSession(ctx, sess.ID))
	wantCode(t, "session of no user", s.CreateSession(ctx, &buycard.Session{ID: buycard.NewID("s"), UserID: "usr_nope", ExpiresAt: t0}, ""), buycard.ENOTFOUND)
	late := &buycard.Session{ID: buycard.NewID("s"), UserID: u.ID, ExpiresAt: t0.Add(time.Hour)}
	wantError(t, s.CreateSession(ctx, late, "$argon2id$before"), buycard.EUNAUTHORIZED, buycard.ErrPasswordChanged.Message)
	_, _, err = s.FindSession(ctx, late.ID, t0)
	wantCode(t, "session of a changed password", err, buycard.EUNAUTHORIZED)
}

// testAPIKeys finds a key by its hash until it is revoked, and lets a
// party list and revoke its own keys only.
func testAPIKeys(t *testing.T, s Store) {
	ctx := t.Context()
	m, p := newUser(t, s, buycard.RoleMerchant), newUser(t, s, buycard.RolePublisher)
	k := &buycard.APIKey{Hash: buycard.NewID("h"), Prefix: "bc_test_abc", Name: "shop sync", PartyKind: buycard.PartyMerchant, PartyID: m.PartyID}
	must(t, s.CreateAPIKey(ctx, k))
	got, err := s.FindAPIKey(ctx, k.Hash)
	must(t, err)
	wantEqual(t, "key", got, k)
	list, err := s.ListAPIKeys(ctx, buycard.PartyMerchant, m.PartyID)
	must(t, err)
	wantEqual(t, "keys", list, []*buycard.APIKey{k})
	list, err = s.ListAPIKeys(ctx, buycard.PartyPublisher, p.PartyID)
	must(t, err)
	wantEqual(t, "publisher's keys", list, []*buycard.APIKey{})

	err = s.RevokeAPIKey(ctx, buycard.PartyPublisher, p.PartyID, k.ID, time.Now())
	wantError(t, err, buycard.ENOTFOUND, "No such API key.")
	at := time.Now().UTC().Truncate(time.Second)
	must(t, s.RevokeAPIKey(ctx, buycard.PartyMerchant, m.PartyID, k.ID, at))
	must(t, s.RevokeAPIKey(ctx, buycard.PartyMerchant, m.PartyID, k.ID, at.Add(time.Hour)))
	_, err = s.FindAPIKey(ctx, k.Hash)
	wantError(t, err, buycard.EUNAUTHORIZED, "The API key is not valid or has been revoked.")
	list, err = s.ListAPIKeys(ctx, buycard.PartyMerchant, m.PartyID)
	must(t, err)
	if len(list) != 1 || list[0].RevokedAt == nil || !list[0].RevokedAt.Equal(at) {
		t.Errorf("revoked key = %+v, want revoked at %v", list[0], at)
	}
	err = s.CreateAPIKey(ctx, &buycard.APIKey{Hash: "h", Prefix: "bc_", Name: "orphan", PartyKind: buycard.PartyMerchant, PartyID: "mer_nope"})
	wantError(t, err, buycard.ENOTFOUND, `Merchant "mer_nope" not found.`)
}

// testPasswordResets spends a reset once, even when used concurrently,
// and ends every session of its user, and only of its user; an expired
// reset does nothing.
func testPasswordResets(t *testing.T, s Store) {
	ctx := t.Context()
	u, other := newUser(t, s, buycard.RolePublisher), newUser(t, s, buycard.RolePublisher)
	now := time.Now().UTC()
	var sessions []*buycard.Session
	for _, owner := range []*buycard.User{u, u, other} {
		sess := &buycard.Session{ID: buycard.NewID("s"), UserID: owner.ID, ExpiresAt: now.Add(time.Hour)}
		must(t, s.CreateSession(ctx, sess, owner.PasswordHash))
		sessions = append(sessions, sess)
	}
	r := &buycard.PasswordReset{ID: buycard.NewID("r"), UserID: u.ID, ExpiresAt: now.Add(time.Hour)}
	must(t, s.CreatePasswordReset(ctx, r))

	var wg sync.WaitGroup
	results := make([]error, 8)
	for i := range results {
		wg.Go(func() {
			_, results[i] = s.UsePasswordReset(ctx, r.ID, now, "$argon2id$reset")
		})
	}
	wg.Wait()
	used := 0
	for _, err := range results {
		if err == nil {
			used++
		} else {
			wantError(t, err, buycard.EUNAUTHORIZED, buycard.ErrBadReset.Message)
		}
	}
	if used != 1 {
		t.Fatalf("a reset was used %d times, want once", used)
	}
	got, err := s.FindUser(ctx, u.ID)
	must(t, err)
	if got.PasswordHash != "$argon2id$reset" {
		t.Errorf("password hash = %q", got.PasswordHash)
	}
	for i, sess := range sessions {
		_, _, err := s.FindSession(ctx, sess.ID, now)
		if ended := buycard.ErrorCode(err) == buycard.EUNAUTHORIZED; ended != (sess.UserID == u.ID) {
			t.Errorf("session %d of %s: ended = %v after %s's reset (%v)", i, sess.UserID, ended, u.ID, err)
		}
	}

	expired := &buycard.PasswordReset{ID: buycard.NewID("r"), UserID: u.ID, ExpiresAt: now}
	must(t, s.CreatePasswordReset(ctx, expired))
	_, err = s.UsePasswordReset(ctx, expired.ID, now, "$argon2id$late")
	wantCode(t, "expired reset", err, buycard.EUNAUTHORIZED)
	wantCode(t, "reset of no user", s.CreatePasswordReset(ctx, &buycard.PasswordReset{ID: "x", UserID: "usr_nope", ExpiresAt: now}), buycard.ENOTFOUND)
}

// testNewResetVoidsOlder issues password links one after another, and
// many at once: only the newest works, whichever path issued the others.
func testNewResetVoidsOlder(t *testing.T, s Store) {
	ctx := t.Context()
	u := newUser(t, s, buycard.RoleMerchant)
	now := time.Now().UTC()
	newReset := func() *buycard.PasswordReset {
		return &buycard.PasswordReset{ID: buycard.NewID("r"), UserID: u.ID, ExpiresAt: now.Add(time.Hour)}
	}
	issue := func() *buycard.PasswordReset {
		r := newReset()
		must(t, s.CreatePasswordReset(ctx, r))
		return r
	}
	first, second := issue(), issue()
	_, err := s.UsePasswordReset(ctx, first.ID, now, "$argon2id$first")
	wantError(t, err, buycard.EUNAUTHORIZED, buycard.ErrBadReset.Message)
	_, err = s.UsePasswordReset(ctx, second.ID, now, "$argon2id$second")
	must(t, err)

	// Of links issued concurrently, one works.
	resets, errs := make([]*buycard.PasswordReset, 8), make([]error, 8)
	var wg sync.WaitGroup
	for i := range resets {
		resets[i] = newReset()
		wg.Go(func() { errs[i] = s.CreatePasswordReset(ctx, resets[i]) })
	}
	wg.Wait()
	must(t, errors.Join(errs...))
	used := 0
	for _, r := range resets {
		if _, err := s.UsePasswordReset(ctx, r.ID, now, "$argon2id$many"); err == nil {
			used++
		}
	}
	if used != 1 {
		t.Errorf("%d of %d links issued together worked, want 1", used, len(resets))
	}
	// A spent link stays on record and does not stop a new one.
	_, err = s.UsePasswordReset(ctx, issue().ID, now, "$argon2id$third")
	must(t, err)
}
