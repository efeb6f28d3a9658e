package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/buycard/buycard"
)

var _ buycard.AuthService = (*Store)(nil)

// insertReset stores a password link: $1 id (the token's digest), $2 user,
// $3 expiry. It replaces the user's unused link, if any, in the same
// statement: the unique index password_resets_one_unused lets a user hold
// one unused link, so an older one stops working the moment a new one is
// issued, whatever path issues it.
const insertReset = `
	INSERT INTO password_resets (id, user_id, expires_at) VALUES ($1, $2, $3)
	ON CONFLICT (user_id) WHERE used_at IS NULL DO UPDATE SET id = excluded.id, expires_at = excluded.expires_at`

// useReset spends a link unused and unexpired at $1, with id $2, and
// returns its user. The conditional UPDATE takes the row's lock, so of two
// concurrent uses the second finds the link spent.
const useReset = `
	UPDATE password_resets SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id`

// setPassword sets the password hash of user $1 to $2.
const setPassword = `UPDATE users SET password_hash = $2 WHERE id = $1`

// endSessions ends every session of user $1: a new password signs out
// whoever signed in with the old one.
const endSessions = `DELETE FROM sessions WHERE user_id = $1`

// rehash replaces the password hash of user $1, when it is still $2, by
// $3, a hash of the same password with new parameters. When the hash has
// changed meanwhile it changes nothing, so that a sign-in that verified
// the old password cannot put it back over a password set since.
const rehash = `UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`

// lockPassword changes nothing, but locks user $1's row when its password
// hash is still $2, the one a sign-in checked; insertSession follows in
// the same transaction. A password set concurrently (setPassword, then
// endSessions, in one transaction) then either waits for the session to
// commit and ends it, or commits first, and no session starts because the
// hash differs. A plain SELECT would not wait: under PostgreSQL's READ
// COMMITTED, a session inserted between the other transaction's two
// statements would survive the new password.
const lockPassword = `UPDATE users SET password_hash = password_hash WHERE id = $1 AND password_hash = $2`

// insertSession stores a session: $1 id (the cookie token's digest), $2
// user, $3 creation, $4 expiry.
const insertSession = `INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`

// CreateUser stores u, creating its merchant or publisher first.
func (db *Store) CreateUser(ctx context.Context, u *buycard.User, partyName string) (err error) {
	defer db.wrap(&err, "create user")
	if err := u.Validate(); err != nil {
		return err
	}
	party, err := buycard.UserParty(u, partyName)
	if err != nil {
		return err
	}
	u.ID, u.CreatedAt = newID(u.ID, "usr"), db.createdAt(u.CreatedAt)
	return db.conn.Write(ctx, func(tx Tx) error { return db.insertUser(ctx, tx, u, party) })
}

// insertUser stores the new user u, validated, and first its party.
// Errors: ErrEmailTaken.
func (db *Store) insertUser(ctx context.Context, tx Tx, u *buycard.User, party buycard.NewParty) error {
	if err := insertParty(ctx, tx, party, u.CreatedAt); err != nil {
		return err
	}
	u.PartyID = party.ID
	_, err := tx.Exec(ctx, `
		INSERT INTO users (id, email, role, party_id, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		u.ID, u.Email, u.Role, nullIfEmpty(u.PartyID), u.PasswordHash, u.CreatedAt)
	if db.dialect.IsUniqueViolation(err) {
		return buycard.ErrEmailTaken
	}
	return err
}

// insertParty creates the merchant or publisher a new user acts for.
func insertParty(ctx context.Context, tx Tx, p buycard.NewParty, at time.Time) error {
	switch p.Kind {
	case buycard.PartyMerchant:
		_, err := tx.Exec(ctx, `INSERT INTO merchants (id, name, charges_enabled, created_at) VALUES ($1, $2, false, $3)`,
			p.ID, p.Name, at)
		return err
	case buycard.PartyPublisher:
		_, err := tx.Exec(ctx, `INSERT INTO publishers (id, name, created_at) VALUES ($1, $2, $3)`,
			p.ID, p.Name, at)
		return err
	}
	return nil
}

// userColumns are read with userFields.
const userColumns = `u.id, u.email, u.role, COALESCE(u.party_id, ''), u.password_hash, u.created_at`

func userFields(u *buycard.User) []any {
	return []any{&u.ID, &u.Email, &u.Role, &u.PartyID, &u.PasswordHash, &u.CreatedAt}
}

// FindUser returns a user by id.
func (db *Store) FindUser(ctx context.Context, id string) (_ *buycard.User, err error) {
	defer db.wrap(&err, "find user")
	return db.findUser(ctx, `u.id = $1`, id)
}

// FindUserByEmail returns a user by normalized email.
func (db *Store) FindUserByEmail(ctx context.Context, email string) (_ *buycard.User, err error) {
	defer db.wrap(&err, "find user")
	return db.findUser(ctx, `u.email = $1`, email)
}

// userIDByEmail is the id of the user with the normalized email, "" when
// there is none.
func userIDByEmail(ctx context.Context, tx Tx, email string) (string, error) {
	var id string
	err := tx.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, email).Scan(&id)
	if errors.Is(err, ErrNoRows) {
		return "", nil
	}
	return id, err
}

func (db *Store) findUser(ctx context.Context, where string, arg any) (*buycard.User, error) {
	u := new(buycard.User)
	err := db.conn.Pool().QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE `+where, arg).Scan(userFields(u)...)
	if errors.Is(err, ErrNoRows) {
		return nil, buycard.ErrUserNotFound
	}
	return u, err
}

// RehashPassword replaces a user's password hash if it is still oldHash.
func (db *Store) RehashPassword(ctx context.Context, userID, oldHash, newHash string) (err error) {
	defer db.wrap(&err, "rehash password")
	return db.exec(ctx, rehash, userID, oldHash, newHash)
}

// CreateSession stores s if the user's password is still passwordHash.
func (db *Store) CreateSession(ctx context.Context, s *buycard.Session, passwordHash string) (err error) {
	defer db.wrap(&err, "create session")
	s.CreatedAt, s.ExpiresAt = db.createdAt(s.CreatedAt), db.dialect.StoredTime(s.ExpiresAt)
	return db.conn.Write(ctx, func(tx Tx) error {
		if err := requireRow(ctx, tx, "users", "User", s.UserID); err != nil {
			return err
		}
		if err := updateOne(ctx, tx, buycard.ErrPasswordChanged, lockPassword, s.UserID, passwordHash); err != nil {
			return err
		}
		return db.insert(ctx, tx, "Session", "", insertSession, s.ID, s.UserID, s.CreatedAt, s.ExpiresAt)
	})
}

// FindSession returns an unexpired session and its user.
func (db *Store) FindSession(ctx context.Context, id string, now time.Time) (_ *buycard.Session, _ *buycard.User, err error) {
	defer db.wrap(&err, "find session")
	s, u := new(buycard.Session), new(buycard.User)
	err = db.conn.Pool().QueryRow(ctx, `
		SELECT s.id, s.user_id, s.created_at, s.expires_at, `+userColumns+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.expires_at > $2`, id, now).
		Scan(append([]any{&s.ID, &s.UserID, &s.CreatedAt, &s.ExpiresAt}, userFields(u)...)...)
	if errors.Is(err, ErrNoRows) {
		return nil, nil, buycard.ErrNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	return s, u, nil
}

// TouchSession moves a session's expiry.
func (db *Store) TouchSession(ctx context.Context, id string, expiresAt time.Time) (err error) {
	defer db.wrap(&err, "touch session")
	return db.exec(ctx, `UPDATE sessions SET expires_at = $1 WHERE id = $2`, db.dialect.StoredTime(expiresAt), id)
}

// DeleteSession ends a session.
func (db *Store) DeleteSession(ctx context.Context, id string) (err error) {
	defer db.wrap(&err, "delete session")
	return db.exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
}

// CreateAPIKey stores k.
func (db *Store) CreateAPIKey(ctx context.Context, k *buycard.APIKey) (err error) {
	defer db.wrap(&err, "create api key")
	if err := k.Validate(); err != nil {
		return err
	}
	k.ID, k.CreatedAt = newID(k.ID, "key"), db.createdAt(k.CreatedAt)
	return db.conn.Write(ctx, func(tx Tx) error {
		party := partyTables[k.PartyKind]
		if err := requireRow(ctx, tx, party.table, party.what, k.PartyID); err != nil {
			return err
		}
		return db.insert(ctx, tx, "API key", k.ID, `
			INSERT INTO api_keys (id, hash, prefix, name, party_kind, party_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			k.ID, k.Hash, k.Prefix, k.Name, k.PartyKind, k.PartyID, k.CreatedAt)
	})
}

const keyColumns = `id, hash, prefix, name, party_kind, party_id, created_at, revoked_at`

func scanKey(row Row) (*buycard.APIKey, error) {
	k := new(buycard.APIKey)
	err := row.Scan(&k.ID, &k.Hash, &k.Prefix, &k.Name, &k.PartyKind, &k.PartyID, &k.CreatedAt, &k.RevokedAt)
	return k, err
}

// FindAPIKey returns the unrevoked key with the hash.
func (db *Store) FindAPIKey(ctx context.Context, hash string) (_ *buycard.APIKey, err error) {
	defer db.wrap(&err, "find api key")
	k, err := scanKey(db.conn.Pool().QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE hash = $1 AND revoked_at IS NULL`, hash))
	if errors.Is(err, ErrNoRows) {
		return nil, buycard.ErrBadAPIKey
	}
	return k, err
}

// ListAPIKeys returns a party's keys, newest first.
func (db *Store) ListAPIKeys(ctx context.Context, partyKind, partyID string) (_ []*buycard.APIKey, err error) {
	defer db.wrap(&err, "list api keys")
	rows, err := db.conn.Pool().Query(ctx, `
		SELECT `+keyColumns+` FROM api_keys WHERE party_kind = $1 AND party_id = $2 ORDER BY created_at DESC, id`, partyKind, partyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	keys := []*buycard.APIKey{}
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// RevokeAPIKey revokes one of a party's keys.
func (db *Store) RevokeAPIKey(ctx context.Context, partyKind, partyID, id string, at time.Time) (err error) {
	defer db.wrap(&err, "revoke api key")
	return db.conn.Write(ctx, func(tx Tx) error {
		return updateOne(ctx, tx, buycard.ErrKeyNotFound, `
			UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND party_kind = $3 AND party_id = $4`,
			db.dialect.StoredTime(at), id, partyKind, partyID)
	})
}

// CreatePasswordReset stores r, replacing the user's unused reset.
func (db *Store) CreatePasswordReset(ctx context.Context, r *buycard.PasswordReset) (err error) {
	defer db.wrap(&err, "create password reset")
	return db.conn.Write(ctx, func(tx Tx) error {
		if err := requireRow(ctx, tx, "users", "User", r.UserID); err != nil {
			return err
		}
		return db.insert(ctx, tx, "Password reset", "", insertReset, r.ID, r.UserID, db.dialect.StoredTime(r.ExpiresAt))
	})
}

// UsePasswordReset spends a reset, sets the password and ends the user's
// sessions.
func (db *Store) UsePasswordReset(ctx context.Context, id string, now time.Time, hash string) (_ *buycard.User, err error) {
	defer db.wrap(&err, "use password reset")
	return write(ctx, db, func(tx Tx) (*buycard.User, error) {
		var userID string
		err := tx.QueryRow(ctx, useReset, db.dialect.StoredTime(now), id).Scan(&userID)
		if errors.Is(err, ErrNoRows) {
			return nil, buycard.ErrBadReset
		}
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, setPassword, userID, hash); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, endSessions, userID); err != nil {
			return nil, err
		}
		u := new(buycard.User)
		return u, tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, userID).Scan(userFields(u)...)
	})
}

// RequestPasswordReset records an EventPasswordReset of the user with
// email, if any. Both cases take a write transaction and a lookup, so
// that they cost about the same.
func (db *Store) RequestPasswordReset(ctx context.Context, email string, now time.Time) (err error) {
	defer db.wrap(&err, "request password reset")
	return db.conn.Write(ctx, func(tx Tx) error {
		userID, err := userIDByEmail(ctx, tx, email)
		if err != nil || userID == "" {
			return err
		}
		return db.publish(ctx, tx, &buycard.Event{ID: buycard.NewEventID(now), Type: buycard.EventPasswordReset,
			CreatedAt: now, UserID: userID, Data: json.RawMessage(`{}`)})
	})
}

// expiredAuth are the statements of DeleteExpiredAuth: $1 is now.
var expiredAuth = []string{
	`DELETE FROM sessions WHERE expires_at < $1`,
	`DELETE FROM password_resets WHERE expires_at < $1`,
	`DELETE FROM sign_ups WHERE expires_at < $1`,
}

// DeleteExpiredAuth deletes expired sessions, password resets and
// sign-ups.
func (db *Store) DeleteExpiredAuth(ctx context.Context, now time.Time) (n int64, err error) {
	defer db.wrap(&err, "delete expired sessions, resets and sign-ups")
	return write(ctx, db, func(tx Tx) (int64, error) {
		at, total := db.dialect.StoredTime(now), int64(0)
		for _, query := range expiredAuth {
			n, err := tx.Exec(ctx, query, at)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	})
}
