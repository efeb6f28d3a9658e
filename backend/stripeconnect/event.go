package stripeconnect

import (
	"cmp"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/ledger"
)

// Kind says what a translated Stripe event asks of the caller.
type Kind string

const (
	// KindPayment: apply Events, in order, to the order.
	KindPayment Kind = "payment"
	// KindAwaitingPayment: checkout.session.completed with an unpaid
	// session (a delayed payment method). Nothing changes yet; an
	// async_payment_succeeded or _failed event follows.
	KindAwaitingPayment Kind = "awaiting_payment"
	// KindRefundLookup: charge.refunded without its refunds (every
	// 2023-10-16 event). List them with Provider.ChargeRefunds and apply
	// RefundEvents(t, refunds).
	KindRefundLookup Kind = "refund_lookup"
	// KindAccount: account.updated; see AccountID and the *Enabled fields.
	KindAccount Kind = "account"
	// KindShareReversal: transfer.reversed about a publisher's share
	// transfer; post ShareReversals (each keyed by its reversal, so the
	// reversals Buycard made itself are posted once).
	KindShareReversal Kind = "share_reversal"
	// KindNoChange: understood, and nothing to do (a dispute inquiry,
	// which holds no money; a transfer that is not a share's).
	KindNoChange Kind = "no_change"
)

// Translation is a Stripe event in Buycard's terms.
//
// Events about a charge (refunds, disputes) carry a payment intent and a
// charge, not a Checkout Session, so their PaymentEvents have no
// SessionID. Every PaymentEvent has PaymentID = the payment intent id
// when Stripe names one: the PaymentSucceeded event records it on the
// order, and refund and dispute events name the order by it. (OrderID,
// when present, is another way to find the order.)
type Translation struct {
	Kind Kind
	// Events are what to apply through OrderService.ApplyPaymentEvent.
	// Their IDs are Stripe event ids for session events, and derived from
	// the object for refunds ("re_…") and disputes ("dp_…:opened", ":won",
	// ":lost"), because several Stripe events can report the same refund
	// or dispute change and it must be applied once.
	Events []buycard.PaymentEvent

	EventID    string // Stripe event id (evt_…)
	EventType  string // Stripe event type
	Livemode   bool   // ignore events whose mode differs from the key's
	OccurredAt time.Time

	OrderID         string // from client_reference_id or metadata.order_id, when present
	SessionID       string // cs_…, session events
	PaymentIntentID string // pi_…
	ChargeID        string // ch_… / py_…, charge and dispute events
	// AccountID is the connected account an account.updated event is
	// about, or the account a Connect event came from.
	AccountID string

	// account.updated only.
	ChargesEnabled, PayoutsEnabled, DetailsSubmitted bool

	// ShareReversals are the journals of a share transfer's reversals,
	// transfer.reversed only.
	ShareReversals []ledger.Journal
}

// Messages shown to the shopper.
const (
	AsyncFailedMessage = "The payment did not go through. Try another payment method."
)

// Stripe's types of the objects Buycard's events are about.
const (
	ObjectSession  = "checkout.session"
	ObjectCharge   = "charge"
	ObjectDispute  = "dispute"
	ObjectAccount  = "account"
	ObjectTransfer = "transfer"
)

// eventObjects are the event types Buycard uses, with the type of the
// object each carries.
var eventObjects = map[stripe.EventType]string{
	stripe.EventTypeCheckoutSessionCompleted:             ObjectSession,
	stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded: ObjectSession,
	stripe.EventTypeCheckoutSessionAsyncPaymentFailed:    ObjectSession,
	stripe.EventTypeCheckoutSessionExpired:               ObjectSession,
	stripe.EventTypeChargeRefunded:                       ObjectCharge,
	stripe.EventTypeChargeDisputeCreated:                 ObjectDispute,
	stripe.EventTypeChargeDisputeFundsWithdrawn:          ObjectDispute,
	stripe.EventTypeChargeDisputeClosed:                  ObjectDispute,
	stripe.EventTypeAccountUpdated:                       ObjectAccount,
	stripe.EventTypeTransferReversed:                     ObjectTransfer,
}

// Subject is what a Stripe event is about: its object, and the ids that
// tie the object to Buycard's rows. It is all that is read of an event
// before Buycard has decided, from its own rows, that the event is its
// own (Webhooks.owner): the rest of another integration's object is
// none of Buycard's business, valid or not.
type Subject struct {
	Object string // ObjectSession, ObjectCharge, …
	ID     string // the object's id: cs_…, ch_…, dp_…, acct_…, tr_…
	// Account is the connected account a Connect event comes from; ""
	// for the platform's own objects, which Buycard's sessions, charges
	// and share transfers are.
	Account         string
	PaymentIntentID string // of a charge or dispute, or a paid session
	// OrderID (client_reference_id or metadata order_id) and
	// ShareTransferID (metadata share_transfer) are what the object
	// claims: hints to look rows up by, never proof.
	OrderID, ShareTransferID string
}

// SubjectOf reads what ev is about. used is false for event types
// Buycard does not use. Errors: EINVALID (no object, or one whose ids
// cannot be read).
func SubjectOf(ev stripe.Event) (s Subject, used bool, err error) {
	object, used := eventObjects[ev.Type]
	if !used {
		return s, false, nil
	}
	if ev.Data == nil || len(ev.Data.Raw) == 0 {
		return s, true, buycard.Errorf(buycard.EINVALID, "Stripe event %s has no object.", ev.ID)
	}
	var ids struct {
		ID                string                `json:"id"`
		ClientReferenceID string                `json:"client_reference_id"`
		Metadata          map[string]string     `json:"metadata"`
		PaymentIntent     *stripe.PaymentIntent `json:"payment_intent"`
	}
	if err := decode(ev, &ids); err != nil {
		return s, true, err
	}
	s = Subject{Object: object, ID: ids.ID, Account: ev.Account, OrderID: cmp.Or(ids.ClientReferenceID, ids.Metadata["order_id"]),
		ShareTransferID: ids.Metadata["share_transfer"]}
	if ids.PaymentIntent != nil {
		s.PaymentIntentID = ids.PaymentIntent.ID
	}
	return s, true, nil
}

// Translate turns a verified Stripe event into a Translation. handled is
// false for event types Buycard does not use (the caller acknowledges
// them and does nothing). Errors: EINVALID for an event of a known type
// whose object is not what Stripe documents.
func Translate(ev stripe.Event) (t Translation, handled bool, err error) {
	s, handled, err := SubjectOf(ev)
	switch {
	case err != nil || !handled:
		return Translation{}, handled, err
	case s.ID == "":
		return Translation{}, true, buycard.Errorf(buycard.EINVALID, "Stripe event %s names no %s.", ev.ID, s.Object)
	}
	t = Translation{
		EventID:         ev.ID,
		EventType:       string(ev.Type),
		Livemode:        ev.Livemode,
		OccurredAt:      time.Unix(ev.Created, 0).UTC(),
		AccountID:       ev.Account,
		OrderID:         s.OrderID,
		PaymentIntentID: s.PaymentIntentID,
	}
	switch s.Object {
	case ObjectSession:
		t.SessionID = s.ID
		err = t.session(ev)
	case ObjectCharge:
		t.ChargeID = s.ID
		err = t.chargeRefunded(ev)
	case ObjectDispute:
		err = t.dispute(ev)
	case ObjectAccount:
		t.AccountID = s.ID
		err = t.account(ev)
	case ObjectTransfer:
		err = t.transferReversed(ev)
	}
	if err != nil {
		return Translation{}, true, err
	}
	return t, true, nil
}

func decode(ev stripe.Event, v any) error {
	if err := json.Unmarshal(ev.Data.Raw, v); err != nil {
		return buycard.Errorf(buycard.EINVALID, "Stripe event %s (%s) has an unexpected object.", ev.ID, ev.Type)
	}
	return nil
}

func (t *Translation) event(typ buycard.PaymentEventType, id string) buycard.PaymentEvent {
	if id == "" {
		id = t.EventID
	}
	return buycard.PaymentEvent{ID: id, Provider: Name, Type: typ, SessionID: t.SessionID, PaymentID: t.PaymentIntentID, OccurredAt: t.OccurredAt}
}

func money(amount int64, currency stripe.Currency) buycard.Money {
	return buycard.Money{Amount: amount, Currency: strings.ToUpper(string(currency))}
}

func (t *Translation) session(ev stripe.Event) error {
	var s stripe.CheckoutSession
	if err := decode(ev, &s); err != nil {
		return err
	}
	t.Kind = KindPayment
	switch ev.Type {
	case stripe.EventTypeCheckoutSessionCompleted, stripe.EventTypeCheckoutSessionAsyncPaymentSucceeded:
		switch s.PaymentStatus {
		case stripe.CheckoutSessionPaymentStatusPaid:
		case stripe.CheckoutSessionPaymentStatusUnpaid:
			if ev.Type == stripe.EventTypeCheckoutSessionCompleted {
				t.Kind = KindAwaitingPayment
				return nil
			}
			fallthrough
		default:
			return buycard.Errorf(buycard.EINVALID, "Stripe event %s: session %s has payment status %q.", ev.ID, s.ID, s.PaymentStatus)
		}
		if s.AmountTotal <= 0 || s.Currency == "" {
			return buycard.Errorf(buycard.EINVALID, "Stripe event %s: paid session %s has no amount.", ev.ID, s.ID)
		}
		e := t.event(buycard.PaymentSucceeded, "")
		e.Amount = money(s.AmountTotal, s.Currency)
		paidDetails(&e, &s)
		t.Events = []buycard.PaymentEvent{e}
	case stripe.EventTypeCheckoutSessionAsyncPaymentFailed:
		e := t.event(buycard.PaymentFailed, "")
		e.Message = AsyncFailedMessage
		t.Events = []buycard.PaymentEvent{e}
	case stripe.EventTypeCheckoutSessionExpired:
		t.Events = []buycard.PaymentEvent{t.event(buycard.SessionExpired, "")}
	}
	return nil
}

// paidDetails adds to e what the paid session s reports: the payer
// (customer_details: email, name, phone), the address the goods ship to
// (shipping_details), and with Stripe Tax the tax Stripe added
// (total_details.amount_tax, of which shipping_cost.amount_tax is due on
// shipping). A payer or an address that is not a valid Buycard buyer or
// address (a payer without a name) is left out: the order keeps its
// checkout's.
func paidDetails(e *buycard.PaymentEvent, s *stripe.CheckoutSession) {
	if d := s.CustomerDetails; d != nil {
		b := buycard.Buyer{Email: d.Email, Name: d.Name, Phone: d.Phone}
		if b.Normalize(false) == nil {
			e.Payer = &b
		}
	}
	if d := s.ShippingDetails; d != nil && d.Address != nil {
		a := buycard.Address{Name: d.Name, Line1: d.Address.Line1, Line2: d.Address.Line2, City: d.Address.City,
			Region: d.Address.State, PostalCode: d.Address.PostalCode, Country: d.Address.Country}
		if a.Normalize() == nil {
			e.ShipTo = &a
		}
	}
	if s.AutomaticTax != nil && s.AutomaticTax.Enabled && s.TotalDetails != nil {
		tax := buycard.TaxQuote{Tax: s.TotalDetails.AmountTax}
		if s.ShippingCost != nil {
			tax.OnShipping = s.ShippingCost.AmountTax
		}
		e.Tax = &tax
	}
}

func (t *Translation) chargeRefunded(ev stripe.Event) error {
	var c stripe.Charge
	if err := decode(ev, &c); err != nil {
		return err
	}
	// Before API version 2022-11-15, or if Stripe ever embeds them again,
	// the refunds come with the charge.
	if c.Refunds != nil && !c.Refunds.HasMore && len(c.Refunds.Data) > 0 {
		t.Kind = KindPayment
		t.Events = RefundEvents(*t, c.Refunds.Data)
		return nil
	}
	t.Kind = KindRefundLookup
	return nil
}

// RefundEvents returns one PaymentRefunded per refund that took money back
// (pending or succeeded; failed and canceled refunds are skipped), with
// ID and ObjectID the refund id, so a refund reported twice is applied
// once. SessionID is t's (empty for charge events); PaymentID is the
// refund's payment intent, or t's.
func RefundEvents(t Translation, refunds []*stripe.Refund) []buycard.PaymentEvent {
	var events []buycard.PaymentEvent
	for _, r := range refunds {
		if r == nil || r.ID == "" || r.Amount <= 0 {
			continue
		}
		if r.Status != stripe.RefundStatusSucceeded && r.Status != stripe.RefundStatusPending {
			continue
		}
		e := t.event(buycard.PaymentRefunded, r.ID)
		e.ObjectID = r.ID
		if r.PaymentIntent != nil && r.PaymentIntent.ID != "" {
			e.PaymentID = r.PaymentIntent.ID
		}
		e.Amount = money(r.Amount, r.Currency)
		if r.Created != 0 {
			e.OccurredAt = time.Unix(r.Created, 0).UTC()
		}
		events = append(events, e)
	}
	return events
}

func (t *Translation) dispute(ev stripe.Event) error {
	var d stripe.Dispute
	if err := decode(ev, &d); err != nil {
		return err
	}
	if d.Amount <= 0 || d.Currency == "" {
		return buycard.Errorf(buycard.EINVALID, "Stripe event %s: dispute without an amount.", ev.ID)
	}
	if d.Charge != nil {
		t.ChargeID = d.Charge.ID
	}
	inquiry := strings.HasPrefix(string(d.Status), "warning_")
	var typ buycard.PaymentEventType
	switch ev.Type {
	case stripe.EventTypeChargeDisputeCreated:
		if inquiry {
			t.Kind = KindNoChange // an inquiry withdraws no funds
			return nil
		}
		typ = buycard.DisputeOpened
	case stripe.EventTypeChargeDisputeFundsWithdrawn:
		// Follows created for a dispute, or marks an inquiry turned into
		// a dispute; the shared event id makes it count once.
		typ = buycard.DisputeOpened
	case stripe.EventTypeChargeDisputeClosed:
		switch d.Status {
		case stripe.DisputeStatusWon:
			typ = buycard.DisputeWon
		case stripe.DisputeStatusLost:
			typ = buycard.DisputeLost
		case stripe.DisputeStatusWarningClosed:
			t.Kind = KindNoChange
			return nil
		default:
			return buycard.Errorf(buycard.EINVALID, "Stripe event %s: closed dispute %s has status %q.", ev.ID, d.ID, d.Status)
		}
	}
	t.Kind = KindPayment
	t.Events = []buycard.PaymentEvent{t.disputeEvent(d, typ)}
	if typ != buycard.DisputeOpened {
		// Stripe does not order its deliveries, and a dispute may close
		// before the event that opened it arrives. The closing event
		// carries the whole dispute, so it opens it first, under the
		// opening's own id: the opening applies once, whichever event
		// brings it, and the dispute always ends closed.
		t.Events = append([]buycard.PaymentEvent{t.disputeEvent(d, buycard.DisputeOpened)}, t.Events...)
	}
	return nil
}

// disputeSuffixes name a dispute's steps in their event ids.
var disputeSuffixes = map[buycard.PaymentEventType]string{buycard.DisputeOpened: "opened", buycard.DisputeWon: "won", buycard.DisputeLost: "lost"}

// disputeEvent is step typ of dispute d, with the id "dp_…:STEP". The
// opening takes effect when the dispute was created, whichever event
// brings it, so that every order of delivery writes the same journals.
func (t *Translation) disputeEvent(d stripe.Dispute, typ buycard.PaymentEventType) buycard.PaymentEvent {
	e := t.event(typ, fmt.Sprintf("%s:%s", d.ID, disputeSuffixes[typ]))
	e.ObjectID = d.ID
	e.Amount = money(d.Amount, d.Currency)
	if typ == buycard.DisputeOpened && d.Created != 0 {
		e.OccurredAt = time.Unix(d.Created, 0).UTC()
	}
	return e
}

func (t *Translation) account(ev stripe.Event) error {
	var a stripe.Account
	if err := decode(ev, &a); err != nil {
		return err
	}
	t.Kind = KindAccount
	t.ChargesEnabled, t.PayoutsEnabled, t.DetailsSubmitted = a.ChargesEnabled, a.PayoutsEnabled, a.DetailsSubmitted
	return nil
}

// transferReversed reads the reversals a transfer carries. Only share
// transfers (metadata share_transfer, set by MoveShare) are Buycard's;
// their reversals, whoever made them (Buycard, or someone in the
// Dashboard), move the publisher's share back from paid to available.
func (t *Translation) transferReversed(ev stripe.Event) error {
	var tr stripe.Transfer
	if err := decode(ev, &tr); err != nil {
		return err
	}
	publisherID := tr.Metadata["publisher_id"]
	t.Kind = KindNoChange
	if tr.Metadata["share_transfer"] == "" || t.OrderID == "" || publisherID == "" {
		return nil
	}
	if tr.Reversals == nil || tr.Reversals.HasMore {
		return buycard.Errorf(buycard.EINVALID, "Stripe event %s: transfer %s does not list all its reversals.", ev.ID, tr.ID)
	}
	t.Kind = KindShareReversal
	for _, r := range tr.Reversals.Data {
		j, err := ledger.ReversalJournal(r.ID, t.OrderID, publisherID, money(r.Amount, r.Currency), time.Unix(r.Created, 0).UTC())
		if err != nil {
			return buycard.Errorf(buycard.EINVALID, "Stripe event %s: reversal %s: %s", ev.ID, r.ID, buycard.ErrorMessage(err))
		}
		t.ShareReversals = append(t.ShareReversals, j)
	}
	return nil
}
