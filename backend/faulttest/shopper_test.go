package faulttest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/sandbox"
	"github.com/buycard/buycard/backend/storetest"
)

// client is the scenarios' HTTP client. It does not follow redirects, so
// that the return from Stripe's checkout answers with its own status; its
// timeout turns a node that hangs into a failed request, not a hung test.
var client = &http.Client{
	Timeout:       time.Minute,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// shopper buys the fixture's card from nodes over HTTP, as the overlay
// does: a placement token from GET /v1/cards, then POST /v1/checkout and,
// with the sandbox provider, POST /v1/sandbox/pay.
type shopper struct {
	token, variantID string
	// network is the client address the nodes see (X-Forwarded-For from
	// a trusted proxy, see startNode), "" for the loopback address. A
	// network may hold only a fifth of the stock left at once.
	network string
	// client is the shopper's own HTTP client (see fromLoopback), nil
	// for the scenarios' client.
	client *http.Client
}

// from is the shopper buying from another client network.
func (s shopper) from(network string) *shopper {
	s.network = network
	return &s
}

// fromLoopback is the shopper connecting from the loopback address addr
// (any of 127.0.0.0/8), which is the network a proxy in front of the
// nodes tells them of.
func (s shopper) fromLoopback(addr string) *shopper {
	s.client = loopbackClient(addr)
	return &s
}

// loopbackClient is the scenarios' client connecting from the loopback
// address addr.
func loopbackClient(addr string) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}}
	c := *client
	c.Transport = &http.Transport{DialContext: dialer.DialContext}
	return &c
}

// newShopper reads the placement token of the fixture's card at the node
// or proxy at base; every node sharing the secret takes it.
func newShopper(t *testing.T, base string, f storetest.Fixture) *shopper {
	t.Helper()
	ref := f.Widget.ID + ":" + f.Placement.ID
	resp, err := client.Get(base + "/v1/cards?ids=" + ref)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var cards struct {
		Cards map[string]struct{ Token string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&cards); err != nil || cards.Cards[ref].Token == "" {
		t.Fatalf("GET /v1/cards: %d, %v: no token for %s", resp.StatusCode, err, ref)
	}
	return &shopper{token: cards.Cards[ref].Token, variantID: f.Product.Variants[0].ID}
}

// checkout is a checkout a node acknowledged: the pending order and its
// payment session.
type checkout struct {
	Order   buycard.Order `json:"order"`
	Payment struct {
		SessionID    string `json:"session_id"`
		ClientSecret string `json:"client_secret"`
	} `json:"payment"`
}

// checkout starts a checkout of quantity units at the node or proxy at
// base. status is the answer, 0 when none came.
func (s *shopper) checkout(ctx context.Context, base string, quantity int) (c checkout, status int, err error) {
	b, err := json.Marshal(map[string]any{"token": s.token, "variant_id": s.variantID, "quantity": quantity,
		"buyer": map[string]string{"email": "ann@example.com", "name": "Ann Lee"}})
	if err != nil {
		return c, 0, err
	}
	req, err := newRequest(ctx, http.MethodPost, base+"/v1/checkout", b)
	if err != nil {
		return c, 0, err
	}
	if s.network != "" {
		req.Header.Set("X-Forwarded-For", s.network)
	}
	status, err = sendWith(s.client, req, &c)
	return c, status, err
}

// pay pays a sandbox checkout at the node or proxy at base with the test
// card that succeeds.
func (s *shopper) pay(ctx context.Context, base string, c checkout) (status int, err error) {
	body := map[string]string{"client_secret": c.Payment.ClientSecret, "card_number": sandbox.CardSucceeds}
	return post(ctx, s.client, base+"/v1/sandbox/pay", body, nil)
}

// post sends body as JSON with the client c (nil: the scenarios') and
// decodes a 2xx answer into reply, when not nil. status is 0 when no
// answer came.
func post(ctx context.Context, c *http.Client, url string, body, reply any) (status int, err error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	req, err := newRequest(ctx, http.MethodPost, url, b)
	if err != nil {
		return 0, err
	}
	return sendWith(c, req, reply)
}

// newRequest makes a request with the JSON body b.
func newRequest(ctx context.Context, method, url string, b []byte) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(b))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}

// send sends req and decodes a 2xx answer into reply, when not nil.
func send(req *http.Request, reply any) (status int, err error) {
	return sendWith(client, req, reply)
}

// sendWith is send with the HTTP client c; nil is the scenarios' client.
func sendWith(c *http.Client, req *http.Request, reply any) (status int, err error) {
	if c == nil {
		c = client
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || reply == nil || resp.StatusCode/100 != 2 {
		return resp.StatusCode, err
	}
	return resp.StatusCode, json.Unmarshal(b, reply)
}
