package chart

import (
	"flag"
	"os"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

var page = flag.String("page", "", "write a sample chart page to this HTML file (for a screenshot)")

// sampleFunnel is a month of a widget's funnel with a quiet day in it.
func sampleFunnel() *buycard.Funnel {
	var days []buycard.FunnelDay
	for i, day := range Days("2026-11-02", "2026-12-01") {
		if i == 9 {
			continue // no row: a day with nothing
		}
		n := int64(800 + 37*i + (i%7)*90)
		days = append(days, buycard.FunnelDay{
			Day: day, Impressions: n, Clicks: n / 8, Checkouts: n / 30, Sales: n / 60,
			Revenue:  map[string]int64{"USD": n / 60 * 2450},
			Refunded: map[string]int64{"USD": int64(i%5/4) * 2450},
		})
	}
	return buycard.NewFunnel(buycard.FunnelQuery{WidgetID: "wgt_1", From: "2026-11-02", To: "2026-12-01"}, days)
}

// samplePage is a page with every kind of chart of sampleFunnel.
func samplePage() app.UI {
	f := sampleFunnel()
	days, counts := CountSeries(f)
	_, revenue := RevenueSeries(f, "USD")
	return app.Div().Style("max-width", "860px").Body(
		&TimeSeries{ID: "counts", Title: "Impressions, clicks, checkouts and sales", Days: days, Series: counts},
		&TimeSeries{ID: "revenue", Title: "Revenue (USD)", Days: days, Series: revenue,
			Format: Money("USD", "en-US"), Area: true},
		&Funnel{ID: "funnel", Title: "Funnel", Steps: FunnelSteps(f.Total)},
	)
}

func TestWriteSamplePage(t *testing.T) {
	if *page == "" {
		t.Skip("no -page")
	}
	doc := "<!doctype html><html lang=en><meta charset=utf-8><title>Charts</title>" +
		"<body style=\"margin:16px;background:#fff\"><main><h1>Charts</h1>" + app.HTMLString(samplePage()) +
		app.HTMLString(edgeCases()) + "</main></body></html>"
	if err := os.WriteFile(*page, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}

// edgeCases are charts of a year, a single day, all zeros and huge counts.
func edgeCases() app.UI {
	year := Days("2026-01-01", "2026-12-31")
	values := make([]int64, len(year))
	for i := range values {
		values[i] = int64(i*i) * 7_500_000
	}
	return app.Div().Style("max-width", "860px").Body(
		&TimeSeries{ID: "year", Title: "A year of huge counts", Days: year,
			Series: []Series{{"Impressions", values}, {"Clicks", values[:200]}}},
		&TimeSeries{ID: "day", Title: "One day", Days: year[:1], Series: []Series{{"Sales", []int64{3}}}},
		&TimeSeries{ID: "zeros", Title: "All zeros", Days: year[:5], Series: []Series{{"Sales", nil}}},
		&Funnel{ID: "none", Title: "An empty funnel", Steps: FunnelSteps(buycard.FunnelDay{})},
	)
}
