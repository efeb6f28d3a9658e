package console

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// feedsPanel shows the product feeds of owner, a merchant or a placement
// (GET /feeds/{owner}/google.xml and meta.csv on the server), to paste
// into Google Merchant Center or a Meta catalog. The console is served
// from the server's public URL, whose origin the links take.
func feedsPanel(owner, lead string) app.UI {
	base := app.Window().Get("location").Get("origin").String() + "/feeds/" + owner
	return app.Section().Class("cs-panel").Aria("labelledby", "feeds-h").Body(
		app.H2().ID("feeds-h").Class("cs-panel-title").Text("Product feeds"),
		app.P().Class("cs-hint cs-lead").Text(lead),
		copyField("feed-google", "Google Merchant Center (RSS)", base+"/google.xml"),
		copyField("feed-meta", "Meta catalog (CSV)", base+"/meta.csv"),
	)
}
