package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func get(url string) func() (*http.Request, error) {
	return func() (*http.Request, error) { return http.NewRequest("GET", url, nil) }
}

func TestLoadStopsAtRequestCount(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	res, err := Load{Workers: 3, Requests: 100, NewRequest: get(srv.URL), Status: 200}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 100 || served.Load() != 100 || len(res.Latencies) != 100 {
		t.Errorf("requests %d, served %d, latencies %d; want 100 each", res.Requests, served.Load(), len(res.Latencies))
	}
	if res.RPS() <= 0 {
		t.Errorf("RPS = %v", res.RPS())
	}
	p := res.LatencyMS(50, 99)
	if !(p[0] > 0 && p[0] <= p[1]) {
		t.Errorf("p50 %v, p99 %v", p[0], p[1])
	}
}

func TestLoadStopsAtDuration(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
	}))
	defer srv.Close()
	start := time.Now()
	res, err := Load{Workers: 2, Duration: 200 * time.Millisecond, NewRequest: get(srv.URL), Status: 200}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("a 200 ms run took %v", took)
	}
	// Two workers at 5 ms a request cannot do more than 80 in 200 ms.
	if res.Requests == 0 || res.Requests > 80 {
		t.Errorf("%d requests in 200 ms with 2 workers at 5 ms", res.Requests)
	}
}

func TestLoadFailsOnWrongStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusTeapot)
	}))
	defer srv.Close()
	_, err := Load{Workers: 2, Duration: time.Second, NewRequest: get(srv.URL), Status: 200}.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "status 418, want 200") {
		t.Errorf("err = %v, want the wrong status", err)
	}
}

func TestLoadRefusesUnboundedOrForeignRuns(t *testing.T) {
	for _, tt := range []struct {
		name string
		load Load
		want string
	}{
		{"no limit", Load{Workers: 1, NewRequest: get("http://127.0.0.1:1/"), Status: 200}, "never stop"},
		{"no workers", Load{Requests: 1, NewRequest: get("http://127.0.0.1:1/"), Status: 200}, "0 workers"},
		{"too many workers", Load{Workers: 1000, Requests: 1, NewRequest: get("http://127.0.0.1:1/"), Status: 200}, "1000 workers"},
		{"too long", Load{Workers: 1, Duration: time.Hour, NewRequest: get("http://127.0.0.1:1/"), Status: 200}, "duration 1h0m0s"},
		{"no request", Load{Workers: 1, Requests: 1, Status: 200}, "no request"},
		{"not loopback", Load{Workers: 1, Requests: 1, NewRequest: get("http://192.0.2.1/"), Status: 200}, "not a loopback address"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.load.Run(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.1.2.3": true, "::1": true, "localhost": true,
		"10.0.0.1": false, "example.com": false, "": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}
