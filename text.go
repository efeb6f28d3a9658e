package buycard

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Text that merchants and publishers write (titles, names, labels,
// descriptions) is shown to other people: on cards in publishers' pages,
// in the checkout, the console, CSV exports and logs. Every such field
// is checked by its TextField on the way in, so that none of them holds
// more than its length, a NUL or another control character (an escape
// sequence in a terminal, a line break in a one-line log or CSV field),
// or a bidi control that makes text display in another order than it is
// stored ("Trojan Source": a title that reads one way in the console and
// another in the checkout).

// TextField is one kind of merchant or publisher text and its limits.
type TextField struct {
	Name      FieldName // the field in messages: "The product title"
	MaxLength int       // in characters
	// Multiline allows tabs and line breaks (a description), which
	// one-line fields refuse like any other control character.
	Multiline bool
}

// FieldName is a field as messages name it ("The city"): as an error
// message's argument, a translation of the message (Error.Template) names
// the field in its own language.
type FieldName string

// TimeText is a time as an error message's argument: it prints in
// English, "2 January 2006, 15:04 UTC", and a translation of the message
// writes it as its language does.
type TimeText time.Time

func (t TimeText) String() string { return time.Time(t).UTC().Format("2 January 2006, 15:04 MST") }

// The fields of merchant and publisher text.
var (
	ProductTitleText       = TextField{Name: "The product title", MaxLength: 200}
	ProductDescriptionText = TextField{Name: "The description", MaxLength: 5000, Multiline: true}
	OptionNameText         = TextField{Name: "The option name", MaxLength: 100}
	VariantNameText        = TextField{Name: "A variant name", MaxLength: 100}
	ImageAltText           = TextField{Name: "The image's alt text", MaxLength: 300}
	ImageURLText           = TextField{Name: "The image URL", MaxLength: 2048}
	ButtonLabelText        = TextField{Name: "The button label", MaxLength: 40}
	MerchantNameText       = TextField{Name: "The merchant name", MaxLength: 120}
	PublisherNameText      = TextField{Name: "The publisher name", MaxLength: 120}
	PlacementNameText      = TextField{Name: "The placement name", MaxLength: 100}
	APIKeyNameText         = TextField{Name: "The API key's name", MaxLength: 100}
	RefundReasonText       = TextField{Name: "The reason", MaxLength: 500, Multiline: true}
	// IdempotencyKeyText is a refund's Idempotency-Key, which is stored
	// and shown back like the rest.
	IdempotencyKeyText = TextField{Name: "The Idempotency-Key", MaxLength: 200}
)

// Check checks s as f's text: valid UTF-8, at most f.MaxLength
// characters, no control character (but tabs and line breaks in a
// multiline field) and no bidi embedding, override or isolate control
// (U+202A–U+202E, U+2066–U+2069). Emptiness is the caller's to check.
// Errors: EINVALID.
func (f TextField) Check(s string) error {
	switch {
	case !utf8.ValidString(s):
		return Errorf(EINVALID, "%s is not valid UTF-8 text.", f.Name)
	case utf8.RuneCountInString(s) > f.MaxLength:
		return Errorf(EINVALID, "%s must be at most %d characters.", f.Name, f.MaxLength)
	case strings.IndexFunc(s, f.refuses) >= 0:
		return Errorf(EINVALID, "%s must not contain control characters or text direction controls.", f.Name)
	}
	return nil
}

// refuses reports whether r may not appear in f's text.
func (f TextField) refuses(r rune) bool {
	if f.Multiline && (r == '\t' || r == '\n' || r == '\r') {
		return false
	}
	return isControl(r)
}

// isControl reports whether r is a C0 or C1 control character (NUL, tab
// and line breaks included), DEL, or a bidi embedding, override or
// isolate control.
func isControl(r rune) bool {
	return r < 0x20 || 0x7f <= r && r <= 0x9f || 0x202a <= r && r <= 0x202e || 0x2066 <= r && r <= 0x2069
}
