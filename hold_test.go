package buycard_test

import (
	"errors"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

func TestHoldCap(t *testing.T) {
	tests := []struct {
		name          string
		unsold, limit int
	}{
		{"the issue's drop", 50, 10},
		{"rounded up", 51, 11},
		{"the last unit", 1, 1},
		{"a few left", 4, 1},
		{"none left", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := buycard.HoldCap(tt.unsold); got != tt.limit {
				t.Errorf("HoldCap(%d) = %d, want %d", tt.unsold, got, tt.limit)
			}
		})
	}
}

func TestCheckHold(t *testing.T) {
	tests := []struct {
		name                        string
		network                     string
		quantity, stock, held, mine int
		message                     string
	}{
		{"within the cap", "198.51.100.7", 10, 50, 0, 0, ""},
		{"up to the cap with others holding", "198.51.100.7", 4, 30, 20, 6, ""},
		{"over the cap at once", "198.51.100.7", 3, 10, 0, 0, "One shopper can hold at most 2 of these at a time."},
		{"over the cap with another checkout", "198.51.100.7", 1, 40, 10, 10,
			"You already hold 10 of these in another checkout, and one shopper can hold at most 10 at a time. Finish or close that checkout first."},
		{"not enough stock", "198.51.100.7", 3, 2, 48, 0, "Only 2 left."},
		{"all held", "198.51.100.7", 1, 0, 50, 0, "Sold out."},
		{"no network is not capped", "", 10, 10, 0, 0, ""},
		{"a network holding every held unit", "198.51.100.7", 1, 30, 20, 20, "You already hold 20 of these in another checkout, and one shopper can hold at most 10 at a time. Finish or close that checkout first."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &buycard.Order{Quantity: tt.quantity, HoldNetwork: tt.network}
			err := o.CheckHold(tt.stock, tt.held, func() (int, error) { return tt.mine, nil })
			if got := buycard.ErrorMessage(err); got != tt.message {
				t.Errorf("message %q, want %q", got, tt.message)
			}
			if err != nil && buycard.ErrorCode(err) != buycard.ECONFLICT {
				t.Errorf("code %q, want conflict", buycard.ErrorCode(err))
			}
		})
	}
}

// TestCheckHoldReadsTheNetworkOnlyWhenTheCapCanBind: with fewer units
// held than the cap, no network can be over it, and its holds are not
// read; when they are read, a failure to read them is the answer.
func TestCheckHoldReadsTheNetworkOnlyWhenTheCapCanBind(t *testing.T) {
	o := &buycard.Order{Quantity: 2, HoldNetwork: "198.51.100.7"}
	unread := func() (int, error) { t.Error("read the network's holds"); return 0, nil }
	if err := o.CheckHold(1000, 50, unread); err != nil {
		t.Errorf("plenty left: %v", err)
	}
	lost := errors.New("connection lost")
	if err := o.CheckHold(10, 40, func() (int, error) { return 0, lost }); !errors.Is(err, lost) {
		t.Errorf("error %v, want %v", err, lost)
	}
}

// heldOrder is a pending order of 2 units made at now, held until
// heldUntil (nil: its hold has ended).
func heldOrder(now time.Time, heldUntil *time.Time) *buycard.Order {
	o := &buycard.Order{
		Status: buycard.OrderPending, Quantity: 2, Total: buycard.Money{Amount: 5600, Currency: "USD"},
		CreatedAt: now, ExpiresAt: now.Add(30 * time.Minute), HeldUntil: heldUntil,
	}
	if heldUntil != nil {
		o.HoldNetwork = "198.51.100.7"
	}
	return o
}

// TestHoldEndsWithTheOrder checks what each way an order ends does to its
// units: a payment keeps those it holds and takes the others again, an
// expiry or a cancel gives back those it holds.
func TestHoldEndsWithTheOrder(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	until := now.Add(time.Minute)
	paid := buycard.PaymentEvent{Type: buycard.PaymentSucceeded, Amount: buycard.Money{Amount: 5600, Currency: "USD"}, OccurredAt: time.Now()}
	expired := buycard.PaymentEvent{Type: buycard.SessionExpired, OccurredAt: time.Now()}
	apply := func(e buycard.PaymentEvent) func(o *buycard.Order) int {
		return func(o *buycard.Order) int {
			stock, _, err := o.Apply(e)
			if err != nil {
				t.Fatal(err)
			}
			return stock
		}
	}
	cancel := func(o *buycard.Order) int { stock, _ := o.Cancel(); return stock }
	tests := []struct {
		name   string
		order  *buycard.Order
		end    func(o *buycard.Order) int
		status buycard.OrderStatus
		stock  int
	}{
		{"paid while held", heldOrder(now, &until), apply(paid), buycard.OrderPaid, 0},
		{"paid after the hold lapsed", heldOrder(now, nil), apply(paid), buycard.OrderPaid, -2},
		{"expired while held", heldOrder(now, &until), apply(expired), buycard.OrderExpired, 2},
		{"expired after the hold lapsed", heldOrder(now, nil), apply(expired), buycard.OrderExpired, 0},
		{"canceled while held", heldOrder(now, &until), cancel, buycard.OrderCanceled, 2},
		{"canceled after the hold lapsed", heldOrder(now, nil), cancel, buycard.OrderCanceled, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stock := tt.end(tt.order)
			if tt.order.Status != tt.status || stock != tt.stock || tt.order.Holding() || tt.order.HoldNetwork != "" {
				t.Errorf("status %q, stock %+d, held until %v by %q: want %q, %+d, holding nothing",
					tt.order.Status, stock, tt.order.HeldUntil, tt.order.HoldNetwork, tt.status, tt.stock)
			}
		})
	}
}

func TestRenewHold(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	canceled := heldOrder(now, nil)
	canceled.Status = buycard.OrderCanceled
	tests := []struct {
		name      string
		order     *buycard.Order
		until     time.Duration // from now
		renewedAt time.Duration // from now
		reserve   int
		heldUntil *time.Time
		message   string
	}{
		{"later", heldOrder(now, at(time.Minute)), 5 * time.Minute, 0, 0, at(5 * time.Minute), ""},
		{"never earlier", heldOrder(now, at(5*time.Minute)), time.Minute, 0, 0, at(5 * time.Minute), ""},
		{"never past the session", heldOrder(now, at(time.Minute)), time.Hour, 0, 0, at(30 * time.Minute), ""},
		{"lapsed: hold again", heldOrder(now, nil), 5 * time.Minute, 0, 2, at(5 * time.Minute), ""},
		{"canceled", canceled, 5 * time.Minute, 0, 0, nil, "This order is canceled: it holds nothing."},
		{"session run out", heldOrder(now, nil), time.Hour, time.Hour, 0, nil, "This checkout has run out of time. Close it and try again."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.order
			reserve, err := o.Renew(buycard.HoldRenewal{Until: now.Add(tt.until), Now: now.Add(tt.renewedAt), ClientNetwork: "198.51.100.7"})
			if got := buycard.ErrorMessage(err); got != tt.message || reserve != tt.reserve {
				t.Fatalf("Renew = %d, %q; want %d, %q", reserve, got, tt.reserve, tt.message)
			}
			if tt.heldUntil != nil && (o.HeldUntil == nil || !o.HeldUntil.Equal(*tt.heldUntil)) {
				t.Errorf("held until %v, want %v", o.HeldUntil, tt.heldUntil)
			}
		})
	}
}

func TestCardHeldAvailability(t *testing.T) {
	card := testCard()
	first, later := time.Now().Add(time.Minute), time.Now().Add(3*time.Minute)
	for i := range card.Product.Variants {
		card.Product.Variants[i].Stock = 0
	}
	card.Product.Variants[1].HeldUntil, card.Product.Variants[2].HeldUntil = &later, &first
	if got := card.Availability(); got != buycard.Held {
		t.Errorf("all held: %s, want held", got)
	}
	if offer := buycard.NewOffer(card, ""); offer.HeldUntil == nil || !offer.HeldUntil.Equal(first) {
		t.Errorf("offer held until %v, want the first hold's end %v", offer.HeldUntil, first)
	}
	card.Product.Variants[0].Stock = 1
	if got := card.Availability(); got != buycard.Buyable {
		t.Errorf("one in stock beside holds: %s, want buyable", got)
	}
	if offer := buycard.NewOffer(card, ""); offer.HeldUntil != nil {
		t.Errorf("buyable offer held until %v, want none", offer.HeldUntil)
	}
}
