package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The loader's analytics beacons (docs/contracts.md, "Analytics beacons"):
// the browser's requests to HOST/v1/events are caught with the Fetch
// domain, recorded and answered 204, so these tests check what the loader
// sends whatever the server does with it.

// beacon is one request to /v1/events as the browser sent it.
type beacon struct {
	at          time.Time
	method, typ string // method and Content-Type
	V           int
	Page        string
	Events      []struct {
		Type, Token string
		At          int64
	}
}

// beaconTab is a tab whose requests to /v1/events are recorded.
type beaconTab struct {
	*tab
	mu      sync.Mutex
	beacons []beacon
}

func newBeaconTab(t *testing.T) *beaconTab {
	t.Helper()
	bt := &beaconTab{tab: newTab(t)}
	if err := chromedp.Listen(bt.ctx, func(ev any) {
		if ev, ok := ev.(*fetch.EventRequestPaused); ok {
			bt.record(ev)
			// Commands cannot be sent from inside a listener.
			go chromedp.Call(bt.ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: 204})
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(bt.ctx, fetch.Enable, fetch.EnableParams{
		Patterns: []*fetch.RequestPattern{{URLPattern: h.host + "/v1/events*"}},
	}); err != nil {
		t.Fatal(err)
	}
	return bt
}

func (bt *beaconTab) record(ev *fetch.EventRequestPaused) {
	b := beacon{at: time.Now(), method: ev.Request.Method, typ: fmt.Sprint(ev.Request.Headers["Content-Type"])}
	var body []byte
	for _, e := range ev.Request.PostDataEntries {
		body = append(body, e.Bytes...)
	}
	if err := json.Unmarshal(body, &b); err != nil {
		bt.t.Errorf("beacon body %q: %v", body, err)
	}
	bt.mu.Lock()
	bt.beacons = append(bt.beacons, b)
	bt.mu.Unlock()
}

func (bt *beaconTab) sent() []beacon {
	bt.mu.Lock()
	defer bt.mu.Unlock()
	return append([]beacon(nil), bt.beacons...)
}

// waitBeacons waits until n beacons have been sent and returns them all.
func (bt *beaconTab) waitBeacons(n int) []beacon {
	bt.t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b := bt.sent(); len(b) >= n {
			return b
		}
	}
	bt.t.Fatalf("%d beacons sent, want %d", len(bt.sent()), n)
	return nil
}

// countSends makes the page count the loader's calls that send beacons
// (navigator.sendBeacon, and fetch, its fallback) to /v1/events, passing
// each call on. The loader looks both up at each send, so the count is
// exact from now on.
func (bt *beaconTab) countSends() {
	bt.t.Helper()
	eval[bool](bt.t, bt.ctx, `(() => {
		window.beaconSends = 0;
		const count = (f) => function (url, ...rest) {
			if (String(url?.url ?? url).startsWith('`+h.host+`/v1/events')) beaconSends++;
			return f.call(this, url, ...rest);
		};
		navigator.sendBeacon = count(navigator.sendBeacon);
		window.fetch = count(window.fetch);
		return true;
	})()`)
}

// noBeacons fails if the page has sent a beacon, or one has reached the
// network. The loader sends in the task of what triggers a send (hiding
// the page), so the page's count is final once that has run.
func (bt *beaconTab) noBeacons() {
	bt.t.Helper()
	if n := eval[int](bt.t, bt.ctx, `beaconSends`); n != 0 {
		bt.t.Errorf("the page sent %d beacons, want none", n)
	}
	if b := bt.sent(); len(b) != 0 {
		bt.t.Errorf("%d beacons sent, want none: %+v", len(b), b)
	}
}

// inView waits until the card is at least half in view (inView true) or
// not (false), as the loader's IntersectionObserver (threshold 0.5) sees
// it: an observer of the test's own, created after the loader's, is told
// of the same change in the same step, after it.
func (bt *beaconTab) inView(widget string, inView bool) {
	bt.t.Helper()
	eval[bool](bt.t, bt.ctx, `new Promise((resolve) => {
		const io = new IntersectionObserver((entries) => {
			if (entries.some((e) => (e.intersectionRatio >= 0.5) === `+strconv.FormatBool(inView)+`)) (io.disconnect(), resolve(true));
		}, {threshold: 0.5});
		io.observe(`+cardJS(widget)+`);
	})`)
}

// dwelt waits until the card has been half in view for the loader's one
// second, and the loader's timer for it has fired: the test's observer
// sees the card in view no earlier than the loader's, and its one-second
// timer, started after the loader's, fires after it.
func (bt *beaconTab) dwelt(widget string) {
	bt.t.Helper()
	eval[bool](bt.t, bt.ctx, `new Promise((resolve) => {
		const io = new IntersectionObserver((entries) => {
			if (entries.some((e) => e.intersectionRatio >= 0.5)) (io.disconnect(), setTimeout(() => resolve(true), 1e3));
		}, {threshold: 0.5});
		io.observe(`+cardJS(widget)+`);
	})`)
}

// setHidden makes the page report itself hidden (or visible again) and
// fires visibilitychange, as switching tabs does.
func (bt *beaconTab) setHidden(hidden bool) {
	bt.t.Helper()
	eval[bool](bt.t, bt.ctx, `((hidden) => {
		Object.defineProperty(document, 'hidden', {value: hidden, configurable: true});
		Object.defineProperty(document, 'visibilityState', {value: hidden ? 'hidden' : 'visible', configurable: true});
		document.dispatchEvent(new Event('visibilitychange'));
		return true;
	})(`+strconv.FormatBool(hidden)+`)`)
}

// scrollTo centres a card in the viewport, or goes back to the top for "".
func (bt *beaconTab) scrollTo(widget string) {
	bt.t.Helper()
	js := `(scrollTo({top: 0, behavior: 'instant'}), true)`
	if widget != "" {
		js = `(` + cardJS(widget) + `.scrollIntoView({block: 'center', behavior: 'instant'}), true)`
	}
	eval[bool](bt.t, bt.ctx, js)
}

var pageID = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

// events checks a beacon's envelope and returns its events as
// "type widget" strings, each token read back to its widget.
func events(t *testing.T, b beacon, page string) []string {
	t.Helper()
	if b.method != "POST" || !strings.HasPrefix(b.typ, "text/plain") || b.V != 1 || !pageID.MatchString(b.Page) || (page != "" && b.Page != page) {
		t.Errorf("beacon %s %q v=%d page=%q, want POST text/plain v=1 and one 22-character page id", b.method, b.typ, b.V, b.Page)
	}
	var got []string
	for _, e := range b.Events {
		claims, err := h.main.Server.Services.Tokens.VerifyPlacement(e.Token, time.Now())
		if err != nil {
			t.Errorf("event %s: token %q: %v", e.Type, e.Token, err)
		}
		if at := time.UnixMilli(e.At); at.After(b.at) || b.at.Sub(at) > time.Minute {
			t.Errorf("event %s at %v, sent at %v", e.Type, at, b.at)
		}
		got = append(got, e.Type+" "+claims.WidgetID)
	}
	return got
}

func sameEvents(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("%s: events %q, want %q", what, got, want)
	}
}

// spacer pushes what follows well below the fold.
const spacer = `<div style="height:2500px"></div>`

// Cards in view for a second are counted once, together in one request;
// a card seen for less is not; hiding the page sends what is queued at once.
func TestAnalyticsImpressions(t *testing.T) {
	t.Parallel()
	bt := newBeaconTab(t)
	bt.do(navigate(publisherPage(t, `<div data-buycard="wgt_notebook"></div><div data-buycard="wgt_matcha"></div><div data-buycard="wgt_tee"></div>`+
		spacer+`<div data-buycard="wgt_oud"></div>`+spacer+`<div data-buycard="wgt_print"></div>`+spacer)))
	bt.renderedCards(5)

	// The three cards of the first screen, in one batch.
	first := bt.waitBeacons(1)
	sameEvents(t, "first screen", events(t, first[0], ""), "impression wgt_notebook", "impression wgt_matcha", "impression wgt_tee")
	page := first[0].Page

	// A glimpse is not an impression: the loader sees the card come into
	// view and go.
	bt.scrollTo("wgt_oud")
	bt.inView("wgt_oud", true)
	bt.scrollTo("")
	bt.inView("wgt_oud", false)

	// A second in view is, and hiding the page sends it without waiting
	// for the batch timer (3 s after the event).
	bt.scrollTo("wgt_print")
	bt.dwelt("wgt_print")
	hidden := time.Now()
	bt.setHidden(true)
	all := bt.waitBeacons(2)
	if d := all[1].at.Sub(hidden); d > 1500*time.Millisecond {
		t.Errorf("beacon came %v after the page was hidden, want at once", d)
	}
	sameEvents(t, "after hiding", events(t, all[1], page), "impression wgt_print")

	// Cards already counted are not counted again, and an empty queue
	// sends nothing.
	bt.setHidden(false)
	bt.scrollTo("")
	bt.dwelt("wgt_notebook")
	bt.countSends()
	bt.setHidden(true)
	if n := eval[int](t, bt.ctx, `beaconSends`); n != 0 {
		t.Errorf("the page sent %d more beacons, want none", n)
	}
	if n := len(bt.sent()); n != 2 {
		t.Errorf("%d beacons, want 2", n)
	}
	bt.noErrors()
}

// A tap on Buy is counted and the overlay opens in the same task; the
// beacon leaves with the page. A card with data-buycard-analytics="off"
// sends nothing, and nothing is sent before there is something to send.
func TestAnalyticsClicksAndOptOut(t *testing.T) {
	t.Parallel()
	bt := newBeaconTab(t)
	bt.do(navigate(publisherPage(t, `<div data-buycard="wgt_notebook" data-buycard-analytics="off"></div>`+spacer+`<div data-buycard="wgt_matcha"></div>`+spacer)))
	bt.renderedCards(2)
	bt.countSends()
	bt.dwelt("wgt_notebook")
	bt.buy("wgt_notebook")
	bt.press(kb.Escape)
	waitFor(t, bt.ctx, `!`+overlayJS+`.open`)
	bt.setHidden(true)
	bt.noBeacons()
	bt.setHidden(false)

	bt.clickBuy("wgt_matcha")
	if !eval[bool](t, bt.ctx, overlayJS+`.open`) {
		t.Error("the overlay did not open in the tap")
	}
	bt.do(navigate("about:blank")) // pagehide
	b := bt.waitBeacons(1)
	got := events(t, b[0], "")
	// Matcha may have been in view for a second by now.
	if len(got) == 2 {
		sameEvents(t, "after Buy", got, "click wgt_matcha", "impression wgt_matcha")
	} else {
		sameEvents(t, "after Buy", got, "click wgt_matcha")
	}
	bt.noErrors()
}

// data-buycard-analytics="off" on the loader's script tag silences every card.
func TestAnalyticsOffForThePage(t *testing.T) {
	t.Parallel()
	url := publisherPage(t, `<div data-buycard="wgt_notebook"></div>`)
	path := strings.TrimPrefix(url, h.site)
	html, _ := h.pages.Load(path)
	h.pages.Store(path, strings.Replace(html.(string), `<script async`, `<script data-buycard-analytics="off" async`, 1))
	bt := newBeaconTab(t)
	bt.do(navigate(url))
	bt.renderedCards(1)
	bt.countSends()
	bt.dwelt("wgt_notebook")
	bt.clickBuy("wgt_notebook")
	waitFor(t, bt.ctx, overlayJS+`?.open`)
	bt.setHidden(true)
	bt.noBeacons()
	bt.noErrors()
}

// On the hosted product page, Buy opens the overlay and counts the page's
// view and tap at once: the page has no card to watch, and without
// JavaScript the server counts the same two when the link opens the
// checkout (api's TestLinkEntriesReachTheFunnel).
func TestAnalyticsProductPageBuy(t *testing.T) {
	t.Parallel()
	bt := newBeaconTab(t)
	bt.do(navigate(h.host + "/p/wgt_notebook"))
	waitFor(t, bt.ctx, `!!window.Buycard`)
	bt.do(clickCSS(`a[data-buycard-open]`))
	waitFor(t, bt.ctx, overlayJS+`.open`)
	bt.do(navigate("about:blank")) // pagehide
	sameEvents(t, "after Buy", events(t, bt.waitBeacons(1)[0], ""), "impression wgt_notebook", "click wgt_notebook")
}
