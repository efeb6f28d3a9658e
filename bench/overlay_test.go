package main

import "testing"

// budgets returns the budget text of each row by its label, for rows that
// have one.
func budgets(rows []Row) map[string]string {
	out := map[string]string{}
	for _, r := range rows {
		if r.Budget != nil {
			out[r.What] = r.Budget.Text
		}
	}
	return out
}

func TestTapRowsBudgets(t *testing.T) {
	bc := []tapTimes{{product: 150, usable: 150, ready: 500, viaForm: true}, {product: 170, usable: 170, ready: 520, viaForm: true}}
	base := []tapTimes{{product: 100, usable: 80, ready: 80}}
	for _, tt := range []struct {
		name string
		c    tapCase
		want map[string]string
	}{
		{"cold loopback: product and price", tapCase{runs: 2}, map[string]string{"cold, loopback: shows product and price": "≤ 300 ms"}},
		{"cold slow link: usable", tapCase{link: slowLink, runs: 2}, map[string]string{"cold, slow link: usable, can go on to pay (prerendered form)¹": "≤ 1,500 ms"}},
		{"warm has none", tapCase{warm: true, runs: 2}, map[string]string{}},
		{"warm slow link has none", tapCase{warm: true, link: slowLink, runs: 2}, map[string]string{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := budgets(tt.c.rows(bc, base))
			if len(got) != len(tt.want) {
				t.Fatalf("budgets %v, want %v", got, tt.want)
			}
			for what, text := range tt.want {
				if got[what] != text {
					t.Errorf("budget of %q = %q, want %q (all: %v)", what, got[what], text, got)
				}
			}
		})
	}
}

func TestTapRowsNameHowUsableWasReached(t *testing.T) {
	wasm := []tapTimes{{product: 500, usable: 8000, ready: 8000}, {product: 520, usable: 8100, ready: 8100}}
	rows := tapCase{link: slowLink, runs: 2}.rows(wasm, wasm)
	if rows[1].What != "cold, slow link: usable, can go on to pay (WASM took over)¹" || rows[1].Buycard != 8050 {
		t.Errorf("usable row = %q %v", rows[1].What, rows[1].Buycard)
	}
	if checked, ok := rows[1].Met(); !checked || ok {
		t.Errorf("8 s against 1.5 s: Met() = %v, %v", checked, ok)
	}
}
