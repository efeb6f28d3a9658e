package console

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

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
