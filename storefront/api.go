package storefront

import (
	"encoding/json"
	"errors"
	"net/url"

	"github.com/buycard/buycard"
)

// Messages for failures the API did not word itself.
const (
	msgUnreachable = "Could not reach the server. Check your connection and try again."
	msgUnexpected  = "Something went wrong. Please try again."
)

// errUnreachable is returned when no answer came back from the server.
var errUnreachable = buycard.Errorf(buycard.EINTERNAL, msgUnreachable)

// userMessage is what the shopper reads about err.
func userMessage(err error) string {
	if !errors.Is(err, errUnreachable) && buycard.ErrorCode(err) == buycard.EINTERNAL {
		return msgUnexpected
	}
	return buycard.ErrorMessage(err)
}

// apiClient calls the JSON API of docs/contracts.md.
type apiClient struct {
	origin string // "http://localhost:8080", no trailing slash
	send   sendFunc
}

// sendFunc sends one request and returns the answer's status and body. An
// error means no answer came back.
type sendFunc func(method, url string, body []byte) (status int, data []byte, err error)

func newAPIClient(origin string) *apiClient {
	return &apiClient{origin: origin, send: fetch}
}

type checkoutRequest struct {
	Token     string `json:"token"`
	VariantID string `json:"variant_id"`
	Quantity  int    `json:"quantity"`
	// Origin (the parent page's) and Lang ride along to the receipt the
	// provider returns to, which tells that page about the purchase.
	Origin string `json:"origin,omitempty"`
	Lang   string `json:"lang,omitempty"`
}

// checkoutSession is a pending order and the payment session opened for it.
type checkoutSession struct {
	Order      buycard.Order  `json:"order"`
	OrderToken string         `json:"order_token"`
	Payment    paymentSession `json:"payment"`
}

type paymentSession struct {
	Provider     string `json:"provider"`
	SessionID    string `json:"session_id"`
	ClientSecret string `json:"client_secret"`
	// PublishableKey is Stripe's pk_…, set when the provider is Stripe.
	PublishableKey string `json:"publishable_key,omitempty"`
}

type payRequest struct {
	ClientSecret string `json:"client_secret"`
	CardNumber   string `json:"card_number"`
}

type orderResponse struct {
	Order buycard.Order `json:"order"`
}

// offer fetches the offer of a widget with a placement token.
func (c *apiClient) offer(widgetID, token string) (*buycard.Offer, error) {
	var o buycard.Offer
	path := "/v1/offers/" + url.PathEscape(widgetID) + "?t=" + url.QueryEscape(token)
	if err := c.do("GET", path, nil, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// startCheckout creates a pending order and its payment session.
func (c *apiClient) startCheckout(r checkoutRequest) (*checkoutSession, error) {
	var s checkoutSession
	if err := c.do("POST", "/v1/checkout", r, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// payWithTestCard pays a sandbox session. A declined card is an EPAYMENT
// error.
func (c *apiClient) payWithTestCard(r payRequest) (*buycard.Order, error) {
	var resp orderResponse
	if err := c.do("POST", "/v1/sandbox/pay", r, &resp); err != nil {
		return nil, err
	}
	return &resp.Order, nil
}

// do sends body, when not nil, as JSON and decodes a 2xx answer into out.
// Errors are *buycard.Error values carrying the API's code and message, or
// errUnreachable.
func (c *apiClient) do(method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	status, data, err := c.send(method, c.origin+path, payload)
	switch {
	case err != nil:
		return errUnreachable
	case status < 200 || status > 299:
		return decodeAPIError(data)
	case json.Unmarshal(data, out) != nil:
		return buycard.Errorf(buycard.EINTERNAL, "decode %s %s answer", method, path)
	}
	return nil
}

// decodeAPIError reads {"error":{"code":"…","message":"…"}}.
func decodeAPIError(data []byte) error {
	if e, ok := buycard.DecodeError(data); ok {
		return e
	}
	return buycard.Errorf(buycard.EINTERNAL, "unreadable error answer")
}
