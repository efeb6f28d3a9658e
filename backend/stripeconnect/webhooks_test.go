package stripeconnect

import (
	"bytes"
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
	"github.com/buycard/buycard/ledger"
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

// shareLedger is a ShareLedger with one order's share transfers, which
// keeps the journals posted to it.
type shareLedger struct {
	transfers []ledger.ShareTransfer
	posted    []string
}

func (l *shareLedger) ShareTransfersOf(_ context.Context, orderID string) ([]ledger.ShareTransfer, error) {
	if orderID != "ord_7f3k92qd" {
		return nil, nil
	}
	return l.transfers, nil
}

func (l *shareLedger) Post(_ context.Context, j ledger.Journal) (ledger.PostResult, error) {
	l.posted = append(l.posted, j.Key)
	return ledger.PostResult{}, nil
}

// TestWebhookTransferOwner: transfer.reversed is applied only when the
// share transfer row its metadata names is this transfer; a row still
// pending asks Stripe to deliver it again, and anything else is
// acknowledged without a journal.
func TestWebhookTransferOwner(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "transfer_reversed.json"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1717171800, 0)
	share := ledger.ShareTransfer{ID: "ord_7f3k92qd/1", OrderID: "ord_7f3k92qd", Kind: ledger.TransferOut, Account: "acct_1Publisher",
		Status: ledger.TransferDone, ProviderID: "tr_1Share"}
	with := func(f func(*ledger.ShareTransfer)) []ledger.ShareTransfer {
		s := share
		f(&s)
		return []ledger.ShareTransfer{s}
	}
	for _, tt := range []struct {
		name      string
		transfers []ledger.ShareTransfer
		account   string // the event's
		code      string
		posted    int
	}{
		{"our share transfer", []ledger.ShareTransfer{share}, "", "", 2},
		{"our share transfer, from its account", []ledger.ShareTransfer{share}, "acct_1Publisher", "", 2},
		{"still pending", with(func(s *ledger.ShareTransfer) { s.Status, s.ProviderID = ledger.TransferPending, "" }), "", buycard.ECONFLICT, 0},
		{"the row is another transfer", with(func(s *ledger.ShareTransfer) { s.ProviderID = "tr_other" }), "", "", 0},
		{"the row is a reversal", with(func(s *ledger.ShareTransfer) { s.Kind = ledger.TransferBack }), "", "", 0},
		{"no row", nil, "", "", 0},
		{"from another account", []ledger.ShareTransfer{share}, "acct_someone_else", "", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			payload := body
			if tt.account != "" {
				payload = bytes.Replace(body, []byte(`"object": "event",`), []byte(`"object": "event", "account": "`+tt.account+`",`), 1)
			}
			l := &shareLedger{transfers: tt.transfers}
			w := &Webhooks{Secrets: []string{secret}, Ledger: l, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}
			err := w.Handle(context.Background(), payload, stripetest.Sign(payload, secret, now))
			wantCode(t, err, tt.code)
			if len(l.posted) != tt.posted {
				t.Errorf("posted %v, want %d journals", l.posted, tt.posted)
			}
		})
	}
}
