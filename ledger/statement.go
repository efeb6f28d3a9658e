package ledger

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/buycard/buycard"
)

// statementHeader names the columns of WriteStatementCSV.
var statementHeader = []string{"seq", "effective_at", "journal", "kind", "order_id", "memo", "amount", "balance", "currency"}

// WriteStatementCSV writes entries of account a as CSV with a header row.
// Amounts are decimal major units of a's currency ("19.99"), signed on the
// account's normal side, so a spreadsheet sums them as they are.
func WriteStatementCSV(w io.Writer, a AccountID, entries []Entry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(statementHeader); err != nil {
		return err
	}
	decimal := func(amount int64) string { return buycard.Money{Amount: amount, Currency: a.Currency}.Decimal() }
	for _, e := range entries {
		if err := cw.Write([]string{
			strconv.FormatInt(e.Seq, 10), e.EffectiveAt.UTC().Format(time.RFC3339Nano), e.JournalKey, string(e.Kind),
			e.OrderID, e.Memo, decimal(e.Amount), decimal(e.Balance), a.Currency,
		}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
