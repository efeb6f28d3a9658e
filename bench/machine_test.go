package main

import "testing"

func TestCPUModel(t *testing.T) {
	for _, tt := range []struct{ name, cpuinfo, want string }{
		{"x86", "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\ncpu MHz\t\t: 2450.000\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n", "AMD EPYC 7B13"},
		{"colon in the value", "model name : Intel(R) Xeon(R) CPU @ 2.20GHz: rev 1\n", "Intel(R) Xeon(R) CPU @ 2.20GHz: rev 1"},
		{"arm has none", "processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n", ""},
		{"empty", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := cpuModel(tt.cpuinfo); got != tt.want {
				t.Errorf("cpuModel = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPlural(t *testing.T) {
	if got := plural(1, "core"); got != "1 core" {
		t.Errorf("plural(1) = %q", got)
	}
	if got := plural(2, "core"); got != "2 cores" {
		t.Errorf("plural(2) = %q", got)
	}
}
