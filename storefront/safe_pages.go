//go:build !wasm

package storefront

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
)

// SafePages wraps a go-app handler so that the HTML pages it prerenders
// reach the browser through reencode (render.go): go-app quotes attribute
// values with strconv.Quote, which does not HTML-escape, and it writes the
// page title, description and image into <meta> attributes of the head.
// It also moves a checkout's design link into the head (hoistDesignLink).
// Responses that are not HTML (app.js, the manifest, the worker) pass
// through untouched.
func SafePages(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		buf := &pageBuffer{header: w.Header()}
		h.ServeHTTP(buf, r)
		body := buf.body.Bytes()
		if strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			body = []byte(hoistDesignLink(reencode(buf.body.String(), false)))
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		}
		w.WriteHeader(buf.status())
		w.Write(body)
	})
}

// pageBuffer holds a response until SafePages has re-encoded it.
type pageBuffer struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (p *pageBuffer) Header() http.Header         { return p.header }
func (p *pageBuffer) Write(b []byte) (int, error) { return p.body.Write(b) }
func (p *pageBuffer) WriteHeader(code int)        { p.code = code }

func (p *pageBuffer) status() int {
	if p.code == 0 {
		return http.StatusOK
	}
	return p.code
}
