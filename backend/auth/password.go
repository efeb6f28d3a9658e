// Package auth holds the security primitives of Buycard's accounts:
// argon2id password hashes in PHC format, random session, reset and API
// key tokens stored as SHA-256 digests, CSRF tokens bound to a session,
// and the sign-in throttle, which counts in a key-value storage. It keeps
// no state of its own beyond the throttle's storage; backend/api uses it
// and the stores keep the digests.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams are OWASP's recommended minimum for argon2id (19 MiB, two
// passes, one lane): about 30 ms on one core, so a two-core node can check
// a few dozen logins a second while an offline attacker pays the same
// per guess. Raising them rehashes each password at its next login.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// TestParams are cheap parameters for tests only.
var TestParams = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

var phc = base64.RawStdEncoding

// HashPassword returns the PHC string of password under p:
// $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH.
func (p Params) HashPassword(password string) string {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		panic("auth: crypto/rand failed: " + err.Error())
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, phc.EncodeToString(salt), phc.EncodeToString(key))
}

// errBadHash is a stored hash that is not a PHC argon2id string.
var errBadHash = errors.New("auth: not an argon2id PHC hash")

// VerifyPassword reports whether password matches the PHC string hash,
// in constant time, and whether the hash should be replaced because it
// was made with other parameters than p. An empty hash matches nothing.
func (p Params) VerifyPassword(password, hash string) (ok, rehash bool, err error) {
	if hash == "" {
		return false, false, nil
	}
	stored, salt, key, err := parsePHC(hash)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(password), salt, stored.Time, stored.Memory, stored.Threads, uint32(len(key)))
	ok = subtle.ConstantTimeCompare(got, key) == 1
	stored.SaltLen, stored.KeyLen = uint32(len(salt)), uint32(len(key))
	return ok, ok && stored != p, nil
}

// parsePHC splits $argon2id$v=19$m=…,t=…,p=…$salt$hash.
func parsePHC(hash string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, errBadHash
	}
	salt, err1 := phc.DecodeString(parts[4])
	key, err2 := phc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) == 0 || len(key) == 0 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// Password length bounds: long enough to resist guessing without other
// rules, short enough that hashing a submitted one stays cheap.
const (
	MinPassword = 12
	MaxPassword = 128
)

// CheckPassword returns why password is not acceptable for email, or "".
func CheckPassword(password, email string) string {
	n := len([]rune(password))
	switch {
	case n < MinPassword:
		return fmt.Sprintf("The password must be at least %d characters.", MinPassword)
	case len(password) > MaxPassword:
		return fmt.Sprintf("The password must be at most %d bytes.", MaxPassword)
	case strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(email)):
		return "The password must not be your email address."
	}
	return ""
}
