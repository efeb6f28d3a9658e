package operations

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// line is one money object as both sides name it: a charge or an
// application fee by its order, a refund, a share transfer or a share
// reversal by the provider's id, which the ledger keeps (the refund's
// and the reversal's journal keys, the share transfer's row).
type line struct {
	object buycard.MoneyKind
	ref    string
}

// entry is one side's record of a line.
type entry struct {
	amount     buycard.Money
	inDay      bool // created (provider) or effective (ledger) in the day compared
	providerID string
	journalKey string
	orderID    string
}

// compare matches the provider's money objects with the ledger's
// journals and reports the differences about day [start, end): the
// objects of the day on either side that the other side lacks or has
// with another amount. money and journals may reach beyond the day, so
// that what one side has a little earlier or later is found; orders maps
// the payments of our orders to their ids, and the provider's charges,
// fees and refunds of other payments are foreign.
func compare(day string, start, end time.Time, money []buycard.ProviderMoney, journals []ledger.ProviderJournal, orders map[string]string) *buycard.ReconciliationReport {
	report := &buycard.ReconciliationReport{Day: day, Totals: []buycard.CurrencyTotals{}, Differences: []buycard.Difference{}}
	inDay := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }
	provider := map[line]entry{}
	for _, m := range money {
		l, orderID, ours := providerLine(m, orders)
		switch {
		case ours:
			provider[l] = entry{amount: m.Amount, inDay: inDay(m.Created), providerID: m.ID, orderID: orderID}
		case inDay(m.Created):
			report.Foreign++
		}
	}
	books := map[line]entry{}
	for _, pj := range journals {
		j := pj.Journal
		for kind, amount := range ledger.ProviderMoney(j) {
			e := entry{amount: buycard.Money{Amount: amount, Currency: j.Currency}, inDay: inDay(j.EffectiveAt), journalKey: j.Key, orderID: j.OrderID}
			books[journalLine(pj, kind)] = e
		}
	}
	keys := slices.SortedFunc(maps.Keys(union(provider, books)), func(a, b line) int {
		return cmp.Or(strings.Compare(string(a.object), string(b.object)), strings.Compare(a.ref, b.ref))
	})
	totals := map[string]*buycard.CurrencyTotals{}
	for _, l := range keys {
		p, inProvider := provider[l]
		b, inBooks := books[l]
		if !(inProvider && p.inDay) && !(inBooks && b.inDay) {
			continue
		}
		report.Compared++
		addTotals(totals, l.object, p, inProvider && p.inDay, b, inBooks && b.inDay)
		report.Differences = append(report.Differences, differences(l.object, p, inProvider, b, inBooks)...)
	}
	for _, cur := range slices.Sorted(maps.Keys(totals)) {
		report.Totals = append(report.Totals, *totals[cur])
	}
	return report
}

// providerLine is the line of a provider's object, the order it is
// about, and whether it is ours.
func providerLine(m buycard.ProviderMoney, orders map[string]string) (line, string, bool) {
	switch m.Kind {
	case buycard.MoneyCharge, buycard.MoneyApplicationFee:
		order := orders[m.PaymentID]
		return line{m.Kind, order}, order, order != ""
	case buycard.MoneyRefund:
		order := orders[m.PaymentID]
		return line{m.Kind, m.ID}, order, order != ""
	}
	// A share transfer's id is "ORDER/N".
	order, _, _ := strings.Cut(m.ShareTransfer, "/")
	return line{m.Kind, m.ID}, order, m.ShareTransfer != ""
}

// journalLine is the line of a journal's object of kind.
func journalLine(pj ledger.ProviderJournal, kind buycard.MoneyKind) line {
	j := pj.Journal
	switch kind {
	case buycard.MoneyCharge, buycard.MoneyApplicationFee:
		return line{kind, j.OrderID}
	case buycard.MoneyTransfer:
		return line{kind, cmp.Or(pj.ProviderID, j.Key)}
	}
	// A refund's and a reversal's journals are keyed by the provider's id.
	_, id, _ := strings.Cut(j.Key, ":")
	return line{kind, id}
}

// differences are those of one line, where either side has it in the
// day. Amounts in two currencies are two differences: each side's object
// is missing on the other.
func differences(object buycard.MoneyKind, p entry, inProvider bool, b entry, inBooks bool) []buycard.Difference {
	d := buycard.Difference{Object: object, ProviderID: p.providerID, JournalKey: b.journalKey, OrderID: cmp.Or(b.orderID, p.orderID),
		Currency: cmp.Or(b.amount.Currency, p.amount.Currency), ProviderAmount: p.amount.Amount, LedgerAmount: b.amount.Amount}
	switch {
	case !inBooks:
		d.Kind = buycard.MissingInLedger
	case !inProvider:
		d.Kind = buycard.MissingAtProvider
	case p.amount.Currency != b.amount.Currency:
		return append(differences(object, p, true, entry{}, false), differences(object, entry{}, false, b, true)...)
	case p.amount.Amount != b.amount.Amount:
		d.Kind = buycard.AmountDiffers
	default:
		return nil
	}
	return []buycard.Difference{d}
}

// addTotals adds a line's objects of the day to each side's totals.
func addTotals(totals map[string]*buycard.CurrencyTotals, object buycard.MoneyKind, p entry, pDay bool, b entry, bDay bool) {
	add := func(m buycard.Money, side func(*buycard.CurrencyTotals) buycard.MoneyTotals) {
		t := totals[m.Currency]
		if t == nil {
			t = &buycard.CurrencyTotals{Currency: m.Currency, Provider: buycard.MoneyTotals{}, Ledger: buycard.MoneyTotals{}}
			totals[m.Currency] = t
		}
		side(t)[object] += m.Amount
	}
	if pDay {
		add(p.amount, func(t *buycard.CurrencyTotals) buycard.MoneyTotals { return t.Provider })
	}
	if bDay {
		add(b.amount, func(t *buycard.CurrencyTotals) buycard.MoneyTotals { return t.Ledger })
	}
}

// union is a map with the keys of both.
func union(a, b map[line]entry) map[line]entry {
	u := maps.Clone(a)
	maps.Copy(u, b)
	return u
}
