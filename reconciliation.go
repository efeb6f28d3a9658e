package buycard

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Reconciliation against the payment provider's money (issue 17, scenario
// L-08): once a day, the provider's objects of the day (Stripe's charges,
// application fees, refunds, share transfers and their reversals) are
// compared with the ledger's journals, each matched by the ids the ledger
// keeps, amounts exact in minor units. A difference raises an alert that
// holds publisher payouts until an operator clears it.

// MoneyKind is what a provider's money object is.
type MoneyKind string

// The provider's objects a reconciliation compares.
const (
	MoneyCharge           MoneyKind = "charge"            // the shopper's payment: the order's total
	MoneyApplicationFee   MoneyKind = "application_fee"   // the platform fee and publisher share, taken back from the merchant
	MoneyRefund           MoneyKind = "refund"            // a refund of a payment
	MoneyTransfer         MoneyKind = "transfer"          // a publisher share paid to the publisher's account
	MoneyTransferReversal MoneyKind = "transfer_reversal" // a share transfer taken back
)

// ProviderMoney is one money object at the payment provider, as a
// reconciliation reads it.
type ProviderMoney struct {
	Kind MoneyKind `json:"kind"`
	// ID is the provider's object: "ch_…", "fee_…", "re_…", "tr_…", "trr_…".
	ID string `json:"id"`
	// PaymentID is the payment (Stripe: payment intent) a charge, fee or
	// refund is about: an order's ProviderPaymentID.
	PaymentID string `json:"payment_id,omitempty"`
	// OrderID is the order a charge or fee claims to be for (Stripe
	// metadata order_id, which Buycard sets on its payments): a hint,
	// for a payment the order does not record yet (its webhook was
	// missed).
	OrderID string `json:"order_id,omitempty"`
	// ShareTransfer is the publisher share transfer a transfer or a
	// reversal claims to be (Stripe metadata share_transfer, "ORDER/N"),
	// "" when it names none.
	ShareTransfer string `json:"share_transfer,omitempty"`
	// TransferID is the transfer a reversal reverses.
	TransferID string `json:"transfer_id,omitempty"`
	// Amount is positive, in the currency the shopper paid.
	Amount  Money     `json:"amount"`
	Created time.Time `json:"created"`
}

// DifferenceKind says how the two sides differ about one object.
type DifferenceKind string

// Differences a reconciliation reports.
const (
	MissingInLedger   DifferenceKind = "missing_in_ledger"   // the provider moved money the ledger does not record
	MissingAtProvider DifferenceKind = "missing_at_provider" // the ledger records money the provider did not move
	AmountDiffers     DifferenceKind = "amount_differs"      // both have it, with other amounts
)

// Difference is one object on which the ledger and the provider disagree.
type Difference struct {
	Kind   DifferenceKind `json:"kind"`
	Object MoneyKind      `json:"object"`
	// ProviderID is the provider's object, "" when it is missing there.
	ProviderID string `json:"provider_id,omitempty"`
	// JournalKey is the ledger's journal, "" when it is missing there.
	JournalKey string `json:"journal_key,omitempty"`
	OrderID    string `json:"order_id,omitempty"`
	Currency   string `json:"currency"`
	// Amounts in minor units; 0 on the side that lacks the object.
	ProviderAmount int64 `json:"provider_amount"`
	LedgerAmount   int64 `json:"ledger_amount"`
}

// String says d in one sentence, amounts in major units.
func (d Difference) String() string {
	what := strings.ReplaceAll(string(d.Object), "_", " ")
	amount := func(a int64) string { return Money{Amount: a, Currency: d.Currency}.Decimal() + " " + d.Currency }
	var s string
	switch d.Kind {
	case MissingInLedger:
		s = fmt.Sprintf("%s %s of %s at the provider has no journal", what, d.ProviderID, amount(d.ProviderAmount))
	case MissingAtProvider:
		s = fmt.Sprintf("journal %s records the %s of %s, which the provider does not have", d.JournalKey, what, amount(d.LedgerAmount))
	default:
		s = fmt.Sprintf("%s %s is %s at the provider but %s in journal %s", what, d.ProviderID, amount(d.ProviderAmount), amount(d.LedgerAmount), d.JournalKey)
	}
	if d.OrderID != "" {
		s += " (order " + d.OrderID + ")"
	}
	return s + "."
}

// MoneyTotals are the amounts of one day's objects of each kind, in one
// currency, as one side has them.
type MoneyTotals map[MoneyKind]int64

// CurrencyTotals are both sides' totals of the day in one currency.
type CurrencyTotals struct {
	Currency string      `json:"currency"`
	Provider MoneyTotals `json:"provider"`
	Ledger   MoneyTotals `json:"ledger"`
}

// ReconciliationReport is what a reconciliation of one day found.
type ReconciliationReport struct {
	Day string `json:"day"` // DayLayout
	// Compared counts the objects of the day on either side.
	Compared int `json:"compared"`
	// Foreign counts the provider's objects of the day that are not
	// Buycard's (another integration on the same account).
	Foreign     int              `json:"foreign"`
	Totals      []CurrencyTotals `json:"totals"`
	Differences []Difference     `json:"differences"`
}

// Clean reports whether the day reconciled.
func (r *ReconciliationReport) Clean() bool { return len(r.Differences) == 0 }

// ReconciliationStatus is where a day's reconciliation stands.
type ReconciliationStatus string

// Statuses of a day's reconciliation.
const (
	ReconciliationRunning  ReconciliationStatus = "running"
	ReconciliationClean    ReconciliationStatus = "clean"
	ReconciliationMismatch ReconciliationStatus = "mismatch"
	ReconciliationFailed   ReconciliationStatus = "failed" // could not compare: the provider or the store failed
)

// ReconciliationRun is the latest reconciliation of one day.
type ReconciliationRun struct {
	Day        string                `json:"day"`
	Status     ReconciliationStatus  `json:"status"`
	StartedAt  time.Time             `json:"started_at"`
	FinishedAt *time.Time            `json:"finished_at,omitempty"`
	Report     *ReconciliationReport `json:"report,omitempty"`
	Error      string                `json:"error,omitempty"` // why it failed
}

// ReconciliationAlert is a day whose reconciliation found differences:
// while one is open (not cleared), publisher payouts are held.
type ReconciliationAlert struct {
	ID          int64        `json:"id"`
	Day         string       `json:"day"`
	RaisedAt    time.Time    `json:"raised_at"`
	UpdatedAt   time.Time    `json:"updated_at"` // the last run that found differences
	Differences []Difference `json:"differences"`
	ClearedAt   *time.Time   `json:"cleared_at,omitempty"`
	ClearedBy   string       `json:"cleared_by,omitempty"`
	Note        string       `json:"note,omitempty"`
}

// MaxAlertNote bounds the note an operator clears an alert with.
const MaxAlertNote = 2000

// ReconciliationLease is how long a claimed day may stay running before
// another node takes it for abandoned (its node died).
const ReconciliationLease = 15 * time.Minute

// MaxReconcileDays bounds the days one request reconciles.
const MaxReconcileDays = 31

// ReconciliationService keeps the runs of the reconciliation and its
// alerts. Both database stores implement it.
type ReconciliationService interface {
	// ClaimReconciliation claims day for a run started at now: a day
	// never run, one whose run failed, or one running for longer than
	// ReconciliationLease; with again, also a day that finished (the
	// operator runs it again). ok is false when another run holds it.
	// Errors: EINVALID (not a DayLayout day).
	ClaimReconciliation(ctx context.Context, day string, now time.Time, again bool) (ok bool, err error)
	// FinishReconciliation records the result of the run of r.Day that
	// started at r.StartedAt and, when it is a mismatch, raises the day's
	// alert (or updates the one still open), in one transaction.
	// Errors: EINVALID, ECONFLICT (the claim was lost to another run).
	FinishReconciliation(ctx context.Context, r *ReconciliationRun, now time.Time) error
	// ReconciliationRuns returns the latest runs, newest day first, at
	// most limit.
	ReconciliationRuns(ctx context.Context, limit int) ([]*ReconciliationRun, error)
	// OpenReconciliationAlerts returns the alerts not cleared, oldest
	// first. Payouts are held while there is one.
	OpenReconciliationAlerts(ctx context.Context) ([]*ReconciliationAlert, error)
	// ClearedReconciliationAlerts returns the alerts cleared, the last
	// cleared first, at most limit: who cleared each, when and why.
	ClearedReconciliationAlerts(ctx context.Context, limit int) ([]*ReconciliationAlert, error)
	// ClearReconciliationAlert records that by cleared alert id at now
	// with note. Errors: EINVALID (no note, or too long), ENOTFOUND,
	// ECONFLICT (cleared already).
	ClearReconciliationAlert(ctx context.Context, id int64, by, note string, now time.Time) error
}

// ValidateAlertNote checks the note an alert is cleared with.
// Errors: EINVALID.
func ValidateAlertNote(note string) error {
	if n := len(strings.TrimSpace(note)); n == 0 || len(note) > MaxAlertNote {
		return Errorf(EINVALID, "Say in a note (up to %d characters) why the differences are resolved.", MaxAlertNote)
	}
	return nil
}

// ReconcileDays parses the days from and to (DayLayout, UTC; to "" for
// from alone) into the days a reconciliation covers, oldest first. A day
// can be reconciled once it has ended by now. Errors: EINVALID (a
// malformed day, to before from, a day not over yet, more than
// MaxReconcileDays).
func ReconcileDays(from, to string, now time.Time) ([]string, error) {
	if to == "" {
		to = from
	}
	first, err := DayStart(from)
	if err != nil {
		return nil, err
	}
	last, err := DayStart(to)
	if err != nil {
		return nil, err
	}
	switch {
	case last.Before(first):
		return nil, Errorf(EINVALID, "The last day %s is before the first %s.", to, from)
	case last.AddDate(0, 0, 1).After(now):
		return nil, Errorf(EINVALID, "Day %s is not over yet: a day can be reconciled once it has ended (UTC).", to)
	case last.Sub(first) >= MaxReconcileDays*24*time.Hour:
		return nil, Errorf(EINVALID, "Reconcile at most %d days at a time.", MaxReconcileDays)
	}
	var days []string
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		days = append(days, d.Format(DayLayout))
	}
	return days, nil
}

// DayStart returns the start of day (DayLayout), UTC. Errors: EINVALID.
func DayStart(s string) (time.Time, error) {
	t, err := time.Parse(DayLayout, s)
	if err != nil {
		return time.Time{}, Errorf(EINVALID, "%q is not a day: write it as YYYY-MM-DD (UTC).", s)
	}
	return t, nil
}
