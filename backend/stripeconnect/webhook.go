package stripeconnect

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/buycard/buycard"
)

// DefaultTolerance is how far a webhook's signed timestamp may be from
// now, either way, when VerifyWebhook is given no tolerance.
const DefaultTolerance = 5 * time.Minute

// SignatureHeader is the header Stripe signs webhooks in.
const SignatureHeader = "Stripe-Signature"

// maxSignatureHeader bounds the header we parse.
const maxSignatureHeader = 4096

var errBadSignature = buycard.Errorf(buycard.EUNAUTHORIZED, "The webhook signature is not valid.")

// VerifyWebhook checks a webhook's Stripe-Signature header against the raw
// request body and returns the event it carries. The header is
// "t=TIMESTAMP,v1=HEX[,v1=HEX…]" (other schemes are ignored); a v1 value
// is valid when it is HMAC-SHA256 of "TIMESTAMP.BODY" keyed with one of
// secrets, compared in constant time. Several secrets let an endpoint
// secret be rolled; several v1 values are what Stripe sends while it
// rolls. The timestamp must be within tolerance of now in either
// direction (stripe-go only rejects old ones); tolerance ≤ 0 means
// DefaultTolerance.
//
// payload must be the body exactly as received: re-serialized JSON does
// not verify. Errors: EUNAUTHORIZED (no, malformed or wrong signature;
// timestamp out of the window), EINVALID (a verified body that is not an
// event), a plain error when no secret is configured.
func VerifyWebhook(payload []byte, header string, secrets []string, now time.Time, tolerance time.Duration) (stripe.Event, error) {
	var ev stripe.Event
	if len(secrets) == 0 {
		return ev, errors.New("stripe webhook: no signing secret configured")
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	if header == "" {
		return ev, buycard.Errorf(buycard.EUNAUTHORIZED, "The webhook has no Stripe-Signature header.")
	}
	ts, sigs, err := parseSignatureHeader(header)
	if err != nil {
		return ev, err
	}
	if !validSignature(payload, ts, sigs, secrets) {
		return ev, errBadSignature
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return ev, buycard.Errorf(buycard.EUNAUTHORIZED, "The webhook timestamp is outside the accepted window.")
	}
	if err := json.Unmarshal(payload, &ev); err != nil {
		return stripe.Event{}, buycard.Errorf(buycard.EINVALID, "The webhook body is not a Stripe event.")
	}
	if ev.ID == "" || ev.Type == "" || ev.Data == nil || ev.Data.Object == nil {
		return stripe.Event{}, buycard.Errorf(buycard.EINVALID, "The webhook body is not a Stripe event.")
	}
	return ev, nil
}

// parseSignatureHeader returns the timestamp and the decoded v1
// signatures of a Stripe-Signature header.
func parseSignatureHeader(header string) (int64, [][]byte, error) {
	malformed := buycard.Errorf(buycard.EUNAUTHORIZED, "The Stripe-Signature header is malformed.")
	if len(header) > maxSignatureHeader {
		return 0, nil, malformed
	}
	var (
		ts    int64
		haveT bool
		sigs  [][]byte
	)
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return 0, nil, malformed
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || haveT || n <= 0 {
				return 0, nil, malformed
			}
			ts, haveT = n, true
		case "v1":
			// A value that is not hex cannot match; others may.
			if b, err := hex.DecodeString(v); err == nil && len(b) == sha256.Size {
				sigs = append(sigs, b)
			}
		}
	}
	if !haveT {
		return 0, nil, malformed
	}
	if len(sigs) == 0 {
		return 0, nil, buycard.Errorf(buycard.EUNAUTHORIZED, "The Stripe-Signature header has no v1 signature.")
	}
	return ts, sigs, nil
}

func validSignature(payload []byte, ts int64, sigs [][]byte, secrets []string) bool {
	prefix := strconv.FormatInt(ts, 10) + "."
	ok := false
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(prefix))
		mac.Write(payload)
		want := mac.Sum(nil)
		for _, sig := range sigs {
			// No early return: every pair is compared.
			if hmac.Equal(sig, want) {
				ok = true
			}
		}
	}
	return ok
}
