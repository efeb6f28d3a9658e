package main

import "testing"

func TestWeightRowsBudgets(t *testing.T) {
	run := pageRun{pageBytes: 6000, buycardBytes: 5000, buycardRequests: 2, cardRequests: 1}
	for _, n := range []int{1, 10, 50} {
		c := &pageCase{cards: n, buycardRuns: []pageRun{run}, baseRun: []pageRun{{pageBytes: 1500}}}
		got := budgets(c.weightRows())
		label := plural(n, "card")
		if got[label+": card-data requests"] != "= 1" || got[label+": WASM bytes before Buy intent"] != "= 0" {
			t.Errorf("%d cards: budgets %v", n, got)
		}
		_, hasBytes := got[label+": from Buycard (loader + card data)"]
		if hasBytes != (n == 10) {
			t.Errorf("%d cards: byte budget present = %v; only the 10-card page has one", n, hasBytes)
		}
	}
}
