package auth

import (
	"encoding/json"
	"time"

	"github.com/buycard/buycard/backend/limitstore"
)

// Throttle slows down guessing at a key (an account on one client
// network, a network). A key's first Free failures cost nothing; after
// that each failure refuses the key for a wait that doubles, from Delay up
// to MaxDelay. A count is forgotten once the key has been quiet for Forget
// after its last wait, or at once by Reset.
//
// A throttle delays and never locks: whoever triggers it against a key
// costs its owner at most MaxDelay.
//
// The counts live in a limitstore.Store, the one storage of every limit:
// shared by the nodes through Redis, and in this node's memory while Redis
// is away, so that a throttle never fails and never stops counting. They
// are read and written back, not incremented atomically, so nodes racing
// on one key may each miss the other's failure: the count is approximate
// across nodes, which is enough to make guessing slow.
type Throttle struct {
	Storage         *limitstore.Store
	Free            int
	Delay, MaxDelay time.Duration
	Forget          time.Duration
	Now             func() time.Time
}

// count is a key's failures and until when the key is refused.
type count struct {
	N     int       `json:"n"`
	Until time.Time `json:"u"`
}

// RetryAfter returns how long key is refused, 0 when it is not.
func (t *Throttle) RetryAfter(key string) time.Duration {
	return max(t.get(key).Until.Sub(t.Now()), 0)
}

// Fail counts a failed attempt of key.
func (t *Throttle) Fail(key string) {
	c, now := t.get(key), t.Now()
	c.N++
	wait := t.wait(c.N)
	c.Until = now.Add(wait)
	b, _ := json.Marshal(c) // a plain struct always encodes
	// A limitstore.Store does not fail.
	_ = t.Storage.Set(key, b, wait+t.Forget)
}

// wait is how long the key is refused after its nth failure.
func (t *Throttle) wait(n int) time.Duration {
	if n < t.Free {
		return 0
	}
	d := t.Delay
	for i := t.Free; i < n && d < t.MaxDelay; i++ {
		d *= 2
	}
	return min(d, t.MaxDelay)
}

// Reset forgets key's failures.
func (t *Throttle) Reset(key string) {
	_ = t.Storage.Delete(key) // a limitstore.Store does not fail
}

// get reads key's count; an absent or unreadable one is zero.
func (t *Throttle) get(key string) count {
	var c count
	b, _ := t.Storage.Get(key) // a limitstore.Store does not fail
	if b == nil || json.Unmarshal(b, &c) != nil {
		return count{}
	}
	return c
}

// SignIns throttles failed sign-ins twice. Per account and client network,
// so that guesses at one account's password slow down while nobody on
// another network can make its owner wait. And per client network across
// accounts, so that one network cannot try a password on many accounts.
// A success forgets the count of its account on its network, never the
// network's own, so that a guesser's own account launders no guesses at
// others. Emails without an account count like any other, so that the
// throttle does not tell which have one.
type SignIns struct {
	Account, Network Throttle
}

// Prefixes of the keys, in a storage (Redis) that may hold other things.
const (
	accountKey = "buycard:login:account:"
	networkKey = "buycard:login:network:"
)

// signInKeys are the keys of email on network. The account's key is a
// digest, so that the storage holds no email addresses.
func signInKeys(email, network string) (account, net string) {
	return accountKey + Digest(email+" "+network), networkKey + network
}

// RetryAfter returns how long sign-ins of email from network are refused,
// 0 when they are not.
func (s *SignIns) RetryAfter(email, network string) time.Duration {
	account, net := signInKeys(email, network)
	return max(s.Account.RetryAfter(account), s.Network.RetryAfter(net))
}

// Fail counts a failed sign-in of email from network.
func (s *SignIns) Fail(email, network string) {
	account, net := signInKeys(email, network)
	s.Account.Fail(account)
	s.Network.Fail(net)
}

// Succeed forgets the failures of email on network.
func (s *SignIns) Succeed(email, network string) {
	account, _ := signInKeys(email, network)
	s.Account.Reset(account)
}

// Mailings throttles the requests that send an email to an address a
// client names (sign-ups, password links), counting every request: per
// address, whatever the network, so that nobody can flood a mailbox; and
// per client network across addresses, so that one network cannot mail
// many. A refused request sends nothing but is answered as any other, so
// that the throttle does not tell which addresses have accounts either.
type Mailings struct {
	Address, Network Throttle
}

// Prefixes of the mailing keys.
const (
	mailAddressKey = "buycard:mail:address:"
	mailNetworkKey = "buycard:mail:network:"
)

// Allow reports whether a request from network may email address now,
// and counts it when it may. The address's key is a digest, so that the
// storage holds no email addresses.
func (m *Mailings) Allow(address, network string) bool {
	addr, net := mailAddressKey+Digest(address), mailNetworkKey+network
	if m.Address.RetryAfter(addr) > 0 || m.Network.RetryAfter(net) > 0 {
		return false
	}
	m.Address.Fail(addr)
	m.Network.Fail(net)
	return true
}
