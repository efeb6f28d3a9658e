package console

import (
	"encoding/json"
	"errors"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/browser"
)

// Messages for failures the API did not word itself.
const (
	msgUnreachable = "Could not reach the server. Check your connection and try again."
	msgUnexpected  = "Something went wrong. Please try again."
)

// client calls the /v1 API as the signed-in user. Unsafe requests carry
// the session's CSRF token.
type client struct {
	csrf string
	send func(browser.Request) (int, []byte, error)
}

func newClient() *client {
	return &client{send: browser.Fetch}
}

// get decodes the JSON answer of GET path into out.
func (c *client) get(path string, out any) error {
	return c.do("GET", path, nil, out)
}

// do sends in (nil, or a value to encode as JSON) with method to path and
// decodes the answer into out (nil to ignore it).
func (c *client) do(method, path string, in, out any) error {
	r := browser.Request{Method: method, URL: path, Header: map[string]string{"Accept": "application/json"}}
	if in != nil {
		body, err := json.Marshal(in)
		if err != nil {
			return err
		}
		r.Header["Content-Type"] = "application/json"
		r.Body = string(body)
	}
	return c.exchange(r, out)
}

// upload posts a file (a JS File) to path as its raw body.
func (c *client) upload(path, contentType string, file any, out any) error {
	r := browser.Request{Method: "POST", URL: path, Header: map[string]string{"Accept": "application/json", "Content-Type": contentType}, Body: file}
	return c.exchange(r, out)
}

func (c *client) exchange(r browser.Request, out any) error {
	if r.Method != "GET" && c.csrf != "" {
		r.Header["X-CSRF-Token"] = c.csrf
	}
	status, body, err := c.send(r)
	if err != nil {
		return buycard.Errorf(buycard.EINTERNAL, msgUnreachable)
	}
	if status >= 300 {
		return apiError(status, body)
	}
	if out == nil || status == 204 {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return buycard.Errorf(buycard.EINTERNAL, msgUnexpected)
	}
	return nil
}

// apiError is the error an API answer carries, worded by the API.
func apiError(status int, body []byte) error {
	if e, ok := buycard.DecodeError(body); ok {
		return e
	}
	if status == 401 {
		return buycard.Errorf(buycard.EUNAUTHORIZED, "Your session has ended. Sign in again.")
	}
	return buycard.Errorf(buycard.EINTERNAL, msgUnexpected)
}

// message is what a user reads about err.
func message(err error) string {
	var e *buycard.Error
	if !errors.As(err, &e) {
		return msgUnexpected
	}
	return e.Message
}
