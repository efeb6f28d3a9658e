package buycard

import (
	"context"
	"strings"
	"time"
)

// Roles of console users.
const (
	RoleMerchant  = "merchant"  // acts for one merchant
	RolePublisher = "publisher" // acts for one publisher
	RoleAdmin     = "admin"     // the platform's operator; acts for no party
)

// User is someone who signs in to the console. A merchant or publisher
// user acts for exactly one party, created with the user at signup.
type User struct {
	ID      string `json:"id"` // "usr_…"
	Email   string `json:"email"`
	Role    string `json:"role"`
	PartyID string `json:"party_id,omitempty"` // the merchant or publisher; "" for admins
	// PasswordHash is the PHC string of the password; "" until one is set
	// (an admin created from the CLI), and then no password matches.
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// PartyKind is the kind of party the user acts for: PartyMerchant,
// PartyPublisher, or "" for an admin.
func (u *User) PartyKind() string {
	switch u.Role {
	case RoleMerchant:
		return PartyMerchant
	case RolePublisher:
		return PartyPublisher
	}
	return ""
}

// Validate checks a user before it is stored, normalizing the email.
// Errors: EINVALID.
func (u *User) Validate() error {
	email, err := NormalizeEmail(u.Email)
	if err != nil {
		return err
	}
	u.Email = email
	switch {
	case u.Role != RoleMerchant && u.Role != RolePublisher && u.Role != RoleAdmin:
		return Errorf(EINVALID, "role must be merchant or publisher.")
	case u.Role == RoleAdmin && u.PartyID != "":
		return Errorf(EINVALID, "An admin acts for no merchant or publisher.")
	}
	return nil
}

// NormalizeEmail returns the address in lower case without surrounding
// space, so that one mailbox is one user. It accepts plain addresses
// (local@domain.tld) only: no display names, quotes or comments. It does
// not use net/mail, which would weigh on the client WASM.
// Errors: EINVALID.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	local, domain, ok := strings.Cut(s, "@")
	switch {
	case !ok || local == "" || len(local) > 64 || len(s) > 254,
		strings.ContainsAny(s, " \"<>(),:;[]\\") || strings.IndexFunc(s, isControl) >= 0 || strings.Contains(domain, "@"),
		!strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, ".."):
		return "", Errorf(EINVALID, "Enter a valid email address.")
	}
	return s, nil
}

// Session is a signed-in browser. The cookie holds a random token; the
// store keeps only its SHA-256 (ID), so a leaked database opens no session.
type Session struct {
	ID        string    `json:"-"` // hex SHA-256 of the cookie's token
	UserID    string    `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"` // slides forward while the session is used
}

// APIKey lets a program call the REST API for one merchant or publisher.
// The key itself is shown once, when created; the store keeps its SHA-256.
type APIKey struct {
	ID        string     `json:"id"`     // "key_…"
	Prefix    string     `json:"prefix"` // the key's first characters, to recognize it
	Hash      string     `json:"-"`      // hex SHA-256 of the key
	Name      string     `json:"name"`
	PartyKind string     `json:"party_kind"`
	PartyID   string     `json:"party_id"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// Validate checks a key before it is stored. Errors: EINVALID.
func (k *APIKey) Validate() error {
	switch {
	case k.PartyKind != PartyMerchant && k.PartyKind != PartyPublisher:
		return Errorf(EINVALID, "An API key belongs to a merchant or a publisher.")
	case k.PartyID == "" || k.Hash == "" || k.Prefix == "":
		return Errorf(EINVALID, "An API key needs its party, prefix and hash.")
	case strings.TrimSpace(k.Name) == "":
		return Errorf(EINVALID, "Name the API key, so that you can tell it from others.")
	}
	return APIKeyNameText.Check(k.Name)
}

// PasswordReset is a one-time link to set a user's password. The store
// keeps the SHA-256 of the link's token.
type PasswordReset struct {
	ID        string    // hex SHA-256 of the token
	UserID    string    //
	ExpiresAt time.Time //
}

// AuthService stores users, sessions, API keys, password resets and
// sign-ups waiting for their email to be confirmed.
type AuthService interface {
	// CreateUser stores u, and for a merchant or publisher user first
	// creates its party named partyName, setting u.PartyID, in one
	// transaction. It sets ID and CreatedAt when empty. Errors: EINVALID,
	// ECONFLICT (email taken).
	CreateUser(ctx context.Context, u *User, partyName string) error
	// FindUser returns a user by id. Errors: ENOTFOUND.
	FindUser(ctx context.Context, id string) (*User, error)
	// FindUserByEmail returns a user by normalized email. Errors: ENOTFOUND.
	FindUserByEmail(ctx context.Context, email string) (*User, error)
	// RehashPassword replaces a user's password hash oldHash by newHash,
	// a hash of the same password with new parameters; it ends no session.
	// When the hash is no longer oldHash (a password was set since) it
	// changes nothing.
	RehashPassword(ctx context.Context, userID, oldHash, newHash string) error

	// CreateSession stores s for a sign-in that checked the password
	// whose hash is passwordHash. It refuses when the user's hash is no
	// longer that one, so that a sign-in racing a new password cannot
	// start a session the new password should have ended. Errors:
	// ENOTFOUND (user), EUNAUTHORIZED (password changed), ECONFLICT.
	CreateSession(ctx context.Context, s *Session, passwordHash string) error
	// FindSession returns a session unexpired at now, and its user.
	// Errors: EUNAUTHORIZED (unknown or expired).
	FindSession(ctx context.Context, id string, now time.Time) (*Session, *User, error)
	// TouchSession moves a session's expiry to expiresAt.
	TouchSession(ctx context.Context, id string, expiresAt time.Time) error
	// DeleteSession ends a session; an unknown one is not an error.
	DeleteSession(ctx context.Context, id string) error

	// CreateAPIKey stores k, setting ID and CreatedAt when empty. Errors:
	// EINVALID, ENOTFOUND (party), ECONFLICT.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// FindAPIKey returns the unrevoked key with the hash. Errors:
	// EUNAUTHORIZED (unknown or revoked).
	FindAPIKey(ctx context.Context, hash string) (*APIKey, error)
	// ListAPIKeys returns a party's keys, revoked ones included, newest
	// first.
	ListAPIKeys(ctx context.Context, partyKind, partyID string) ([]*APIKey, error)
	// RevokeAPIKey revokes the party's key id at at; revoking it again
	// changes nothing. Errors: ENOTFOUND (no such key of the party).
	RevokeAPIKey(ctx context.Context, partyKind, partyID, id string, at time.Time) error

	// CreatePasswordReset stores r, which voids the user's older unused
	// resets: a user has one working password link at most. Errors:
	// ENOTFOUND (user).
	CreatePasswordReset(ctx context.Context, r *PasswordReset) error
	// UsePasswordReset spends the reset id, unexpired at now, setting its
	// user's password hash and ending every session of the user; a reset
	// is spent once even when used concurrently. Errors: EUNAUTHORIZED
	// (unknown, spent, voided or expired).
	UsePasswordReset(ctx context.Context, id string, now time.Time, hash string) (*User, error)

	// RequestPasswordReset records, when email has an account, an
	// EventPasswordReset of its user, whose email job issues the link;
	// nothing when it has none. Errors: none of its own.
	RequestPasswordReset(ctx context.Context, email string, now time.Time) error

	// StartSignUp records, in one transaction, s with an EventSignUp
	// whose email job mails its link, setting s.ID; or, when s.Email has
	// an account already, only an EventSignUp of that user, who is told,
	// and s.ID is "". It sets CreatedAt when zero. Errors: EINVALID.
	StartSignUp(ctx context.Context, s *SignUp) error
	// IssueSignUp gives the sign-up id, unexpired at now, a new link: the
	// digest of its token, working until expires, which voids the link
	// issued before. It returns the sign-up. Errors: ENOTFOUND (unknown,
	// spent or expired).
	IssueSignUp(ctx context.Context, id, digest string, now, expires time.Time) (*SignUp, error)
	// VerifySignUp spends the sign-up whose link has the digest,
	// unexpired at now, creating its user and party as CreateUser does;
	// a link is spent once even when used concurrently. Errors:
	// EUNAUTHORIZED (ErrBadSignUp: unknown, spent or expired, or the
	// email has an account now).
	VerifySignUp(ctx context.Context, digest string, now time.Time) (*User, error)

	// DeleteExpiredAuth deletes the sessions, password resets and
	// sign-ups that expired before now, and returns how many rows it
	// deleted.
	DeleteExpiredAuth(ctx context.Context, now time.Time) (int64, error)
}

// NewParty is the merchant or publisher created with a user.
type NewParty struct {
	Kind string // PartyMerchant, PartyPublisher, or "" for an admin
	ID   string
	Name string
}

// UserParty returns the party to create with the new user u, named name,
// with a fresh id; none for an admin. Errors: EINVALID.
func UserParty(u *User, name string) (NewParty, error) {
	p := NewParty{Kind: u.PartyKind(), Name: strings.TrimSpace(name)}
	switch p.Kind {
	case PartyMerchant:
		p.ID = NewID("mer")
		return p, (&Merchant{Name: p.Name}).Validate()
	case PartyPublisher:
		p.ID = NewID("pub")
		return p, (&Publisher{Name: p.Name}).Validate()
	}
	return NewParty{}, nil
}

// Errors the stores of AuthService share, so both say the same.
var (
	// ErrEmailTaken is for the operator (buycard admin create); sign-up
	// does not show it, so as not to tell which emails have accounts.
	ErrEmailTaken   = Errorf(ECONFLICT, "An account with this email exists already.")
	ErrUserNotFound = Errorf(ENOTFOUND, "No such user.")
	ErrNoSession    = Errorf(EUNAUTHORIZED, "Your session has ended. Sign in again.")
	ErrBadAPIKey    = Errorf(EUNAUTHORIZED, "The API key is not valid or has been revoked.")
	ErrKeyNotFound  = Errorf(ENOTFOUND, "No such API key.")
	ErrBadReset     = Errorf(EUNAUTHORIZED, "This password link is not valid, was used already or has expired. Ask for a new one.")
	// ErrPasswordChanged refuses a sign-in whose password was replaced
	// while it was being checked.
	ErrPasswordChanged = Errorf(EUNAUTHORIZED, "The password has just been changed. Sign in with the new one.")
)
