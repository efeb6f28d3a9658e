package api

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/buycard/buycard"
)

// Checkout rate limits. Starting a checkout reserves stock and opens a
// payment session, so a script that starts checkouts in a loop could keep
// a product sold out without paying for it. Two fixed-window limits guard
// POST /v1/checkout and the checkout form alike:
//
//   - per client IP (Config.CheckoutsPerIP; IPv6 clients by their /64,
//     which one subscriber usually holds whole), and
//   - per publisher (Config.CheckoutsPerPublisher), keyed by the publisher
//     of the request's verified placement token, which bounds what many
//     IPs can do together through one publisher's placements. Tokens
//     without a publisher (the product page) and invalid tokens (which the
//     handler refuses) count against the IP limit only.
//
// Both are Fiber's limiter middleware, so a request over a limit is
// answered 429 with Retry-After before the handler runs and changes
// nothing. Every attempt counts, failed ones too: that also bounds token
// guessing.
//
// The counters live in Server.limits (limitstore), as the sign-in
// throttles' do: in Services.RateLimits, Redis when BUYCARD_REDIS_URL is
// set so that all nodes share them, else in this node's memory. The
// limiter reads a counter and writes it back, so nodes racing on one key
// may each miss the other's hit: across nodes a limit is approximate, a
// few checkouts over at worst, which is fine for abuse protection.
//
// Redis trouble fails open to this node's memory: a checkout is never
// refused or slowed because Redis is down, and each node goes on limiting
// on its own until Redis answers again (limitstore logs the outage once).
// The limits are a brake on abuse, not a guard of money (stock and
// payments are guarded by the database).

// Keys of the rate-limit counters, under a prefix of their own in a Redis
// that may hold other things.
const (
	ipLimitKey        = "buycard:checkouts:ip:"
	publisherLimitKey = "buycard:checkouts:pub:"
)

// Names of the limits and throttles in the metrics
// (buycard_rate_limited_total).
const (
	limitCheckoutIP        = "checkout_ip"
	limitCheckoutPublisher = "checkout_publisher"
	limitSignIn            = "sign_in"
	limitMail              = "mail"
	limitDiscountCode      = "discount_code"
	limitWebhookSends      = "webhook_sends"
)

// localsPublisher holds the publisher the publisher limit counts against.
const localsPublisher = "buycard.limitPublisher"

// checkoutLimits returns the handlers that rate-limit checkout creation,
// to run before postCheckout and postChooseForm; none when both limits
// are off.
func (s *Server) checkoutLimits() []fiber.Handler {
	window := s.CheckoutWindow
	if window <= 0 {
		window = time.Minute
	}
	var handlers []fiber.Handler
	if s.CheckoutsPerIP > 0 {
		handlers = append(handlers, limiter.New(limiter.Config{
			Max: s.CheckoutsPerIP, Expiration: window, Storage: s.limits,
			KeyGenerator: func(c *fiber.Ctx) string { return ipLimitKey + s.clientIP(c) },
			LimitReached: s.limitReached(limitCheckoutIP, "Too many checkouts from this network."),
		}))
	}
	if s.CheckoutsPerPublisher > 0 {
		handlers = append(handlers, limiter.New(limiter.Config{
			Max: s.CheckoutsPerPublisher, Expiration: window, Storage: s.limits,
			Next: func(c *fiber.Ctx) bool {
				pub := s.checkoutPublisher(c)
				c.Locals(localsPublisher, pub)
				return pub == ""
			},
			KeyGenerator: func(c *fiber.Ctx) string { return publisherLimitKey + c.Locals(localsPublisher).(string) },
			LimitReached: s.limitReached(limitCheckoutPublisher, "Too many checkouts on this site right now."),
		}))
	}
	return handlers
}

// orderingOnly limits the details form's posts that make an order: its
// Apply code and Update shipping (action) only price it.
func orderingOnly(limits []fiber.Handler) []fiber.Handler {
	wrapped := make([]fiber.Handler, len(limits))
	for i, limit := range limits {
		wrapped[i] = func(c *fiber.Ctx) error {
			if c.FormValue("action") != "" {
				return c.Next()
			}
			return limit(c)
		}
	}
	return wrapped
}

// limitReached answers a request the limiter refused with an ERATELIMIT
// error, and counts it; the limiter has set Retry-After already.
func (s *Server) limitReached(limiter, what string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s.Metrics.RateLimited(limiter)
		secs, _ := strconv.Atoi(string(c.Response().Header.Peek(fiber.HeaderRetryAfter)))
		return tooMany(what, secs)
	}
}

// tooMany is the ERATELIMIT error of a request refused for secs seconds,
// which its Retry-After says too.
func tooMany(what string, secs int) error {
	wait := fmt.Sprintf("%d seconds", secs)
	switch {
	case secs == 1:
		wait = "1 second"
	case secs >= 120:
		wait = fmt.Sprintf("%d minutes", (secs+59)/60)
	}
	return buycard.Errorf(buycard.ERATELIMIT, "%s Try again in %s.", what, wait)
}

// checkoutPublisher returns the publisher of the placement token a
// checkout request carries, or "" when it carries no valid token or one
// without a publisher. It peeks at the body the handler reads again.
func (s *Server) checkoutPublisher(c *fiber.Ctx) string {
	var token string
	if strings.HasPrefix(c.Path(), "/v1/") {
		var req struct {
			Token string `json:"token"`
		}
		if json.Unmarshal(c.Body(), &req) != nil {
			return ""
		}
		token = req.Token
	} else {
		// A cross-site post must not spend the publisher's budget.
		if s.checkFormPost(c) != nil {
			return ""
		}
		token = c.FormValue("t")
	}
	claims, err := s.Tokens.VerifyPlacement(token, s.Now())
	if err != nil {
		return ""
	}
	return claims.PublisherID
}

// clientIP is the address the per-IP limit counts against: the peer, or,
// when the peer is one of Config.TrustedProxies, the nearest address in
// X-Forwarded-For that is not (the leftmost entries are whatever the
// client sent). IPv6 addresses count by their /64.
func (s *Server) clientIP(c *fiber.Ctx) string {
	ip := c.IP()
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if s.trusted(addr) {
		hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			if addr = hop.Unmap(); !s.trusted(addr) {
				break
			}
		}
	}
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

func (s *Server) trusted(addr netip.Addr) bool {
	for _, p := range s.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}
