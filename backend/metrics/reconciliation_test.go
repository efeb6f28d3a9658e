package metrics

import (
	"errors"
	"strings"
	"testing"
)

// TestReconciliation reports the open alerts, their differences and
// whether payouts are held, and nothing when the store cannot say.
func TestReconciliation(t *testing.T) {
	t.Parallel()
	m := New()
	state, err := Reconciliation{OpenAlerts: 1, Mismatches: 3}, error(nil)
	m.WatchReconciliation(func() (Reconciliation, error) { return state, err })
	got := scrape(t, m)
	for _, want := range []string{"buycard_reconciliation_open_alerts 1", "buycard_reconciliation_mismatches 3", "buycard_payouts_held 1"} {
		if !strings.Contains(got, want+"\n") {
			t.Errorf("the scrape lacks %s", want)
		}
	}
	state = Reconciliation{}
	if got := scrape(t, m); !strings.Contains(got, "buycard_payouts_held 0\n") {
		t.Errorf("payouts held without alerts:\n%s", got)
	}
	err = errors.New("database away")
	if got := scrape(t, m); strings.Contains(got, "buycard_payouts_held") {
		t.Errorf("reported a state it could not read:\n%s", got)
	}
	var none *Metrics
	none.WatchReconciliation(nil)
}
