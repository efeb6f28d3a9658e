package storefront

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/buycard/buycard"
)

// CardView is what a card shows, already worded and formatted.
type CardView struct {
	WidgetID, Merchant, Title, Price, CTA, Note string
	Image                                       buycard.Image
	Availability                                buycard.Availability
	// Lang is the widget's locale when the merchant set one, written as
	// the card's lang attribute; empty when the card follows the shopper.
	Lang string
	// The widget's design (see buycard.Widget): ColorScheme and Layout
	// become the article's data-scheme and data-layout, which card.css
	// styles; ThemeColor, OnThemeColor (the button text colour chosen for
	// contrast) and CornerRadius become custom properties (StyleProperties).
	ColorScheme, Layout      string
	ThemeColor, OnThemeColor string
	CornerRadius             int
}

// NewCardView words card for people reading lang (a BCP 47 tag), or in
// the widget's locale when it has one.
func NewCardView(card *buycard.Card, lang string) CardView {
	w := card.Widget
	w.DrawnDesign()
	if w.Locale != "" {
		lang = w.Locale
	}
	words := cardWordsFor(lang)
	availability := card.Availability()
	return CardView{
		WidgetID:     w.ID,
		Merchant:     card.Merchant.Name,
		Title:        card.Product.Title,
		Price:        priceText(&card.Product, lang, words),
		CTA:          buyLabel(w.CTA, words),
		Note:         cardNote(availability, card.Product.HeldUntil(), words),
		Image:        card.Product.Image,
		Availability: availability,
		Lang:         w.Locale,
		ColorScheme:  w.ColorScheme,
		Layout:       w.Layout,
		ThemeColor:   w.ThemeColor,
		OnThemeColor: w.OnThemeColor(),
		CornerRadius: w.CornerRadius,
	}
}

// PreviewCardView is the card of a draft widget, for the console's widget
// designer: draft and product need not be stored, and the card shows as
// buyable (when the product is in stock) whether or not the merchant can
// take payments yet, so the merchant sees the design they will publish.
func PreviewCardView(draft buycard.Widget, product buycard.Product, merchantName, lang string) CardView {
	return NewCardView(&buycard.Card{
		Widget:   draft,
		Product:  product,
		Merchant: buycard.Merchant{Name: merchantName, ChargesEnabled: true},
	}, lang)
}

// buyLabel is the merchant's label for the Buy button, or the default
// one (the API's "Buy" too) in words' language.
func buyLabel(cta string, words cardWords) string {
	if cta == "" || cta == "Buy" {
		return words.buy
	}
	return cta
}

// PriceText is the product's price as cards show it in lang: "$24.00",
// or "From $24.00" when its variants have different prices.
func PriceText(p *buycard.Product, lang string) string {
	return priceText(p, lang, cardWordsFor(lang))
}

func priceText(p *buycard.Product, lang string, words cardWords) string {
	price := p.FromPrice().Format(lang)
	for _, v := range p.Variants {
		if v.Price != p.Variants[0].Price {
			return strings.Replace(words.from, "%s", price, 1)
		}
	}
	return price
}

// availabilityNote says why something cannot be bought, in words'
// language, or "" when it can; heldUntil is when the first hold ends, for
// a product sold out by holds.
func availabilityNote(a buycard.Availability, heldUntil *time.Time, words cardWords) string {
	switch a {
	case buycard.Buyable:
		return ""
	case buycard.SoldOut:
		return words.soldOut
	case buycard.Held:
		return fmt.Sprintf(words.held, checkBackMinutes(heldUntil))
	case buycard.NotHere:
		return words.notHere
	}
	return words.unavailable
}

// cardNote is availabilityNote as a card shows it. A card has room for a
// word or two beside its Buy button (at 390 px a longer note pushes the
// title out of the card), so a product held in checkouts only says when
// to come back; its product page and checkout say why.
func cardNote(a buycard.Availability, heldUntil *time.Time, words cardWords) string {
	if a == buycard.Held {
		return fmt.Sprintf(words.backIn, checkBackMinutes(heldUntil))
	}
	return availabilityNote(a, heldUntil, words)
}

// checkBackMinutes is in how many minutes, at least one, the first hold
// ends. Card data is cached for a minute, so minutes are exact enough.
func checkBackMinutes(heldUntil *time.Time) int {
	if heldUntil == nil {
		return 1
	}
	return max(int(math.Ceil(time.Until(*heldUntil).Minutes())), 1)
}

// cardWords are the words a card shows besides the merchant's.
type cardWords struct {
	buy, from, soldOut, unavailable string // from has a %s for the price
	held, backIn                    string // have a %d for the minutes to wait
	notHere                         string
}

// cardTranslations are the card's words by language; others read English.
var cardTranslations = map[string]cardWords{
	"en": {"Buy", "From %s", "Sold out", "Not available right now",
		"All held in other checkouts. Check back in %d min.", "Back in %d min", "Not available on this site"},
	"fr": {"Acheter", "À partir de %s", "Épuisé", "Indisponible pour le moment",
		"Tout est réservé dans d'autres paniers. Revenez dans %d min.", "Retour dans %d min", "Indisponible sur ce site"},
	"de": {"Kaufen", "Ab %s", "Ausverkauft", "Derzeit nicht verfügbar",
		"Alles in anderen Bestellungen reserviert. Schauen Sie in %d Min. wieder vorbei.", "Zurück in %d Min.", "Auf dieser Website nicht verfügbar"},
	"es": {"Comprar", "Desde %s", "Agotado", "No disponible por ahora",
		"Todo reservado en otras compras. Vuelve en %d min.", "Vuelve en %d min", "No disponible en este sitio"},
	"it": {"Acquista", "Da %s", "Esaurito", "Non disponibile al momento",
		"Tutto riservato in altri acquisti. Riprova tra %d min.", "Torna tra %d min", "Non disponibile su questo sito"},
	"nl": {"Kopen", "Vanaf %s", "Uitverkocht", "Momenteel niet beschikbaar",
		"Alles gereserveerd in andere bestellingen. Kijk over %d min. opnieuw.", "Terug over %d min", "Niet beschikbaar op deze site"},
	"pt": {"Comprar", "A partir de %s", "Esgotado", "Indisponível no momento",
		"Tudo reservado em outras compras. Volte em %d min.", "Volta em %d min", "Indisponível neste site"},
	"ja": {"購入", "%sから", "売り切れ", "現在ご購入いただけません",
		"ほかのお客様が購入手続き中です。%d分後にもう一度ご確認ください。", "%d分後に再開", "このサイトではご購入いただけません"},
}

// cardWordsFor returns the words for lang's language, or English.
func cardWordsFor(lang string) cardWords {
	if w, ok := cardTranslations[baseLanguage(lang)]; ok {
		return w
	}
	return cardTranslations["en"]
}

// StyleProperties are the custom properties card.css reads the theme
// colour, its text colour and the corner radius from (--a, --o, --r), or
// nil for the default colour and radius, which card.css already has.
//
// Server-rendered cards carry them in a style attribute, so only designed
// cards have one: a publisher page whose CSP forbids inline styles
// (style-src without 'unsafe-inline') shows designed cards in the default
// colour and radius, with their scheme and layout (attributes, not
// styles). In the browser (WASM) the card sets them through the CSSOM
// instead, which CSP allows, so a preview works on strict pages too.
func (v CardView) StyleProperties() [][2]string {
	if (v.ThemeColor == "" || v.ThemeColor == buycard.DefaultThemeColor) && v.CornerRadius == buycard.DefaultCornerRadius {
		return nil
	}
	props := [][2]string{{"--r", strconv.Itoa(v.CornerRadius) + "px"}}
	if v.ThemeColor != "" && v.ThemeColor != buycard.DefaultThemeColor {
		props = append(props, [2]string{"--a", v.ThemeColor}, [2]string{"--o", v.OnThemeColor})
	}
	return props
}

// styleAttr is StyleProperties as a style attribute value.
func (v CardView) styleAttr() string {
	var b strings.Builder
	for i, p := range v.StyleProperties() {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(p[0] + ":" + p[1])
	}
	return b.String()
}

// CardHTML renders the card markup of docs/contracts.md.
func CardHTML(v CardView) string {
	return fragmentHTML(newCard(v))
}

// NewCard returns the card component showing v, the very one the server
// renders for publisher pages, for other go-app packages (the console's
// widget designer previews a draft with it). It needs card.css (CardCSS).
func NewCard(v CardView) app.UI {
	return newCard(v)
}

// card is the in-feed buy card. The loader inserts its HTML into a shadow
// root and wires the button; the card itself has no behaviour.
type card struct {
	app.Compo
	CardView
}

func newCard(v CardView) *card {
	return &card{CardView: v}
}

func (c *card) Render() app.UI {
	article := app.Article().Class("bc-card").DataSet("state", c.Availability).
		DataSet("scheme", c.ColorScheme).DataSet("layout", c.Layout)
	if c.Lang != "" {
		article = article.Lang(c.Lang)
	}
	if style := c.styleAttr(); style != "" && !app.IsClient {
		article = article.Attr("style", style)
	}
	return article.Body(
		c.renderImage(),
		app.Div().Class("bc-body").Body(
			app.P().Class("bc-merchant").Text(c.Merchant),
			app.H3().Class("bc-title").Text(c.Title),
			app.P().Class("bc-price").Text(c.Price),
			c.renderButton(),
			app.If(c.Note != "", func() app.UI {
				return app.P().Class("bc-note").Text(c.Note)
			}),
		),
	)
}

// OnMount and OnUpdate set the design's custom properties in the browser
// through the CSSOM (see StyleProperties).
func (c *card) OnMount(app.Context)  { c.applyStyle() }
func (c *card) OnUpdate(app.Context) { c.applyStyle() }

func (c *card) applyStyle() {
	if !app.IsClient {
		return
	}
	el := c.JSValue()
	if el == nil || !el.Truthy() {
		return
	}
	style := el.Get("style")
	for _, name := range []string{"--a", "--o", "--r"} {
		style.Call("removeProperty", name)
	}
	for _, p := range c.StyleProperties() {
		style.Call("setProperty", p[0], p[1])
	}
}

func (c *card) renderImage() app.UI {
	if c.Image.URL == "" {
		// No image yet (a new product): the image's grey square, not a
		// broken image.
		return app.Div().Class("bc-img").Aria("hidden", "true")
	}
	alt := c.Image.Alt
	if alt == "" {
		alt = c.Title
	}
	img := app.Img().Class("bc-img").Src(c.Image.URL).
		Alt(alt).
		Attr("loading", "lazy").Attr("decoding", "async")
	if c.Image.Width > 0 && c.Image.Height > 0 {
		img = img.Width(c.Image.Width).Height(c.Image.Height)
	}
	return img
}

func (c *card) renderButton() app.UI {
	button := app.Button().Type("button").Class("bc-buy").Attr("data-buycard-buy", true).Text(c.CTA)
	if c.Availability != buycard.Buyable {
		// Only ever true: go-app's server encoder writes false as disabled="false".
		button = button.Disabled(true)
	}
	return button
}
