package storefront

import (
	"html"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// go-app's server-side encoder writes attributes in map order and quotes
// their values with strconv.Quote, which is not HTML escaping: a `"` in a
// value becomes `\"`, which ends the attribute in a browser, so a merchant
// who titles a product `x"><meta http-equiv=refresh …>` would write
// markup into the page. Nothing go-app encodes reaches a browser as it is:
// every server-rendered byte goes through reencode, which reads go-app's
// encoding (Go-quoted attribute values, HTML-escaped text) and writes real
// HTML, with each attribute value HTML-escaped and the attributes in a
// fixed order. Components therefore pass merchant text to go-app as it is,
// never pre-escaped. Two callers: fragmentHTML for HTML the server hands
// out on its own (cards, the product page body) and SafePages for whole
// pages the go-app handlers prerender (checkout, console).
//
// app.Raw markup in those trees must follow go-app's encoding too: every
// attribute value a Go-quoted string (plain ASCII values without `\` or
// `&` are), and raw text only inside <script> and <style>.

// fragmentHTML renders ui as compact HTML with HTML-escaped attribute
// values in a fixed order, so the same input always gives the same bytes
// (golden files, ETags). Components rendered with it must not rely on
// whitespace between elements.
func fragmentHTML(ui app.UI) string {
	return reencode(app.HTMLString(ui), true)
}

// reencode rewrites HTML written by go-app's encoder as described above.
// compact drops whitespace-only text between elements. An attribute whose
// value is not a Go-quoted string cannot have come from go-app: it is
// dropped, never copied.
func reencode(s string, compact bool) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for s != "" {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			i = len(s)
		}
		if text := s[:i]; !compact || strings.TrimSpace(text) != "" {
			b.WriteString(text)
		}
		s = s[i:]
		switch {
		case s == "":
		case strings.HasPrefix(s, "</"), strings.HasPrefix(s, "<!"):
			s = copyThrough(&b, s, ">")
		default:
			var tag string
			tag, s = writeStartTag(&b, s)
			if tag == "script" || tag == "style" {
				// Raw text: go-app writes none but our JSON, which
				// encoding/json keeps free of "<".
				s = copyUntilFold(&b, s, "</"+tag)
			}
		}
	}
	return b.String()
}

// copyThrough copies s up to and including the first end, or all of s.
func copyThrough(b *strings.Builder, s, end string) string {
	i := strings.Index(s, end)
	if i < 0 {
		b.WriteString(s)
		return ""
	}
	i += len(end)
	b.WriteString(s[:i])
	return s[i:]
}

// copyUntilFold copies s up to the first end, compared case-insensitively,
// and returns the rest from there; all of s when end is missing.
func copyUntilFold(b *strings.Builder, s, end string) string {
	i := strings.Index(strings.ToLower(s), end)
	if i < 0 {
		i = len(s)
	}
	b.WriteString(s[:i])
	return s[i:]
}

type attribute struct{ name, value string }

// booleanAttrs are the HTML attributes that are true when present.
var booleanAttrs = map[string]bool{
	"checked": true, "disabled": true, "required": true, "selected": true, "readonly": true, "multiple": true,
	"hidden": true, "autofocus": true, "novalidate": true, "open": true, "inert": true,
}

// writeStartTag re-encodes the start tag at the head of s and returns its
// lower-case name and the rest of s.
func writeStartTag(b *strings.Builder, s string) (tag, rest string) {
	end := strings.IndexAny(s, " >")
	if end < 0 {
		b.WriteString(html.EscapeString(s))
		return "", ""
	}
	tag = strings.ToLower(s[1:end])
	b.WriteString(s[:end])
	attrs, s := parseAttributes(s[end:])
	slices.SortFunc(attrs, compareAttributes)
	content, isTextarea := "", tag == "textarea"
	for _, a := range attrs {
		if isTextarea && a.name == "value" {
			// go-app writes a textarea's text as its value attribute,
			// which browsers ignore: it is the element's content.
			content = a.value
			continue
		}
		if a.value == "false" && booleanAttrs[a.name] {
			// go-app writes Disabled(false) as disabled="false", which
			// HTML reads as disabled: the attribute's presence is its value.
			continue
		}
		if a.value == "" && strings.HasPrefix(a.name, "aria-") {
			// go-app writes an attribute whose value is "true" as a bare
			// name, which ARIA reads as empty: not true.
			a.value = "true"
		}
		b.WriteString(" " + a.name)
		if a.value != "" {
			b.WriteString(`="` + html.EscapeString(a.value) + `"`)
		}
	}
	b.WriteByte('>')
	if strings.HasPrefix(content, "\n") {
		b.WriteByte('\n') // HTML drops a textarea's first line break
	}
	b.WriteString(html.EscapeString(content))
	return tag, s
}

// parseAttributes reads go-app's ` name="Go-quoted value"` pairs and bare
// names up to the tag's '>', and returns them with what follows the '>'.
func parseAttributes(s string) ([]attribute, string) {
	var attrs []attribute
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" || s[0] == '>' {
			return attrs, strings.TrimPrefix(s, ">")
		}
		end := strings.IndexAny(s, "= >")
		if end < 0 {
			return attrs, ""
		}
		a := attribute{name: s[:end]}
		s = s[end:]
		valid := validAttributeName(a.name)
		if s[0] == '=' {
			quoted, err := strconv.QuotedPrefix(s[1:])
			if err != nil {
				return attrs, skipTag(s)
			}
			a.value, _ = strconv.Unquote(quoted)
			s = s[1+len(quoted):]
		}
		if valid {
			attrs = append(attrs, a)
		}
	}
}

// skipTag drops the rest of a start tag whose encoding is not go-app's.
func skipTag(s string) string {
	if i := strings.IndexByte(s, '>'); i >= 0 {
		return s[i+1:]
	}
	return ""
}

// validAttributeName reports whether name is one go-app could have
// written: letters, digits, '-', '_' and ':'. Names come from code, but a
// data-* or aria-* suffix might not.
func validAttributeName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_' || r == ':') {
			return false
		}
	}
	return true
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
