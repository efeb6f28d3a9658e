package ledger_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

var (
	clearingUSD = ledger.Account(ledger.Provider("sandbox"), ledger.Clearing, "USD")
	revenueUSD  = ledger.Account(ledger.Platform(), ledger.Revenue, "USD")
	payableUSD  = ledger.Account(ledger.Merchant("mer_1"), ledger.Payable, "USD")
)

// validJournal returns a fresh balanced journal each call.
func validJournal() ledger.Journal {
	return ledger.Journal{
		Key:      "adjustment:a1",
		Kind:     ledger.KindAdjustment,
		Currency: "USD",
		Postings: []ledger.Posting{
			{Account: clearingUSD, Amount: 100},
			{Account: revenueUSD, Amount: -30},
			{Account: payableUSD, Amount: -70, Memo: "net"},
		},
		EffectiveAt: t0,
	}
}

func TestJournalValidate(t *testing.T) {
	kwd := func(a ledger.AccountID) ledger.AccountID { a.Currency = "KWD"; return a }
	tests := []struct {
		name    string
		change  func(j *ledger.Journal)
		message string
	}{
		{"ok", func(j *ledger.Journal) {}, ""},
		{"empty key", func(j *ledger.Journal) { j.Key = "" },
			"Journal key must be 1 to 200 printable characters without spaces."},
		{"key with space", func(j *ledger.Journal) { j.Key = "sale: x" },
			"Journal key must be 1 to 200 printable characters without spaces."},
		{"key too long", func(j *ledger.Journal) { j.Key = strings.Repeat("k", 201) },
			"Journal key must be 1 to 200 printable characters without spaces."},
		{"unknown kind", func(j *ledger.Journal) { j.Kind = "gift" },
			`Journal adjustment:a1 has unknown kind "gift".`},
		{"bad order id", func(j *ledger.Journal) { j.OrderID = "ord:1" },
			`Journal adjustment:a1 has invalid order id "ord:1".`},
		{"unsupported currency", func(j *ledger.Journal) { j.Currency = "XXX" },
			`Journal adjustment:a1 has unsupported currency "XXX".`},
		{"no time", func(j *ledger.Journal) { j.EffectiveAt = time.Time{} },
			"Journal adjustment:a1 has no effective time."},
		{"one posting", func(j *ledger.Journal) { j.Postings = j.Postings[:1] },
			"Journal adjustment:a1 must have 2 to 32 postings."},
		{"zero amount", func(j *ledger.Journal) { j.Postings[1].Amount = 0; j.Postings[2].Amount = -100 },
			"Journal adjustment:a1 posts zero to platform:platform:revenue:USD."},
		{"currency mismatch", func(j *ledger.Journal) { j.Postings[1].Account.Currency = "EUR" },
			"Journal adjustment:a1 is in USD but posts to platform:platform:revenue:EUR."},
		{"unbalanced", func(j *ledger.Journal) { j.Postings[0].Amount = 101 },
			"Journal adjustment:a1 is unbalanced: postings sum to 1."},
		{"duplicate account", func(j *ledger.Journal) { j.Postings[2].Account = revenueUSD },
			"Journal adjustment:a1 posts to platform:platform:revenue:USD twice."},
		{"invalid account", func(j *ledger.Journal) { j.Postings[1].Account.Kind = ledger.Pending },
			"A platform has no pending account."},
		{"too large", func(j *ledger.Journal) {
			j.Postings[0].Amount = ledger.MaxAmount + 1
			j.Postings[2].Amount = -ledger.MaxAmount - 1 + 30
		}, "Journal adjustment:a1 posts too large an amount to provider:sandbox:clearing:USD."},
		{"memo too long", func(j *ledger.Journal) { j.Postings[0].Memo = strings.Repeat("m", 201) },
			"Journal adjustment:a1 has a memo that is not UTF-8 of at most 200 bytes."},
		{"kwd amount must end in 0", func(j *ledger.Journal) {
			j.Currency = "KWD"
			j.Postings[0] = ledger.Posting{Account: kwd(clearingUSD), Amount: 105}
			j.Postings[1] = ledger.Posting{Account: kwd(revenueUSD), Amount: -35}
			j.Postings[2] = ledger.Posting{Account: kwd(payableUSD), Amount: -70}
		}, "Journal adjustment:a1 posts 105 to provider:sandbox:clearing:KWD: KWD amounts must be multiples of 10."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := validJournal()
			tt.change(&j)
			err := j.Validate()
			if tt.message == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, err, buycard.EINVALID, tt.message)
		})
	}
}

func TestDigest(t *testing.T) {
	base := validJournal().Digest()
	same := []struct {
		name   string
		change func(j *ledger.Journal)
	}{
		{"posting order", func(j *ledger.Journal) { slices.Reverse(j.Postings) }},
		{"time zone", func(j *ledger.Journal) { j.EffectiveAt = t0.In(time.FixedZone("X", 3600)) }},
		{"below a microsecond", func(j *ledger.Journal) { j.EffectiveAt = t0.Add(999 * time.Nanosecond) }},
	}
	for _, tt := range same {
		j := validJournal()
		tt.change(&j)
		if j.Digest() != base {
			t.Errorf("%s changed the digest", tt.name)
		}
	}
	differ := []struct {
		name   string
		change func(j *ledger.Journal)
	}{
		{"amount", func(j *ledger.Journal) { j.Postings[1].Amount = -31; j.Postings[2].Amount = -69 }},
		{"memo", func(j *ledger.Journal) { j.Postings[2].Memo = "" }},
		{"order id", func(j *ledger.Journal) { j.OrderID = "ord_1" }},
		{"time", func(j *ledger.Journal) { j.EffectiveAt = t0.Add(time.Microsecond) }},
		{"kind", func(j *ledger.Journal) { j.Kind = ledger.KindSale }},
		{"memo moved between fields", func(j *ledger.Journal) { j.Postings[2].Memo = ""; j.Postings[1].Memo = "net" }},
	}
	for _, tt := range differ {
		j := validJournal()
		tt.change(&j)
		if j.Digest() == base {
			t.Errorf("%s did not change the digest", tt.name)
		}
	}
}

func TestVerifyChainFindsFirstTampered(t *testing.T) {
	m := ledger.NewMemory()
	for i := range 4 {
		j := validJournal()
		j.Key = "adjustment:a" + string(rune('0'+i))
		must[ledger.PostResult](t)(m.Post(t.Context(), j))
	}
	links := m.Journals()
	if got := ledger.VerifyChain(links); got != -1 {
		t.Fatalf("VerifyChain(untouched) = %d, want -1", got)
	}
	links[2].Journal.Postings[0].Amount++
	links[3].Journal.Kind = ledger.KindSale
	if got := ledger.VerifyChain(links); got != 2 {
		t.Fatalf("VerifyChain = %d, want 2 (first altered journal)", got)
	}
	links = m.Journals()
	links[1].Hash = strings.Repeat("0", 64)
	if got := ledger.VerifyChain(links); got != 1 {
		t.Fatalf("VerifyChain = %d, want 1 (altered hash)", got)
	}
}
