package buycard

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strings"
	"time"
)

// PlacementClaims is what a card's placement token vouches for: which
// widget and product, which publisher placement gets the credit, and the
// price version the card showed.
type PlacementClaims struct {
	WidgetID     string    `json:"w"`
	ProductID    string    `json:"p"`
	PublisherID  string    `json:"pub,omitempty"`
	PlacementID  string    `json:"plc,omitempty"`
	PriceVersion int64     `json:"pv"`
	ExpiresAt    time.Time `json:"exp"`
	// ServedAt is when a card-data response (GET /v1/cards) carried the
	// token, to the minute; zero for tokens from anywhere else. It is the
	// proof that a funnel event comes from a card the server served
	// lately: the token is public, but only the server can sign a newer
	// ServedAt.
	ServedAt time.Time `json:"srv,omitzero"`
}

// OrderClaims is what an order token vouches for: the bearer may pay for
// and read the receipt of one order, until it expires.
type OrderClaims struct {
	OrderID   string    `json:"o"`
	ExpiresAt time.Time `json:"exp"`
}

// OrderPageClaims is what an order page token vouches for: the bearer
// may read one order's page, with its downloads and license keys, until
// it expires. It outlives the checkout's OrderClaims, for the shopper
// comes back to the page long after paying (OrderPageTTL).
type OrderPageClaims struct {
	OrderID   string    `json:"o"`
	ExpiresAt time.Time `json:"exp"`
}

// DownloadClaims is what a download token vouches for: the bearer may
// download one file of one order, until it expires (DownloadLinkTTL) and
// within the order's download limit.
type DownloadClaims struct {
	OrderID   string    `json:"o"`
	FileID    string    `json:"f"`
	ExpiresAt time.Time `json:"exp"`
}

// OnboardingClaims is what an onboarding token vouches for: the bearer may
// continue the payment provider's onboarding of one party's account, and
// see what the provider allows it, until it expires.
type OnboardingClaims struct {
	PartyKind string    `json:"k"` // PartyMerchant or PartyPublisher
	PartyID   string    `json:"id"`
	AccountID string    `json:"a"`
	ExpiresAt time.Time `json:"exp"`
}

// Token purposes, part of the signed text so that a token of one kind can
// never be used as another.
const (
	purposePlacement  = "p"
	purposeOrder      = "o"
	purposeOnboarding = "a"
	purposeOrderPage  = "r"
	purposeDownload   = "d"
	tokenVersion      = "bc1"
)

// TokenSigner signs and verifies tokens with HMAC-SHA256. It holds several
// keys by id so keys can rotate: new tokens use the current key, and tokens
// signed with any key still listed verify.
type TokenSigner struct {
	current string
	keys    map[string][]byte
}

// NewTokenSigner returns a signer that signs with keys[current]. Every key
// must be at least 32 bytes and ids must not contain dots.
func NewTokenSigner(current string, keys map[string][]byte) (*TokenSigner, error) {
	if _, ok := keys[current]; !ok {
		return nil, Errorf(EINVALID, "Signing key %q is not among the keys.", current)
	}
	for id, k := range keys {
		if id == "" || strings.Contains(id, ".") {
			return nil, Errorf(EINVALID, "Key id %q must be non-empty and have no dot.", id)
		}
		if len(k) < 32 {
			return nil, Errorf(EINVALID, "Key %q is shorter than 32 bytes.", id)
		}
	}
	return &TokenSigner{current: current, keys: keys}, nil
}

// SignPlacement returns a placement token for c.
func (s *TokenSigner) SignPlacement(c PlacementClaims) string {
	return s.sign(purposePlacement, c)
}

// VerifyPlacement checks a placement token's signature and expiry at now.
// Errors: EUNAUTHORIZED for a malformed, tampered, unknown-key or expired
// token.
func (s *TokenSigner) VerifyPlacement(token string, now time.Time) (PlacementClaims, error) {
	var c PlacementClaims
	if err := s.verify(purposePlacement, token, &c); err != nil {
		return c, err
	}
	if !now.Before(c.ExpiresAt) {
		return c, Errorf(EUNAUTHORIZED, "This checkout link has expired. Reload the page and try again.")
	}
	if c.WidgetID == "" || c.ProductID == "" {
		return c, errBadToken
	}
	return c, nil
}

// SignOrder returns an order token for c.
func (s *TokenSigner) SignOrder(c OrderClaims) string {
	return s.sign(purposeOrder, c)
}

// VerifyOrder checks an order token. Errors: EUNAUTHORIZED.
func (s *TokenSigner) VerifyOrder(token string, now time.Time) (OrderClaims, error) {
	var c OrderClaims
	if err := s.verify(purposeOrder, token, &c); err != nil {
		return c, err
	}
	if !now.Before(c.ExpiresAt) {
		return c, Errorf(EUNAUTHORIZED, "This checkout has expired. Start again from the card.")
	}
	if c.OrderID == "" {
		return c, errBadToken
	}
	return c, nil
}

// SignOnboarding returns an onboarding token for c.
func (s *TokenSigner) SignOnboarding(c OnboardingClaims) string {
	return s.sign(purposeOnboarding, c)
}

// VerifyOnboarding checks an onboarding token at now. Errors:
// EUNAUTHORIZED for a malformed, tampered, unknown-key or expired token.
func (s *TokenSigner) VerifyOnboarding(token string, now time.Time) (OnboardingClaims, error) {
	var c OnboardingClaims
	if err := s.verify(purposeOnboarding, token, &c); err != nil {
		return c, errBadOnboarding
	}
	if !now.Before(c.ExpiresAt) {
		return c, Errorf(EUNAUTHORIZED, "This onboarding link has expired. Ask the platform for a new one.")
	}
	if (c.PartyKind != PartyMerchant && c.PartyKind != PartyPublisher) || c.PartyID == "" || c.AccountID == "" {
		return c, errBadOnboarding
	}
	return c, nil
}

// SignOrderPage returns an order page token for c.
func (s *TokenSigner) SignOrderPage(c OrderPageClaims) string {
	return s.sign(purposeOrderPage, c)
}

// OrderPagePath is the path of the shopper's order page; its token rides
// in the query (t).
const OrderPagePath = "/order"

// OrderPageURL is the link under publicURL to order id's page, signed at
// now for OrderPageTTL: what the receipt, in the overlay and by email,
// hands the shopper.
func (s *TokenSigner) OrderPageURL(publicURL, orderID string, now time.Time) string {
	token := s.SignOrderPage(OrderPageClaims{OrderID: orderID, ExpiresAt: now.Add(OrderPageTTL)})
	return publicURL + OrderPagePath + "?t=" + url.QueryEscape(token)
}

// VerifyOrderPage checks an order page token at now. Errors:
// EUNAUTHORIZED for a malformed, tampered, unknown-key or expired token.
func (s *TokenSigner) VerifyOrderPage(token string, now time.Time) (OrderPageClaims, error) {
	var c OrderPageClaims
	if err := s.verify(purposeOrderPage, token, &c); err != nil || c.OrderID == "" {
		return c, errBadOrderPage
	}
	if !now.Before(c.ExpiresAt) {
		return c, Errorf(EUNAUTHORIZED, "This order link has expired. Write to the seller for a new one.")
	}
	return c, nil
}

// SignDownload returns a download token for c.
func (s *TokenSigner) SignDownload(c DownloadClaims) string {
	return s.sign(purposeDownload, c)
}

// VerifyDownload checks a download token at now. Errors: EUNAUTHORIZED
// for a malformed, tampered, unknown-key or expired token.
func (s *TokenSigner) VerifyDownload(token string, now time.Time) (DownloadClaims, error) {
	var c DownloadClaims
	if err := s.verify(purposeDownload, token, &c); err != nil || c.OrderID == "" || c.FileID == "" {
		return c, errBadDownload
	}
	if !now.Before(c.ExpiresAt) {
		return c, Errorf(EUNAUTHORIZED, "This download link has expired. Open your order page for a new one.")
	}
	return c, nil
}

var (
	errBadToken      = Errorf(EUNAUTHORIZED, "The checkout token is not valid.")
	errBadOnboarding = Errorf(EUNAUTHORIZED, "This onboarding link is not valid.")
	errBadOrderPage  = Errorf(EUNAUTHORIZED, "This order link is not valid.")
	errBadDownload   = Errorf(EUNAUTHORIZED, "This download link is not valid.")
)

var b64 = base64.RawURLEncoding

func (s *TokenSigner) sign(purpose string, claims any) string {
	payload, err := json.Marshal(claims)
	if err != nil {
		panic("buycard: marshal token claims: " + err.Error()) // claims are plain structs
	}
	head := tokenVersion + "." + purpose + "." + s.current + "." + b64.EncodeToString(payload)
	return head + "." + b64.EncodeToString(mac(s.keys[s.current], head))
}

func (s *TokenSigner) verify(purpose, token string, into any) error {
	if len(token) > 2048 {
		return errBadToken
	}
	parts := strings.Split(token, ".")
	if len(parts) != 5 || parts[0] != tokenVersion || parts[1] != purpose {
		return errBadToken
	}
	key, ok := s.keys[parts[2]]
	if !ok {
		return errBadToken
	}
	sig, err := b64.DecodeString(parts[4])
	if err != nil {
		return errBadToken
	}
	head := strings.Join(parts[:4], ".")
	if !hmac.Equal(sig, mac(key, head)) {
		return errBadToken
	}
	payload, err := b64.DecodeString(parts[3])
	if err != nil || json.Unmarshal(payload, into) != nil {
		return errBadToken
	}
	return nil
}

func mac(key []byte, text string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(text))
	return h.Sum(nil)
}
