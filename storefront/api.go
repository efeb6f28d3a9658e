package storefront

import (
	"encoding/json"
	"errors"
	"net/url"

	"github.com/buycard/buycard"
)

// errUnreachable is returned when no answer came back from the server.
var errUnreachable = buycard.Errorf(buycard.EINTERNAL, "%s", english[msgUnreachable])

// userMessage is what the shopper reads about err, in lang: the API words
// the checkout's refusals in the shopper's language (catalog_errors.go).
func userMessage(err error, lang string) string {
	switch {
	case errors.Is(err, errUnreachable):
		return tr(lang, msgUnreachable)
	case buycard.ErrorCode(err) == buycard.EINTERNAL:
		return tr(lang, msgUnexpected)
	}
	return localizedMessage(err, lang)
}

// apiClient calls the JSON API of docs/contracts.md.
type apiClient struct {
	origin string // "http://localhost:8080", no trailing slash
	send   sendFunc
}

// sendFunc sends one request and returns the answer's status and body. An
// error means no answer came back.
type sendFunc func(method, url, bearer string, body []byte) (status int, data []byte, err error)

func newAPIClient(origin string) *apiClient {
	return &apiClient{origin: origin, send: fetch}
}

// CheckoutRequest is the body of POST /v1/checkout and of its quote, POST
// /v1/checkout/quote: the choice and the details, never an amount. A
// quote leaves out what it need not price (the buyer, an address not yet
// complete).
type CheckoutRequest struct {
	Token     string `json:"token"`
	VariantID string `json:"variant_id"`
	Quantity  int    `json:"quantity"`
	// Buyer is required to check out (not to quote); ShipTo is required
	// for a physical product, in a country it ships to, with one of the
	// shipping options for it as ShippingRateID. DiscountCode is the code
	// the shopper typed, "" for none.
	Buyer          *buycard.Buyer   `json:"buyer,omitempty"`
	ShipTo         *buycard.Address `json:"ship_to,omitempty"`
	ShippingRateID string           `json:"shipping_rate_id,omitempty"`
	DiscountCode   string           `json:"discount_code,omitempty"`
	// Origin is the publisher page's origin and Lang the shopper's
	// language, both optional: the provider's return carries them to the
	// receipt, which tells that page about the purchase, and the API words
	// its refusals in Lang. They only aim a message, so values that are
	// not an origin or a language tag are ignored rather than refused (a
	// page on file:// has origin "null").
	Origin string `json:"origin,omitempty"`
	Lang   string `json:"lang,omitempty"`
}

// Quote is what POST /v1/checkout/quote answers: the checkout priced as
// far as it is filled in, and the shipping options for its address.
type Quote struct {
	Price           QuotedPrice              `json:"price"`
	ShippingOptions []buycard.ShippingOption `json:"shipping_options"`
	// ShippingRateID is the option priced in: the one asked for, else the
	// cheapest; "" without options.
	ShippingRateID string `json:"shipping_rate_id"`
}

// QuotedPrice is a quote's breakdown and its total.
type QuotedPrice struct {
	buycard.OrderPrice
	Total buycard.Money `json:"total"`
}

// RateNamed is the id of the shipping option called name, or "".
func (q *Quote) RateNamed(name string) string {
	for _, o := range q.ShippingOptions {
		if o.Name == name {
			return o.RateID
		}
	}
	return ""
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
	Lang         string `json:"lang,omitempty"`
}

type orderResponse struct {
	Order   buycard.Order `json:"order"`
	PageURL string        `json:"page_url"`
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
func (c *apiClient) startCheckout(r CheckoutRequest) (*checkoutSession, error) {
	var s checkoutSession
	if err := c.do("POST", "/v1/checkout", r, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// quote prices the checkout r describes; nothing is written or held.
func (c *apiClient) quote(r CheckoutRequest) (*Quote, error) {
	var q Quote
	if err := c.do("POST", "/v1/checkout/quote", r, &q); err != nil {
		return nil, err
	}
	return &q, nil
}

// release cancels the pending order the shopper went back from, so its
// units go back on sale at once.
func (c *apiClient) release(orderID, orderToken string) error {
	var resp orderResponse
	path := "/v1/orders/" + url.PathEscape(orderID) + "/release"
	return c.doWith("POST", path, orderToken, nil, &resp)
}

// payWithTestCard pays a sandbox session and returns the paid order with
// the link to its page. A declined card is an EPAYMENT error.
func (c *apiClient) payWithTestCard(r payRequest) (*orderResponse, error) {
	var resp orderResponse
	if err := c.do("POST", "/v1/sandbox/pay", r, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// do sends body, when not nil, as JSON and decodes a 2xx answer into out.
// Errors are *buycard.Error values carrying the API's code and message, or
// errUnreachable.
func (c *apiClient) do(method, path string, body, out any) error {
	return c.doWith(method, path, "", body, out)
}

// doWith is do with a bearer token, when not "".
func (c *apiClient) doWith(method, path, bearer string, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	status, data, err := c.send(method, c.origin+path, bearer, payload)
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
