package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// browser is the one Chromium of a run.
type browser struct {
	ctx     context.Context
	cancel  func()
	version string
}

func startBrowser(chrome, dir string) (*browser, error) {
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browserFlags(chrome, dir)...)
	ctx, cancelCtx := chromedp.NewContext(alloc, chromedp.WithErrorf(logErrorf))
	cancel := func() { cancelCtx(); cancelAlloc() }
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	v, err := chromedp.CallBrowser(ctx, cdpbrowser.GetVersion, cdp.Empty{})
	if err != nil {
		cancel()
		return nil, err
	}
	return &browser{ctx: ctx, cancel: cancel, version: v.Product}, nil
}

// logErrorf logs chromedp's errors but one: an attached iframe's document
// events, which chromedp cannot place and the harness does not need (it
// reads frames by script only).
func logErrorf(format string, args ...any) {
	if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "no top-level frame") {
		log.Print(msg)
	}
}

// browserFlags are the harness's Chromium options: headless, and nothing
// running in the background that would add noise or traffic.
func browserFlags(chrome, dir string) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.UserDataDir(filepath.Join(dir, "chromium")),
		chromedp.WindowSize(1000, 900),
	}
	for _, f := range []string{"headless", "no-sandbox", "disable-gpu", "no-first-run", "disable-background-networking",
		"disable-component-update", "disable-sync", "disable-quic", "hide-scrollbars"} {
		opts = append(opts, chromedp.Flag(f, true))
	}
	return opts
}

// link is the network and CPU a tab emulates; a nil *link is loopback at
// full speed.
type link struct {
	latencyMS        float64
	downBps, upBps   float64 // bytes per second
	cpuSlowdown      float64
	name, definition string
}

// slowLink is DESIGN.md's slow link: 150 ms RTT, 1.6 Mbit/s down, 4× CPU.
var slowLink = &link{
	latencyMS: 150, downBps: 1.6e6 / 8, upBps: 750e3 / 8, cpuSlowdown: 4,
	name: "slow link", definition: "150 ms latency (RTT) added to every request, 1.6 Mbit/s down, 750 kbit/s up, 4× CPU slowdown",
}

func (l *link) conditions() network.EmulateNetworkConditionsByRuleParams {
	return network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{{
		Latency: l.latencyMS, DownloadThroughput: l.downBps, UploadThroughput: l.upBps,
	}}}
}

// request is one network request a tab or one of its frames made.
type request struct {
	url   string
	typ   string // network.ResourceType: "Image", "Fetch", "Script" …
	bytes float64
	done  bool
	frame bool // made by a frame or worker of the page, not the page
}

// tab is a page under measurement. Every target the page starts (the
// cross-site checkout iframe, workers) is held before it runs until the tab
// has enabled its network events, applied the tab's link to it and, in
// frames, installed frameProbeJS (see child.go).
type tab struct {
	ctx    context.Context
	cancel context.CancelFunc
	link   *link

	mu       sync.Mutex
	requests map[string]*request // session/requestId → request
	replies  map[int64]chan childReply
	errs     []error
	nextID   atomic.Int64
	frames   chan *target.Info // iframes, once they run
	closers  []context.CancelFunc
}

// close closes the tab, and its browser context when it made one.
func (t *tab) close() {
	for _, c := range t.closers {
		c()
	}
	t.cancel()
}

// newTab opens a tab under parent (a browser or another tab: opts may ask
// for a fresh browser context) emulating l.
func newTab(parent context.Context, l *link, opts ...chromedp.ContextOption) (*tab, error) {
	ctx, cancel := chromedp.NewContext(parent, opts...)
	t := &tab{ctx: ctx, cancel: cancel, link: l,
		requests: map[string]*request{}, replies: map[int64]chan childReply{}, frames: make(chan *target.Info, 8)}
	if err := chromedp.Listen(ctx, t.record); err != nil {
		cancel()
		return nil, err
	}
	if err := t.setUp(); err != nil {
		cancel()
		return nil, err
	}
	return t, nil
}

func (t *tab) setUp() error {
	if t.link != nil {
		if _, err := chromedp.Call(t.ctx, network.EmulateNetworkConditionsByRule, t.link.conditions()); err != nil {
			return fmt.Errorf("emulate network: %w", err)
		}
		if _, err := chromedp.Call(t.ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: t.link.cpuSlowdown}); err != nil {
			return fmt.Errorf("emulate CPU: %w", err)
		}
	}
	// Not flat: chromedp routes flat sessions it did not open nowhere, and
	// the tab must talk to a new frame before it runs.
	_, err := chromedp.Call(t.ctx, target.SetAutoAttach, target.SetAutoAttachParams{AutoAttach: true, WaitForDebuggerOnStart: true, Flatten: new(false)})
	return err
}

// record runs in the tab's event loop: it only files events.
func (t *tab) record(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		t.sent("", string(ev.RequestID), ev.Request.URL, string(ev.Type))
	case *network.EventLoadingFinished:
		t.finished("", string(ev.RequestID), ev.EncodedDataLength)
	case *network.EventLoadingFailed:
		t.finished("", string(ev.RequestID), 0)
	case *target.EventAttachedToTarget:
		go t.prepare(ev)
	case *target.EventReceivedMessageFromTarget:
		t.childMessage(string(ev.SessionID), ev.Message)
	}
}

func (t *tab) sent(session, id, url, typ string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if r := t.requests[session+"/"+id]; r != nil {
		r.url = url // a redirect keeps the request id
		return
	}
	t.requests[session+"/"+id] = &request{url: url, typ: typ, frame: session != ""}
}

func (t *tab) finished(session, id string, bytes float64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if r := t.requests[session+"/"+id]; r != nil {
		r.bytes, r.done = bytes, true
	}
}

func (t *tab) fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs = append(t.errs, err)
}

// err returns what went wrong behind the tab's back.
func (t *tab) err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return errors.Join(t.errs...)
}

// traffic sums the requests that match (one not finished has no bytes yet).
type traffic struct {
	bytes    float64
	requests int
}

func (t *tab) traffic(match func(*request) bool) traffic {
	t.mu.Lock()
	defer t.mu.Unlock()
	var tr traffic
	for _, r := range t.requests {
		if match(r) {
			tr.bytes += r.bytes
			tr.requests++
		}
	}
	return tr
}

// settled waits until every request that matches has finished.
func (t *tab) settled(match func(*request) bool) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if t.traffic(func(r *request) bool { return match(r) && !r.done }).requests == 0 {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("requests still running after 10 s")
}

func (t *tab) navigate(url string) error {
	return chromedp.Do(t.ctx, chromedp.Navigate(url))
}

// poll waits up to limit until the JS expression in ctx (the tab's or a
// frame's) is truthy and returns its value.
func poll[T any](ctx context.Context, js string, limit time.Duration) (T, error) {
	v, err := chromedp.Run(ctx, chromedp.Poll[T](js, chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(limit)))
	if err != nil {
		err = fmt.Errorf("waiting for %.80s: %w", strings.Join(strings.Fields(js), " "), err)
	}
	return v, err
}

func eval[T any](ctx context.Context, js string) (T, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[T](js))
}

// frame waits for the tab's next iframe and attaches to it.
func (t *tab) frame(limit time.Duration) (context.Context, error) {
	select {
	case info := <-t.frames:
		ctx, cancel := chromedp.NewContext(t.ctx, chromedp.WithTargetID(info.TargetID))
		t.mu.Lock()
		t.closers = append(t.closers, cancel)
		t.mu.Unlock()
		return ctx, chromedp.Do(ctx)
	case <-time.After(limit):
		return nil, fmt.Errorf("no iframe within %v", limit)
	case <-t.ctx.Done():
		return nil, t.ctx.Err()
	}
}
