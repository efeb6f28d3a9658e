// Package notify tells people and systems about the events the store
// records with its changes (buycard.Event). The events table is the
// outbox: the relay (relay.go) dispatches each recorded event into the
// emails it causes — the shopper's receipt, the merchant's new order, the
// shipping and refund notices, a publisher's payouts, the password and
// sign-up links — each an email job of its own, so that one recipient's
// failure retries that email alone, and the store adds the event's
// webhook deliveries.
//
// The jobs run on the queue of package jobs. The store dispatches an
// event once, whichever node relays it, so nothing is sent twice. Email
// jobs carry no address or personal data: they name the event and the
// recipient's role or user, and the address is read when the email is
// sent.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/auth"
	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/backend/mail"
)

// Store is what notifications read, and where the relay dispatches
// events.
type Store interface {
	buycard.EventService
	buycard.SellerService
	buycard.DeliveryService
	// FindCard returns the card of a widget: its merchant and product.
	FindCard(ctx context.Context, widgetID string) (*buycard.Card, error)
	// FindUser returns a user. Errors: ENOTFOUND.
	FindUser(ctx context.Context, id string) (*buycard.User, error)
	// The account emails' links (account.go): buycard.AuthService's
	// CreatePasswordReset and IssueSignUp.
	auth.ResetStore
	auth.SignUpStore
	// UndispatchedEvents returns the oldest events, at most limit, that
	// no relay dispatched yet.
	UndispatchedEvents(ctx context.Context, limit int) ([]*buycard.Event, error)
	// DispatchEvents inserts, in one transaction, the jobs that deliver
	// each of events no relay dispatched yet: its emails (by event id),
	// and a webhook delivery to each endpoint of the event's party
	// subscribed to its type; and marks them dispatched. It returns how
	// many it dispatched.
	DispatchEvents(ctx context.Context, events []*buycard.Event, emails map[string][]jobs.Job) (int, error)
}

// Notifier works the notification jobs.
type Notifier struct {
	Store Store
	Mail  mail.Sender
	// Tokens signs the order page links of shoppers' emails.
	Tokens *buycard.TokenSigner
	// PublicURL is the origin every link points at.
	PublicURL string
	Logger    *slog.Logger
	Now       func() time.Time
}

// KindEmail is the job that sends one email.
const KindEmail = "email"

// emailBackoff is how long an email waits after its attempt-th failure:
// a minute, doubling, then every six hours; with emailAttempts, about
// two days.
func emailBackoff(attempt int) time.Duration {
	return min(time.Minute<<min(attempt-1, 20), 6*time.Hour)
}

const emailAttempts = 16

// Kinds are the jobs the Notifier works.
func (n *Notifier) Kinds() []jobs.Kind {
	return []jobs.Kind{
		{Name: KindEmail, Work: n.sendEmail, Backoff: emailBackoff},
	}
}

// emailArgs are an email job's arguments: the event it tells of, which
// message, and to whom: the order's buyer, or a user.
type emailArgs struct {
	EventID string  `json:"event_id"`
	Message message `json:"message"`
	UserID  string  `json:"user_id,omitempty"`
}

func (a emailArgs) job() jobs.Job {
	return jobs.Job{Kind: KindEmail, Args: a, MaxAttempts: emailAttempts}
}

// emailsOf are the email jobs ev causes.
func (n *Notifier) emailsOf(ctx context.Context, ev *buycard.Event) ([]jobs.Job, error) {
	var list []jobs.Job
	for _, m := range messagesOf[ev.Type] {
		if !m.toParty() {
			list = append(list, emailArgs{EventID: ev.ID, Message: m}.job())
			continue
		}
		users, err := n.Store.PartyUsers(ctx, ev.PartyKind, ev.PartyID)
		if err != nil {
			return nil, err
		}
		for _, id := range users {
			list = append(list, emailArgs{EventID: ev.ID, Message: m, UserID: id}.job())
		}
	}
	return list, nil
}

// sendEmail works an email job: it writes the message and sends it.
func (n *Notifier) sendEmail(ctx context.Context, run jobs.Run) error {
	var args emailArgs
	if err := run.Decode(&args); err != nil {
		return err
	}
	ev, err := n.Store.FindEvent(ctx, args.EventID)
	if err != nil {
		return err
	}
	m, err := n.compose(ctx, ev, args)
	if errors.Is(err, errNoRecipient) {
		return nil // nobody to tell: a user deleted since, an order without email
	}
	if err != nil {
		return fmt.Errorf("write %s email of event %s: %w", args.Message, ev.ID, err)
	}
	m.ID = strings.TrimSuffix(fmt.Sprintf("%s.%s.%s", ev.ID, args.Message, args.UserID), ".")
	err = n.Mail.Send(ctx, m)
	if _, ok := errors.AsType[mail.Permanent](err); ok {
		return jobs.Cancel(err)
	}
	return err
}
