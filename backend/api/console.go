package api

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/console"
)

// consoleCSP is the console pages' policy: nothing but this origin, no
// framing. Style attributes are allowed (style-src-attr) because go-app
// sets them with setAttribute, for the charts' geometry and the card
// preview's design; style elements and sheets still come from this
// origin only. frame-src 'self' lets the snippet preview frame the
// publisher page it renders.
const consoleCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
	"img-src 'self' data: https:; connect-src 'self'; frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

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
	state := console.PageState{}
	who, err := s.pageCaller(c)
	if err != nil {
		return err
	}
	if who != nil {
		state = withSession(state, who)
	}
	if next := c.Query("next"); next != "" {
		state.Values = url.Values{"next": {next}}
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

// withSession is state for who's session: its role and CSRF token.
func withSession(state console.PageState, who *caller) console.PageState {
	state.Role, state.CSRF = who.User.Role, auth.CSRFToken(who.sessionToken)
	return state
}

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
