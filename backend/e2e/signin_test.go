package e2e

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/buycard/buycard/backend/server"
)

// outages counts the warnings a node logs that its shared limit storage
// stopped answering. slog's text handler writes one record per Write.
type outages struct{ n atomic.Int32 }

func (o *outages) Write(p []byte) (int, error) {
	o.n.Add(int32(bytes.Count(p, []byte(`level=WARN msg="shared storage failed: rate limits`))))
	return len(p), nil
}

// startNode runs another node the way start does, with env on top of the
// harness's, logging to logs, after setup changes it. It stops with the
// test.
func startNode(t *testing.T, env map[string]string, logs *outages, setup ...func(*server.Main)) *server.Main {
	t.Helper()
	all := map[string]string{
		"BUYCARD_ADDR":         "127.0.0.1:0",
		"BUYCARD_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "node.db"),
		"BUYCARD_WEB_DIR":      h.main.Config.WebDir,
		"BUYCARD_NO_SEED":      "1",
	}
	maps.Copy(all, env)
	m, err := server.NewMain(func(k string) string { return all[k] }, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	m.Config.Jobs.Poll = jobPoll
	for _, f := range setup {
		f(m)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// TestConsoleSignInWithRedisDown is issue 12, finding 2, in the browser: on
// a node whose Redis does not answer, 30 wrong passwords are throttled
// after the free ones, never a 500; the right one is throttled on the
// sign-in page while the wait lasts, then signs in; the node logs the
// outage once.
func TestConsoleSignInWithRedisDown(t *testing.T) {
	t.Parallel()
	var logs outages
	node := startNode(t, map[string]string{"BUYCARD_REDIS_URL": "redis://127.0.0.1:1/0"}, &logs)
	host := node.Config.PublicURL
	email := fmt.Sprintf("redis-down-%d@example.com", userSeq.Add(1))
	resp, err := http.Post(host+"/v1/auth/signup", "application/json",
		strings.NewReader(`{"email":"`+email+`","password":"`+consolePassword+`","role":"merchant","name":"Down Ltd"}`))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("signup = %v, %v", resp, err)
	}
	resp.Body.Close()
	link := emailedLink(t, node, email, "/console/verify#token=")
	resp, err = http.Post(host+"/v1/auth/verify", "application/json", strings.NewReader(`{"token":"`+link[strings.Index(link, "=")+1:]+`"}`))
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("confirm = %v, %v", resp, err)
	}
	resp.Body.Close()

	tb := newSessionTab(t)
	tb.do(navigate(host + "/console/signin"))
	consoleReady(t, tb)
	statuses := eval[string](t, tb.ctx, fmt.Sprintf(`(async () => {
		const got = [];
		for (let i = 0; i < 30; i++) {
			const r = await fetch('/v1/auth/login', {method: 'POST', headers: {'Content-Type': 'application/json'},
				body: JSON.stringify({email: %q, password: 'wrong password, surely'})});
			got.push(r.status);
		}
		return got.join(',');
	})()`, email))
	// Five failures are free, then the throttle answers 429 until its wait
	// (1 s, then doubling) is over. A loaded machine may take longer than a
	// wait between two requests, letting one more failure through: so every
	// answer is 401 or 429 (never a 500) and most of the later ones are 429.
	got := strings.Split(statuses, ",")
	if len(got) != 30 || strings.Join(got[:5], ",") != "401,401,401,401,401" ||
		strings.Count(statuses, "429") < 20 || strings.Count(statuses, "429")+strings.Count(statuses, "401") != 30 {
		t.Fatalf("30 wrong passwords = %s, want 5 × 401, then 429 but for a 401 after each wait that ran out", statuses)
	}

	tb.do(fill("#email", email), fill("#password", consolePassword), clickCSS(`main form button[type=submit]`))
	// The wait after the fifth failure is one second, which a loaded
	// machine may spend filling the form: the right password then signs in
	// at once. Either way it never meets an internal error.
	waitConsole(t, tb, `location.pathname === '/console' ||
		document.querySelector('[role=alert]').textContent.includes('Too many failed sign-ins. Try again in')`)
	// Submit again whenever the form is idle, until the wait is over and
	// the page moves on: refused attempts do not count as failures.
	waitConsole(t, tb, `location.pathname === '/console' || (() => {
		const b = document.querySelector('main form button[type=submit]');
		if (b && !b.disabled) b.click();
		return false;
	})()`)
	consoleReady(t, tb)
	if n := logs.n.Load(); n != 1 {
		t.Errorf("the node logged %d outage warnings, want 1", n)
	}
}
