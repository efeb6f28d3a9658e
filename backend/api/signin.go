package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/console"
)

type signupRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Role     string `json:"role"` // merchant or publisher
	Name     string `json:"name"` // of the merchant or publisher
}

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type resetRequest struct {
	Token       string `json:"token"`
	NewPassword string `json:"new_password"`
}

// emailRequest asks for a password link for an address.
type emailRequest struct {
	Email string `json:"email"`
}

// verifyRequest spends a sign-up's confirmation link.
type verifyRequest struct {
	Token string `json:"token"`
}

// meReply is the signed-in user, the party it acts for, and the CSRF
// token its unsafe requests send.
type meReply struct {
	User      *buycard.User `json:"user"`
	PartyKind string        `json:"party_kind,omitempty"`
	PartyID   string        `json:"party_id,omitempty"`
	CSRFToken string        `json:"csrf_token"`
}

// signupAccepted is the whole answer to a sign-up that passed validation,
// whether or not its email had an account: the email tells the rest.
var signupAccepted = fiber.Map{"message": "Check your email to finish signing up."}

// postSignup serves POST /v1/auth/signup: a sign-up of a new merchant or
// publisher and its user, which waits for the link mailed to its address
// (StartSignUp); an address with an account is told of the attempt
// instead. Both cases get the same answer (202, the same body and
// headers, no session) after the same work (a password hashed, a
// transaction with an event), so that sign-up does not tell which emails
// have accounts. A request past the mailing throttle (Server.mailings)
// records nothing and is answered the same.
func (s *Server) postSignup(c *fiber.Ctx) error {
	var req signupRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.signUp(c, req); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(signupAccepted)
}

// signUp starts the sign-up req asks for, as postSignup says; the
// console's sign-up form runs it too.
func (s *Server) signUp(c *fiber.Ctx, req signupRequest) error {
	if req.Role != buycard.RoleMerchant && req.Role != buycard.RolePublisher {
		return buycard.Errorf(buycard.EINVALID, "role must be merchant or publisher.")
	}
	email, err := buycard.NormalizeEmail(req.Email)
	if err != nil {
		return err
	}
	if msg := auth.CheckPassword(req.Password, email); msg != "" {
		return buycard.Errorf(buycard.EINVALID, "%s", msg)
	}
	now := s.Now()
	su := &buycard.SignUp{Email: email, Role: req.Role, PartyName: req.Name, CreatedAt: now, ExpiresAt: now.Add(auth.SignUpTTL)}
	if err := su.Validate(); err != nil {
		return err
	}
	su.PasswordHash = s.PasswordParams.HashPassword(req.Password)
	if s.mayMail(c, email) {
		return s.Auth.StartSignUp(c.UserContext(), su)
	}
	return nil
}

// mayMail reports whether the mailing throttle lets the request email
// address now (auth.Mailings), counting a refusal.
func (s *Server) mayMail(c *fiber.Ctx, address string) bool {
	if s.mailings.Allow(address, s.clientIP(c)) {
		return true
	}
	s.Metrics.RateLimited(limitMail)
	return false
}

// postVerify serves POST /v1/auth/verify: spends a sign-up's confirmation
// link, creating its user and party, and signs the user in.
func (s *Server) postVerify(c *fiber.Ctx) error {
	var req verifyRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	reply, err := s.verifySignUp(c, req.Token)
	if err != nil {
		return err
	}
	return c.JSON(reply)
}

// verifySignUp spends a sign-up's confirmation link and signs its new
// user in (startSession), ending the request's session.
func (s *Server) verifySignUp(c *fiber.Ctx, token string) (meReply, error) {
	if token == "" || len(token) > 100 {
		return meReply{}, buycard.ErrBadSignUp
	}
	u, err := s.Auth.VerifySignUp(c.UserContext(), auth.Digest(token), s.Now())
	if err != nil {
		return meReply{}, err
	}
	s.endSession(c)
	return s.startSession(c, u)
}

// resetRequested is the whole answer to a request for a password link.
var resetRequested = fiber.Map{"message": console.ResetRequested}

// postResetRequest serves POST /v1/auth/password-reset/request: a
// password link mailed to the address when it has an account
// (RequestPasswordReset). It answers the same (202, the same body) after
// the same work whether or not the address has an account, and whether
// or not the mailing throttle let the request through.
func (s *Server) postResetRequest(c *fiber.Ctx) error {
	var req emailRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if err := s.requestReset(c, req.Email); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(resetRequested)
}

// requestReset mails a password link to address, as postResetRequest
// says; the console's form runs it too.
func (s *Server) requestReset(c *fiber.Ctx, address string) error {
	email, err := buycard.NormalizeEmail(address)
	if err != nil {
		return err
	}
	if s.mayMail(c, email) {
		return s.Auth.RequestPasswordReset(c.UserContext(), email, s.Now())
	}
	return nil
}

// postLogin serves POST /v1/auth/login. Failures are throttled per
// account and client network and per network (auth.SignIns); while
// throttled it answers 429 before checking the password.
func (s *Server) postLogin(c *fiber.Ctx) error {
	var req loginRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	reply, err := s.signIn(c, req)
	if err != nil {
		return err
	}
	return c.JSON(reply)
}

// signIn checks req's email and password, throttled as postLogin says,
// and signs the user in (startSession), ending the request's session;
// the console's sign-in form runs it too.
func (s *Server) signIn(c *fiber.Ctx, req loginRequest) (meReply, error) {
	email, _ := buycard.NormalizeEmail(req.Email)
	network := s.clientIP(c)
	if wait := s.signIns.RetryAfter(email, network); wait > 0 {
		s.Metrics.RateLimited(limitSignIn)
		return meReply{}, retryLater(c, wait)
	}
	u, err := s.checkPassword(c, email, req.Password)
	if buycard.ErrorCode(err) == buycard.EUNAUTHORIZED {
		s.signIns.Fail(email, network)
		return meReply{}, err
	}
	if err != nil {
		return meReply{}, err
	}
	s.signIns.Succeed(email, network)
	s.endSession(c)
	return s.startSession(c, u)
}

// errBadLogin does not say whether the email has an account.
var errBadLogin = buycard.Errorf(buycard.EUNAUTHORIZED, "Wrong email or password.")

// checkPassword returns the user with email and password, rehashing the
// password when the parameters changed. An unknown email costs a hash
// too, so that timing does not tell which emails have accounts.
func (s *Server) checkPassword(c *fiber.Ctx, email, password string) (*buycard.User, error) {
	u, err := s.Auth.FindUserByEmail(c.UserContext(), email)
	if buycard.ErrorCode(err) == buycard.ENOTFOUND || (err == nil && u.PasswordHash == "") {
		s.PasswordParams.HashPassword(password)
		return nil, errBadLogin
	}
	if err != nil {
		return nil, err
	}
	ok, rehash, err := s.PasswordParams.VerifyPassword(password, u.PasswordHash)
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, errBadLogin
	case rehash:
		old := u.PasswordHash
		u.PasswordHash = s.PasswordParams.HashPassword(password)
		return u, s.Auth.RehashPassword(c.UserContext(), u.ID, old, u.PasswordHash)
	}
	return u, nil
}

// startSession signs u in: a new session and its cookie, and the reply
// GET /v1/auth/me gives.
func (s *Server) startSession(c *fiber.Ctx, u *buycard.User) (meReply, error) {
	token, now := auth.NewToken(), s.Now()
	sess := &buycard.Session{ID: auth.Digest(token), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.SessionIdle)}
	if err := s.Auth.CreateSession(c.UserContext(), sess, u.PasswordHash); err != nil {
		return meReply{}, err
	}
	s.setCookie(c, token, now.Add(s.SessionMaxAge))
	return me(u, token), nil
}

func me(u *buycard.User, sessionToken string) meReply {
	return meReply{User: u, PartyKind: u.PartyKind(), PartyID: u.PartyID, CSRFToken: auth.CSRFToken(sessionToken)}
}

// endSession deletes the session of the request's cookie, if any, and
// clears the cookie. Errors are ignored: an undeleted session expires.
func (s *Server) endSession(c *fiber.Ctx) {
	if who := callerOf(c); who != nil && who.sessionToken != "" {
		_ = s.Auth.DeleteSession(c.UserContext(), auth.Digest(who.sessionToken))
	}
	s.clearCookie(c)
}

// postLogout serves POST /v1/auth/logout; signed out already is fine.
func (s *Server) postLogout(c *fiber.Ctx) error {
	s.endSession(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// getMe serves GET /v1/auth/me.
func (s *Server) getMe(c *fiber.Ctx) error {
	who := callerOf(c)
	return c.JSON(me(who.User, who.sessionToken))
}

// postPasswordReset serves POST /v1/auth/password-reset: spends a password
// link, sets the password and ends the user's other sessions. The user
// signs in afresh with the new password.
func (s *Server) postPasswordReset(c *fiber.Ctx) error {
	var req resetRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := s.resetPassword(c, req)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": u})
}

// resetPassword spends the password link req names, as postPasswordReset
// says, and clears the request's cookie; the console's form runs it too.
func (s *Server) resetPassword(c *fiber.Ctx, req resetRequest) (*buycard.User, error) {
	if req.Token == "" || len(req.Token) > 100 {
		return nil, buycard.ErrBadReset
	}
	if msg := auth.CheckPassword(req.NewPassword, ""); msg != "" {
		return nil, buycard.Errorf(buycard.EINVALID, "%s", msg)
	}
	u, err := s.Auth.UsePasswordReset(c.UserContext(), auth.Digest(req.Token), s.Now(), s.PasswordParams.HashPassword(req.NewPassword))
	if err != nil {
		return nil, err
	}
	s.clearCookie(c)
	return u, nil
}
