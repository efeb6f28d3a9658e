package main

import (
	"os"
	"slices"
	"testing"
)

func TestParentPID(t *testing.T) {
	for _, tt := range []struct {
		name, stat string
		want       int
		wantErr    bool
	}{
		{"plain", "1234 (chromium) S 1200 1234 1234 0 -1 4194560 2090", 1200, false},
		{"spaces and parens in the name", "77 (Web Content (x) y) R 5 77 77 0", 5, false},
		{"no name", "77 chromium S 5", 0, true},
		{"too short", "77 (chromium) S", 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parentPID(tt.stat)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("parentPID = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestPSSBytes(t *testing.T) {
	rollup := "55feb979a000-7ffd14e75000 ---p 00000000 00:00 0  [rollup]\nRss:                1744 kB\nPss:                 297 kB\nPss_Dirty:           108 kB\n"
	if got, err := pssBytes(rollup); err != nil || got != 297*1024 {
		t.Errorf("pssBytes = %v, %v; want %d", got, err, 297*1024)
	}
	for _, bad := range []string{"Rss: 1 kB\n", "Pss: lots kB\n", "Pss: 12 MB\n"} {
		if _, err := pssBytes(bad); err == nil {
			t.Errorf("pssBytes(%q) did not fail", bad)
		}
	}
}

func TestDescendants(t *testing.T) {
	parents := map[int]int{10: 1, 11: 10, 12: 10, 13: 12, 20: 1, 21: 20}
	got := descendants(10, parents)
	slices.Sort(got)
	if want := []int{10, 11, 12, 13}; !slices.Equal(got, want) {
		t.Errorf("descendants(10) = %v, want %v", got, want)
	}
	if got := descendants(99, parents); !slices.Equal(got, []int{99}) {
		t.Errorf("descendants of a leaf = %v", got)
	}
}

func TestProcessTreePSSOfThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/smaps_rollup"); err != nil {
		t.Skip("no /proc/self/smaps_rollup here")
	}
	got, err := processTreePSS(os.Getpid())
	if err != nil || got < 1<<20 {
		t.Errorf("processTreePSS(self) = %v, %v; a Go test binary holds more than 1 MB", got, err)
	}
}
