package stripeconnect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

const (
	secret    = "whsec_current"
	oldSecret = "whsec_previous"
	tolerance = 300 * time.Second
)

func TestVerifyWebhook(t *testing.T) {
	body, err := os.ReadFile("testdata/checkout_session_completed_paid.json")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1717171800, 0)
	changed := bytes.Clone(body)
	changed[bytes.IndexByte(changed, '2')] = '3' // one byte of the body
	var v any
	json.Unmarshal(body, &v)
	compact, _ := json.Marshal(v) // same JSON, other bytes
	bad := stripetest.Signature(body, "whsec_wrong", now)
	good := stripetest.Signature(body, secret, now)

	for _, tt := range []struct {
		name    string
		body    []byte
		header  string
		secrets []string
		code    string // "" means ok
	}{
		{"ok", body, stripetest.Sign(body, secret, now), []string{secret}, ""},
		{"no header", body, "", []string{secret}, buycard.EUNAUTHORIZED},
		{"malformed header", body, "garbage", []string{secret}, buycard.EUNAUTHORIZED},
		{"no timestamp", body, "v1=" + good, []string{secret}, buycard.EUNAUTHORIZED},
		{"timestamp not a number", body, "t=soon,v1=" + good, []string{secret}, buycard.EUNAUTHORIZED},
		{"no v1", body, fmt.Sprintf("t=%d,v0=%s", now.Unix(), good), []string{secret}, buycard.EUNAUTHORIZED},
		{"wrong secret", body, stripetest.Sign(body, "whsec_wrong", now), []string{secret}, buycard.EUNAUTHORIZED},
		{"one body byte changed", changed, stripetest.Sign(body, secret, now), []string{secret}, buycard.EUNAUTHORIZED},
		{"body re-serialized", compact, stripetest.Sign(body, secret, now), []string{secret}, buycard.EUNAUTHORIZED},
		{"301 s old", body, stripetest.Sign(body, secret, now.Add(-301*time.Second)), []string{secret}, buycard.EUNAUTHORIZED},
		{"299 s old", body, stripetest.Sign(body, secret, now.Add(-299*time.Second)), []string{secret}, ""},
		{"10 minutes in the future", body, stripetest.Sign(body, secret, now.Add(10*time.Minute)), []string{secret}, buycard.EUNAUTHORIZED},
		{"299 s in the future", body, stripetest.Sign(body, secret, now.Add(299*time.Second)), []string{secret}, ""},
		{"signature for another timestamp", body, fmt.Sprintf("t=%d,v1=%s", now.Unix()+1, good), []string{secret}, buycard.EUNAUTHORIZED},
		{"second of two v1 valid", body, fmt.Sprintf("t=%d,v1=%s,v1=%s", now.Unix(), bad, good), []string{secret}, ""},
		{"first of two v1 valid", body, fmt.Sprintf("t=%d,v1=%s,v1=%s", now.Unix(), good, bad), []string{secret}, ""},
		{"v1 not hex", body, fmt.Sprintf("t=%d,v1=zz", now.Unix()), []string{secret}, buycard.EUNAUTHORIZED},
		{"rotation: second secret matches", body, stripetest.Sign(body, secret, now), []string{oldSecret, secret}, ""},
		{"rotation: neither secret matches", body, stripetest.Sign(body, secret, now), []string{oldSecret, "whsec_other"}, buycard.EUNAUTHORIZED},
		{"signed body is not an event", []byte(`{"hello":1}`), stripetest.Sign([]byte(`{"hello":1}`), secret, now), []string{secret}, buycard.EINVALID},
		{"signed body is not JSON", []byte(`nope`), stripetest.Sign([]byte(`nope`), secret, now), []string{secret}, buycard.EINVALID},
		{"no secret configured", body, stripetest.Sign(body, secret, now), nil, buycard.EINTERNAL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := VerifyWebhook(tt.body, tt.header, tt.secrets, now, tolerance)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				if ev.ID != "evt_1PaidCompleted" || ev.Type != "checkout.session.completed" {
					t.Errorf("event = %s %s", ev.ID, ev.Type)
				}
				return
			}
			wantCode(t, err, tt.code)
			if ev.ID != "" {
				t.Errorf("rejected webhook returned event %s", ev.ID)
			}
		})
	}
}

func FuzzVerifyWebhookHeader(f *testing.F) {
	f.Add("t=1717171800,v1=00")
	f.Add("t=,v1=,v1=")
	f.Add(",,,=")
	f.Fuzz(func(t *testing.T, header string) {
		_, err := VerifyWebhook([]byte(`{}`), header, []string{secret}, time.Unix(1717171800, 0), tolerance)
		if err == nil {
			t.Fatalf("header %q verified", header)
		}
	})
}
