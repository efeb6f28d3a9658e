package stripeconnect

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/stripeconnect/stripetest"
)

// TestWebhookAPIVersion: an event rendered in another API version than
// the one Buycard reads is refused before anything reads its object (the
// services are nil: touching them would panic).
func TestWebhookAPIVersion(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "checkout_session_completed_paid.json"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1717171800, 0)
	w := &Webhooks{Secrets: []string{secret}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}
	other := []byte(strings.Replace(string(body), `"api_version": "2023-10-16"`, `"api_version": "2024-06-20"`, 1))
	if string(other) == string(body) {
		t.Fatal("fixture has no api_version to change")
	}
	err = w.Handle(context.Background(), other, stripetest.Sign(other, secret, now))
	wantCode(t, err, buycard.EINVALID)
}
