package notify

import (
	"bytes"
	"embed"
	htmltemplate "html/template"
	texttemplate "text/template"

	"github.com/buycard/buycard/backend/mail"
)

// view is an email's words, which one HTML template and one text template
// lay out: every email has the same parts, and html/template escapes
// every word of them (a product title, a merchant's name) in the HTML.
type view struct {
	Lang       string
	Subject    string
	Title      string
	Paragraphs []string
	// Item heads Rows: what the order bought.
	Item string
	// Rows are term and value pairs: an order's breakdown.
	Rows     [][2]string
	Sections []section
	Button   button
	Footer   string
}

// section is a titled list of lines: an address, license keys.
type section struct {
	Title string
	Note  string
	Lines []string
	// Code shows the lines as text to copy (license keys).
	Code bool
}

// button is the email's one link; empty URL shows none.
type button struct {
	Label, URL string
}

//go:embed templates
var templates embed.FS

var (
	htmlLayout = htmltemplate.Must(htmltemplate.ParseFS(templates, "templates/email.html"))
	textLayout = texttemplate.Must(texttemplate.ParseFS(templates, "templates/email.txt"))
)

// message lays v out as an email to the address to, from the sender
// named fromName, with answers going to replyTo.
func (v view) message(to, fromName, replyTo string) (mail.Message, error) {
	var html, text bytes.Buffer
	if err := htmlLayout.Execute(&html, v); err != nil {
		return mail.Message{}, err
	}
	if err := textLayout.Execute(&text, v); err != nil {
		return mail.Message{}, err
	}
	return mail.Message{To: to, FromName: fromName, ReplyTo: replyTo, Subject: v.Subject,
		Text: text.String(), HTML: html.String()}, nil
}
