package webhooks

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"github.com/buycard/buycard"
)

// Timeout bounds one attempt, from dialing to the last byte of the
// answer read.
const Timeout = 15 * time.Second

// ErrNotPublic is a dial refused because the address is not on the
// public internet.
var ErrNotPublic = errors.New("the endpoint's address is not on the public internet")

// NewClient returns the HTTP client deliveries go through. It follows no
// redirect (a 3xx is a failed attempt) and goes through no proxy. Unless
// allowPrivate (development, where receivers run on this machine), it
// refuses at dial time every address buycard.PublicAddr refuses — after
// DNS resolution, for every address a name resolves to and every
// connection, so that neither a name pointing at 127.0.0.1 nor one that
// changes its answer between checks reaches the node's network.
func NewClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		dialer.Control = refusePrivate
	}
	transport := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: Timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// refusePrivate is a dialer's Control: it runs for the address actually
// dialed, once resolved.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, ErrNotPublic)
	}
	if !buycard.PublicAddr(ap.Addr()) {
		return fmt.Errorf("dial %s: %w", ap.Addr(), ErrNotPublic)
	}
	return nil
}
