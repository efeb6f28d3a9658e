package console

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Pages load their data once per visit. go-app calls OnMount when a page
// appears (after the session loads, say) and OnNav when the URL changes
// under a page it reuses, and may call both for one visit, or OnNav on a
// page still mounted while the shell moves on: so every page calls its
// load from both, and load starts with onPage, and with atPath when the
// page may see other paths.

// onPage reports whether the page at the current path still needs
// loading, and records that it is loaded: a page loads in OnMount when
// the shell mounts it and in OnNav when a navigation reuses it, and must
// not load twice for one visit.
func onPage(ctx app.Context, loaded *string) bool {
	u := ctx.Page().URL()
	at := u.Path + "?" + u.RawQuery
	if *loaded == at {
		return false
	}
	*loaded = at
	return true
}

// atPath reports whether the browser is at the console page path (after
// Base). A page reused by go-app, or still mounted while the shell moves
// on, gets OnNav for paths that are not its own; it ignores those.
func atPath(ctx app.Context, path string) bool {
	return strings.TrimSuffix(ctx.Page().URL().Path, "/") == Base+path
}
