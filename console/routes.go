package console

import (
	"regexp"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// Base is the console's path prefix.
const Base = "/console"

// Who may open a route besides its role: anyone, any signed-in user, or
// a user who acts for a party (a merchant or a publisher, not the admin).
const (
	anyone   = ""
	signedIn = "signed-in"
	ofParty  = "party"
)

// route is one console page: the paths it answers (after Base), who may
// open it, and how to make it. args are the pattern's submatches.
type route struct {
	pattern *regexp.Regexp
	role    string // anyone, signedIn, ofParty or a buycard.Role…
	// link marks the page of an emailed link: it opens for a signed-in
	// user too, who may follow a link for another account.
	link  bool
	title string // the document title
	nav   string // its label in the navigation, "" when it has none
	page  func(s *session, args []string) app.UI
}

// navPath is where a route's navigation link goes: its pattern's literal.
func (r route) navPath() string {
	p := strings.TrimSuffix(strings.TrimPrefix(r.pattern.String(), "^"), "$")
	return Base + p
}

// path is a route pattern: a regular expression of the path after Base,
// anchored.
func path(expr string) *regexp.Regexp {
	return regexp.MustCompile("^" + expr + "$")
}

// idExpr matches one object id in a path ("prd_…", "wgt_…").
const idExpr = `([a-z]{3}_[0-9a-z]{1,40})`

// routes are every console page, in navigation order: the overview,
// the role's own pages, then what every account has.
var routes = []route{
	{pattern: path(""), role: signedIn, title: "Overview", nav: "Overview", page: newHome},
	{pattern: path("/signin"), role: anyone, title: "Sign in", page: newSignIn},
	{pattern: path("/signup"), role: anyone, title: "Create an account", page: newSignUp},
	{pattern: path("/forgot-password"), role: anyone, title: "Forgot your password", page: newForgotPage},
	{pattern: path("/reset-password"), role: anyone, link: true, title: "Set your password", page: newPasswordPage},
	{pattern: path("/verify"), role: anyone, link: true, title: "Confirm your email", page: newVerifyPage},
	// Merchant pages.
	{pattern: path("/products"), role: buycard.RoleMerchant, title: "Products", nav: "Products", page: newProductsPage},
	{pattern: path("/products/" + idExpr), role: buycard.RoleMerchant, title: "Product", page: newProductPage},
	{pattern: path("/widgets"), role: buycard.RoleMerchant, title: "Widgets", nav: "Widgets", page: newWidgetsPage},
	{pattern: path("/widgets/" + idExpr), role: buycard.RoleMerchant, title: "Widget designer", page: newWidgetDesigner},
	{pattern: path("/discounts"), role: buycard.RoleMerchant, title: "Discount codes", nav: "Discount codes", page: newDiscountsPage},
	{pattern: path("/orders"), role: buycard.RoleMerchant, title: "Orders", nav: "Orders", page: newOrdersPage},
	// A publisher's statement too: of its earnings accounts.
	{pattern: path("/statement"), role: ofParty, title: "Statement", nav: "Statement", page: newStatementPage},
	{pattern: path("/settings"), role: buycard.RoleMerchant, title: "Settings", nav: "Settings", page: newSettingsPage},
	// Publisher pages.
	{pattern: path("/catalog"), role: buycard.RolePublisher, title: "Catalog", nav: "Catalog", page: newCatalogPage},
	{pattern: path("/placements"), role: buycard.RolePublisher, title: "Placements", nav: "Placements", page: newPlacementsPage},
	{pattern: path("/placements/" + idExpr), role: buycard.RolePublisher, title: "Placement", page: newPlacementPage},
	{pattern: path("/earnings"), role: buycard.RolePublisher, title: "Earnings", nav: "Earnings", page: newEarningsPage},
	// Admin pages.
	{pattern: path("/admin/merchants"), role: buycard.RoleAdmin, title: "Merchants", nav: "Merchants", page: newAdminMerchants},
	{pattern: path("/admin/publishers"), role: buycard.RoleAdmin, title: "Publishers", nav: "Publishers", page: newAdminPublishers},
	{pattern: path("/admin/settings"), role: buycard.RoleAdmin, title: "Platform fee", nav: "Platform fee", page: newAdminSettings},
	{pattern: path("/admin/reconciliation"), role: buycard.RoleAdmin, title: "Reconciliation", nav: "Reconciliation", page: newAdminReconciliation},
	// Every account.
	{pattern: path("/keys"), role: ofParty, title: "API keys", nav: "API keys", page: newKeysPage},
	{pattern: path("/webhooks"), role: ofParty, title: "Webhooks", nav: "Webhooks", page: newWebhooksPage},
}

// match finds the route of a console path ("/console/products/prd_1").
func match(p string) (route, []string, bool) {
	rest, ok := strings.CutPrefix(p, Base)
	if !ok {
		return route{}, nil, false
	}
	rest = strings.TrimSuffix(rest, "/")
	for _, r := range routes {
		if m := r.pattern.FindStringSubmatch(rest); m != nil {
			return r, m[1:], true
		}
	}
	return route{}, nil, false
}

// navFor lists the navigation of a role, in table order: the overview
// first, then the role's own pages, then the pages every user has.
func navFor(role string) []route {
	var nav []route
	for _, r := range routes {
		if r.nav != "" && r.role != anyone && r.allows(role) {
			nav = append(nav, r)
		}
	}
	return nav
}

// allows reports whether a user of role may open r.
func (r route) allows(role string) bool {
	switch r.role {
	case anyone:
		return true
	case signedIn:
		return role != ""
	case ofParty:
		return role == buycard.RoleMerchant || role == buycard.RolePublisher
	}
	return r.role == role
}
