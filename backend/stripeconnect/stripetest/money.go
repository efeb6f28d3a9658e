package stripetest

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The money of a destination charge as the platform's account sees it,
// for reconciliation: a paid session's charge, its application fee and
// the transfer of the whole charge to the merchant's account; refunds,
// which give back the fee in proportion and reverse the transfer to the
// merchant; share transfers and their reversals. Each moves the
// platform's balance by a balance transaction, listed by
// GET /v1/balance_transactions; GET /v1/application_fees and
// GET /v1/refunds list the fees and refunds. Lists are newest first,
// filtered by created[gte|gt|lt|lte], paged by limit and starting_after,
// and expand (data.source, data.source.transfer, data.charge) embeds
// the objects named.

// now is the fake's clock: Now when set, else time.Now.
func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// newID returns a fresh id with prefix; s.mu is held.
func (s *Server) newID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s_fake%06d", prefix, s.seq)
}

// keep stores obj under its id; s.mu is held.
func (s *Server) keep(obj map[string]any) map[string]any {
	s.byID[obj["id"].(string)] = obj
	return obj
}

// moveBalance records a balance transaction of the platform's balance:
// amount (signed) of currency, of type typ, caused by source; s.mu is
// held.
func (s *Server) moveBalance(typ, source string, amount int64, currency any) {
	s.balance = append(s.balance, s.keep(map[string]any{
		"id": s.newID("txn"), "object": "balance_transaction", "type": typ, "source": source,
		"amount": amount, "fee": int64(0), "net": amount, "currency": currency, "created": s.now().Unix(),
	}))
}

// charge makes the charge of a session just paid with payment intent pi
// (ChargeOf(pi)), with its application fee and its transfer to the
// merchant; s.mu is held. A charge made already stays as it was.
func (s *Server) charge(session map[string]any, pi string) {
	id := ChargeOf(pi)
	if s.byID[id] != nil {
		return
	}
	pay, _ := session["fake_payment"].(map[string]any)
	amount, currency := session["amount_total"].(int64), session["currency"]
	ch := s.keep(map[string]any{"id": id, "object": "charge", "amount": amount, "amount_refunded": int64(0), "currency": currency,
		"payment_intent": pi, "paid": true, "status": "succeeded", "metadata": pay["metadata"], "created": s.now().Unix()})
	s.moveBalance("charge", id, amount, currency)
	if fee, _ := pay["application_fee_amount"].(int64); fee > 0 {
		f := s.keep(map[string]any{"id": s.newID("fee"), "object": "application_fee", "amount": fee, "amount_refunded": int64(0),
			"currency": currency, "charge": id, "account": pay["destination"], "refunded": false, "created": s.now().Unix()})
		s.fees = append(s.fees, f)
		ch["application_fee"] = f["id"]
		s.moveBalance("application_fee", f["id"].(string), fee, currency)
	}
	if dest, _ := pay["destination"].(string); dest != "" {
		tr := s.keep(map[string]any{"id": s.newID("tr"), "object": "transfer", "amount": amount, "currency": currency,
			"destination": dest, "source_transaction": id, "transfer_group": "group_" + pi, "amount_reversed": int64(0),
			"reversed": false, "metadata": map[string]string{}, "created": s.now().Unix(),
			"reversals": map[string]any{"object": "list", "data": []map[string]any{}, "has_more": false}})
		ch["transfer"] = tr["id"]
		s.moveBalance("transfer", tr["id"].(string), -amount, currency)
	}
}

// refund makes refund obj of f's charge or payment intent, which
// gives back the application fee in proportion (refund_application_fee)
// and reverses the transfer to the merchant (reverse_transfer); s.mu is
// held. A charge the fake did not make (a test that paid through a
// webhook alone) is refunded in USD with nothing else.
func (s *Server) refund(obj map[string]any, f url.Values) {
	charge := f.Get("charge")
	if charge == "" && f.Get("payment_intent") != "" {
		charge = ChargeOf(f.Get("payment_intent"))
	}
	obj["charge"], obj["created"] = charge, s.now().Unix()
	ch := s.byID[charge]
	if ch == nil {
		s.moveBalance("refund", obj["id"].(string), -obj["amount"].(int64), obj["currency"])
		return
	}
	amount := obj["amount"].(int64)
	obj["currency"], obj["payment_intent"] = ch["currency"], ch["payment_intent"]
	ch["amount_refunded"] = ch["amount_refunded"].(int64) + amount
	s.moveBalance("refund", obj["id"].(string), -amount, ch["currency"])
	if fee := s.byID[str(ch["application_fee"])]; fee != nil && f.Get("refund_application_fee") == "true" {
		back := fee["amount"].(int64) * amount / ch["amount"].(int64)
		fee["amount_refunded"] = fee["amount_refunded"].(int64) + back
		fee["refunded"] = fee["amount_refunded"] == fee["amount"]
		s.moveBalance("application_fee_refund", s.newID("fr"), -back, ch["currency"])
	}
	if tr := str(ch["transfer"]); tr != "" && f.Get("reverse_transfer") == "true" {
		s.reverseLocked(tr, amount, s.newID("trr"), map[string]string{})
	}
}

// str is v if it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// SetAmount changes the amount of object id (a charge, an application
// fee, a refund, a transfer), as if Stripe had moved another amount than
// Buycard recorded: for reconciliation tests.
func (s *Server) SetAmount(id string, amount int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if obj := s.byID[id]; obj != nil {
		obj["amount"] = amount
	}
}

// ApplicationFees returns the ids of the application fees made, oldest
// first.
func (s *Server) ApplicationFees() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, f := range s.fees {
		ids = append(ids, f["id"].(string))
	}
	return ids
}

// Lists returns how many GET requests listed path ("/v1/balance_transactions"), counting each page.
func (s *Server) Lists(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lists[path]
}

// writeMoney answers the money lists; ok is false for other paths.
func (s *Server) writeMoney(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	var items []map[string]any
	switch r.URL.Path {
	case "/v1/balance_transactions":
		items = s.balance
	case "/v1/application_fees":
		items = s.fees
	case "/v1/refunds":
		items = s.refunds
	default:
		return false
	}
	s.lists[r.URL.Path]++
	page, more, err := listPage(items, r.Form)
	if err != "" {
		writeError(w, 400, "invalid_request_error", "", err)
		return true
	}
	data := make([]map[string]any, len(page))
	var expand []string // expand[]=… or stripe-go's expand[0]=…
	for k, v := range r.Form {
		if strings.HasPrefix(k, "expand[") {
			expand = append(expand, v...)
		}
	}
	for i, obj := range page {
		data[i] = s.expanded(obj, expand)
	}
	b, _ := json.Marshal(map[string]any{"object": "list", "url": r.URL.Path, "has_more": more, "data": data})
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
	return true
}

// listPage returns the page of items (oldest first) that a list request
// asks for, newest first, and whether more follow.
func listPage(items []map[string]any, q url.Values) (page []map[string]any, more bool, err string) {
	limit := int64(10)
	if v := q.Get("limit"); v != "" {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n < 1 || n > 100 {
			return nil, false, "Invalid integer: limit must be between 1 and 100."
		}
		limit = n
	}
	after := q.Get("starting_after")
	started := after == ""
	for _, obj := range slices.Backward(items) {
		if !started {
			started = obj["id"] == after
			continue
		}
		if !inCreated(obj["created"].(int64), q) {
			continue
		}
		if int64(len(page)) == limit {
			return page, true, ""
		}
		page = append(page, obj)
	}
	return page, false, ""
}

// inCreated reports whether created passes the request's created[…]
// filters.
func inCreated(created int64, q url.Values) bool {
	for op, pass := range map[string]func(int64) bool{
		"gte": func(t int64) bool { return created >= t }, "gt": func(t int64) bool { return created > t },
		"lte": func(t int64) bool { return created <= t }, "lt": func(t int64) bool { return created < t },
	} {
		if v := q.Get("created[" + op + "]"); v != "" {
			if t, err := strconv.ParseInt(v, 10, 64); err == nil && !pass(t) {
				return false
			}
		}
	}
	return true
}

// expanded is obj with the objects expand names embedded in place of
// their ids ("data.source", "data.source.transfer", "data.charge").
func (s *Server) expanded(obj map[string]any, expand []string) map[string]any {
	out := maps.Clone(obj)
	for _, path := range expand {
		fields := strings.Split(strings.TrimPrefix(path, "data."), ".")
		embed(out, fields, s.byID)
	}
	return out
}

// embed replaces the id at fields in obj with a copy of its object, and
// goes on into it.
func embed(obj map[string]any, fields []string, byID map[string]map[string]any) {
	id, isID := obj[fields[0]].(string)
	var next map[string]any
	if isID && byID[id] != nil {
		next = maps.Clone(byID[id])
		obj[fields[0]] = next
	} else if m, ok := obj[fields[0]].(map[string]any); ok {
		next = m
	}
	if next != nil && len(fields) > 1 {
		embed(next, fields[1:], byID)
	}
}
