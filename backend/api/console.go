package api

import (
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/browser"
	"github.com/buycard/buycard/console"
)

// consoleCSP is the console pages' policy: nothing but this origin, no
// framing. Style attributes are allowed (style-src-attr) because go-app
// sets them with setAttribute, for the charts' geometry and the card
// preview's design; style elements and sheets still come from this
// origin only. frame-src 'self' lets the snippet preview frame the
// publisher page it renders. form-action allows Stripe's onboarding:
// browsers apply it to the redirect after a submit, and the payment
// account form, before the WASM, is answered with one to Stripe.
const consoleCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
	"img-src 'self' data: https:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'self' https://connect.stripe.com; frame-ancestors 'none'"

// consoleRoutes mounts the console (package console): its go-app pages
// under /console, go-app's files under /console/ too, and its WASM. There
// is no console without accounts (Auth).
func (s *Server) consoleRoutes() {
	if s.Auth == nil || s.ConsoleWasm == nil {
		return
	}
	wasmPath := "/web/console." + s.ConsoleWasm.Hash + ".wasm"
	console.Register()
	h := adaptor.HTTPHandler(console.NewHandler(console.HandlerOptions{
		WasmPath: wasmPath,
		Version:  s.ConsoleWasm.Hash,
		Domain:   strings.TrimPrefix(strings.TrimPrefix(s.PublicURL, "https://"), "http://"),
	}))
	s.consolePages = h
	s.app.Get(wasmPath, assetHandler(s.ConsoleWasm, cacheImmutable))
	for _, p := range console.ResourcePaths {
		s.app.Get(console.Base+p, func(c *fiber.Ctx) error {
			c.Request().SetRequestURI(p)
			return h(c)
		})
	}
	s.app.Get(console.Base, s.getConsolePage)
	s.app.Get(console.Base+"/*", s.getConsolePage)
	s.consoleFormRoutes()
}

// getConsolePage serves a console page, prerendered for the session of
// the request's cookie, if any: its role and CSRF token go to the
// prerender (console.PageState), so the page's navigation and forms work
// before the WASM. A page asked for on another host than the public URL's
// is sent there (consoleHost), where the session cookie and the API's
// origin checks work.
func (s *Server) getConsolePage(c *fiber.Ctx) error {
	if to := s.consoleHost(c); to != "" {
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Redirect(to, fiber.StatusPermanentRedirect)
	}
	state := console.PageState{Origin: s.PublicURL}
	who, err := s.pageCaller(c)
	if err != nil {
		return err
	}
	if who != nil {
		var done func()
		state, done = s.withSession(state, who)
		defer done()
	}
	if next := c.Query("next"); next != "" {
		// The sign-in link's next, for the sign-in form, which posts
		// to its page's path.
		state.Form, state.Values = c.Path(), url.Values{"next": {next}}
	}
	// The browser's query minus any PageParam it sent: only the server
	// says what the prerender shows.
	q, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
	q.Set(console.PageParam, state.Encode())
	c.Request().SetRequestURI(c.Path() + "?" + q.Encode())
	return s.serveConsolePage(c, s.consolePages)
}

// pageCaller is the signed-in user of a page request's session cookie,
// nil when there is none or it has ended (its cookie is then cleared).
// An API key does not open console pages.
func (s *Server) pageCaller(c *fiber.Ctx) (*caller, error) {
	cred := s.credentials(&c.Request().Header)
	if cred.bearer || cred.cookie == "" {
		return nil, nil
	}
	who, _, err := s.resolve(c.UserContext(), cred)
	if buycard.ErrorCode(err) == buycard.EUNAUTHORIZED {
		s.clearCookie(c)
		return nil, nil
	}
	return who, err
}

// withSession is state for who's session: its role, its CSRF token, and
// a ticket through which the prerender reads the API as who (Reads), so
// the page shows its data before the WASM. done ends the ticket: call it
// once the page is rendered.
func (s *Server) withSession(state console.PageState, who *caller) (_ console.PageState, done func()) {
	state.Role, state.CSRF = who.User.Role, auth.CSRFToken(who.sessionToken)
	if who.sessionToken == "" {
		return state, func() {}
	}
	ticket := rand.Text()
	prerenderReaders.Store(ticket, prerenderReader{server: s, cookie: s.cookieName() + "=" + who.sessionToken})
	state.Reads = ticket
	return state, func() { prerenderReaders.Delete(ticket) }
}

// prerenderReader is whom a prerender's API reads go as: the server
// rendering the page and the session cookie of its user.
type prerenderReader struct {
	server *Server
	cookie string
}

// prerenderReaders holds the tickets of the console pages being
// rendered (withSession), each for the length of its render. A ticket is
// random and only this process reads it: the browser never gets one that
// still works.
var prerenderReaders sync.Map // ticket → prerenderReader

func init() { console.ServerReads = readForPrerender }

// readForPrerender answers a console prerender's API read (a GET of a
// /v1 path) through the server's own routes, as the ticket's user: the
// same handlers, checks and limits as the browser's read.
func readForPrerender(ticket string, r browser.Request) (int, []byte, error) {
	v, ok := prerenderReaders.Load(ticket)
	if !ok || r.Method != fiber.MethodGet || !strings.HasPrefix(r.URL, "/v1/") {
		return 0, nil, errNoPrerenderRead
	}
	reader := v.(prerenderReader)
	req, err := http.NewRequest(fiber.MethodGet, reader.server.PublicURL+r.URL, nil)
	if err != nil {
		return 0, nil, err
	}
	for name, value := range r.Header {
		req.Header.Set(name, value)
	}
	req.Header.Set(fiber.HeaderCookie, reader.cookie)
	resp, err := reader.server.app.Test(req, prerenderReadTimeout)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// prerenderReadTimeout bounds a prerender's read, in milliseconds.
const prerenderReadTimeout = 10_000

var errNoPrerenderRead = errors.New("api: no such prerender, or not a read of the API")

// serveConsolePage serves a prerendered console page: private, never
// cached, never framed.
func (s *Server) serveConsolePage(c *fiber.Ctx, h fiber.Handler) error {
	c.Set(fiber.HeaderContentSecurityPolicy, consoleCSP)
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	// go-app tags pages with the build as ETag; a console page changes
	// with the user, so never answer 304.
	c.Request().Header.Del(fiber.HeaderIfNoneMatch)
	if err := h(c); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Response().Header.Del(fiber.HeaderETag)
	return nil
}
