package storefront

import (
	"github.com/buycard/buycard/browser"
)

// fetch is the browser's sendFunc: a JSON request through the browser's
// fetch.
func fetch(method, url, bearer string, body []byte) (int, []byte, error) {
	r := browser.Request{Method: method, URL: url, Header: map[string]string{"Accept": "application/json"}}
	if bearer != "" {
		r.Header["Authorization"] = "Bearer " + bearer
	}
	if body != nil {
		r.Header["Content-Type"] = "application/json"
		r.Body = string(body)
	}
	return browser.Fetch(r)
}
