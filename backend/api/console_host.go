package api

import (
	"net/netip"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// The console works on the public URL's host only: its session cookie is
// set there, and the API refuses unsafe requests whose Origin is another
// (resolve). A console page opened on another host (127.0.0.1 for
// localhost, a node's own address) is sent to the public URL with a
// redirect, rather than failing at the first form.
//
// Which host the browser asked for is decided carefully, so that a
// redirect never loops: behind a trusted proxy (Config.TrustedProxies)
// it is the proxy's X-Forwarded-Host (and X-Forwarded-Proto, when sent),
// whatever Host the proxy connected with; a request from a trusted proxy
// that does not say, or from an untrusted peer that carries forwarding
// headers (a proxy this server was not told of, which may have rewritten
// Host), is served where it is. Only a request straight from a browser is
// judged by its Host.

// consoleHost is where a GET of a console page should go instead: the
// same path and query at the public URL, or "" to serve it here.
func (s *Server) consoleHost(c *fiber.Ctx) string {
	public, err := url.Parse(s.PublicURL)
	if err != nil || public.Host == "" {
		return ""
	}
	host, proto, ok := s.requestHost(c)
	if !ok || strings.EqualFold(host, public.Host) && (proto == "" || proto == public.Scheme) {
		return ""
	}
	return s.PublicURL + string(c.Request().RequestURI())
}

// requestHost is the host (and scheme, "" when unknown) the browser
// asked for, and whether it can be told safely.
func (s *Server) requestHost(c *fiber.Ctx) (host, proto string, ok bool) {
	h := &c.Request().Header
	peer, err := netip.ParseAddr(c.IP())
	if err == nil && s.trusted(peer.Unmap()) {
		host = lastHop(string(h.Peek(fiber.HeaderXForwardedHost)))
		return host, strings.ToLower(lastHop(string(h.Peek(fiber.HeaderXForwardedProto)))), host != ""
	}
	for _, name := range []string{fiber.HeaderXForwardedHost, fiber.HeaderXForwardedFor, fiber.HeaderXForwardedProto, "Forwarded"} {
		if len(h.Peek(name)) > 0 {
			return "", "", false
		}
	}
	return string(h.Host()), "", true
}

// lastHop is the last of a forwarding header's comma-separated values:
// the one the nearest proxy added.
func lastHop(v string) string {
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSpace(v)
}
