package main

import (
	"strings"
	"testing"
	"time"
)

func TestPlanDescribe(t *testing.T) {
	got := newPlan(true).describe()
	for _, want := range []string{"2 cold loads per page", "3 cold loopback", "1 cold slow link", "1 browser of memory", "3 runs of 1s per endpoint"} {
		if !strings.Contains(got, want) {
			t.Errorf("describe() = %q, lacks %q", got, want)
		}
	}
	if full := newPlan(false); full.load.each != 5*time.Second || len(full.taps) != 4 {
		t.Errorf("full plan: %+v", full)
	}
}
