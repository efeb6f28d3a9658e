package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/buycard/buycard"
)

var _ buycard.AccountService = (*DB)(nil)

// partyTables are the tables of the parties that hold payment accounts.
var partyTables = map[string]struct{ table, what string }{
	buycard.PartyMerchant:  {"merchants", "Merchant"},
	buycard.PartyPublisher: {"publishers", "Publisher"},
}

// LinkPaymentAccount records a's account for its party.
func (db *DB) LinkPaymentAccount(ctx context.Context, a *buycard.PaymentAccount) (err error) {
	defer wrap(&err, "link payment account")
	if err := a.Validate(); err != nil {
		return err
	}
	a.UpdatedAt = createdAt(a.UpdatedAt)
	return db.inWrite(ctx, func(tx *sql.Tx) error {
		party := partyTables[a.PartyKind]
		if err := requireRow(ctx, tx, party.table, party.what, a.PartyID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO payment_accounts (id, party_kind, party_id, charges_enabled, payouts_enabled, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			a.ID, a.PartyKind, a.PartyID, a.ChargesEnabled, a.PayoutsEnabled, formatTime(a.UpdatedAt))
		if isUniqueViolation(err) {
			return buycard.Errorf(buycard.ECONFLICT, "The %s or the account %q is linked already.", a.PartyKind, a.ID)
		}
		if err != nil {
			return err
		}
		return followCharges(ctx, tx, a)
	})
}

// UpdatePaymentAccount records a later state of an account.
func (db *DB) UpdatePaymentAccount(ctx context.Context, a *buycard.PaymentAccount) (updated bool, err error) {
	defer wrap(&err, "update payment account")
	return writeTx(ctx, db, func(tx *sql.Tx) (bool, error) {
		stored, err := findAccount(ctx, tx, `id = ?`, a.ID)
		if err != nil {
			return false, err
		}
		if !a.UpdatedAt.After(stored.UpdatedAt) {
			return false, nil // an older report than the one recorded
		}
		a.PartyKind, a.PartyID = stored.PartyKind, stored.PartyID
		_, err = tx.ExecContext(ctx, `
			UPDATE payment_accounts SET charges_enabled = ?, payouts_enabled = ?, updated_at = ? WHERE id = ?`,
			a.ChargesEnabled, a.PayoutsEnabled, formatTime(a.UpdatedAt.UTC()), a.ID)
		if err != nil {
			return false, err
		}
		return true, followCharges(ctx, tx, a)
	})
}

// followCharges makes a merchant's ChargesEnabled its account's.
func followCharges(ctx context.Context, tx *sql.Tx, a *buycard.PaymentAccount) error {
	if a.PartyKind != buycard.PartyMerchant {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE merchants SET charges_enabled = ? WHERE id = ?`, a.ChargesEnabled, a.PartyID)
	return err
}

// CheckParty implements buycard.AccountService.
func (db *DB) CheckParty(ctx context.Context, partyKind, partyID string) (err error) {
	defer wrap(&err, "check party")
	party, ok := partyTables[partyKind]
	if !ok {
		return buycard.Errorf(buycard.EINVALID, "Only merchants and publishers have payment accounts.")
	}
	_, err = readTx(ctx, db, func(tx *sql.Tx) (struct{}, error) {
		return struct{}{}, requireRow(ctx, tx, party.table, party.what, partyID)
	})
	return err
}

// FindPaymentAccount returns the account of a party.
func (db *DB) FindPaymentAccount(ctx context.Context, partyKind, partyID string) (_ *buycard.PaymentAccount, err error) {
	defer wrap(&err, "find payment account")
	return readTx(ctx, db, func(tx *sql.Tx) (*buycard.PaymentAccount, error) {
		return findAccount(ctx, tx, `party_kind = ? AND party_id = ?`, partyKind, partyID)
	})
}

func findAccount(ctx context.Context, tx *sql.Tx, where string, args ...any) (*buycard.PaymentAccount, error) {
	a := new(buycard.PaymentAccount)
	err := tx.QueryRowContext(ctx, `
		SELECT id, party_kind, party_id, charges_enabled, payouts_enabled, updated_at
		FROM payment_accounts WHERE `+where, args...).
		Scan(&a.ID, &a.PartyKind, &a.PartyID, &a.ChargesEnabled, &a.PayoutsEnabled, timeColumn{&a.UpdatedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "No payment account found.")
	}
	return a, err
}
