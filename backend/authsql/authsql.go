// Package authsql is account SQL that the SQLite and PostgreSQL stores
// share: both run the same statements ($N placeholders), passing times as
// their driver stores them. It holds what setting a password takes:
// password links, the password itself and the sessions it ends. The rest
// of the stores' account SQL (users, sessions, API keys) predates it and
// is still written per store.
package authsql

// InsertReset stores a password link: $1 id (the token's digest), $2 user,
// $3 expiry. It replaces the user's unused link, if any, in the same
// statement: the unique index password_resets_one_unused lets a user hold
// one unused link, so an older one stops working the moment a new one is
// issued, whatever path issues it.
const InsertReset = `
	INSERT INTO password_resets (id, user_id, expires_at) VALUES ($1, $2, $3)
	ON CONFLICT (user_id) WHERE used_at IS NULL DO UPDATE SET id = excluded.id, expires_at = excluded.expires_at`

// UseReset spends a link unused and unexpired at $1, with id $2, and
// returns its user. The conditional UPDATE takes the row's lock, so of two
// concurrent uses the second finds the link spent.
const UseReset = `
	UPDATE password_resets SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id`

// SetPassword sets the password hash of user $1 to $2.
const SetPassword = `UPDATE users SET password_hash = $2 WHERE id = $1`

// EndSessions ends every session of user $1: a new password signs out
// whoever signed in with the old one.
const EndSessions = `DELETE FROM sessions WHERE user_id = $1`

// Rehash replaces the password hash of user $1, when it is still $2, by
// $3, a hash of the same password with new parameters. When the hash has
// changed meanwhile it changes nothing, so that a sign-in that verified
// the old password cannot put it back over a password set since.
const Rehash = `UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`

// LockPassword changes nothing, but locks user $1's row when its password
// hash is still $2, the one a sign-in checked; InsertSession follows in
// the same transaction. A password set concurrently (SetPassword, then
// EndSessions, in one transaction) then either waits for the session to
// commit and ends it, or commits first, and no session starts because the
// hash differs. A plain SELECT would not wait: under PostgreSQL's READ
// COMMITTED, a session inserted between the other transaction's two
// statements would survive the new password.
const LockPassword = `UPDATE users SET password_hash = password_hash WHERE id = $1 AND password_hash = $2`

// InsertSession stores a session: $1 id (the cookie token's digest), $2
// user, $3 creation, $4 expiry.
const InsertSession = `INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`
