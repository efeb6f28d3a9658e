package main

import (
	"context"
	"io"
	"net/http"
	"testing"
)

func TestBaselineMirrorsEndpoints(t *testing.T) {
	eps := []*endpoint{
		{name: "get", method: "GET", status: 200, contentType: "application/json", size: 1234},
		{name: "post", method: "POST", body: []byte(`{}`), status: 201, contentType: "application/json; charset=utf-8", size: 77},
	}
	b, err := startBaseline(eps)
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	for i, ep := range eps {
		req, err := baselineEndpoint(i, ep).request(b.origin)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := loopbackClient(1).Do(req.WithContext(context.Background()))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != ep.status || resp.Header.Get("Content-Type") != ep.contentType || len(body) != ep.size {
			t.Errorf("%s: %d %q %d bytes; want %d %q %d", ep.name, resp.StatusCode, resp.Header.Get("Content-Type"), len(body), ep.status, ep.contentType, ep.size)
		}
		if got := req.Header.Get("Accept-Encoding"); got != browserEncodings {
			t.Errorf("%s: Accept-Encoding %q", ep.name, got)
		}
		if (req.Method == http.MethodPost) != (req.Header.Get("Content-Type") == "application/json") {
			t.Errorf("%s: Content-Type %q", ep.name, req.Header.Get("Content-Type"))
		}
	}
}
