package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/mail"
)

// publisherEmail writes a publisher's email about its money: a payout
// sent (buycard.EventPayoutPaid) or its share changed
// (buycard.EventShareChanged), to user args.UserID.
func (n *Notifier) publisherEmail(ctx context.Context, ev *buycard.Event, args emailArgs) (mail.Message, error) {
	to, err := n.userEmail(ctx, args.UserID)
	if err != nil {
		return mail.Message{}, err
	}
	const lang = "en"
	v := view{Lang: lang, Footer: "You receive this because you publish with Buycard.",
		Button: button{Label: "Open your earnings", URL: n.PublicURL + "/console/earnings"}}
	if args.Message == msgPayoutSent {
		var data buycard.PayoutEventData
		if err := json.Unmarshal(ev.Data, &data); err != nil {
			return mail.Message{}, fmt.Errorf("event %s: %w", ev.ID, err)
		}
		amount := data.Payout.Amount.Format(lang)
		v.Subject, v.Title = "Buycard sent you "+amount, "You were paid "+amount
		v.Paragraphs = []string{"Buycard sent " + amount + " of your earnings to your payment account. It reaches your bank on your account's payout schedule."}
		return v.message(to, "Buycard", "")
	}
	var c buycard.ShareChange
	if err := json.Unmarshal(ev.Data, &c); err != nil {
		return mail.Message{}, fmt.Errorf("event %s: %w", ev.ID, err)
	}
	what := c.MerchantName + "'s " + c.ProductTitle
	if c.WidgetID == "" {
		what = "every product of " + c.MerchantName
	}
	v.Subject, v.Title = "Your share of "+c.MerchantName+"'s sales changed", "Your share changed"
	v.Paragraphs = []string{fmt.Sprintf("From now on you earn %s of each sale of %s that your pages make.", percent(c.ShareBPS), what)}
	if c.KeptUntil != nil {
		day := c.KeptUntil.UTC().Format("January 2, 2006")
		v.Paragraphs = []string{
			fmt.Sprintf("%s lowered your share of each sale of %s to %s.", c.MerchantName, what, percent(c.ShareBPS)),
			fmt.Sprintf("Your placements that earned more keep what they earned until %s (UTC); the new share applies to their sales after that. New placements earn the new share at once.", day),
		}
	}
	if c.BeforeBPS != nil {
		v.Rows = [][2]string{{"Before", percent(*c.BeforeBPS)}, {"Now", percent(c.ShareBPS)}}
		if c.KeptUntil != nil {
			v.Rows[1][0] = "From " + c.KeptUntil.UTC().Format(time.DateOnly)
		}
	}
	v.Paragraphs = append(v.Paragraphs, "Sales made before keep the share they were made at.")
	return v.message(to, "Buycard", "")
}

// percent writes basis points as a percentage: 1250 is "12.5%".
func percent(bps int) string {
	if bps%100 == 0 {
		return fmt.Sprintf("%d%%", bps/100)
	}
	return fmt.Sprintf("%s%%", trimZeros(fmt.Sprintf("%.2f", float64(bps)/100)))
}

func trimZeros(s string) string {
	for len(s) > 0 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return s
}
