package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

var oEmbedDiscovery = regexp.MustCompile(`<link rel="alternate" type="application/json\+oembed" href="([^"]+)"`)

// httpBody GETs url and returns its body, failing unless it is a 200.
func httpBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d, %v", url, resp.StatusCode, err)
	}
	return string(body)
}

// A blogger pastes a publisher's product link into a CMS that speaks
// oEmbed: the CMS finds the endpoint on the product page, embeds the HTML
// it answers, and a reader of the post sees the card and taps Buy, which
// opens the checkout in a window of its own, still credited to the
// placement.
func TestOEmbedPastedLinkSells(t *testing.T) {
	t.Parallel()
	page := httpBody(t, h.host+"/p/wgt_notebook?pl=plc_feednotebook")
	m := oEmbedDiscovery.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the product page announces no oEmbed endpoint")
	}
	var embed struct {
		Type, HTML    string
		Width, Height int
	}
	if err := json.Unmarshal([]byte(httpBody(t, html.UnescapeString(m[1])+"&maxwidth=400")), &embed); err != nil {
		t.Fatal(err)
	}
	if embed.Type != "rich" || embed.Width != 400 || !strings.HasPrefix(embed.HTML, "<iframe ") {
		t.Fatalf("embed = %+v", embed)
	}

	tb := newTab(t)
	tb.do(navigate(publisherPage(t, `<h1>My week in notebooks</h1>`+embed.HTML)))
	frame := tb.targetContext("iframe", h.host+"/embed/card/wgt_notebook?pl=plc_feednotebook")
	waitFor(t, frame, cardJS("wgt_notebook")+`?.shadowRoot?.querySelector('.bc-card:not(.bc-skeleton)')`)
	if got := eval[[]float64](t, tb.ctx, `(r => [r.width, r.height])(document.querySelector('iframe').getBoundingClientRect())`); got[0] != 400 || got[1] != float64(embed.Height) {
		t.Errorf("the embed is %v, the reply said %d×%d", got, embed.Width, embed.Height)
	}
	screenshot(t, tb.ctx, "oembed-card.png")
	// A real click at the button, through the page: the frame is another
	// process, and input goes to the page that shows it.
	box := eval[[]float64](t, tb.ctx, `(r => [r.x, r.y])(document.querySelector('iframe').getBoundingClientRect())`)
	btn := eval[[]float64](t, frame, `(r => [r.x + r.width/2, r.y + r.height/2])(`+buyJS("wgt_notebook")+`.getBoundingClientRect())`)
	tb.do(chromedp.MouseClickXY(box[0]+btn[0], box[1]+btn[1]))
	popup := tb.targetContext("page", h.host+"/checkout/wgt_notebook/popup?")
	waitNavigated(t, popup, `!!document.querySelector('#bc-title')`)
	u, err := url.Parse(eval[string](t, popup, `location.href`))
	if err != nil {
		t.Fatal(err)
	}
	if claims := tokenClaims(t, u.Query().Get("t")); !strings.Contains(claims, `"plc":"plc_feednotebook"`) {
		t.Errorf("the checkout's token does not credit the placement: %s", claims)
	}
	if title := text(t, popup, "#bc-title"); title != "Leather field notebook" {
		t.Errorf("the checkout window shows %q", title)
	}
	screenshot(t, popup, "oembed-checkout-window.png")
}

// tokenClaims are the JSON claims of a placement token
// (bc1.p.KEY.CLAIMS.SIGNATURE).
func tokenClaims(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 5 {
		t.Fatalf("token %q", token)
	}
	claims, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil {
		t.Fatal(err)
	}
	return string(claims)
}

// targetContext returns a context attached to the first target of kind
// ("page", "iframe") whose URL starts with prefix and that belongs to this
// tab: one of its frames, or a window it or one of its frames opened. The
// browser is shared, so another test's window at the same URL is not ours
// (and a context attached to it would close it when this test ends).
func (tb *tab) targetContext(kind, prefix string) context.Context {
	tb.t.Helper()
	page := chromedp.FromContext(tb.ctx).Target.TargetID
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		infos := tb.targets()
		ours := map[target.ID]bool{page: true}
		for _, info := range infos {
			if info.Type == "iframe" && info.ParentID == page {
				ours[info.TargetID] = true
			}
		}
		for _, info := range infos {
			if info.Type == kind && strings.HasPrefix(info.URL, prefix) && (ours[info.TargetID] || ours[info.OpenerID]) && info.TargetID != page {
				ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(info.TargetID))
				tb.t.Cleanup(cancel)
				return ctx
			}
		}
	}
	tb.t.Fatalf("no %s at %s", kind, prefix)
	return nil
}
