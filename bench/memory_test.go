package main

import "testing"

func TestMemoryRowsBudgetTheBrowserRatio(t *testing.T) {
	bc := []memoryRun{{browserPSS: 110, metrics: map[string]float64{"JSHeapUsedSize": 600}}}
	base := []memoryRun{{browserPSS: 100, metrics: map[string]float64{"JSHeapUsedSize": 400}}}
	rows := memoryRows(bc, base)
	if checked, ok := rows[0].Met(); !checked || !ok {
		t.Errorf("1.1× browser memory: Met() = %v, %v", checked, ok)
	}
	if rows[1].Budget != nil || rows[1].Ratio() != 1.5 {
		t.Errorf("JS heap row: budget %v, ratio %v; want no budget, 1.5", rows[1].Budget, rows[1].Ratio())
	}
}
