package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// parentPID reads the parent's pid from the text of /proc/PID/stat. The
// command name (field 2) is in parentheses and may hold spaces and ")".
func parentPID(stat string) (int, error) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("stat %q: no command name", stat)
	}
	fields := strings.Fields(stat[i+1:])
	if len(fields) < 2 {
		return 0, fmt.Errorf("stat %q: too short", stat)
	}
	return strconv.Atoi(fields[1]) // state, then ppid
}

// pssBytes reads the Pss line of /proc/PID/smaps_rollup text, in bytes.
func pssBytes(rollup string) (float64, error) {
	sc := bufio.NewScanner(strings.NewReader(rollup))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "Pss:"); ok {
			kb, unit, _ := strings.Cut(strings.TrimSpace(rest), " ")
			n, err := strconv.ParseFloat(kb, 64)
			if err != nil || strings.TrimSpace(unit) != "kB" {
				return 0, fmt.Errorf("smaps_rollup: bad Pss line %q", sc.Text())
			}
			return n * 1024, nil
		}
	}
	return 0, fmt.Errorf("smaps_rollup: no Pss line")
}

// descendants returns pid and every process below it, from a map of
// child → parent.
func descendants(pid int, parents map[int]int) []int {
	children := map[int][]int{}
	for child, parent := range parents {
		children[parent] = append(children[parent], child)
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// processTreePSS sums the proportional set size of pid and all its
// descendants: memory shared among them counts once, shared with the rest
// of the machine counts in part.
func processTreePSS(pid int) (float64, error) {
	parents := map[int]int{}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		b, err := os.ReadFile(path)
		if err != nil {
			continue // the process has gone
		}
		child, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		if parent, err := parentPID(string(b)); err == nil {
			parents[child] = parent
		}
	}
	var total float64
	for _, p := range descendants(pid, parents) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", p))
		if err != nil {
			continue
		}
		pss, err := pssBytes(string(b))
		if err != nil {
			return 0, err
		}
		total += pss
	}
	return total, nil
}
