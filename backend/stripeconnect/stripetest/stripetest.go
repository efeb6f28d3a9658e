// Package stripetest is a small stateful fake of the Stripe API endpoints
// backend/stripeconnect calls, for tests. Unlike stripe-mock it keeps the
// objects it creates, follows Stripe's documented idempotency rules, and
// can inject faults, so retries and lost responses can be tested.
//
// Idempotency, as Stripe documents it: the first request with a key is
// executed and its result stored; a later request with the same key and
// the same parameters gets that result replayed; the same key with other
// parameters is a 400 idempotency_error; a request whose key is still
// being executed gets a 409 idempotency_error. Injected faults answer
// before the idempotency layer (as a load balancer or rate limiter would),
// except FaultLostResponse, which executes the request and then drops the
// connection before replying.
package stripetest

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is a failure the server injects into one POST request.
type Fault int

const (
	FaultNone         Fault = iota
	Fault500                // 500 api_error
	Fault503                // 503 api_error
	Fault429                // 429 rate_limit
	Fault409                // 409 idempotency_error (another request in flight)
	FaultHang               // no answer until the client gives up
	FaultLostResponse       // executed, then the connection is closed unanswered
)

func (f Fault) String() string {
	return [...]string{"none", "500", "503", "429", "409", "hang", "lost response"}[f]
}

// Server is the fake. Use NewServer, and Close when done.
type Server struct {
	*httptest.Server

	// Delay is how long executing a create takes, so that concurrent
	// requests with one key overlap. Set before use.
	Delay time.Duration
	// TaxBPS is the rate, in basis points, of the fake's Stripe Tax: a
	// session with automatic_tax pays it on every line and on shipping
	// (PaySessionWith). Set before use.
	TaxBPS int64
	// Now is the clock of the objects' created times; nil is time.Now.
	// Set before use.
	Now func() time.Time

	mu       sync.Mutex
	faults   []Fault
	keys     map[string]*result
	objects  map[string][]url.Values   // path → parameters of each object created
	byID     map[string]map[string]any // sessions, transfers and accounts by id, as GET returns them
	requests int
	seq      int
	closing  chan struct{}
	// The platform's balance transactions, application fees and
	// refunds, oldest first (money.go), and the list requests by path.
	balance, fees, refunds []map[string]any
	lists                  map[string]int
}

type result struct {
	params string
	done   chan struct{}
	status int
	body   []byte
}

// NewServer starts a fake Stripe API.
func NewServer() *Server {
	s := &Server{keys: map[string]*result{}, objects: map[string][]url.Values{}, byID: map[string]map[string]any{},
		closing: make(chan struct{}), lists: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close stops the server, releasing hung requests.
func (s *Server) Close() {
	close(s.closing)
	s.Server.Close()
}

// Inject queues faults for the next POST requests, one each, in order.
func (s *Server) Inject(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, faults...)
}

// Created returns the parameters of each object created at path (for
// example "/v1/checkout/sessions").
func (s *Server) Created(path string) []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.objects[path]...)
}

// Requests returns how many requests the server received.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeError(w, 400, "invalid_request_error", "", "bad form body")
		return
	}
	s.mu.Lock()
	s.requests++
	fault := FaultNone
	if r.Method == http.MethodPost && len(s.faults) > 0 {
		fault, s.faults = s.faults[0], s.faults[1:]
	}
	s.mu.Unlock()

	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		writeError(w, 401, "invalid_request_error", "", "You did not provide an API key.")
		return
	}
	switch fault {
	case Fault500:
		writeError(w, 500, "api_error", "", "An unknown error occurred.")
		return
	case Fault503:
		writeError(w, 503, "api_error", "", "Service unavailable.")
		return
	case Fault429:
		writeError(w, 429, "invalid_request_error", "rate_limit", "Too many requests hit the API too quickly.")
		return
	case Fault409:
		writeError(w, 409, "idempotency_error", "", "There is currently another in-progress request using this Idempotent Key.")
		return
	case FaultHang:
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		return
	}

	if r.Method != http.MethodPost {
		s.list(w, r)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	params := r.PostForm.Encode() // sorted, so order-insensitive
	res, replay, status := s.claim(r.URL.Path, key, params)
	if status != 0 {
		if status == 409 {
			writeError(w, 409, "idempotency_error", "", "There is currently another in-progress request using this Idempotent Key.")
		} else {
			writeError(w, 400, "idempotency_error", "", "Keys for idempotent requests can only be used with the same parameters they were first used with.")
		}
		return
	}
	if !replay {
		if s.Delay > 0 {
			time.Sleep(s.Delay)
		}
		res.status, res.body = s.create(r.URL.Path, r.PostForm)
		close(res.done)
	}
	if fault == FaultLostResponse {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("Content-Type", "application/json")
	if key != "" {
		w.Header().Set("Idempotency-Key", key)
	}
	if replay {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.WriteHeader(res.status)
	w.Write(res.body)
}

// claim finds or starts the result for an idempotency key: replay is true
// for a finished earlier request; status is 409 or 400 when the key is in
// flight or was used with other parameters.
func (s *Server) claim(path, key, params string) (res *result, replay bool, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	params = path + "?" + params
	if key == "" {
		return &result{done: make(chan struct{})}, false, 0
	}
	if old, ok := s.keys[key]; ok {
		if old.params != params {
			return nil, false, 400
		}
		select {
		case <-old.done:
			return old, true, 0
		default:
			return nil, false, 409
		}
	}
	res = &result{params: params, done: make(chan struct{})}
	s.keys[key] = res
	return res, false, 0
}

func (s *Server) create(path string, f url.Values) (int, []byte) {
	s.mu.Lock()
	s.seq++
	n := s.seq
	s.objects[path] = append(s.objects[path], f)
	s.mu.Unlock()
	id := func(prefix string) string { return fmt.Sprintf("%s_fake%06d", prefix, n) }
	num := func(k string) int64 { v, _ := strconv.ParseInt(f.Get(k), 10, 64); return v }
	var obj map[string]any
	switch path {
	case "/v1/checkout/sessions":
		obj = map[string]any{
			"id": id("cs_test"), "object": "checkout.session", "client_secret": id("cs_test") + "_secret_fake",
			"expires_at": num("expires_at"), "currency": f.Get("line_items[0][price_data][currency]"),
			"client_reference_id": f.Get("client_reference_id"), "mode": f.Get("mode"), "ui_mode": f.Get("ui_mode"),
			"payment_status": "unpaid", "status": "open", "livemode": false,
		}
		sessionCharges(obj, f)
		hostedSession(obj, f)
	case "/v1/refunds":
		obj = map[string]any{"id": id("re"), "object": "refund", "amount": num("amount"), "currency": "usd",
			"status": "succeeded", "payment_intent": f.Get("payment_intent"), "charge": f.Get("charge"), "metadata": metadata(f)}
		s.mu.Lock()
		s.refund(obj, f)
		s.refunds = append(s.refunds, obj)
		s.mu.Unlock()
	case "/v1/transfers":
		obj = map[string]any{"id": id("tr"), "object": "transfer", "amount": num("amount"), "currency": f.Get("currency"),
			"destination": f.Get("destination"), "source_transaction": f.Get("source_transaction"),
			"transfer_group": f.Get("transfer_group"), "amount_reversed": int64(0), "reversed": false,
			"metadata": metadata(f), "created": s.now().Unix(),
			"reversals": map[string]any{"object": "list", "data": []map[string]any{}, "has_more": false}}
		s.mu.Lock()
		s.moveBalance("transfer", obj["id"].(string), -obj["amount"].(int64), obj["currency"])
		s.mu.Unlock()
	case "/v1/accounts":
		obj = map[string]any{"id": id("acct"), "object": "account", "type": f.Get("type"), "country": f.Get("country"),
			"email": f.Get("email"), "charges_enabled": false, "payouts_enabled": false}
	case "/v1/account_links":
		obj = map[string]any{"object": "account_link", "url": "https://connect.stripe.com/setup/e/" + f.Get("account") + "/" + id("link"),
			"expires_at": s.now().Add(5 * time.Minute).Unix()}
	default:
		if rest, ok := strings.CutPrefix(path, "/v1/checkout/sessions/"); ok {
			if cs, ok := strings.CutSuffix(rest, "/expire"); ok {
				return s.expire(cs)
			}
		}
		tr, ok := strings.CutSuffix(strings.TrimPrefix(path, "/v1/transfers/"), "/reversals")
		if !ok || !strings.HasPrefix(path, "/v1/transfers/") {
			return 404, errorBody("invalid_request_error", "", "Unrecognized request URL (POST: "+path+").")
		}
		return s.reverse(tr, num("amount"), id("trr"), metadata(f))
	}
	if id, ok := obj["id"].(string); ok {
		s.mu.Lock()
		s.byID[id] = obj
		s.mu.Unlock()
	}
	b, _ := json.Marshal(obj)
	return 200, b
}

// reverse reverses amount (0: all that is left) of transfer tr, as POST
// /v1/transfers/TR/reversals does, and lists the reversal on the transfer.
func (s *Server) reverse(tr string, amount int64, id string, meta map[string]string) (int, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reverseLocked(tr, amount, id, meta)
}

// reverseLocked is reverse with s.mu held, moving the platform's balance
// back by the amount.
func (s *Server) reverseLocked(tr string, amount int64, id string, meta map[string]string) (int, []byte) {
	t := s.byID[tr]
	if t == nil || t["object"] != "transfer" {
		return 404, errorBody("invalid_request_error", "resource_missing", "No such transfer: "+tr)
	}
	left := t["amount"].(int64) - t["amount_reversed"].(int64)
	if amount == 0 {
		amount = left
	}
	if amount <= 0 || amount > left {
		return 400, errorBody("invalid_request_error", "", "The reversal amount exceeds what is left of the transfer.")
	}
	t["amount_reversed"] = t["amount_reversed"].(int64) + amount
	t["reversed"] = t["amount_reversed"] == t["amount"]
	r := map[string]any{"id": id, "object": "transfer_reversal", "amount": amount, "currency": t["currency"], "transfer": tr,
		"metadata": meta, "created": s.now().Unix()}
	s.byID[id] = r
	list := t["reversals"].(map[string]any)
	list["data"] = append(list["data"].([]map[string]any), r)
	s.moveBalance("transfer_refund", id, amount, t["currency"])
	b, _ := json.Marshal(r)
	return 200, b
}

// expire expires Checkout Session cs, as POST
// /v1/checkout/sessions/CS/expire does: only an open session can be.
func (s *Server) expire(cs string) (int, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	obj := s.byID[cs]
	switch {
	case obj == nil || obj["object"] != "checkout.session":
		return 404, errorBody("invalid_request_error", "resource_missing", "No such checkout.session: "+cs)
	case obj["status"] != "open":
		return 400, errorBody("invalid_request_error", "", fmt.Sprintf(
			`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of %q.`, obj["status"]))
	}
	obj["status"] = "expired"
	b, _ := json.Marshal(obj)
	return 200, b
}

// metadata returns the metadata[…] parameters of a create request.
func metadata(f url.Values) map[string]string { return prefixed(f, "metadata[") }

// prefixed returns the parameters prefix…] of a request by name.
func prefixed(f url.Values, prefix string) map[string]string {
	m := map[string]string{}
	for k := range f {
		if name, ok := strings.CutPrefix(k, prefix); ok {
			m[strings.TrimSuffix(name, "]")] = f.Get(k)
		}
	}
	return m
}

// ChargeOf is the charge the fake reports as the latest_charge of payment
// intent pi ("pi_X" → "ch_X").
func ChargeOf(pi string) string { return "ch_" + strings.TrimPrefix(pi, "pi_") }

// UpdateAccount sets what a connected account may do, as Stripe does when
// onboarding completes or requirements fall due.
func (s *Server) UpdateAccount(id string, chargesEnabled, payoutsEnabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if obj := s.byID[id]; obj != nil {
		obj["charges_enabled"], obj["payouts_enabled"], obj["details_submitted"] = chargesEnabled, payoutsEnabled, true
	}
}

// PaySession completes a Checkout Session as a shopper's payment does,
// with the payment intent paymentIntent: PaySessionWith a shopper who
// enters nothing of their own.
func (s *Server) PaySession(id, paymentIntent string) { s.PaySessionWith(id, paymentIntent, Shopper{}) }

// Shopper is what a shopper enters on a Checkout page.
type Shopper struct {
	// Email is asked for only when the session has no customer_email.
	Email, Name, Phone string
	// Address is where the goods ship, in a session that collects one
	// (shipping_address_collection); nil enters none.
	Address *Address
}

// Address is a Stripe address.
type Address struct {
	Line1, Line2, City, State, PostalCode, Country string
}

func (a *Address) object() map[string]any {
	return map[string]any{"line1": a.Line1, "line2": a.Line2, "city": a.City, "state": a.State,
		"postal_code": a.PostalCode, "country": a.Country}
}

// PaySessionWith completes a Checkout Session as the shopper's payment
// does, with the payment intent paymentIntent: customer_details as
// Stripe reports them (the session's customer_email, else the shopper's),
// shipping_details when the session collects an address and the shopper
// entered one, and with automatic_tax the tax TaxBPS computes for the
// address, added to the total as Stripe Tax does.
func (s *Server) PaySessionWith(id, paymentIntent string, shopper Shopper) {
	s.mu.Lock()
	defer s.mu.Unlock()
	obj := s.byID[id]
	if obj == nil {
		return
	}
	obj["status"], obj["payment_status"], obj["payment_intent"] = "complete", "paid", paymentIntent
	email, _ := obj["customer_email"].(string)
	details := map[string]any{"email": cmp.Or(email, shopper.Email), "name": shopper.Name, "phone": shopper.Phone, "address": nil}
	if shopper.Address != nil {
		details["address"] = shopper.Address.object()
		if obj["shipping_address_collection"] != nil {
			obj["shipping_details"] = map[string]any{"name": shopper.Name, "address": shopper.Address.object()}
		}
	}
	obj["customer_details"] = details
	if tax, _ := obj["automatic_tax"].(map[string]any); tax["enabled"] == true {
		s.addTax(obj)
	}
	s.charge(obj, paymentIntent)
}

// addTax adds Stripe Tax's tax to a session: TaxBPS of each line and of
// the shipping, rounded half up.
func (s *Server) addTax(obj map[string]any) {
	rate := func(amount int64) int64 { return (amount*s.TaxBPS + 5000) / 10000 }
	var tax int64
	for _, amount := range obj["line_amounts"].([]int64) {
		tax += rate(amount)
	}
	if shipping, _ := obj["shipping_cost"].(map[string]any); shipping != nil {
		onShipping := rate(shipping["amount_subtotal"].(int64))
		shipping["amount_tax"], shipping["amount_total"] = onShipping, shipping["amount_subtotal"].(int64)+onShipping
		tax += onShipping
	}
	obj["total_details"].(map[string]any)["amount_tax"] = tax
	obj["amount_total"] = obj["amount_total"].(int64) + tax
	obj["automatic_tax"].(map[string]any)["status"] = "complete"
}

// sessionCharges sets what a new session charges from its parameters:
// amount_total is its line items plus its one shipping option, as
// total_details and shipping_cost break it down; Stripe Tax's tax comes
// at payment (addTax). It keeps what PaySessionWith reads back:
// customer_email, shipping_address_collection, automatic_tax.
func sessionCharges(obj map[string]any, f url.Values) {
	num := func(k string) int64 { v, _ := strconv.ParseInt(f.Get(k), 10, 64); return v }
	var lines []int64
	for i := 0; f.Has(fmt.Sprintf("line_items[%d][quantity]", i)); i++ {
		lines = append(lines, num(fmt.Sprintf("line_items[%d][quantity]", i))*num(fmt.Sprintf("line_items[%d][price_data][unit_amount]", i)))
	}
	total := int64(0)
	for _, amount := range lines {
		total += amount
	}
	shipping := num("shipping_options[0][shipping_rate_data][fixed_amount][amount]")
	// line_amounts is the fake's own, for addTax; clients ignore it.
	obj["line_amounts"], obj["amount_subtotal"], obj["amount_total"] = lines, total, total+shipping
	obj["total_details"] = map[string]any{"amount_discount": int64(0), "amount_shipping": shipping, "amount_tax": int64(0)}
	obj["shipping_cost"] = nil
	if f.Has("shipping_options[0][shipping_rate_data][fixed_amount][amount]") {
		obj["shipping_cost"] = map[string]any{"amount_subtotal": shipping, "amount_tax": int64(0), "amount_total": shipping}
	}
	obj["customer_email"] = f.Get("customer_email")
	// fake_payment is the fake's own, for the charge (money.go).
	pi := func(k string) string { return f.Get("payment_intent_data[" + k + "]") }
	obj["fake_payment"] = map[string]any{"application_fee_amount": num("payment_intent_data[application_fee_amount]"),
		"destination": pi("transfer_data][destination"), "metadata": prefixed(f, "payment_intent_data[metadata][")}
	obj["automatic_tax"] = map[string]any{"enabled": f.Get("automatic_tax[enabled]") == "true", "status": nil}
	if f.Has("shipping_address_collection[allowed_countries][0]") {
		obj["shipping_address_collection"] = map[string]any{"allowed_countries": f["shipping_address_collection[allowed_countries][0]"]}
	}
}

// ExpireSession expires an open Checkout Session, as Stripe does at its
// expires_at.
func (s *Server) ExpireSession(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if obj := s.byID[id]; obj != nil {
		obj["status"] = "expired"
	}
}

// Event returns the body of a Stripe event of type typ about the object
// the fake holds under id (a Checkout Session after PaySession, say), as
// Stripe delivers it to a webhook endpoint at created; Sign signs it.
func (s *Server) Event(eventID, typ, id string, created time.Time) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, _ := json.Marshal(map[string]any{
		"id": eventID, "object": "event", "api_version": "2023-10-16", "created": created.Unix(), "livemode": false,
		"type": typ, "data": map[string]any{"object": s.byID[id]},
	})
	return b
}

// SessionStatus is the status of Checkout Session id: "open",
// "complete" or "expired"; "" when there is none.
func (s *Server) SessionStatus(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	status, _ := s.byID[id]["status"].(string)
	return status
}

// list answers the GET requests: /v1/refunds?charge= with the refunds
// created for it, /v1/checkout/sessions and /v1/transfers (filtered by
// transfer_group) with every such object, /v1/checkout/sessions/ID,
// /v1/transfers/ID and /v1/accounts/ID with the object, and
// /v1/payment_intents/ID with its latest_charge (ChargeOf).
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/v1/checkout/sessions":
		s.writeList(w, p, "checkout.session", "", "")
	case p == "/v1/transfers":
		s.writeList(w, p, "transfer", "transfer_group", r.Form.Get("transfer_group"))
	case p == "/v1/refunds" && r.Form.Has("charge"):
		s.writeRefunds(w, r.Form.Get("charge"))
	case s.writeMoney(w, r):
	case strings.HasPrefix(p, "/v1/payment_intents/"):
		pi := strings.TrimPrefix(p, "/v1/payment_intents/")
		writeJSON(w, map[string]any{"id": pi, "object": "payment_intent", "latest_charge": ChargeOf(pi)})
	default:
		parts := strings.Split(p, "/") // "", "v1", kind…, id
		id := parts[len(parts)-1]
		s.mu.Lock()
		obj := s.byID[id]
		b, _ := json.Marshal(obj)
		s.mu.Unlock()
		if obj == nil {
			writeError(w, 404, "invalid_request_error", "resource_missing", "No such object: "+id)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}
}

// writeList writes every object of a kind, those whose field equals value
// when field is set (other filters are ignored).
func (s *Server) writeList(w http.ResponseWriter, url, object, field, value string) {
	s.mu.Lock()
	data := []map[string]any{}
	for _, obj := range s.byID {
		if obj["object"] == object && (field == "" || obj[field] == value) {
			data = append(data, obj)
		}
	}
	b, _ := json.Marshal(map[string]any{"object": "list", "url": url, "has_more": false, "data": data})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// writeRefunds lists the refunds created for charge, as they were
// created. The fake knows a charge by its refunds: one it has none of is
// unknown, a 404 as Stripe answers for a charge that is not the
// platform's.
func (s *Server) writeRefunds(w http.ResponseWriter, charge string) {
	var data []map[string]any
	s.mu.Lock()
	for _, r := range s.refunds {
		if r["charge"] == charge && charge != "" {
			data = append(data, r)
		}
	}
	b, _ := json.Marshal(map[string]any{"object": "list", "url": "/v1/refunds", "has_more": false, "data": data})
	s.mu.Unlock()
	if data == nil {
		writeError(w, 404, "invalid_request_error", "resource_missing", "No such charge: '"+charge+"'")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func writeJSON(w http.ResponseWriter, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func errorBody(typ, code, msg string) []byte {
	e := map[string]any{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
	}
	b, _ := json.Marshal(map[string]any{"error": e})
	return b
}

func writeError(w http.ResponseWriter, status int, typ, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(errorBody(typ, code, msg))
}

// Sign returns a Stripe-Signature header for payload signed with secret
// at t, as Stripe signs webhooks.
func Sign(payload []byte, secret string, t time.Time) string {
	return fmt.Sprintf("t=%d,v1=%s", t.Unix(), Signature(payload, secret, t))
}

// Signature returns the hex v1 signature of payload with secret at t.
func Signature(payload []byte, secret string, t time.Time) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.", t.Unix())
	mac.Write(payload)
	return hex.EncodeToString(mac.Sum(nil))
}

// hostedSession makes obj a hosted session when f asks for one (ui_mode
// hosted, Stripe's default): like Stripe's, it has a URL on
// checkout.stripe.com and no client secret, and keeps its success_url.
func hostedSession(obj map[string]any, f url.Values) {
	if mode := f.Get("ui_mode"); mode != "" && mode != "hosted" {
		return
	}
	id := obj["id"].(string)
	obj["ui_mode"], obj["client_secret"] = "hosted", nil
	obj["url"] = "https://checkout.stripe.com/c/pay/" + id
	obj["success_url"] = f.Get("success_url")
}
