package stripeconnect

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/buycard/buycard"
)

// Buycard's onboarding pages, where Account Links send the user: back to
// refresh when a link expired or was used already, to return when they
// leave Stripe's onboarding. The API serves them (backend/api).
const (
	OnboardingRefreshPath = "/connect/refresh"
	OnboardingReturnPath  = "/connect/return"
)

// DefaultOnboardingTTL is how long the refresh and return URLs of an
// onboarding work, unless Onboarding.TokenTTL says otherwise: long enough
// for an invitation to be read, and then the operator sends a new one.
const DefaultOnboardingTTL = 7 * 24 * time.Hour

// RetrieveAccount reads a connected account as Stripe has it now: whether
// it may take charges and receive payouts.
//
// Errors: EINVALID (no id, or an account Stripe does not know), EPAYMENT.
func (p *Provider) RetrieveAccount(ctx context.Context, id string) (*stripe.Account, error) {
	if id == "" {
		return nil, buycard.Errorf(buycard.EINVALID, "An account id is required.")
	}
	var a *stripe.Account
	err := p.call(ctx, "retrieve account", func(ctx context.Context) (err error) {
		params := &stripe.AccountParams{}
		params.Context = ctx
		a, err = p.api.accounts.GetByID(id, params)
		return err
	})
	return a, err
}

// Onboarding connects merchants and publishers to Stripe Connect Express
// accounts through Account Links. There are no user logins yet, so the
// links' refresh and return URLs carry a signed, expiring token naming the
// party and its account: whoever holds it may continue that onboarding
// and see what Stripe allows the account, nothing else.
type Onboarding struct {
	Provider *Provider
	Accounts buycard.AccountService
	Tokens   *buycard.TokenSigner
	// TokenTTL is how long the refresh and return URLs work; 0 means
	// DefaultOnboardingTTL.
	TokenTTL time.Duration
}

// partyIDPattern bounds a party id, which goes into an idempotency key.
var partyIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// AccountKey is the idempotency key that creates a party's Express
// account: every start of its onboarding uses it, so a retry, a second
// run or two concurrent starts within Stripe's 24 hours of key retention
// make one account. After that the linked account is reused.
func AccountKey(partyKind, partyID string) string {
	return "buycard-account-" + partyKind + "-" + partyID
}

// Start begins or resumes the onboarding of a merchant or publisher: it
// reuses the party's linked account, or creates an Express account in
// country (ISO 3166-1 alpha-2; email optional) and links it, then mints
// an Account Link to Stripe's onboarding. A merchant's cards stay
// non-buyable until Stripe reports that its account can take charges.
//
// Errors: EINVALID (party, country or email; Stripe refused), ENOTFOUND
// (no such party: the Stripe account was created but is not linked; a
// start for the party within 24 hours reuses it), ECONFLICT (the account
// is linked to another party), EPAYMENT (Stripe failed).
func (o *Onboarding) Start(ctx context.Context, partyKind, partyID, country, email string) (*buycard.OnboardingLink, error) {
	if partyKind != buycard.PartyMerchant && partyKind != buycard.PartyPublisher {
		return nil, buycard.Errorf(buycard.EINVALID, "Only merchants and publishers have payment accounts.")
	}
	if !partyIDPattern.MatchString(partyID) {
		return nil, buycard.Errorf(buycard.EINVALID, "The %s id is not valid.", partyKind)
	}
	if email != "" && (len(email) > 254 || !strings.Contains(email, "@")) {
		return nil, buycard.Errorf(buycard.EINVALID, "The email address is not valid.")
	}
	accountID, err := o.account(ctx, partyKind, partyID, country, email)
	if err != nil {
		return nil, err
	}
	return o.link(ctx, buycard.OnboardingClaims{
		PartyKind: partyKind, PartyID: partyID, AccountID: accountID, ExpiresAt: o.now().Add(o.ttl()),
	})
}

// account returns the id of the party's linked account, first creating
// and linking one when it has none.
func (o *Onboarding) account(ctx context.Context, partyKind, partyID, country, email string) (string, error) {
	linked, err := o.Accounts.FindPaymentAccount(ctx, partyKind, partyID)
	if err == nil {
		return linked.ID, nil
	}
	if buycard.ErrorCode(err) != buycard.ENOTFOUND {
		return "", err
	}
	// An unknown party would get a Stripe account that nothing links.
	if err := o.Accounts.CheckParty(ctx, partyKind, partyID); err != nil {
		return "", err
	}
	a, err := o.Provider.CreateExpressAccount(ctx, email, country, AccountKey(partyKind, partyID))
	if err != nil {
		return "", err
	}
	state := accountState(a.ID, a, partyKind, partyID, o.now())
	if a.Created > 0 {
		// What the account could do when it was made: any report of
		// Stripe's since then is newer.
		state.UpdatedAt = time.Unix(a.Created, 0).UTC()
	}
	err = o.Accounts.LinkPaymentAccount(ctx, state)
	if buycard.ErrorCode(err) == buycard.ECONFLICT {
		// A concurrent start linked the same account (same key) first.
		if linked, ferr := o.Accounts.FindPaymentAccount(ctx, partyKind, partyID); ferr == nil && linked.ID == a.ID {
			return a.ID, nil
		}
	}
	if err != nil {
		return "", err
	}
	return a.ID, nil
}

// Refresh mints a new Account Link for the onboarding token names, as its
// refresh URL asks when Stripe's link expired or was used. The new link
// carries the same token, so it works until the first one's expiry.
//
// Errors: EUNAUTHORIZED (bad or expired token: nothing is asked of
// Stripe), EINVALID, EPAYMENT.
func (o *Onboarding) Refresh(ctx context.Context, token string) (*buycard.OnboardingLink, error) {
	c, err := o.Tokens.VerifyOnboarding(token, o.now())
	if err != nil {
		return nil, err
	}
	return o.link(ctx, c)
}

// Return reads the account token names back from Stripe when the user
// leaves onboarding and records its state, so that a merchant's cards
// become buyable without waiting for the account.updated webhook (the
// store keeps whichever report is latest). It returns the state recorded.
//
// Errors: EUNAUTHORIZED (bad or expired token: nothing is asked of Stripe
// or written), ENOTFOUND (the account is not linked), EINVALID, EPAYMENT.
func (o *Onboarding) Return(ctx context.Context, token string) (*buycard.PaymentAccount, error) {
	c, err := o.Tokens.VerifyOnboarding(token, o.now())
	if err != nil {
		return nil, err
	}
	a, err := o.Provider.RetrieveAccount(ctx, c.AccountID)
	if err != nil {
		return nil, err
	}
	if _, err := o.Accounts.UpdatePaymentAccount(ctx, accountState(c.AccountID, a, c.PartyKind, c.PartyID, o.now())); err != nil {
		return nil, err
	}
	return o.Accounts.FindPaymentAccount(ctx, c.PartyKind, c.PartyID)
}

// FindPaymentAccount returns the account linked to a party, as last
// recorded. Errors: ENOTFOUND.
func (o *Onboarding) FindPaymentAccount(ctx context.Context, partyKind, partyID string) (*buycard.PaymentAccount, error) {
	return o.Accounts.FindPaymentAccount(ctx, partyKind, partyID)
}

// link mints an Account Link whose refresh and return URLs carry a token
// for c.
func (o *Onboarding) link(ctx context.Context, c buycard.OnboardingClaims) (*buycard.OnboardingLink, error) {
	query := "?t=" + url.QueryEscape(o.Tokens.SignOnboarding(c))
	base := o.Provider.cfg.BaseURL
	resume := base + OnboardingRefreshPath + query
	l, err := o.Provider.AccountLink(ctx, c.AccountID, resume, base+OnboardingReturnPath+query)
	if err != nil {
		return nil, err
	}
	return &buycard.OnboardingLink{
		AccountID: c.AccountID, URL: l.URL, ExpiresAt: time.Unix(l.ExpiresAt, 0).UTC(),
		ResumeURL: resume, ResumeExpiresAt: c.ExpiresAt,
	}, nil
}

// accountState is what Stripe's account a says party may do, as of at.
func accountState(id string, a *stripe.Account, partyKind, partyID string, at time.Time) *buycard.PaymentAccount {
	return &buycard.PaymentAccount{
		ID: id, PartyKind: partyKind, PartyID: partyID,
		ChargesEnabled: a.ChargesEnabled, PayoutsEnabled: a.PayoutsEnabled, UpdatedAt: at,
	}
}

func (o *Onboarding) now() time.Time { return o.Provider.cfg.Now().UTC() }

func (o *Onboarding) ttl() time.Duration {
	if o.TokenTTL > 0 {
		return o.TokenTTL
	}
	return DefaultOnboardingTTL
}
