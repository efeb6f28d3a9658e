package server

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/buycard/buycard/backend/jobs"
	"github.com/buycard/buycard/backend/mail"
	"github.com/buycard/buycard/backend/notify"
	"github.com/buycard/buycard/backend/webhooks"
)

// JobWorkers is how many jobs a node works at once: they mostly wait on
// other servers (SMTP, webhook receivers), so many more than its cores.
const JobWorkers = 32

// Periodic work, as often as this.
const (
	upkeepEvery    = 30 * time.Second
	cleanupEvery   = time.Hour
	reconcileEvery = time.Hour
	// reconcileSince is how far back a reconciliation reads Stripe's
	// Checkout Sessions: a day's sessions, and a day's margin.
	reconcileSince = 48 * time.Hour
)

// startJobs starts working the job queue on this node: the periodic
// upkeep (BUYCARD_PAYOUT_EVERY's transfers, the hourly reconciliation of
// Checkout Sessions with Stripe, and the daily reconciliation of the
// ledger with Stripe's money, which looks hourly for a day to do) and the notifications: the relay of the events the store
// records with its changes, and their emails and webhook deliveries.
func (m *Main) startJobs(ctx context.Context) error {
	sender, err := m.openMail()
	if err != nil {
		return err
	}
	notifier := &notify.Notifier{Store: m.DB, Mail: sender, Tokens: m.tokens, PublicURL: m.Config.PublicURL,
		Logger: m.Logger, Now: time.Now}
	// In development, webhook receivers may run on this machine.
	hooks := &webhooks.Sender{Store: m.DB, Client: webhooks.NewClient(!m.Config.Production()), Now: time.Now,
		Backoff: m.Config.Jobs.WebhookBackoff, Metrics: m.metrics}
	stop, err := m.DB.StartJobs(ctx, jobs.Config{
		Kinds:    append(notifier.Kinds(), hooks.Kind()),
		Periodic: m.periodicJobs(),
		Workers:  JobWorkers,
		Poll:     m.Config.Jobs.Poll,
		Rescue:   m.Config.Jobs.Rescue,
		Logger:   m.Logger,
	})
	if err != nil {
		return fmt.Errorf("start jobs: %w", err)
	}
	relayPoll := notify.RelayPoll
	if p := m.Config.Jobs.Poll; p > 0 {
		relayPoll = min(p, relayPoll) // tests poll faster
	}
	m.stopJobs = relay(ctx, notifier, relayPoll, stop)
	return nil
}

// relay runs n's relay of events every poll, and returns a stop that
// ends it before calling stopJobs.
func relay(ctx context.Context, n *notify.Notifier, poll time.Duration, stopJobs func(context.Context) error) func(context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.Relay(ctx, poll)
	}()
	return func(ctx context.Context) error {
		cancel()
		<-done
		return stopJobs(ctx)
	}
}

// openMail opens BUYCARD_SMTP_URL, or, without it (development only), the
// folder data/mail, beside the SQLite database or where the default one
// would be, where each email is written as an .eml file.
func (m *Main) openMail() (mail.Sender, error) {
	if m.Config.SMTPURL != "" {
		return mail.OpenSMTP(m.Config.SMTPURL, m.Config.MailFrom, !m.Config.Production())
	}
	return mail.OpenDir(filepath.Join(filepath.Dir(m.devKeyDir()), "mail"), m.Config.MailFrom, m.Logger)
}

// periodicJobs is the upkeep each node offers to run; River's leader
// schedules each once per period for all nodes.
func (m *Main) periodicJobs() []jobs.Periodic {
	w := m.workflows
	list := []jobs.Periodic{
		{Name: "upkeep", Every: upkeepEvery, Work: w.Sweep},
		{Name: "cleanup", Every: cleanupEvery, Work: w.Cleanup},
	}
	if w.Stripe == nil {
		return list
	}
	list = append(list, jobs.Periodic{Name: "reconcile", Every: reconcileEvery, Work: func(ctx context.Context, now time.Time) error {
		_, err := w.ReconcileRecorded(ctx, now.Add(-reconcileSince))
		return err
	}}, jobs.Periodic{Name: "reconcile-money", Every: reconcileEvery, Work: w.ReconcileDue})
	if m.Config.PayoutEvery > 0 {
		list = append(list, jobs.Periodic{Name: "payouts", Every: m.Config.PayoutEvery, Work: w.ScheduledPayouts})
	}
	return list
}
