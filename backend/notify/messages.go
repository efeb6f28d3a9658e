package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/mail"
	"github.com/buycard/buycard/storefront"
)

// message names an email Buycard sends.
type message string

const (
	msgReceipt  message = "receipt"   // to the buyer, when the order is paid
	msgNewOrder message = "new_order" // to each of the merchant's users
	msgShipped  message = "shipped"   // to the buyer, when the order is fulfilled
	msgRefund   message = "refund"    // to the buyer, for each refund
	// msgEndpointDisabled goes to each user of the endpoint's party.
	msgEndpointDisabled message = "endpoint_disabled"
	// To each of the publisher's users (publisher.go).
	msgPayoutSent   message = "payout_sent"
	msgShareChanged message = "share_changed"
)

// messagesOf are the emails each event causes.
var messagesOf = map[buycard.EventType][]message{
	buycard.EventOrderPaid:      {msgReceipt, msgNewOrder},
	buycard.EventOrderFulfilled: {msgShipped},
	buycard.EventOrderRefunded:  {msgRefund},
	// Account events (account.go).
	buycard.EventPasswordReset: {msgPasswordLink},
	buycard.EventSignUp:        {msgSignUp},

	buycard.EventEndpointDisabled: {msgEndpointDisabled},
	buycard.EventPayoutPaid:       {msgPayoutSent},
	buycard.EventShareChanged:     {msgShareChanged},
}

// toParty reports whether m goes to the users of the event's party,
// rather than to the one person the event names.
func (m message) toParty() bool {
	return m == msgNewOrder || m == msgEndpointDisabled || m == msgPayoutSent || m == msgShareChanged
}

// errNoRecipient: the email has nobody to go to.
var errNoRecipient = errors.New("no recipient")

// orderEmail is what an order's email is written from.
type orderEmail struct {
	buycard.OrderEventData
	merchant string // the name it sells under
	settings *buycard.MerchantSettings
	card     *buycard.Card
}

// compose writes the email args asks for about ev.
func (n *Notifier) compose(ctx context.Context, ev *buycard.Event, args emailArgs) (mail.Message, error) {
	switch args.Message {
	case msgPasswordLink, msgSignUp:
		return n.accountEmail(ctx, ev, args.Message)
	case msgEndpointDisabled:
		return n.endpointDisabledEmail(ctx, ev, args.UserID)
	case msgPayoutSent, msgShareChanged:
		return n.publisherEmail(ctx, ev, args)
	}
	return n.orderMessage(ctx, ev, args)
}

// userEmail is the address of user id; errNoRecipient when the user is
// gone.
func (n *Notifier) userEmail(ctx context.Context, id string) (string, error) {
	u, err := n.Store.FindUser(ctx, id)
	if buycard.ErrorCode(err) == buycard.ENOTFOUND {
		return "", errNoRecipient
	}
	if err != nil {
		return "", err
	}
	return u.Email, nil
}

// orderMessage writes the email of an order event args asks for.
func (n *Notifier) orderMessage(ctx context.Context, ev *buycard.Event, args emailArgs) (mail.Message, error) {
	var data buycard.OrderEventData
	if err := json.Unmarshal(ev.Data, &data); err != nil || data.Order == nil {
		return mail.Message{}, fmt.Errorf("event %s has no order: %v", ev.ID, err)
	}
	e, err := n.orderEmail(ctx, data)
	if err != nil {
		return mail.Message{}, err
	}
	if args.UserID != "" {
		to, err := n.userEmail(ctx, args.UserID)
		if err != nil {
			return mail.Message{}, err
		}
		return n.merchantEmail(e, args.Message, to)
	}
	if data.Order.Buyer == nil || data.Order.Buyer.Email == "" {
		return mail.Message{}, errNoRecipient
	}
	return n.buyerEmail(ctx, e, args.Message)
}

// orderEmail reads what the emails of order data say about its seller.
func (n *Notifier) orderEmail(ctx context.Context, data buycard.OrderEventData) (*orderEmail, error) {
	o := data.Order
	card, err := n.Store.FindCard(ctx, o.WidgetID)
	if err != nil {
		return nil, err
	}
	settings, err := n.Store.MerchantSettings(ctx, o.MerchantID)
	if err != nil {
		return nil, err
	}
	name := settings.BusinessName
	if name == "" {
		name = card.Merchant.Name
	}
	return &orderEmail{OrderEventData: data, merchant: name, settings: settings, card: card}, nil
}

// buyerEmail writes the buyer's email m about e, in the language the
// order was placed in.
func (n *Notifier) buyerEmail(ctx context.Context, e *orderEmail, m message) (mail.Message, error) {
	o := e.Order
	lang := storefront.Language(o.Lang)
	text := func(m storefront.Message, args ...any) string { return storefront.Text(lang, m, args...) }
	v := view{Lang: lang, Footer: footer(e, o, lang)}
	link := n.Tokens.OrderPageURL(n.PublicURL, o.ID, n.Now())
	switch m {
	case msgReceipt:
		v.Subject = text(storefront.MailReceiptSubject, o.Number, e.merchant)
		v.Title = text(storefront.MailReceiptTitle)
		v.Paragraphs = []string{text(storefront.MailReceiptLead, e.merchant, o.Number)}
		v.Item, v.Rows = o.ProductTitle, storefront.OrderBreakdown(o, lang)
		if err := n.addDelivery(ctx, &v, o); err != nil {
			return mail.Message{}, err
		}
		if o.ShipTo != nil {
			v.Sections = append(v.Sections, section{Title: text(storefront.MailShipTo), Lines: o.ShipTo.Lines()})
		}
		v.Button = button{Label: text(storefront.MailViewOrder), URL: link}
	case msgShipped:
		f := o.Fulfillment
		v.Subject = text(storefront.MailShippedSubject, o.Number)
		v.Title = text(storefront.MailShippedTitle)
		v.Paragraphs = []string{text(storefront.MailShippedLead, e.merchant, o.Number)}
		if f.TrackingNumber != "" {
			v.Rows = [][2]string{{text(storefront.MailCarrier), f.Carrier}, {text(storefront.MailTrackingNumber), f.TrackingNumber}}
		}
		v.Button = button{Label: text(storefront.MailTrackPackage), URL: f.TrackingURL}
		if f.TrackingURL == "" {
			v.Button = button{Label: text(storefront.MailViewOrder), URL: link}
		}
	case msgRefund:
		refund := o.Total
		if e.Refund != nil {
			refund = *e.Refund
		}
		v.Subject = text(storefront.MailRefundSubject, refund.Format(lang), o.Number)
		v.Title = text(storefront.MailRefundTitle)
		v.Paragraphs = []string{
			text(storefront.MailRefundLead, e.merchant, refund.Format(lang), o.Number),
			text(storefront.MailRefundDelay),
		}
		v.Button = button{Label: text(storefront.MailViewOrder), URL: link}
	default:
		return mail.Message{}, fmt.Errorf("no buyer email %q", m)
	}
	return v.message(o.Buyer.Email, e.merchant, e.settings.SupportEmail)
}

// footer names the seller and, when it gave a support address, how to
// reach it: replies go there (Reply-To).
func footer(e *orderEmail, o *buycard.Order, lang string) string {
	if e.settings.SupportEmail == "" {
		return storefront.Text(lang, storefront.SoldBy, e.merchant)
	}
	return storefront.Text(lang, storefront.MailSupport, e.merchant, e.settings.SupportEmail, o.Number)
}

// addDelivery adds the order's license keys and files to the receipt.
func (n *Notifier) addDelivery(ctx context.Context, v *view, o *buycard.Order) error {
	lang := v.Lang
	if !o.Delivers() {
		return nil
	}
	keys, err := n.Store.OrderLicenseKeys(ctx, o.ID)
	if err != nil {
		return err
	}
	files, err := n.Store.OrderDownloads(ctx, o.ID)
	if err != nil {
		return err
	}
	if len(keys) > 0 {
		s := section{Title: storefront.Text(lang, storefront.MailKeys)}
		for _, k := range keys {
			s.Lines = append(s.Lines, k.Key)
		}
		s.Code = true
		v.Sections = append(v.Sections, s)
	}
	if len(files) > 0 {
		s := section{Title: storefront.Text(lang, storefront.MailDownloads), Note: storefront.Text(lang, storefront.MailDownloadsNote)}
		for _, f := range files {
			s.Lines = append(s.Lines, f.Name)
		}
		v.Sections = append(v.Sections, s)
	}
	return nil
}

// merchantEmail writes the merchant's email m about e, to the user at
// address to.
func (n *Notifier) merchantEmail(e *orderEmail, m message, to string) (mail.Message, error) {
	if m != msgNewOrder {
		return mail.Message{}, fmt.Errorf("no merchant email %q", m)
	}
	o := e.Order
	const lang = "en"
	v := view{Lang: lang,
		Subject: fmt.Sprintf("New order %s: %s", o.Number, o.Total.Format(lang)),
		Title:   "New order " + o.Number,
		Item:    o.ProductTitle,
		Rows:    storefront.OrderBreakdown(o, lang),
		Button:  button{Label: "Open your orders", URL: n.PublicURL + "/console/orders"},
		Footer:  "You receive this because you sell with Buycard.",
	}
	replyTo := ""
	if b := o.Buyer; b != nil {
		replyTo = b.Email
		s := section{Title: "Buyer", Lines: []string{b.Name, b.Email}}
		if b.Phone != "" {
			s.Lines = append(s.Lines, b.Phone)
		}
		v.Sections = append(v.Sections, s)
	}
	if o.ShipTo != nil {
		v.Sections = append(v.Sections, section{Title: "Ship to", Lines: o.ShipTo.Lines()})
	}
	// A reply goes to the buyer.
	return v.message(to, "Buycard", replyTo)
}
