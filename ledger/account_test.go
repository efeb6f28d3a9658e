package ledger_test

import (
	"encoding/json"
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

func TestAccountIDText(t *testing.T) {
	a := ledger.Account(ledger.Publisher("pub_x"), ledger.Available, "USD")
	if got, want := a.String(), "publisher:pub_x:available:USD"; got != want {
		t.Fatalf("String() = %q, want %q", got, want)
	}
	parsed, err := ledger.ParseAccountID(a.String())
	if err != nil || parsed != a {
		t.Fatalf("ParseAccountID(%q) = %v, %v; want %v", a, parsed, err, a)
	}
	b, err := json.Marshal(map[ledger.AccountID]int64{a: 5})
	if err != nil || string(b) != `{"publisher:pub_x:available:USD":5}` {
		t.Fatalf("json = %s, %v", b, err)
	}
	var back map[ledger.AccountID]int64
	if err := json.Unmarshal(b, &back); err != nil || back[a] != 5 {
		t.Fatalf("unmarshal = %v, %v", back, err)
	}
}

func TestParseAccountIDErrors(t *testing.T) {
	tests := []struct {
		name, text, message string
	}{
		{"three parts", "publisher:pub_x:USD", `Account "publisher:pub_x:USD" is not party:id:kind:currency.`},
		{"unknown party", "shopper:s_1:payable:USD", `Unknown party kind "shopper".`},
		{"empty id", "merchant::payable:USD", `Invalid merchant id "".`},
		{"id with slash", "merchant:a/b:payable:USD", `Invalid merchant id "a/b".`},
		{"unknown kind", "merchant:mer_1:savings:USD", `Unknown account kind "savings".`},
		{"kind of another party", "merchant:mer_1:pending:USD", "A merchant has no pending account."},
		{"lower-case currency", "merchant:mer_1:payable:usd", `Unsupported currency "usd".`},
		{"platform id", "platform:acme:revenue:USD", `Platform party id must be "platform".`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ledger.ParseAccountID(tt.text)
			wantErr(t, err, buycard.EINVALID, tt.message)
		})
	}
}

func TestAccountRules(t *testing.T) {
	tests := []struct {
		account       ledger.AccountID
		normal        ledger.Side
		mayGoNegative bool
	}{
		{ledger.Account(ledger.Merchant("m"), ledger.Payable, "USD"), ledger.Credit, true},
		{ledger.Account(ledger.Publisher("p"), ledger.Pending, "USD"), ledger.Credit, false},
		{ledger.Account(ledger.Publisher("p"), ledger.Available, "USD"), ledger.Credit, true},
		{ledger.Account(ledger.Publisher("p"), ledger.Paid, "USD"), ledger.Credit, false},
		{ledger.Account(ledger.Platform(), ledger.Revenue, "USD"), ledger.Credit, true},
		{ledger.Account(ledger.Platform(), ledger.ProcessorFees, "USD"), ledger.Debit, true},
		{ledger.Account(ledger.Provider("stripe"), ledger.Clearing, "USD"), ledger.Debit, true},
		{ledger.Account(ledger.Provider("stripe"), ledger.Disputed, "USD"), ledger.Debit, false},
	}
	for _, tt := range tests {
		t.Run(tt.account.String(), func(t *testing.T) {
			if err := tt.account.Validate(); err != nil {
				t.Fatal(err)
			}
			if tt.account.Normal() != tt.normal || tt.account.MayGoNegative() != tt.mayGoNegative {
				t.Errorf("normal %v, may go negative %v; want %v, %v",
					tt.account.Normal(), tt.account.MayGoNegative(), tt.normal, tt.mayGoNegative)
			}
		})
	}
}
