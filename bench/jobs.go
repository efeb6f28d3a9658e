package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/mail"
	"github.com/buycard/buycard/backend/mailpittest"
	"github.com/buycard/buycard/backend/server"
	"github.com/buycard/buycard/backend/testenv"
	"github.com/buycard/buycard/backend/webhooks"
)

const jobsTitle = "Purchases and their notifications"

// jobSettings bound the notifications run.
type jobSettings struct {
	workers int
	buying  time.Duration // how long shoppers buy
}

// mailbox is the Mailpit the bench node sends its emails to.
type mailbox struct {
	srv  *mailpittest.Server
	stop func()
}

// startMailbox runs Mailpit, installed as the tests install it.
func startMailbox(tmp string) (*mailbox, error) {
	bin, err := testenv.Install("mailpit", mailpittest.Module, func(msg string) { fmt.Fprintln(os.Stderr, "bench:", msg) })
	if err != nil {
		return nil, err
	}
	srv, stop, err := mailpittest.Launch(bin, tmp)
	if err != nil {
		return nil, err
	}
	return &mailbox{srv, stop}, nil
}

// measureJobs has shoppers buy for s.buying, each purchase a checkout and
// a sandbox payment whose transaction holds the order.paid event and its
// job; the node then delivers each order.paid webhook to a local receiver
// and each receipt to Mailpit through its job queue. The deliveries and
// emails per second are counted from the first purchase to the last
// arrival, against bare send loops of the same requests and messages.
func measureJobs(ctx context.Context, e *env, box *mailbox, s jobSettings) Section {
	sec := Section{Title: jobsTitle, Baseline: "for deliveries and emails, a bare loop sending the same signed POSTs or messages with the same concurrency, in the same run", Notes: jobNotes(s)}
	recv := newCountingReceiver()
	defer recv.Close()
	endpoint := &buycard.WebhookEndpoint{PartyKind: buycard.PartyMerchant, PartyID: "mer_bench", URL: recv.URL,
		EventTypes: []buycard.EventType{buycard.EventOrderPaid}, Secret: webhooks.NewSecret()}
	if err := e.main.DB.CreateWebhookEndpoint(ctx, endpoint); err != nil {
		sec.Err = err
		return sec
	}
	mailBefore, err := box.srv.Count()
	if err != nil {
		sec.Err = err
		return sec
	}
	start := time.Now()
	bought, err := e.buy(ctx, s)
	if err != nil {
		sec.Err = err
		return sec
	}
	buying := time.Since(start)
	hooks, mails, err := drain(ctx, start, bought, recv, box, mailBefore)
	if err != nil {
		sec.Err = err
		return sec
	}
	bareHooks, bareMails, err := bareLoops(ctx, server.JobWorkers, bought, recv, endpoint, box)
	sec.Err = err
	sec.Rows = []Row{
		{What: fmt.Sprintf("purchases (checkout + sandbox payment, %s)", plural(s.workers, "shopper")), Unit: perSecUnit,
			Buycard: float64(bought) / buying.Seconds(), Baseline: math.NaN()},
		{What: "order.paid webhooks delivered to a local receiver, through the queue", Unit: perSecUnit,
			Buycard: float64(bought) / hooks.Seconds(), Baseline: bareHooks},
		{What: "receipts delivered to Mailpit over SMTP, through the queue", Unit: perSecUnit,
			Buycard: float64(bought) / mails.Seconds(), Baseline: bareMails},
	}
	return sec
}

// buy runs s.workers shoppers for s.buying and returns their purchases.
func (e *env) buy(ctx context.Context, s jobSettings) (int, error) {
	token, err := e.placementToken(ctx, e.widgets[0])
	if err != nil {
		return 0, err
	}
	client := loopbackClient(s.workers)
	var bought atomic.Int64
	errs := make(chan error, s.workers)
	deadline := time.Now().Add(s.buying)
	var wg sync.WaitGroup
	for range s.workers {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if err := e.purchase(ctx, client, token); err != nil {
					errs <- err
					return
				}
				bought.Add(1)
			}
		})
	}
	wg.Wait()
	close(errs)
	return int(bought.Load()), <-errs
}

// purchase checks out one unit and pays it with the sandbox's test card.
func (e *env) purchase(ctx context.Context, client *http.Client, token string) error {
	var started struct {
		Payment struct {
			ClientSecret string `json:"client_secret"`
		} `json:"payment"`
	}
	err := postJSON(ctx, client, e.host+"/v1/checkout", map[string]any{"token": token, "variant_id": e.variant, "quantity": 1,
		"buyer": map[string]string{"email": "bench@example.com", "name": "Bench Shopper"}}, http.StatusCreated, &started)
	if err != nil {
		return err
	}
	return postJSON(ctx, client, e.host+"/v1/sandbox/pay", map[string]string{
		"client_secret": started.Payment.ClientSecret, "card_number": "4242 4242 4242 4242"}, http.StatusOK, nil)
}

func postJSON(ctx context.Context, client *http.Client, url string, body any, status int, reply any) error {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		return fmt.Errorf("POST %s: %d %.200s", url, resp.StatusCode, got)
	}
	if reply != nil {
		return json.Unmarshal(got, reply)
	}
	return nil
}

// drain waits until n webhooks reached recv and n more emails reached the
// mailbox, and returns how long each took from start.
func drain(ctx context.Context, start time.Time, n int, recv *countingReceiver, box *mailbox, mailBefore int) (hooks, mails time.Duration, err error) {
	deadline := time.Now().Add(10 * time.Minute)
	for hooks == 0 || mails == 0 {
		if hooks == 0 && recv.count() >= n {
			hooks = time.Since(start)
		}
		if mails == 0 {
			got, err := box.srv.Count()
			if err != nil {
				return 0, 0, err
			}
			if got-mailBefore >= n {
				mails = time.Since(start)
			}
		}
		if time.Now().After(deadline) {
			return 0, 0, fmt.Errorf("after 10 min, %d of %d webhooks and some emails arrived", recv.count(), n)
		}
		select {
		case <-ctx.Done():
			return 0, 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return hooks, mails, nil
}

// bareLoops sends n signed POSTs to recv and n messages to the mailbox,
// each from workers goroutines, and returns their rates.
func bareLoops(ctx context.Context, workers, n int, recv *countingReceiver, e *buycard.WebhookEndpoint, box *mailbox) (hooks, mails float64, err error) {
	client := webhooks.NewClient(true)
	body := []byte(`{"id":"evt_bare","type":"order.paid","api_version":"` + buycard.EventAPIVersion + `","data":{}}`)
	hooks, err = loop(workers, n, func(i int) error {
		sig, err := webhooks.Signature([]string{e.Secret}, fmt.Sprint("evt_bare", i), time.Now(), body)
		if err != nil {
			return err
		}
		req, _ := http.NewRequestWithContext(ctx, "POST", e.URL, bytes.NewReader(body))
		req.Header.Set("webhook-signature", sig)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		return resp.Body.Close()
	})
	if err != nil {
		return 0, 0, err
	}
	sender, err := mail.OpenSMTP(box.srv.SMTPURL, "bench@buycard.test", true)
	if err != nil {
		return hooks, 0, err
	}
	text := string(bytes.Repeat([]byte("Thank you for your order. "), 40))
	mails, err = loop(workers, n, func(i int) error {
		return sender.Send(ctx, mail.Message{ID: fmt.Sprint("bare.", i), To: "bench@example.com", FromName: "Northwind Goods",
			Subject: "Your order", Text: text, HTML: "<p>" + text + "</p>"})
	})
	return hooks, mails, err
}

// loop runs f(0) … f(n-1) on workers goroutines and returns calls per
// second.
func loop(workers, n int, f func(int) error) (float64, error) {
	var next atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if err := f(i); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return 0, err
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// countingReceiver is a webhook endpoint that answers 200 and counts.
type countingReceiver struct {
	*httptest.Server
	n atomic.Int64
}

func newCountingReceiver() *countingReceiver {
	r := new(countingReceiver)
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		io.Copy(io.Discard, req.Body)
		r.n.Add(1)
	}))
	return r
}

func (r *countingReceiver) count() int { return int(r.n.Load()) }

func jobNotes(s jobSettings) []string {
	return []string{
		fmt.Sprintf("%s buy for %v on the bench node (SQLite): each purchase is `POST /v1/checkout` then `POST /v1/sandbox/pay`, "+
			"whose transaction pays the order, writes its sale journal and records the order.paid event (the outbox). "+
			"The node's relay dispatches each event into a receipt email job and a webhook delivery job, and its job queue "+
			"(River on the same SQLite database, `server.JobWorkers` = 32 workers, polling every second) sends the receipt to Mailpit over SMTP (go-mail, one connection a message) "+
			"and POSTs the signed delivery to a receiver in the bench process. Deliveries and emails per second are the purchases "+
			"divided by the time from the first purchase to the last arrival: they include the queue's wait while shoppers still buy.",
			plural(s.workers, "shopper"), s.buying),
		"The baselines send as many signed POSTs to the same receiver, and as many messages of about the same size to the same Mailpit, " +
			"from a bare loop on as many goroutines as the queue has workers, without the database or the queue. Purchases have no baseline in the run: " +
			"the outbox's cost is measured against the build before it (see the note of issue 15 in the tracker).",
	}
}
