package widget

import (
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// requestTimeout bounds every API request, in milliseconds.
const requestTimeout = 30_000

var errNoAnswer = errors.New("fetch: no answer")

// fetch is the browser's sendFunc. It uses fetch directly rather than
// net/http: net/http's transport would add about 1 MB brotli to the WASM.
func fetch(method, url string, body []byte) (int, []byte, error) {
	if app.IsServer {
		return 0, nil, errors.New("fetch: only in the browser")
	}
	headers := map[string]any{"Accept": "application/json"}
	init := map[string]any{"method": method, "headers": headers, "credentials": "same-origin"}
	if body != nil {
		headers["Content-Type"] = "application/json"
		init["body"] = string(body)
	}
	if signal := app.Window().Get("AbortSignal"); signal.Truthy() && signal.Get("timeout").Truthy() {
		init["signal"] = signal.Call("timeout", requestTimeout)
	}
	resp, err := await(app.Window().Call("fetch", url, init))
	if err != nil {
		return 0, nil, err
	}
	text, err := await(resp.Call("text"))
	if err != nil {
		return 0, nil, err
	}
	return resp.Get("status").Int(), []byte(text.String()), nil
}

// await blocks the calling goroutine (never the UI one) until promise
// settles.
func await(promise app.Value) (app.Value, error) {
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
		return nil, errNoAnswer
	}
	return s.value, nil
}
