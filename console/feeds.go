package console

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// feedsPanel shows the product feeds of owner, a merchant or a placement
// (GET /feeds/{owner}/google.xml and meta.csv on the server), to paste
// into Google Merchant Center or a Meta catalog. The links take the
// server's public origin.
func feedsPanel(s *session, owner, lead string) app.UI {
	base := s.publicOrigin() + "/feeds/" + owner
	return app.Section().Class("cs-panel").Aria("labelledby", "feeds-h").Body(
		app.H2().ID("feeds-h").Class("cs-panel-title").Text("Product feeds"),
		app.P().Class("cs-hint cs-lead").Text(lead),
		copyField("feed-google", "Google Merchant Center (RSS)", base+"/google.xml"),
		copyField("feed-meta", "Meta catalog (CSV)", base+"/meta.csv"),
	)
}
