package console

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// table is a data table with a caption (visually hidden when the page's
// heading already names it), a header row and n rows of cells.
func table(caption string, head []string, n int, row func(i int) []app.UI) app.UI {
	return app.Div().Class("cs-table-wrap").Body(
		app.Table().Class("cs-table").Body(
			app.Caption().Class("cs-sr").Text(caption),
			app.THead().Body(app.Tr().Body(app.Range(head).Slice(func(i int) app.UI {
				if head[i] == "" {
					return app.Th().Scope("col").Body(app.Span().Class("cs-sr").Text("Actions"))
				}
				return app.Th().Scope("col").Text(head[i])
			}))),
			app.TBody().Body(app.Range(make([]struct{}, n)).Slice(func(i int) app.UI {
				cells := row(i)
				return app.Tr().Body(app.Range(cells).Slice(func(j int) app.UI { return app.Td().Body(cells[j]) }))
			})),
		),
	)
}

// copyField is a read-only text field with a button that copies it.
type copyBox struct {
	app.Compo
	ID, Label, Value string
	copied           bool
}

// copyField shows value in a labelled, read-only field with a Copy
// button; a polite status says when it was copied.
func copyField(id, label, value string) app.UI {
	return &copyBox{ID: id, Label: label, Value: value}
}

func (c *copyBox) Render() app.UI {
	note := ""
	if c.copied {
		note = "Copied."
	}
	return app.Div().Class("cs-copy").Body(
		app.Label().For(c.ID).Text(c.Label),
		app.Textarea().ID(c.ID).ReadOnly(true).Rows(3).Text(c.Value),
		app.Button().Type("button").Aria("describedby", c.ID).Text("Copy").OnClick(c.copy),
		app.Span().Role("status").Class("cs-ok").Text(note),
	)
}

func (c *copyBox) copy(ctx app.Context, e app.Event) {
	if clip := app.Window().Get("navigator").Get("clipboard"); clip.Truthy() {
		clip.Call("writeText", c.Value)
	} else if el := app.Window().GetElementByID(c.ID); el.Truthy() {
		el.Call("select")
		app.Window().Get("document").Call("execCommand", "copy")
	}
	c.copied = true
}
