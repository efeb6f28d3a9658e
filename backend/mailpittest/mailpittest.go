// Package mailpittest runs Mailpit (github.com/axllent/mailpit), a real
// SMTP server with an HTTP API, for tests that send email: they deliver
// through SMTP as a node would and read what arrived through the API. The
// test installs Mailpit with `go install` when it is missing; with
// CI=true a Mailpit that cannot be had fails the test instead of skipping
// it.
package mailpittest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/buycard/buycard/backend/testenv"
)

// Module is the Mailpit the tests install.
const Module = "github.com/axllent/mailpit@v1.33.1"

// Server is a running Mailpit.
type Server struct {
	// SMTPURL is the smtp:// URL a node sends through (BUYCARD_SMTP_URL).
	SMTPURL string
	// API is the base URL of Mailpit's HTTP API.
	API string
}

// Start runs a Mailpit of the test's own until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s, stop, err := Launch(testenv.Tool(t, "mailpit", Module), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return s
}

// Launch runs the Mailpit at bin, keeping its messages in dir, until stop
// (benchmarks use it; tests, Start).
func Launch(bin, dir string) (s *Server, stop func(), err error) {
	smtpAddr, httpAddr, err := freeAddrs()
	if err != nil {
		return nil, nil, err
	}
	// --max 0: Mailpit keeps every message (it prunes all but the newest
	// 500 every minute by default), so that counts only grow.
	cmd := exec.Command(bin, "--smtp", smtpAddr, "--listen", httpAddr, "--max", "0",
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--database", filepath.Join(dir, "mailpit.db"))
	logs := new(testenv.Output)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	stop = func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
	s = &Server{SMTPURL: "smtp://test:test@" + smtpAddr, API: "http://" + httpAddr}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		var info struct{ Version string }
		err := s.get("/api/v1/info", &info)
		if err == nil && info.Version != "" && dials(smtpAddr) {
			return s, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return nil, nil, fmt.Errorf("mailpit did not answer at %s: %v\n%s", s.API, err, logs)
		}
	}
}

// freeAddrs are two loopback addresses nothing listens on.
func freeAddrs() (string, string, error) {
	var addrs [2]string
	for i := range addrs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", "", err
		}
		addrs[i] = l.Addr().String()
		defer l.Close()
	}
	return addrs[0], addrs[1], nil
}

func dials(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
	}
	return err == nil
}

// Address is a recipient or sender as Mailpit reports it.
type Address struct {
	Name    string
	Address string
}

// Message is one message that arrived, as Mailpit's API reads it.
type Message struct {
	ID        string
	MessageID string
	From      Address
	To        []Address
	ReplyTo   []Address
	Subject   string
	// Text and HTML are the message's plain text and HTML parts.
	Text string
	HTML string
}

// Recipients are the addresses the message went to.
func (m *Message) Recipients() []string {
	var list []string
	for _, a := range m.To {
		list = append(list, a.Address)
	}
	return list
}

// Search returns the messages that match Mailpit's search query
// ("to:ann@example.com subject:receipt"), newest first, each read whole.
func (s *Server) Search(t testing.TB, query string) []*Message {
	t.Helper()
	var found struct{ Messages []struct{ ID string } }
	if err := s.get("/api/v1/search?query="+url.QueryEscape(query), &found); err != nil {
		t.Fatal(err)
	}
	list := make([]*Message, len(found.Messages))
	for i, m := range found.Messages {
		list[i] = new(Message)
		if err := s.get("/api/v1/message/"+m.ID, list[i]); err != nil {
			t.Fatal(err)
		}
	}
	return list
}

// Wait waits until n messages match query, and returns them; it fails
// the test after timeout, or when more than n arrive.
func (s *Server) Wait(t testing.TB, query string, n int, timeout time.Duration) []*Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		list := s.Search(t, query)
		switch {
		case len(list) > n:
			t.Fatalf("%d messages match %q, want %d", len(list), query, n)
		case len(list) == n:
			return list
		case time.Now().After(deadline):
			t.Fatalf("%d messages match %q after %s, want %d", len(list), query, timeout, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Total is how many messages arrived in all.
func (s *Server) Total(t testing.TB) int {
	t.Helper()
	n, err := s.Count()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Count is how many messages arrived in all.
func (s *Server) Count() (int, error) {
	var all struct{ Total int }
	err := s.get("/api/v1/messages?limit=1", &all)
	return all.Total, err
}

func (s *Server) get(path string, v any) error {
	resp, err := http.Get(s.API + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
