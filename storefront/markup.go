package storefront

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// The checkout's elements, built from a tag and a list of attributes.
//
// The views compiled into the client WASM build their elements with el,
// textEl and void rather than go-app's typed builders
// (app.Input().Type(…).ID(…)…): each typed element brings its own type
// and methods into the WASM, and each builder call costs some 200 bytes
// of code, where an attribute in a list costs a few. That is what keeps
// the WASM inside its 1.45 MB brotli budget (DESIGN.md, BENCHMARKS.md).
// go-app renders an element from its tag, attributes and children, so the
// HTML is the same either way. Pages only the server renders (the card,
// the product page) keep the typed builders.

// attr is an attribute of an element: its name and value. go-app writes
// "aria-label" and "data-card" as any other.
type attr struct{ name, value string }

// attrs are an element's attributes, in order.
type attrs []attr

// set adds the boolean attribute name when on. go-app's server encoder
// writes a false value as name="false", which HTML reads as true, so a
// boolean attribute is only ever added, never set to false.
func (a attrs) set(name string, on bool) attrs {
	if on {
		return append(a, attr{name, "true"})
	}
	return a
}

// el is the element tag with attributes a and children.
func el(tag string, a attrs, children ...app.UI) app.HTMLElem {
	return withAttrs(app.Elem(tag), a).Body(children...)
}

// textEl is the element tag with attributes a and text as its content.
func textEl(tag string, a attrs, text string) app.HTMLElem {
	return withAttrs(app.Elem(tag), a).Text(text)
}

// void is the void element tag (input, img) with attributes a.
func void(tag string, a attrs) app.HTMLElemSelfClosing {
	return withAttrs(app.ElemSelfClosing(tag), a)
}

func withAttrs[E interface{ Attr(string, any) E }](e E, a attrs) E {
	for _, at := range a {
		e = e.Attr(at.name, at.value)
	}
	return e
}
