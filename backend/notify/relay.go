package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/buycard/buycard/backend/jobs"
)

// RelayPoll is how often an idle relay looks for recorded events: about
// the longest an email or a webhook waits for its event's dispatch.
const RelayPoll = 200 * time.Millisecond

// relayBatch is how many events one dispatch transaction takes.
const relayBatch = 100

// Relay dispatches the events the store records, until ctx ends: every
// poll, and again at once while batches come full. Relays may run on
// every node: the store dispatches each event once. A failure is logged
// and the batch tried again at the next poll.
func (n *Notifier) Relay(ctx context.Context, poll time.Duration) {
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		for {
			found, err := n.RelayOnce(ctx)
			if err != nil {
				if ctx.Err() == nil {
					n.Logger.Warn("relay events", "err", err)
				}
				break
			}
			if found < relayBatch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// RelayOnce dispatches the oldest recorded events, at most a batch, with
// their emails, and returns how many it found waiting.
func (n *Notifier) RelayOnce(ctx context.Context) (int, error) {
	events, err := n.Store.UndispatchedEvents(ctx, relayBatch)
	if err != nil || len(events) == 0 {
		return 0, err
	}
	emails := make(map[string][]jobs.Job, len(events))
	for _, ev := range events {
		if emails[ev.ID], err = n.emailsOf(ctx, ev); err != nil {
			return 0, fmt.Errorf("emails of event %s: %w", ev.ID, err)
		}
	}
	_, err = n.Store.DispatchEvents(ctx, events, emails)
	return len(events), err
}
