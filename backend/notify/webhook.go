package notify

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/mail"
)

// endpointDisabledEmail tells user id of ev's party that the webhook
// endpoint of ev (buycard.EventEndpointDisabled) was disabled.
func (n *Notifier) endpointDisabledEmail(ctx context.Context, ev *buycard.Event, userID string) (mail.Message, error) {
	var data struct {
		Endpoint struct {
			ID     string `json:"id"`
			URL    string `json:"url"`
			Reason string `json:"disabled_reason"`
		} `json:"endpoint"`
	}
	if err := json.Unmarshal(ev.Data, &data); err != nil {
		return mail.Message{}, fmt.Errorf("event %s: %w", ev.ID, err)
	}
	to, err := n.userEmail(ctx, userID)
	if err != nil {
		return mail.Message{}, err
	}
	v := view{Lang: "en",
		Subject: "Your webhook endpoint was disabled",
		Title:   "Your webhook endpoint was disabled",
		Paragraphs: []string{
			fmt.Sprintf("Buycard stopped sending events to %s: %s", data.Endpoint.URL, data.Endpoint.Reason),
			"Events that happen while it is disabled are not sent to it. Fix the endpoint, enable it again in the console, and resend the deliveries you need from its list.",
		},
		Button: button{Label: "Open your webhooks", URL: n.PublicURL + "/console/webhooks"},
		Footer: "You receive this because you use Buycard's webhooks.",
	}
	return v.message(to, "Buycard", "")
}
