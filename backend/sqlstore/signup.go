package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/buycard/buycard"
)

// insertSignUp stores a sign-up waiting for its link: $1 id, $2 email, $3
// role, $4 party name, $5 password hash, $6 expiry, $7 creation. Its
// token is NULL until the email job issues the link (issueSignUp).
const insertSignUp = `
	INSERT INTO sign_ups (id, email, role, party_name, password_hash, expires_at, created_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7)`

// issueSignUp sets the link of sign-up $1, unexpired at $4: the token's
// digest $2, working until $3. A link issued before stops working.
const issueSignUp = `
	UPDATE sign_ups SET token = $2, expires_at = $3 WHERE id = $1 AND expires_at > $4
	RETURNING email, role, party_name, expires_at, created_at`

// spendSignUp deletes the sign-up whose link has digest $1, unexpired at
// $2, and returns it. The conditional DELETE takes the row's lock, so of
// two concurrent uses the second finds nothing.
const spendSignUp = `
	DELETE FROM sign_ups WHERE token = $1 AND expires_at > $2
	RETURNING id, email, role, party_name, password_hash, created_at`

// StartSignUp records a sign-up and its event, or, when the email has an
// account, the event of its user only. Both take a write transaction, a
// lookup and inserts, so that they cost about the same.
func (db *Store) StartSignUp(ctx context.Context, s *buycard.SignUp) (err error) {
	defer db.wrap(&err, "start sign-up")
	if err := s.Validate(); err != nil {
		return err
	}
	s.CreatedAt, s.ExpiresAt = db.createdAt(s.CreatedAt), db.dialect.StoredTime(s.ExpiresAt)
	return db.conn.Write(ctx, func(tx Tx) error {
		s.ID = ""
		userID, err := userIDByEmail(ctx, tx, s.Email)
		if err != nil {
			return err
		}
		ev := &buycard.Event{ID: buycard.NewEventID(s.CreatedAt), Type: buycard.EventSignUp, CreatedAt: s.CreatedAt, UserID: userID}
		if userID == "" {
			s.ID = buycard.NewID("sgn")
			if _, err := tx.Exec(ctx, insertSignUp, s.ID, s.Email, s.Role, s.PartyName, s.PasswordHash, s.ExpiresAt, s.CreatedAt); err != nil {
				return err
			}
		}
		if ev.Data, err = json.Marshal(buycard.SignUpEventData{SignUpID: s.ID}); err != nil {
			return err
		}
		return db.publish(ctx, tx, ev)
	})
}

// IssueSignUp sets the digest and expiry of a sign-up's new link.
func (db *Store) IssueSignUp(ctx context.Context, id, digest string, now, expires time.Time) (_ *buycard.SignUp, err error) {
	defer db.wrap(&err, "issue sign-up link")
	return write(ctx, db, func(tx Tx) (*buycard.SignUp, error) {
		s := &buycard.SignUp{ID: id}
		err := tx.QueryRow(ctx, issueSignUp, id, digest, db.dialect.StoredTime(expires), db.dialect.StoredTime(now)).
			Scan(&s.Email, &s.Role, &s.PartyName, &s.ExpiresAt, &s.CreatedAt)
		if errors.Is(err, ErrNoRows) {
			return nil, buycard.Errorf(buycard.ENOTFOUND, "Sign-up %q not found.", id)
		}
		return s, err
	})
}

// VerifySignUp spends a sign-up's link and creates its user and party.
func (db *Store) VerifySignUp(ctx context.Context, digest string, now time.Time) (_ *buycard.User, err error) {
	defer db.wrap(&err, "verify sign-up")
	return write(ctx, db, func(tx Tx) (*buycard.User, error) {
		var s buycard.SignUp
		err := tx.QueryRow(ctx, spendSignUp, digest, db.dialect.StoredTime(now)).
			Scan(&s.ID, &s.Email, &s.Role, &s.PartyName, &s.PasswordHash, &s.CreatedAt)
		if errors.Is(err, ErrNoRows) {
			return nil, buycard.ErrBadSignUp
		}
		if err != nil {
			return nil, err
		}
		return db.createSignedUp(ctx, tx, &s, now)
	})
}

// createSignedUp creates the user and party of the spent sign-up s, at
// now. An email that has an account now refuses the link as any other
// bad link.
func (db *Store) createSignedUp(ctx context.Context, tx Tx, s *buycard.SignUp, now time.Time) (*buycard.User, error) {
	u := s.NewUser()
	party, err := buycard.UserParty(u, s.PartyName)
	if err != nil {
		return nil, err
	}
	u.ID, u.CreatedAt = buycard.NewID("usr"), db.createdAt(now)
	err = db.insertUser(ctx, tx, u, party)
	if errors.Is(err, buycard.ErrEmailTaken) {
		return nil, buycard.ErrBadSignUp
	}
	return u, err
}
