package console

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// mainID is the id of the page's main landmark, the skip link's target.
const mainID = "main"

// shell is the component of every console route: the header with the
// role's navigation and the signed-in user, and the page of the path in
// the main landmark. Pages that need a signed-in user wait for the
// session; a signed-out visitor is sent to sign in and comes back after.
type shell struct {
	app.Compo

	route    route
	args     []string
	found    bool
	resolved bool // OnNav has picked the page: until then, show nothing yet
	path     string
	waiting  bool   // the session is being loaded
	err      string // why the session could not be loaded
	// sess is the session of the server's prerender (PageState); the
	// WASM's is current.
	sess *session
}

func newShell() app.Composer { return &shell{} }

// OnNav picks the page of the new path and, in the browser, checks that
// the user may see it.
func (s *shell) OnNav(ctx app.Context) {
	s.path = ctx.Page().URL().Path
	s.route, s.args, s.found = match(s.path)
	s.resolved = true
	title := "Not found"
	if s.found {
		title = s.route.title
	}
	ctx.Page().SetTitle("%s · Buycard console", title)
	if app.IsServer {
		s.sess = prerenderSession(pageStateOf(ctx.Page().URL()))
		return
	}
	if current.known() {
		s.gate(ctx)
		return
	}
	s.waiting = true
	ctx.Async(func() {
		_, err := current.load()
		ctx.Dispatch(func(ctx app.Context) {
			s.waiting = false
			if err != nil {
				s.err = message(err)
				return
			}
			s.gate(ctx)
		})
	})
}

// gate sends a signed-out visitor of a signed-in page to sign in, and a
// signed-in one away from the sign-in pages.
func (s *shell) gate(ctx app.Context) {
	role := current.role()
	switch {
	case !s.found:
	case s.route.role != anyone && role == "":
		ctx.Navigate(Base + "/signin?next=" + url.QueryEscape(s.path))
	case s.route.role == anyone && role != "" && !s.route.link:
		ctx.Navigate(NextPath(ctx.Page().URL().Query().Get("next")))
	default:
		ctx.Defer(func(app.Context) { focusMain() })
	}
}

// NextPath is where to go after signing in: a console path the sign-in
// link named, or the overview.
func NextPath(next string) string {
	if _, _, ok := match(next); ok && strings.HasPrefix(next, Base) && !strings.HasPrefix(next, "//") {
		return next
	}
	return Base
}

// focusMain moves focus to the main landmark after a navigation, so
// screen readers and keyboards start at the new page, unless the person
// is already in the page (typing in a field that showed before the
// session loaded, say).
func focusMain() {
	main := app.Window().GetElementByID(mainID)
	if !main.Truthy() {
		return
	}
	if active := app.Window().Get("document").Get("activeElement"); active.Truthy() && main.Call("contains", active).Bool() {
		return
	}
	main.Call("focus", map[string]any{"preventScroll": true})
}

// session is the session the page shows: the prerender's on the server.
func (s *shell) session() *session {
	if s.sess != nil {
		return s.sess
	}
	return current
}

func (s *shell) Render() app.UI {
	role := s.session().role()
	// data-client is true once the WASM renders the page in place of the
	// server's prerender (which it replaces, typed text included).
	return app.Div().Class("cs-app").DataSet("client", !app.IsServer).Body(
		app.A().Class("cs-skip").Href("#"+mainID).Text("Skip to content"),
		s.renderHeader(role),
		app.If(app.IsServer, loadingNote),
		app.Main().ID(mainID).TabIndex(-1).Class("cs-main").Body(s.renderPage(role)),
	)
}

func (s *shell) renderHeader(role string) app.UI {
	return app.Header().Class("cs-top").Body(
		app.A().Class("cs-brand").Href(Base).Text("Buycard"),
		app.If(role != "", func() app.UI {
			return app.Nav().Aria("label", "Console").Body(
				app.Ul().Class("cs-nav").Body(app.Range(navFor(role)).Slice(func(i int) app.UI {
					r := navFor(role)[i]
					return app.Li().Body(navLink(r.navPath(), r.nav, s.route.nav == r.nav && s.found))
				})),
			)
		}),
		app.If(role != "", func() app.UI { return newAccountMenu(s.session()) }),
	)
}

// navLink is a navigation link, marked as the current page when it is.
func navLink(href, label string, here bool) app.UI {
	a := app.A().Href(href).Text(label)
	if here {
		a = a.Aria("current", "page")
	}
	return a
}

func (s *shell) renderPage(role string) app.UI {
	switch {
	case !s.resolved:
		return app.P().Class("cs-loading").Aria("busy", "true").Text("Loading…")
	case !s.found:
		return notice("Page not found", "There is no console page here.", Base, "Go to the overview")
	case s.err != "":
		return notice("The console could not load", s.err, s.path, "Try again")
	case s.route.role == anyone:
		return s.route.page(s.session(), s.args)
	case s.waiting || role == "":
		return app.P().Class("cs-loading").Aria("busy", "true").Text("Loading…")
	case !s.route.allows(role):
		return notice("Not for this account", "This page belongs to another kind of account.", Base, "Go to your overview")
	}
	return s.route.page(s.session(), s.args)
}

// loadingNote says, on the prerendered page, that the console is still
// loading: its forms work already, the rest comes with the WASM, whose
// page replaces this one (and the note) when it runs.
func loadingNote() app.UI {
	return app.P().Class("cs-boot").Role("status").Body(
		app.Span().Class("cs-spinner").Aria("hidden", "true"),
		app.Text("The console is still loading."),
	)
}

// notice is a page that only says something and offers one way on.
func notice(title, text, href, link string) app.UI {
	return app.Section().Class("cs-notice").Body(
		app.H1().Text(title),
		app.P().Text(text),
		app.A().Href(href).Text(link),
	)
}

// leave is the console WASM's component for paths outside the console:
// the server serves those, so the browser loads them in full.
type leave struct{ app.Compo }

func newLeave() app.Composer { return &leave{} }

func (l *leave) OnNav(ctx app.Context) {
	if !app.IsServer {
		app.Window().Get("location").Call("assign", ctx.Page().URL().String())
	}
}

func (l *leave) Render() app.UI { return app.Div() }
