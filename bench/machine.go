package main

import (
	"bufio"
	"os"
	"runtime"
	"strings"
)

// cpuModel returns the first "model name" of /proc/cpuinfo text, or "".
func cpuModel(cpuinfo string) string {
	sc := bufio.NewScanner(strings.NewReader(cpuinfo))
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

// machine describes the CPU for the report's header.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if m := cpuModel(string(b)); m != "" {
			model = m
		}
	}
	return model + ", " + plural(runtime.NumCPU(), "core") + ", " + runtime.GOOS + "/" + runtime.GOARCH
}

func plural(n int, noun string) string {
	s := thousands(int64(n)) + " " + noun
	if n != 1 {
		s += "s"
	}
	return s
}
