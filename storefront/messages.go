package storefront

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// The overlay side of the postMessage protocol (docs/contracts.md,
// version 1).

const (
	protocolVersion = 1
	maxTokenLength  = 2048
	maxLangLength   = 35
)

var (
	widgetIDPattern = regexp.MustCompile(`^wgt_[0-9a-z]{1,40}$`)
	langPattern     = regexp.MustCompile(`^[A-Za-z0-9-]{1,35}$`)
)

// validParentOrigin reports whether s is exactly an http(s) origin,
// scheme://host[:port], as the overlay's o parameter must be.
func validParentOrigin(s string) bool {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return false
	}
	return s == u.Scheme+"://"+u.Host && !strings.HasSuffix(u.Host, ":")
}

// ValidOrigin reports whether s is exactly an http(s) origin, as the
// checkout pages' o parameter must be; the server checks it too.
func ValidOrigin(s string) bool { return validParentOrigin(s) }

// langOrDefault returns s when it looks like a BCP 47 tag, else "en".
func langOrDefault(s string) string {
	if langPattern.MatchString(s) {
		return s
	}
	return "en"
}

// openMessage asks the overlay to show another widget's offer.
type openMessage struct {
	Widget, Token, Lang string
}

// parseOpenMessage validates the fields of a received message (numbers as
// float64, strings as string) and reports whether it is a well-formed open.
func parseOpenMessage(fields map[string]any) (openMessage, bool) {
	version, _ := fields["bc"].(float64)
	kind, _ := fields["type"].(string)
	widget, _ := fields["widget"].(string)
	token, tokenOK := fields["token"].(string)
	lang, langOK := fields["lang"].(string)
	valid := version == protocolVersion && kind == "open" &&
		widgetIDPattern.MatchString(widget) &&
		tokenOK && token != "" && len(token) <= maxTokenLength &&
		langOK && len(lang) <= maxLangLength
	if !valid {
		return openMessage{}, false
	}
	return openMessage{Widget: widget, Token: token, Lang: langOrDefault(lang)}, true
}

// purchaseMessage tells the page an order was paid.
func purchaseMessage(o *buycard.Order) map[string]any {
	return map[string]any{
		"type": "purchase",
		"order": map[string]any{
			"id":       o.ID,
			"number":   o.Number,
			"quantity": o.Quantity,
			"total":    map[string]any{"amount": o.Total.Amount, "currency": o.Total.Currency},
		},
	}
}

// messenger talks to the page that frames the overlay. It stays silent
// when the overlay is not framed or the parent origin is not valid.
type messenger struct {
	parentOrigin string
}

func newMessenger(parentOrigin string) messenger {
	if !validParentOrigin(parentOrigin) {
		parentOrigin = ""
	}
	return messenger{parentOrigin: parentOrigin}
}

// framed reports whether the overlay runs in an iframe.
func framed() bool {
	return app.IsClient && !app.Window().Get("parent").Equal(app.Window())
}

// canPost reports whether messages can reach the parent page.
func (m messenger) canPost() bool {
	return m.parentOrigin != "" && framed()
}

func (m messenger) post(message map[string]any) {
	if !m.canPost() {
		return
	}
	message["bc"] = protocolVersion
	app.Window().Get("parent").Call("postMessage", message, m.parentOrigin)
}

// listen calls onOpen for every valid open message from the parent page
// and returns a function that stops listening.
func (m messenger) listen(onOpen func(openMessage)) (stop func()) {
	if !m.canPost() {
		return func() {}
	}
	parent := app.Window().Get("parent")
	handler := app.FuncOf(func(_ app.Value, args []app.Value) any {
		event := args[0]
		if event.Get("origin").String() != m.parentOrigin || !event.Get("source").Equal(parent) {
			return nil
		}
		if msg, ok := parseOpenMessage(messageFields(event.Get("data"))); ok {
			onOpen(msg)
		}
		return nil
	})
	app.Window().Call("addEventListener", "message", handler)
	return func() {
		app.Window().Call("removeEventListener", "message", handler)
		handler.Release()
	}
}

// messageFields copies the number and string fields of a message that
// parseOpenMessage looks at.
func messageFields(data app.Value) map[string]any {
	if data.Type() != app.TypeObject {
		return nil
	}
	fields := make(map[string]any)
	for _, key := range []string{"bc", "type", "widget", "token", "lang"} {
		switch v := data.Get(key); v.Type() {
		case app.TypeNumber:
			fields[key] = v.Float()
		case app.TypeString:
			fields[key] = v.String()
		}
	}
	return fields
}
