package console

import (
	"crypto/rand"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Helpers of the merchant pages.

var idPattern = regexp.MustCompile("^" + idExpr + "$")

// pathID is the object id of a console path under prefix
// ("/console/products/prd_1" under "/products" is "prd_1"), or "" when
// the path is not one of an object under prefix.
func pathID(path, prefix string) string {
	rest, ok := strings.CutPrefix(strings.TrimSuffix(path, "/"), Base+prefix+"/")
	if !ok || !idPattern.MatchString(rest) {
		return ""
	}
	return rest
}

// idempotencyKey names one refund attempt, so a retried request never
// refunds twice.
func idempotencyKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "console-" + hex.EncodeToString(b)
}

// dateText is a time as a day for reading: "2026-12-01".
func dateText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(time.DateOnly)
}

// dateTimeText is a time to the minute: "2026-12-01 16:05".
func dateTimeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}

// confirmBox is the second step of a destructive action: a question and
// two buttons, in a group a screen reader names.
func confirmBox(id, question, yes string, busy bool, onYes, onNo func(ctx app.Context)) app.UI {
	return app.Div().ID(id).Class("cs-confirm").Role("group").Aria("labelledby", id+"-q").Body(
		app.P().ID(id+"-q").TabIndex(-1).Text(question),
		app.Div().Class("cs-actions").Body(
			app.Button().Type("button").Class("cs-danger-solid").Disabled(busy).Text(yes).
				OnClick(func(ctx app.Context, e app.Event) { onYes(ctx) }),
			app.Button().Type("button").Disabled(busy).Text("Cancel").
				OnClick(func(ctx app.Context, e app.Event) { onNo(ctx) }),
		),
	)
}

// fieldID is the input id of field name in row i.
func fieldID(name string, i int) string {
	return name + "-" + strconv.Itoa(i)
}

// pageAnchor keeps a page's own context. go-app drops what an async call
// dispatches when the element whose event started it is gone (a
// confirmation's button, a closed row), so the merchant pages run their
// calls on the page's context instead, which lives as long as the page.
type pageAnchor struct {
	ctx app.Context
	ok  bool
}

// anchor records the page's context (from OnMount or OnNav).
func (a *pageAnchor) anchor(ctx app.Context) { a.ctx, a.ok = ctx, true }

// own is the page's context, or ctx before the page has one.
func (a *pageAnchor) own(ctx app.Context) app.Context {
	if a.ok {
		return a.ctx
	}
	return ctx
}
