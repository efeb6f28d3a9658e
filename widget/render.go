package widget

import (
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// go-app's server-side encoder writes attributes in map order and quotes
// their values with strconv.Quote instead of HTML escaping, so a `"` in a
// value would end the attribute. The two helpers below close that gap:
// fragmentHTML for HTML the server hands out on its own (cards, the product
// page), attr for values in go-app pages the Handler prerenders.

// attr makes s safe as an attribute value in a page go-app prerenders. In
// the browser go-app sets attributes through the DOM, so s is used as is.
func attr(s string) string {
	if app.IsClient {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\\':
			b.WriteString("&#92;")
		case !strconv.IsPrint(r):
			fmt.Fprintf(&b, "&#x%X;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fragmentHTML renders ui as compact HTML with HTML-escaped attribute
// values in a fixed order, so the same input always gives the same bytes
// (golden files, ETags). Components rendered with it must not pass values
// through attr, and must not rely on whitespace between elements.
func fragmentHTML(ui app.UI) string {
	s := app.HTMLString(ui)
	var b strings.Builder
	for s != "" {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			i = len(s)
		}
		if text := s[:i]; strings.TrimSpace(text) != "" {
			b.WriteString(text)
		}
		s = s[i:]
		if len(s) > 1 && s[1] != '/' {
			s = writeStartTag(&b, s)
			continue
		}
		end := strings.IndexByte(s, '>') + 1
		b.WriteString(s[:end])
		s = s[end:]
	}
	return b.String()
}

type attribute struct{ name, value string }

// writeStartTag re-encodes the start tag at the head of s and returns the
// rest of s.
func writeStartTag(b *strings.Builder, s string) string {
	end := strings.IndexAny(s, " >")
	b.WriteString(s[:end])
	s = s[end:]
	var attrs []attribute
	for s[0] != '>' {
		s = s[1:] // the space before each attribute
		end := strings.IndexAny(s, "= >")
		a := attribute{name: s[:end]}
		s = s[end:]
		if s[0] == '=' {
			quoted, _ := strconv.QuotedPrefix(s[1:])
			a.value, _ = strconv.Unquote(quoted)
			s = s[1+len(quoted):]
		}
		attrs = append(attrs, a)
	}
	slices.SortFunc(attrs, compareAttributes)
	for _, a := range attrs {
		b.WriteString(" " + a.name)
		if a.value != "" {
			b.WriteString(`="` + html.EscapeString(a.value) + `"`)
		}
	}
	b.WriteByte('>')
	return s[1:]
}

// attributeOrder is the order attributes are written in; others follow,
// sorted by name.
var attributeOrder = []string{"type", "class", "id", "href", "src", "width", "height", "alt", "loading", "decoding"}

func compareAttributes(a, b attribute) int {
	rank := func(name string) int {
		if i := slices.Index(attributeOrder, name); i >= 0 {
			return i
		}
		return len(attributeOrder)
	}
	if c := rank(a.name) - rank(b.name); c != 0 {
		return c
	}
	return strings.Compare(a.name, b.name)
}
