package api

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/auth"
)

// Accounts: sign up (confirmed by a link mailed to the address), sign in
// and out, and password links, for the console (issue 6).
//
// A browser holds its session in one cookie: a random 256-bit token,
// HttpOnly, SameSite=Lax, Path=/, and in production Secure with the
// __Host- prefix (so no subdomain can set or shadow it). Lax rather than
// Strict: a user following a link to the console (a password link, the
// return from Stripe's onboarding) arrives signed in, while cross-site
// posts and embedded requests (publisher pages frame our cards) carry no
// cookie. The store keeps the token's SHA-256 only.
//
// CSRF: every POST, PUT, PATCH and DELETE that a session cookie
// authenticates must carry the session's CSRF token in X-CSRF-Token
// (GET /v1/auth/me and the sign-in responses hand it out). The token is
// an HMAC keyed by the session's secret, so it needs no storage and
// a page that cannot read the cookie cannot make it. Requests with an API
// key (Authorization: Bearer bc_…) carry no ambient credential and are
// exempt. Sign-up and sign-in take JSON bodies only, which no cross-site
// form can send without a CORS preflight that this server never answers,
// and requests whose Origin is another site are refused as well.

// Names of the session cookie: browsers accept a __Host- cookie only when
// Secure, so development over plain http uses the other.
const (
	secureCookieName = "__Host-buycard_session"
	devCookieName    = "buycard_session"
	csrfHeader       = "X-CSRF-Token"
	localsCaller     = "buycard.caller"
)

// Session and sign-in limits, when Config leaves them zero.
const (
	defaultSessionIdle   = 24 * time.Hour
	defaultSessionMaxAge = 7 * 24 * time.Hour
	defaultLoginFailures = 5
	defaultLoginIPFails  = 50
	defaultLoginWindow   = 15 * time.Minute
)

// The waits of throttled sign-ins (auth.Throttle): the first is a second,
// which a person retyping a password does not notice, and each failure
// doubles it up to 15 minutes, so that about ten failures in a row reach
// the cap and a guesser gets four tries an hour per account and network.
const (
	loginDelay    = time.Second
	maxLoginDelay = 15 * time.Minute
)

// The requests that email an address a client names (sign-ups, password
// links; auth.Mailings): an address gets its first few at once, then one
// a minute later, each wait doubling up to an hour, so that at most about
// one an hour reaches a mailbox under attack; a client network may ask
// for more, across addresses, on the same schedule. A count is forgotten
// after an hour's quiet.
const (
	defaultMailsPerAddress = 3
	defaultMailsPerNetwork = 50
	mailDelay              = time.Minute
	maxMailDelay           = time.Hour
	mailForget             = time.Hour
)

// caller is who a request acts for: a signed-in user, or a program with an
// API key of one party.
type caller struct {
	User         *buycard.User
	Key          *buycard.APIKey
	PartyKind    string
	PartyID      string
	sessionToken string
}

// callerOf returns the request's caller, nil when anonymous.
func callerOf(c *fiber.Ctx) *caller {
	who, _ := c.Locals(localsCaller).(*caller)
	return who
}

// authRoutes registers the account and API key endpoints; none without
// an AuthService.
func (s *Server) authRoutes(v1 fiber.Router) {
	if s.Auth == nil {
		return
	}
	s.setAuthDefaults()
	a := v1.Group("/auth", s.authenticate)
	a.Post("/signup", s.postSignup)
	a.Post("/login", s.postLogin)
	a.Post("/logout", s.postLogout)
	a.Get("/me", s.requireUser, s.getMe)
	a.Post("/password-reset", s.postPasswordReset)
	a.Post("/password-reset/request", s.postResetRequest)
	a.Post("/verify", s.postVerify)
	s.keyRoutes(v1.Group("/keys", s.authenticate, s.requireParty))
}

func (s *Server) setAuthDefaults() {
	if s.SessionIdle <= 0 {
		s.SessionIdle = defaultSessionIdle
	}
	if s.SessionMaxAge <= 0 {
		s.SessionMaxAge = defaultSessionMaxAge
	}
	if s.PasswordParams == (auth.Params{}) {
		s.PasswordParams = auth.DefaultParams
	}
	s.signIns = &auth.SignIns{
		Account: s.loginThrottle(cmp(s.LoginFailures, defaultLoginFailures)),
		Network: s.loginThrottle(cmp(s.LoginFailuresPerIP, defaultLoginIPFails)),
	}
	s.mailings = &auth.Mailings{
		Address: s.mailThrottle(cmp(s.MailsPerAddress, defaultMailsPerAddress)),
		Network: s.mailThrottle(cmp(s.MailsPerNetwork, defaultMailsPerNetwork)),
	}
}

// mailThrottle is a mailing throttle letting free requests through at
// once, counting in the limits' storage.
func (s *Server) mailThrottle(free int) auth.Throttle {
	return auth.Throttle{Storage: s.limits, Free: free, Delay: mailDelay, MaxDelay: maxMailDelay, Forget: mailForget, Now: s.Now}
}

// loginThrottle is a sign-in throttle letting free failures through at
// once, counting in the limits' storage.
func (s *Server) loginThrottle(free int) auth.Throttle {
	return auth.Throttle{
		Storage: s.limits, Free: free, Delay: loginDelay, MaxDelay: maxLoginDelay,
		Forget: cmp(s.LoginWindow, defaultLoginWindow), Now: s.Now,
	}
}

// cmp is v, or def when v is zero or less.
func cmp[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// authenticate resolves the caller from an API key or the session cookie
// and enforces CSRF on the cookie's unsafe requests. A cookie of an ended
// session is cleared and the request goes on anonymous.
func (s *Server) authenticate(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	cred := s.credentials(&c.Request().Header)
	who, sess, err := s.resolve(c.UserContext(), cred)
	switch code := buycard.ErrorCode(err); {
	case code == buycard.EUNAUTHORIZED && cred.bearer:
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="buycard"`)
		return err
	case code == buycard.EUNAUTHORIZED:
		// The cookie's session has ended: go on anonymous, without it.
		s.clearCookie(c)
		return c.Next()
	case err != nil:
		return err
	case who == nil:
		return c.Next()
	}
	if sess != nil {
		if err := s.slide(c, sess); err != nil {
			return err
		}
	}
	c.Locals(localsCaller, who)
	return c.Next()
}

// credentials are what a request authenticates with. They come from its
// headers alone, so an image upload is authorised before its body is
// read (images.go) by the very checks authenticate makes after.
type credentials struct {
	bearer       bool   // an Authorization: Bearer header was sent
	key          string // its token
	cookie       string // the session cookie's token
	origin, csrf string // the Origin and X-CSRF-Token headers
	unsafe       bool   // a method other than GET and HEAD
}

// credentials reads a request's credentials from its headers.
func (s *Server) credentials(h *fasthttp.RequestHeader) credentials {
	key, bearer := strings.CutPrefix(string(h.Peek(fiber.HeaderAuthorization)), "Bearer ")
	method := string(h.Method())
	return credentials{bearer: bearer, key: key, cookie: string(h.Cookie(s.cookieName())),
		origin: string(h.Peek(fiber.HeaderOrigin)), csrf: string(h.Peek(csrfHeader)),
		unsafe: method != fiber.MethodGet && method != fiber.MethodHead}
}

// resolve returns the caller the credentials name, nil when anonymous,
// and the cookie's session. Errors: EUNAUTHORIZED (a bad or revoked API
// key; or a cookie of an ended session, which a request may go on
// without), EFORBIDDEN (a cross-site or CSRF-less unsafe request of a
// cookie), or the store's.
func (s *Server) resolve(ctx context.Context, cred credentials) (*caller, *buycard.Session, error) {
	if cred.bearer {
		who, err := s.resolveKey(ctx, cred.key)
		return who, nil, err
	}
	if cred.unsafe && cred.origin != "" && cred.origin != s.PublicURL {
		return nil, nil, buycard.Errorf(buycard.EFORBIDDEN, "Cross-site requests are refused. Open %s/console to use the console.", s.PublicURL)
	}
	if cred.cookie == "" {
		return nil, nil, nil
	}
	sess, u, err := s.Auth.FindSession(ctx, auth.Digest(cred.cookie), s.Now())
	if err != nil {
		return nil, nil, err
	}
	if cred.unsafe && !auth.CheckCSRF(cred.cookie, cred.csrf) {
		return nil, nil, buycard.Errorf(buycard.EFORBIDDEN, "Send the X-CSRF-Token header that GET /v1/auth/me returns.")
	}
	return &caller{User: u, PartyKind: u.PartyKind(), PartyID: u.PartyID, sessionToken: cred.cookie}, sess, nil
}

// resolveKey returns the caller of an API key; a revoked one fails at
// once. Errors: EUNAUTHORIZED, or the store's.
func (s *Server) resolveKey(ctx context.Context, key string) (*caller, error) {
	if !auth.IsAPIKey(key) {
		return nil, buycard.ErrBadAPIKey
	}
	k, err := s.Auth.FindAPIKey(ctx, auth.Digest(key))
	if err != nil {
		return nil, err
	}
	return &caller{Key: k, PartyKind: k.PartyKind, PartyID: k.PartyID}, nil
}

// slide moves a session's idle expiry forward once half of it has passed,
// so that an active session writes about once per half idle time, never
// beyond its maximum age.
func (s *Server) slide(c *fiber.Ctx, sess *buycard.Session) error {
	now := s.Now()
	if sess.ExpiresAt.Sub(now) > s.SessionIdle/2 {
		return nil
	}
	exp := now.Add(s.SessionIdle)
	if limit := sess.CreatedAt.Add(s.SessionMaxAge); exp.After(limit) {
		exp = limit
	}
	return s.Auth.TouchSession(c.UserContext(), sess.ID, exp)
}

// requireUser lets through requests of a signed-in user only.
func (s *Server) requireUser(c *fiber.Ctx) error {
	if who := callerOf(c); who == nil || who.User == nil {
		return buycard.Errorf(buycard.EUNAUTHORIZED, "Sign in first.")
	}
	return c.Next()
}

// requireParty lets through callers that act for a merchant or publisher
// (users and API keys), not admins and not anonymous requests.
func (s *Server) requireParty(c *fiber.Ctx) error {
	who := callerOf(c)
	if who == nil {
		return buycard.Errorf(buycard.EUNAUTHORIZED, "Sign in or send an API key.")
	}
	if who.PartyID == "" {
		return buycard.Errorf(buycard.EFORBIDDEN, "This needs a merchant or publisher account.")
	}
	return c.Next()
}

// ownedBy checks that the object of partyKind and partyID belongs to the
// caller; admins may see every party's. Others' objects are not found,
// so that their ids reveal nothing.
func ownedBy(c *fiber.Ctx, partyKind, partyID string) error {
	who := callerOf(c)
	switch {
	case who == nil:
		return buycard.Errorf(buycard.EUNAUTHORIZED, "Sign in first.")
	case who.User != nil && who.User.Role == buycard.RoleAdmin:
		return nil
	case who.PartyKind != partyKind || who.PartyID != partyID:
		return buycard.Errorf(buycard.ENOTFOUND, "Not found.")
	}
	return nil
}

func (s *Server) cookieName() string {
	if s.SecureCookies {
		return secureCookieName
	}
	return devCookieName
}

// setCookie sends the session cookie; it lives as long as the session may.
func (s *Server) setCookie(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name: s.cookieName(), Value: token, Path: "/", Expires: expires,
		Secure: s.SecureCookies, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (s *Server) clearCookie(c *fiber.Ctx) {
	s.setCookie(c, "", time.Unix(0, 0))
}

// retryLater answers a throttled sign-in 429 with Retry-After.
func retryLater(c *fiber.Ctx, wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	return tooMany("Too many failed sign-ins.", secs)
}
