package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// frameProbeJS runs in the checkout frame before its document. On the
// clock shared with the publisher page (performance.timeOrigin + now) it
// records when go-app's WASM has taken over, that is when
// #app-wasm-loader, present in the prerendered page, leaves the DOM; and,
// when the prerendered page can go on to pay without the WASM (a form that
// posts, with a submit button), when its DOMContentLoaded handlers run:
// the deferred scripts have run by then.
const frameProbeJS = `(() => {
let seen = false;
const o = new MutationObserver(() => {
if (document.getElementById("app-wasm-loader")) seen = true;
else if (seen) { window.benchInteractive = performance.timeOrigin + performance.now(); o.disconnect(); }
});
o.observe(document, {childList: true, subtree: true});
document.addEventListener("DOMContentLoaded", () => {
if (document.getElementById("app-wasm-loader") && document.querySelector('form[method="post" i] [type="submit"]:not([disabled])'))
window.benchFormReady = performance.timeOrigin + performance.now();
});
})();`

// sendMessageToTarget is the non-flat way to talk to a session; cdproto no
// longer lists it, chromium still serves it.
var sendMessageToTarget = cdp.Command[sendMessageParams, cdp.Empty]{Method: "Target.sendMessageToTarget"}

type sendMessageParams struct {
	SessionID target.SessionID `json:"sessionId"`
	Message   string           `json:"message"`
}

// childReply is a reply or an event from a child session, as raw JSON.
type childReply struct {
	ID     int64           `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

// prepare readies a target the page started while it waits: network
// events on, the tab's link applied, frameProbeJS installed in frames;
// then lets it run. It runs in its own goroutine.
func (t *tab) prepare(ev *target.EventAttachedToTarget) {
	frame := ev.TargetInfo.Type == "iframe"
	for _, c := range t.childSetUp(frame) {
		if err := t.childCall(ev.SessionID, c.method, c.params); err != nil {
			t.fail(fmt.Errorf("%s in %s: %w", c.method, ev.TargetInfo.Type, err))
		}
	}
	if ev.WaitingForDebugger {
		if err := t.childCall(ev.SessionID, "Runtime.runIfWaitingForDebugger", struct{}{}); err != nil {
			t.fail(fmt.Errorf("resume %s: %w", ev.TargetInfo.Type, err))
		}
	}
	if frame {
		select {
		case t.frames <- ev.TargetInfo:
		default:
		}
	}
}

type childCommand struct {
	method string
	params any
}

// childSetUp is what a new target gets before it runs.
func (t *tab) childSetUp(frame bool) []childCommand {
	cmds := []childCommand{{"Network.enable", struct{}{}}}
	if t.link != nil {
		cmds = append(cmds, childCommand{"Network.emulateNetworkConditionsByRule", t.link.conditions()})
		if frame {
			cmds = append(cmds, childCommand{"Emulation.setCPUThrottlingRate", map[string]float64{"rate": t.link.cpuSlowdown}})
		}
	}
	if frame {
		cmds = append(cmds,
			childCommand{"Page.enable", struct{}{}},
			childCommand{"Page.addScriptToEvaluateOnNewDocument", map[string]string{"source": frameProbeJS}})
	}
	return cmds
}

// childCall sends a command to a child session and waits for its reply.
func (t *tab) childCall(session target.SessionID, method string, params any) error {
	id := t.nextID.Add(1)
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	ch := make(chan childReply, 1)
	t.mu.Lock()
	t.replies[id] = ch
	t.mu.Unlock()
	if _, err := chromedp.Call(t.ctx, sendMessageToTarget, sendMessageParams{SessionID: session, Message: string(msg)}); err != nil {
		return err
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return errors.New(r.Error.Message)
		}
		return nil
	case <-time.After(10 * time.Second):
		return errors.New("no reply in 10 s")
	case <-t.ctx.Done():
		return t.ctx.Err()
	}
}

// childMessage files a message from a child session: a reply to
// childCall, or a network event of the frame.
func (t *tab) childMessage(session, raw string) {
	var m childReply
	if json.Unmarshal([]byte(raw), &m) != nil {
		return
	}
	switch m.Method {
	case "":
		t.mu.Lock()
		ch := t.replies[m.ID]
		delete(t.replies, m.ID)
		t.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	case "Network.requestWillBeSent":
		var p struct {
			RequestID string `json:"requestId"`
			Type      string `json:"type"`
			Request   struct{ URL string }
		}
		if json.Unmarshal(m.Params, &p) == nil {
			t.sent(session, p.RequestID, p.Request.URL, p.Type)
		}
	case "Network.loadingFinished", "Network.loadingFailed":
		var p struct {
			RequestID         string  `json:"requestId"`
			EncodedDataLength float64 `json:"encodedDataLength"`
		}
		if json.Unmarshal(m.Params, &p) == nil {
			t.finished(session, p.RequestID, p.EncodedDataLength)
		}
	}
}
