//go:build !wasm

package storefront

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// TestErrorCatalogComplete: every error the catalog words has every
// language the card speaks, with the English format's verbs in the same
// order, and none repeats a text the checkout's catalog has (it would
// never be read: the checkout's wins).
func TestErrorCatalogComplete(t *testing.T) {
	for format, byLang := range errorTranslations {
		if _, dup := catalogMessageOf()[format]; dup {
			t.Errorf("%q is in the checkout's catalog too", format)
		}
		want := formatVerb.FindAllString(format, -1)
		for lang := range cardTranslations {
			if lang == "en" {
				continue
			}
			switch text := byLang[lang]; {
			case text == "":
				t.Errorf("%q has no %s", format, lang)
			case !slices.Equal(formatVerb.FindAllString(text, -1), want):
				t.Errorf("%q in %s, %q, has other verbs", format, lang, text)
			}
		}
		if len(byLang) != len(cardTranslations)-1 {
			t.Errorf("%q has %d languages, the card %d besides English", format, len(byLang), len(cardTranslations)-1)
		}
	}
}

// TestErrorCatalogMatchesTheCode: every English format the catalog words
// is one the domain or the API makes an error of, so rewording a message
// in the code cannot leave its translations behind unread.
func TestErrorCatalogMatchesTheCode(t *testing.T) {
	made := map[string]bool{}
	for _, dir := range []string{"..", "../backend/api"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if filepath.Ext(name) != ".go" || len(name) > 8 && name[len(name)-8:] == "_test.go" {
				continue
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && len(call.Args) >= 2 {
					if format, ok := stringConstant(call.Args[1]); ok && isErrorf(call.Fun) {
						made[format] = true
					}
				}
				return true
			})
		}
	}
	for format := range errorTranslations {
		if !made[format] {
			t.Errorf("no Errorf makes %q: reworded or removed?", format)
		}
	}
}

// isErrorf reports whether fun is Errorf or buycard.Errorf.
func isErrorf(fun ast.Expr) bool {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name == "Errorf"
	case *ast.SelectorExpr:
		return f.Sel.Name == "Errorf" && f.X.(*ast.Ident).Name == "buycard"
	}
	return false
}

// stringConstant is the value of a string literal or a concatenation of
// them.
func stringConstant(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		a, ok1 := stringConstant(e.X)
		b, ok2 := stringConstant(e.Y)
		return a + b, ok1 && ok2 && e.Op == token.ADD
	}
	return "", false
}

// A refusal reads in the shopper's language, its countries and amounts
// too; English, unknown formats and other errors stay as they are.
func TestLocalizeError(t *testing.T) {
	t.Parallel()
	ships := buycard.Errorf(buycard.EINVALID, "%s doesn't ship to %s.", "Northwind Goods", buycard.CountryCode("JP"))
	minimum := buycard.Errorf(buycard.EINVALID, "The code %s needs a subtotal of at least %s.", "SPRING25", buycard.MoneyText{Amount: 5000, Currency: "EUR"})
	other := errors.New("disk full")
	longCity := buycard.CityText.Check(strings.Repeat("x", buycard.CityText.MaxLength+1))
	longTitle := buycard.ProductTitleText.Check(strings.Repeat("x", buycard.ProductTitleText.MaxLength+1))
	starts := time.Date(2027, 3, 1, 9, 30, 0, 0, time.UTC)
	early := buycard.Errorf(buycard.ECONFLICT, "The code %s is not valid yet: it starts on %s.", "SPRING", buycard.TimeText(starts))
	for _, tt := range []struct {
		err  error
		lang string
		want string
	}{
		{ships, "de-AT", "Northwind Goods liefert nicht nach Japan."},
		{ships, "ja", "Northwind Goodsは日本への配送に対応していません。"},
		{ships, "en", "Northwind Goods doesn't ship to Japan."},
		{ships, "tlh", "Northwind Goods doesn't ship to Japan."},
		{minimum, "de", "Der Code SPRING25 gilt ab einer Zwischensumme von 50,00\u00a0€."},
		{minimum, "en", "The code SPRING25 needs a subtotal of at least €50.00."},
		{buycard.Errorf(buycard.EINVALID, "Enter your name."), "fr", "Saisissez votre nom."}, // the checkout's catalog
		{buycard.Errorf(buycard.ECONFLICT, "Something %s.", "new"), "fr", "Something new."},
		{other, "fr", "internal error"},
		{longCity, "de", "Der Ort darf höchstens 80 Zeichen lang sein."},
		{longCity, "ja", "市区町村は80文字以内で入力してください。"},
		{longCity, "en", "The city must be at most 80 characters."},
		{longTitle, "fr", "The product title must be at most 200 characters."}, // a field shoppers do not fill in
		{early, "nl", "De code SPRING is nog niet geldig: hij begint op 2027-03-01 09:30 UTC."},
		{early, "en", "The code SPRING is not valid yet: it starts on 1 March 2027, 09:30 UTC."},
	} {
		got := LocalizeError(tt.err, tt.lang)
		if msg := buycard.ErrorMessage(got); msg != tt.want {
			t.Errorf("LocalizeError(%v, %s) = %q, want %q", tt.err, tt.lang, msg, tt.want)
		}
		if buycard.ErrorCode(got) != buycard.ErrorCode(tt.err) {
			t.Errorf("LocalizeError(%v, %s) has code %s", tt.err, tt.lang, buycard.ErrorCode(got))
		}
	}
}
