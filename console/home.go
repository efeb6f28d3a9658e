package console

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// newHome is /console: the signed-in role's overview.
func newHome(s *session, _ []string) app.UI {
	switch s.role() {
	case buycard.RoleMerchant:
		return newMerchantHome(s)
	case buycard.RolePublisher:
		return newPublisherHome(s)
	case buycard.RoleAdmin:
		return newAdminHome(s)
	}
	return app.Section().Body(
		app.H1().Text("Overview"),
		newFunnelPanel(s, "all", "", ""),
	)
}
