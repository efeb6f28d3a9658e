package ui

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// Table is a data table with a caption (visually hidden when the page's
// heading already names it), a header row and n rows of cells. Numeric
// columns (by index) are aligned on their digits, header included; a
// header of "" is an actions column, named for screen readers only.
func Table(caption string, head []string, numeric map[int]bool, n int, row func(i int) []app.UI) app.UI {
	// A wrap that scrolls on a narrow screen is a region keyboards reach.
	return app.Div().Class("cs-table-wrap").TabIndex(0).Role("region").Aria("label", caption).Body(
		app.Table().Class("cs-table").Body(
			app.Caption().Class("cs-sr").Text(caption),
			app.THead().Body(app.Tr().Body(app.Range(head).Slice(func(i int) app.UI {
				th := app.Th().Scope("col")
				if numeric[i] {
					th = th.Class("cs-num")
				}
				if head[i] == "" {
					return th.Body(app.Span().Class("cs-sr").Text("Actions"))
				}
				return th.Text(head[i])
			}))),
			app.TBody().Body(app.Range(make([]struct{}, n)).Slice(func(i int) app.UI {
				cells := row(i)
				return app.Tr().Body(app.Range(cells).Slice(func(j int) app.UI {
					td := app.Td()
					if numeric[j] {
						td = td.Class("cs-num")
					}
					return td.Body(cells[j])
				}))
			})),
		),
	)
}
