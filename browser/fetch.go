// Package browser calls the browser's own APIs for Buycard's WASM clients
// (the checkout in storefront/ and the console in console/). It uses fetch
// directly rather than net/http: net/http's transport would add about
// 1 MB brotli to each WASM.
//
// Only the standard library and go-app are imported.
package browser

import (
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// RequestTimeout bounds every request, in milliseconds.
const RequestTimeout = 30_000

// ErrNoAnswer is returned when no answer came back: the network failed,
// the request timed out, or the code runs on the server.
var ErrNoAnswer = errors.New("fetch: no answer")

// Request is one same-origin request. Body is nil, a string, or a JS
// value fetch accepts as a body (a File, FormData).
type Request struct {
	Method string
	URL    string
	Header map[string]string
	Body   any
}

// Fetch sends r with the page's cookies and returns the answer's status
// and body. An error means no answer came back.
func Fetch(r Request) (status int, body []byte, err error) {
	if app.IsServer {
		return 0, nil, ErrNoAnswer
	}
	headers := map[string]any{}
	for k, v := range r.Header {
		headers[k] = v
	}
	init := map[string]any{"method": r.Method, "headers": headers, "credentials": "same-origin"}
	if r.Body != nil {
		init["body"] = r.Body
	}
	if signal := app.Window().Get("AbortSignal"); signal.Truthy() && signal.Get("timeout").Truthy() {
		init["signal"] = signal.Call("timeout", RequestTimeout)
	}
	resp, err := Await(app.Window().Call("fetch", r.URL, init))
	if err != nil {
		return 0, nil, err
	}
	text, err := Await(resp.Call("text"))
	if err != nil {
		return 0, nil, err
	}
	return resp.Get("status").Int(), []byte(text.String()), nil
}

// Await blocks the calling goroutine (never the UI one) until promise
// settles, and returns its value. A rejected promise is ErrNoAnswer.
func Await(promise app.Value) (app.Value, error) {
	type settled struct {
		value app.Value
		ok    bool
	}
	done := make(chan settled, 1)
	callback := func(ok bool) app.Func {
		return app.FuncOf(func(_ app.Value, args []app.Value) any {
			s := settled{ok: ok}
			if len(args) > 0 {
				s.value = args[0]
			}
			done <- s
			return nil
		})
	}
	onFulfilled, onRejected := callback(true), callback(false)
	defer onFulfilled.Release()
	defer onRejected.Release()
	promise.Call("then", onFulfilled, onRejected)
	s := <-done
	if !s.ok {
		return nil, ErrNoAnswer
	}
	return s.value, nil
}
