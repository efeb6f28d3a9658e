package console

import "testing"

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		path, title string
		found       bool
	}{
		{"/console", "Overview", true},
		{"/console/", "Overview", true},
		{"/console/signin", "Sign in", true},
		{"/console/keys", "API keys", true},
		{"/console/webhooks", "Webhooks", true},
		{"/console/reset-password", "Set your password", true},
		{"/console/forgot-password", "Forgot your password", true},
		{"/console/verify", "Confirm your email", true},
		{"/console/nope", "", false},
		{"/consolex", "", false},
		{"/demo", "", false},
	} {
		r, _, found := match(tc.path)
		if found != tc.found || r.title != tc.title {
			t.Errorf("match(%q) = %q, %v; want %q, %v", tc.path, r.title, found, tc.title, tc.found)
		}
	}
}

// TestNextPath checks that sign-in only ever goes on to a console page:
// a next parameter can never send the user to another site.
func TestNextPath(t *testing.T) {
	for next, want := range map[string]string{
		"":                           "/console",
		"/console/keys":              "/console/keys",
		"/console/webhooks":          "/console/webhooks",
		"https://evil.example/":      "/console",
		"//evil.example/console":     "/console",
		"/console/../demo":           "/console",
		"/consolex":                  "/console",
		"javascript:alert(1)":        "/console",
		"/console/keys?x=1#fragment": "/console",
	} {
		if got := NextPath(next); got != want {
			t.Errorf("NextPath(%q) = %q, want %q", next, got, want)
		}
	}
}

func TestRouteAllows(t *testing.T) {
	signedInOnly := route{role: signedIn}
	merchantOnly := route{role: "merchant"}
	public := route{role: anyone}
	party := route{role: ofParty}
	if party.allows("admin") || party.allows("") || !party.allows("merchant") || !party.allows("publisher") {
		t.Error("party routes must need a merchant or publisher")
	}
	switch {
	case signedInOnly.allows(""), !signedInOnly.allows("publisher"):
		t.Error("signed-in routes must need a user, of any role")
	case merchantOnly.allows("publisher"), merchantOnly.allows(""), !merchantOnly.allows("merchant"):
		t.Error("role routes must need that role")
	case !public.allows(""):
		t.Error("public routes must let anyone in")
	}
}
