package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/authsql"
)

var _ buycard.AuthService = (*DB)(nil)

// CreateUser stores u, creating its merchant or publisher first.
func (db *DB) CreateUser(ctx context.Context, u *buycard.User, partyName string) (err error) {
	defer wrap(&err, "create user")
	if err := u.Validate(); err != nil {
		return err
	}
	party, err := buycard.UserParty(u, partyName)
	if err != nil {
		return err
	}
	u.ID, u.CreatedAt = newID(u.ID, "usr"), createdAt(u.CreatedAt)
	return db.inWrite(ctx, func(tx pgx.Tx) error {
		if err := insertParty(ctx, tx, party, u.CreatedAt); err != nil {
			return err
		}
		u.PartyID = party.ID
		_, err := tx.Exec(ctx, `
			INSERT INTO users (id, email, role, party_id, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			u.ID, u.Email, u.Role, nullIfEmpty(u.PartyID), u.PasswordHash, u.CreatedAt)
		if hasCode(err, uniqueViolation) {
			return buycard.ErrEmailTaken
		}
		return err
	})
}

// insertParty creates the merchant or publisher a new user acts for.
func insertParty(ctx context.Context, tx pgx.Tx, p buycard.NewParty, at time.Time) error {
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
func (db *DB) FindUser(ctx context.Context, id string) (_ *buycard.User, err error) {
	defer wrap(&err, "find user")
	return db.findUser(ctx, `u.id = $1`, id)
}

// FindUserByEmail returns a user by normalized email.
func (db *DB) FindUserByEmail(ctx context.Context, email string) (_ *buycard.User, err error) {
	defer wrap(&err, "find user")
	return db.findUser(ctx, `u.email = $1`, email)
}

func (db *DB) findUser(ctx context.Context, where string, arg any) (*buycard.User, error) {
	u := new(buycard.User)
	err := db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE `+where, arg).Scan(userFields(u)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, buycard.ErrUserNotFound
	}
	return u, err
}

// RehashPassword replaces a user's password hash if it is still oldHash.
func (db *DB) RehashPassword(ctx context.Context, userID, oldHash, newHash string) (err error) {
	defer wrap(&err, "rehash password")
	return db.exec(ctx, authsql.Rehash, userID, oldHash, newHash)
}

// updateOne runs an UPDATE, returning notFound when it changed no row.
func updateOne(ctx context.Context, tx pgx.Tx, notFound error, query string, args ...any) error {
	res, err := tx.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if res.RowsAffected() == 0 {
		return notFound
	}
	return nil
}

// CreateSession stores s if the user's password is still passwordHash.
func (db *DB) CreateSession(ctx context.Context, s *buycard.Session, passwordHash string) (err error) {
	defer wrap(&err, "create session")
	s.CreatedAt, s.ExpiresAt = createdAt(s.CreatedAt), storedTime(s.ExpiresAt)
	return db.inWrite(ctx, func(tx pgx.Tx) error {
		if err := requireRow(ctx, tx, "users", "User", s.UserID); err != nil {
			return err
		}
		if err := updateOne(ctx, tx, buycard.ErrPasswordChanged, authsql.LockPassword, s.UserID, passwordHash); err != nil {
			return err
		}
		return insert(ctx, tx, "Session", "", authsql.InsertSession, s.ID, s.UserID, s.CreatedAt, s.ExpiresAt)
	})
}

// FindSession returns an unexpired session and its user.
func (db *DB) FindSession(ctx context.Context, id string, now time.Time) (_ *buycard.Session, _ *buycard.User, err error) {
	defer wrap(&err, "find session")
	s, u := new(buycard.Session), new(buycard.User)
	err = db.pool.QueryRow(ctx, `
		SELECT s.id, s.user_id, s.created_at, s.expires_at, `+userColumns+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND s.expires_at > $2`, id, now).
		Scan(append([]any{&s.ID, &s.UserID, &s.CreatedAt, &s.ExpiresAt}, userFields(u)...)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, buycard.ErrNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	return s, u, nil
}

// TouchSession moves a session's expiry.
func (db *DB) TouchSession(ctx context.Context, id string, expiresAt time.Time) (err error) {
	defer wrap(&err, "touch session")
	return db.exec(ctx, `UPDATE sessions SET expires_at = $1 WHERE id = $2`, storedTime(expiresAt), id)
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, id string) (err error) {
	defer wrap(&err, "delete session")
	return db.exec(ctx, `DELETE FROM sessions WHERE id = $1`, id)
}

// exec runs one statement in a write transaction.
func (db *DB) exec(ctx context.Context, query string, args ...any) error {
	return db.inWrite(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, query, args...)
		return err
	})
}

// CreateAPIKey stores k.
func (db *DB) CreateAPIKey(ctx context.Context, k *buycard.APIKey) (err error) {
	defer wrap(&err, "create api key")
	if err := k.Validate(); err != nil {
		return err
	}
	k.ID, k.CreatedAt = newID(k.ID, "key"), createdAt(k.CreatedAt)
	return db.inWrite(ctx, func(tx pgx.Tx) error {
		party := partyTables[k.PartyKind]
		if err := requireRow(ctx, tx, party.table, party.what, k.PartyID); err != nil {
			return err
		}
		return insert(ctx, tx, "API key", k.ID, `
			INSERT INTO api_keys (id, hash, prefix, name, party_kind, party_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			k.ID, k.Hash, k.Prefix, k.Name, k.PartyKind, k.PartyID, k.CreatedAt)
	})
}

const keyColumns = `id, hash, prefix, name, party_kind, party_id, created_at, revoked_at`

func scanKey(row pgx.Row) (*buycard.APIKey, error) {
	k := new(buycard.APIKey)
	err := row.Scan(&k.ID, &k.Hash, &k.Prefix, &k.Name, &k.PartyKind, &k.PartyID, &k.CreatedAt, &k.RevokedAt)
	return k, err
}

// FindAPIKey returns the unrevoked key with the hash.
func (db *DB) FindAPIKey(ctx context.Context, hash string) (_ *buycard.APIKey, err error) {
	defer wrap(&err, "find api key")
	k, err := scanKey(db.pool.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE hash = $1 AND revoked_at IS NULL`, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, buycard.ErrBadAPIKey
	}
	return k, err
}

// ListAPIKeys returns a party's keys, newest first.
func (db *DB) ListAPIKeys(ctx context.Context, partyKind, partyID string) (_ []*buycard.APIKey, err error) {
	defer wrap(&err, "list api keys")
	rows, err := db.pool.Query(ctx, `
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
func (db *DB) RevokeAPIKey(ctx context.Context, partyKind, partyID, id string, at time.Time) (err error) {
	defer wrap(&err, "revoke api key")
	return db.inWrite(ctx, func(tx pgx.Tx) error {
		return updateOne(ctx, tx, buycard.ErrKeyNotFound, `
			UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND party_kind = $3 AND party_id = $4`,
			storedTime(at), id, partyKind, partyID)
	})
}

// CreatePasswordReset stores r, replacing the user's unused reset.
func (db *DB) CreatePasswordReset(ctx context.Context, r *buycard.PasswordReset) (err error) {
	defer wrap(&err, "create password reset")
	return db.inWrite(ctx, func(tx pgx.Tx) error {
		if err := requireRow(ctx, tx, "users", "User", r.UserID); err != nil {
			return err
		}
		return insert(ctx, tx, "Password reset", "", authsql.InsertReset, r.ID, r.UserID, storedTime(r.ExpiresAt))
	})
}

// UsePasswordReset spends a reset, sets the password and ends the user's
// sessions.
func (db *DB) UsePasswordReset(ctx context.Context, id string, now time.Time, hash string) (_ *buycard.User, err error) {
	defer wrap(&err, "use password reset")
	return writeTx(ctx, db, func(tx pgx.Tx) (*buycard.User, error) {
		var userID string
		err := tx.QueryRow(ctx, authsql.UseReset, storedTime(now), id).Scan(&userID)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, buycard.ErrBadReset
		}
		if err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, authsql.SetPassword, userID, hash); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, authsql.EndSessions, userID); err != nil {
			return nil, err
		}
		u := new(buycard.User)
		return u, tx.QueryRow(ctx, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, userID).Scan(userFields(u)...)
	})
}
