package buycard

import "time"

// SignUp is a sign-up waiting for its email address to be confirmed: the
// merchant or publisher user it creates once the link mailed to the
// address is followed. Until then there is no user, so an address that
// is not one's own gets no account. Each sign-up has its own link; the
// first followed creates the account, and the others of the address stop
// working then.
type SignUp struct {
	ID           string    // "sgn_…"
	Email        string    //
	Role         string    // RoleMerchant or RolePublisher
	PartyName    string    // of the merchant or publisher to create
	PasswordHash string    // PHC string of the password chosen at sign-up
	ExpiresAt    time.Time // when its link stops working
	CreatedAt    time.Time //
}

// NewUser is the user the sign-up creates, without id or party yet.
func (s *SignUp) NewUser() *User {
	return &User{Email: s.Email, Role: s.Role, PasswordHash: s.PasswordHash}
}

// Validate checks a sign-up before it is stored, normalizing the email:
// what CreateUser would refuse is refused now, not once the link is
// followed. Errors: EINVALID.
func (s *SignUp) Validate() error {
	if s.Role != RoleMerchant && s.Role != RolePublisher {
		return Errorf(EINVALID, "role must be merchant or publisher.")
	}
	u := s.NewUser()
	if err := u.Validate(); err != nil {
		return err
	}
	s.Email = u.Email
	_, err := UserParty(u, s.PartyName)
	return err
}

// SignUpEventData is the data of an EventSignUp of an address without an
// account: the sign-up whose link the email carries. An EventSignUp of
// an address with an account names its user (Event.UserID) instead.
type SignUpEventData struct {
	SignUpID string `json:"sign_up_id,omitempty"`
}

// ErrBadSignUp is the answer to a confirmation link that creates no
// account, whatever the reason, so that it tells nothing of the address.
var ErrBadSignUp = Errorf(EUNAUTHORIZED, "This confirmation link is not valid any more: it was used already, has expired, or its email has an account now. Sign in, or sign up again.")
