package console

import (
	"errors"
	"sync"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/browser"
)

// me is GET /v1/auth/me: the signed-in user, its party and its CSRF token.
type me struct {
	User      buycard.User `json:"user"`
	PartyKind string       `json:"party_kind"`
	PartyID   string       `json:"party_id"`
	CSRFToken string       `json:"csrf_token"`
}

// session is the browser's view of who is signed in. The WASM has one;
// each server prerender has its own, made from the page's PageState.
type session struct {
	api *client
	// serverReads is set in a prerender whose API reads the server
	// answers (PageState.Reads): its pages load their data as the WASM's.
	serverReads bool

	mu     sync.Mutex
	loaded bool // me was asked for
	user   *me  // nil when signed out
	// fills are what the first page's forms start with, by their
	// action (prefill.go).
	fills map[string]formFill
	// origin is the server's public origin in a prerender (PageState).
	origin string
}

func newSession() *session {
	return &session{api: newClient()}
}

// current is the WASM's session.
var current = newSession()

// prerenderSession is the session of one server prerender: the user the
// server named in the page's PageState, and the form it refused.
func prerenderSession(p PageState) *session {
	s := &session{api: newClient(), loaded: true, origin: p.Origin,
		fills: map[string]formFill{p.Form: {err: p.Error, values: p.Values, done: p.Done, secret: p.Secret}}}
	if p.Role != "" {
		s.user = &me{User: buycard.User{Role: p.Role}, CSRFToken: p.CSRF}
	}
	if p.Reads != "" && ServerReads != nil {
		s.api.send = func(r browser.Request) (int, []byte, error) {
			if r.Method != "GET" {
				return 0, nil, errPrerenderWrites
			}
			return ServerReads(p.Reads, r)
		}
		s.serverReads = true
	}
	return s
}

// ServerReads answers a server prerender's API reads in-process, as the
// user whose page it is, named by the ticket the server put in the page's
// PageState (Reads). The server sets it; nil in the browser.
var ServerReads func(ticket string, r browser.Request) (status int, body []byte, err error)

// errPrerenderWrites: a prerender only reads; forms post to the server.
var errPrerenderWrites = errors.New("console: a prerender does not write")

// canRead reports whether a page may load its data now: always in the
// browser, and in a server prerender whose reads the server answers.
func (s *session) canRead() bool { return !app.IsServer || s.serverReads }

// takeFill returns what the page's form posting to action starts with,
// once: later pages start empty.
func (s *session) takeFill(action string) formFill {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fills[action]
	delete(s.fills, action)
	return f
}

// publicOrigin is the origin of the server's public URL, which links to
// it take: the window's in the browser.
func (s *session) publicOrigin() string {
	if app.IsServer {
		return s.origin
	}
	return app.Window().Get("location").Get("origin").String()
}

// csrf is the CSRF token a page's forms carry, "" when signed out.
func (s *session) csrf() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return ""
	}
	return s.user.CSRFToken
}

// load asks the server who is signed in, once; later calls return what
// the first learned. An error means the server could not say.
func (s *session) load() (*me, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loaded {
		return s.user, nil
	}
	var m me
	switch err := s.api.get("/v1/auth/me", &m); {
	case buycard.ErrorCode(err) == buycard.EUNAUTHORIZED:
		s.setLocked(nil)
	case err != nil:
		return nil, err
	default:
		s.setLocked(&m)
	}
	return s.user, nil
}

// signedIn records the user a sign-in or sign-up answered with.
func (s *session) signedIn(m *me) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLocked(m)
}

// signOut ends the session on the server, then here.
func (s *session) signOut() error {
	err := s.api.do("POST", "/v1/auth/logout", nil, nil)
	if err != nil && buycard.ErrorCode(err) != buycard.EUNAUTHORIZED {
		return err
	}
	s.signedIn(nil)
	return nil
}

func (s *session) setLocked(m *me) {
	s.loaded, s.user = true, m
	s.api.csrf = ""
	if m != nil {
		s.api.csrf = m.CSRFToken
	}
}

// role is the signed-in user's role, "" when signed out or unknown.
func (s *session) role() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user == nil {
		return ""
	}
	return s.user.User.Role
}

// known reports whether load has answered.
func (s *session) known() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loaded
}
