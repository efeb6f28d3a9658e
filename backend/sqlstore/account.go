package sqlstore

import (
	"context"
	"errors"

	"github.com/buycard/buycard"
)

var _ buycard.AccountService = (*Store)(nil)

// partyTables are the tables of the parties that hold payment accounts.
var partyTables = map[string]struct{ table, what string }{
	buycard.PartyMerchant:  {"merchants", "Merchant"},
	buycard.PartyPublisher: {"publishers", "Publisher"},
}

// LinkPaymentAccount records a's account for its party.
func (db *Store) LinkPaymentAccount(ctx context.Context, a *buycard.PaymentAccount) (err error) {
	defer db.wrap(&err, "link payment account")
	if err := a.Validate(); err != nil {
		return err
	}
	a.UpdatedAt = db.createdAt(a.UpdatedAt)
	return db.conn.Write(ctx, func(tx Tx) error {
		party := partyTables[a.PartyKind]
		if err := requireRow(ctx, tx, party.table, party.what, a.PartyID); err != nil {
			return err
		}
		n, err := tx.Exec(ctx, `
			INSERT INTO payment_accounts (id, party_kind, party_id, charges_enabled, payouts_enabled, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT DO NOTHING`,
			a.ID, a.PartyKind, a.PartyID, a.ChargesEnabled, a.PayoutsEnabled, a.UpdatedAt)
		if err != nil {
			return err
		}
		if n == 0 { // a conflict: the party or the account is linked
			return buycard.Errorf(buycard.ECONFLICT, "The %s or the account %q is linked already.", a.PartyKind, a.ID)
		}
		return followCharges(ctx, tx, a)
	})
}

// UpdatePaymentAccount records a later state of an account.
func (db *Store) UpdatePaymentAccount(ctx context.Context, a *buycard.PaymentAccount) (updated bool, err error) {
	defer db.wrap(&err, "update payment account")
	return write(ctx, db, func(tx Tx) (bool, error) {
		stored, err := findAccount(ctx, tx, `id = $1`+db.dialect.ForUpdate, a.ID)
		if err != nil {
			return false, err
		}
		if !a.UpdatedAt.After(stored.UpdatedAt) {
			return false, nil // an older report than the one recorded
		}
		a.PartyKind, a.PartyID = stored.PartyKind, stored.PartyID
		_, err = tx.Exec(ctx, `
			UPDATE payment_accounts SET charges_enabled = $1, payouts_enabled = $2, updated_at = $3 WHERE id = $4`,
			a.ChargesEnabled, a.PayoutsEnabled, db.dialect.StoredTime(a.UpdatedAt), a.ID)
		if err != nil {
			return false, err
		}
		return true, followCharges(ctx, tx, a)
	})
}

// followCharges makes a merchant's ChargesEnabled its account's.
func followCharges(ctx context.Context, tx Tx, a *buycard.PaymentAccount) error {
	if a.PartyKind != buycard.PartyMerchant {
		return nil
	}
	_, err := tx.Exec(ctx, `UPDATE merchants SET charges_enabled = $1 WHERE id = $2`, a.ChargesEnabled, a.PartyID)
	return err
}

// CheckParty implements buycard.AccountService.
func (db *Store) CheckParty(ctx context.Context, partyKind, partyID string) (err error) {
	defer db.wrap(&err, "check party")
	party, ok := partyTables[partyKind]
	if !ok {
		return buycard.Errorf(buycard.EINVALID, "Only merchants and publishers have payment accounts.")
	}
	_, err = snapshot(ctx, db, func(tx Tx) (struct{}, error) {
		return struct{}{}, requireRow(ctx, tx, party.table, party.what, partyID)
	})
	return err
}

// FindPaymentAccount returns the account of a party.
func (db *Store) FindPaymentAccount(ctx context.Context, partyKind, partyID string) (_ *buycard.PaymentAccount, err error) {
	defer db.wrap(&err, "find payment account")
	return snapshot(ctx, db, func(tx Tx) (*buycard.PaymentAccount, error) {
		return findAccount(ctx, tx, `party_kind = $1 AND party_id = $2`, partyKind, partyID)
	})
}

func findAccount(ctx context.Context, tx Tx, where string, args ...any) (*buycard.PaymentAccount, error) {
	a := new(buycard.PaymentAccount)
	err := tx.QueryRow(ctx, `
		SELECT id, party_kind, party_id, charges_enabled, payouts_enabled, updated_at
		FROM payment_accounts WHERE `+where, args...).
		Scan(&a.ID, &a.PartyKind, &a.PartyID, &a.ChargesEnabled, &a.PayoutsEnabled, &a.UpdatedAt)
	if errors.Is(err, ErrNoRows) {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "No payment account found.")
	}
	return a, err
}
