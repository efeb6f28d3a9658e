//go:build !wasm

package storefront

import (
	"strconv"
	"strings"

	"github.com/buycard/buycard"
)

// DesignCSS is the stylesheet at designDir+name (design.go), and whether
// name is a design's: the canonical name DesignPath gives, nothing else,
// so each design has one URL and no text of the request reaches the CSS.
func DesignCSS(name string) (string, bool) {
	base, ok := strings.CutSuffix(name, ".css")
	parts := strings.Split(base, "-")
	if !ok || len(parts) != 3 {
		return "", false
	}
	radius, err := strconv.Atoi(parts[1])
	d := buycard.Design{ThemeColor: "#" + parts[0], CornerRadius: radius, ColorScheme: parts[2]}
	if err != nil || DesignPath(d) != designDir+name {
		return "", false
	}
	return designRule(d), true
}

// designRule is the :root rule of drawn design d. Its colour scheme waits
// for light-dark(): the pages draw only their light colours without it.
func designRule(d buycard.Design) string {
	props := []string{"--r:" + strconv.Itoa(d.CornerRadius) + "px"}
	if c := d.ThemeColor; c != buycard.DefaultThemeColor {
		props = append(props, "--a:"+c, "--o:"+buycard.ContrastText(c),
			"--al:"+accentOn(c, lightBackground, lightText), "--ad:"+accentOn(c, darkBackground, darkText))
	}
	css := ":root{" + strings.Join(props, ";") + "}\n"
	if d.ColorScheme != buycard.SchemeAuto {
		css += "@supports (color:light-dark(red,red)){:root{color-scheme:" + d.ColorScheme + "}}\n"
	}
	return css
}

// accentOn is colour where it reads on background at WCAG AA's 4.5:1,
// else text, the page's text colour there.
func accentOn(colour, background, text string) string {
	if buycard.ContrastRatio(colour, background) >= 4.5 {
		return colour
	}
	return text
}

// hoistDesignLink moves the design link the checkout's prerender wrote in
// the body of page (HTML as reencode writes it) to the end of its head.
// A stylesheet in the head holds the first paint until it has loaded; one
// in the body would let the page paint in the default design first.
func hoistDesignLink(page string) string {
	start := strings.Index(page, `<link id="`+designLinkID+`"`)
	head := strings.Index(page, "</head>")
	if start < 0 || head < 0 || head > start {
		return page
	}
	end := start + strings.IndexByte(page[start:], '>') + 1
	return page[:head] + page[start:end] + page[head:start] + page[end:]
}
