package buycard

import (
	"crypto/rand"
	"strings"
)

// idAlphabet is Crockford's base32 in lower case: no i, l, o or u, so ids
// and order numbers read aloud without confusion.
const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// NewID returns prefix + "_" + 20 random characters (100 bits), as in
// "ord_3k9v…".
func NewID(prefix string) string {
	return prefix + "_" + randomString(20)
}

// NewOrderNumber returns a short number shoppers can quote to support:
// "BC-7F3K-92QD" (40 random bits; uniqueness is enforced by the store).
func NewOrderNumber() string {
	s := strings.ToUpper(randomString(8))
	return "BC-" + s[:4] + "-" + s[4:]
}

func randomString(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("buycard: crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = idAlphabet[b[i]&31]
	}
	return string(b)
}
