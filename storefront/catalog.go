package storefront

import (
	"fmt"
	"strings"
)

// The checkout's message catalog: every string the checkout, its receipt,
// the product page, the order page and the shopper's emails show that
// neither the merchant nor the API words, keyed by a typed message id, in
// the card's languages (cardTranslations), so a missing text is a test
// failure, not a blank on the page. golang.org/x/text/message/catalog
// would do the same job, but it brings the language tables into the
// WASM: about 150 KB of brotli against a budget with a few KB to spare
// (BENCHMARKS.md). For the same reason the WASM carries English only: the
// checkout's texts in the other languages (catalog_checkout.go) reach it
// in the prerendered page's state, for the page's language alone
// (pageState.Words), which costs a non-English page about 1.5 KB of
// brotli where all seven languages would cost the WASM about 12 KB. The
// texts only the server shows (order page, emails) are in
// catalog_server.go.

// Message identifies a message of the catalog.
type Message int

const (
	// Loading and failures.
	msgLoading Message = iota
	msgInvalidLink
	msgUnreachable
	msgUnexpected
	msgTryAgain
	msgCheckout
	msgClose
	msgTitleSuffix // %s is the product title

	// The product page and the choose step (besides the card's words).
	msgOption // an offer's option when the merchant named none
	msgDecreaseQuantity
	msgIncreaseQuantity

	// Choose.
	msgAboutProduct
	msgOptionSoldOut
	msgTotal
	msgContinue

	// Details.
	msgDetailsTitle
	msgContactLegend
	msgEmail
	msgEmailHint
	msgFullName
	msgPhone
	msgAddressLegend
	msgLine1
	msgLine2
	msgCity
	msgRegion
	msgPostalCode
	msgCountry
	msgChooseCountry
	msgUpdateShipping
	msgShippingLegend
	msgShippingAfterAddress
	msgNoShipping // %s is the country's name
	msgDiscountCode
	msgApplyCode
	msgContinueToPayment
	msgEnterEmail
	msgEnterName
	msgEnterPhone
	msgEnterValidEmail
	msgEnterValidPhone
	msgEnterLine1
	msgEnterCity
	msgChooseRegion
	msgEnterPostalCode // %s is the country's name, %s an example
	msgChooseShipping
	msgChooseShippingOption

	// The price's breakdown.
	msgSubtotal
	msgDiscount     // %s is the code
	msgShipping     // %s is the option's name
	msgTaxIncluded  // the tax in prices that include it
	msgTaxExcluded  // the tax added to prices
	msgItemQuantity // %s is what was bought, %d how many

	// Pay.
	msgPayTitle
	msgChange
	msgNoCardNumber
	msgNoTestPayments
	msgTestPaymentTitle
	msgTestPaymentHint
	msgCardNumber
	msgPay // %s is the total
	msgProcessing
	msgUseTestCard // %s is the number, %s what it does
	msgCardSucceeds
	msgCardDeclined
	msgCardWasDeclined // the sandbox's decline (sandbox.DeclineMessage), server only
	msgNotATestCard    // the sandbox's refusal of another number, server only

	// Receipt.
	msgThankYou
	msgOrderNumber
	msgProduct
	msgQuantity
	msgDone
	msgOrderPageLink

	// The shopper's order page (order_page.go).
	msgOrderPageTitle // %s the order number, %s the seller
	msgOrderHeading   // %s the order number
	msgOrderPlaced    // %s the date
	msgOrderPaid
	msgOrderPartlyRefunded
	msgOrderRefunded
	msgOrderPending
	msgOrderNotPaid
	msgOrderBought
	msgOrderDelivery
	msgOrderNotShipped
	msgOrderPartlyShipped
	msgOrderShipped
	msgOrderCarrier // %s the carrier
	msgOrderTracking
	msgOrderTrack
	msgOrderShipTo
	msgOrderDownloads
	msgOrderDownloadsLeft   // %s the size, %d how many
	msgOrderNoDownloadsLeft // %s the size
	msgOrderLinksNote
	msgOrderKeys
	msgOrderOversold // %d units
	msgOrderHelp
	SoldBy             // %s the seller; the emails' footer too
	msgOrderWriteTo    // before the support email
	msgOrderWriteAfter // after it; %s the order number
	msgOrderRefundPolicy
	msgOrderKeepLink
	msgDateLayout // a Go time layout for a day: "2 January 2006"

	// The shopper's emails (package notify).
	MailReceiptSubject // %s the order number, %s the seller
	MailReceiptTitle
	MailReceiptLead // %s the seller, %s the order number
	MailShipTo
	MailViewOrder
	MailShippedSubject // %s the order number
	MailShippedTitle
	MailShippedLead // %s the seller, %s the order number
	MailCarrier
	MailTrackingNumber
	MailTrackPackage
	MailRefundSubject // %s the amount, %s the order number
	MailRefundTitle
	MailRefundLead // %s the seller, %s the amount, %s the order number
	MailRefundDelay
	MailSupport // %s the seller, %s the support address, %s the order number
	MailKeys
	MailDownloads
	MailDownloadsNote

	msgCount // the number of messages; keep last
)

// english is the catalog's source text, by message id.
var english = [msgCount]string{
	msgLoading:     "Loading…",
	msgInvalidLink: "This checkout link is no longer valid. Close and try again.",
	msgUnreachable: "Could not reach the server. Check your connection and try again.",
	msgUnexpected:  "Something went wrong. Please try again.",
	msgTryAgain:    "Try again",
	msgCheckout:    "Checkout",
	msgClose:       "Close",
	msgTitleSuffix: "%s · Checkout",

	msgOption:           "Option",
	msgDecreaseQuantity: "Decrease quantity",
	msgIncreaseQuantity: "Increase quantity",

	msgOptionSoldOut: "This option is sold out.",
	msgTotal:         "Total",
	msgAboutProduct:  "About this product",
	msgContinue:      "Continue",

	msgDetailsTitle:         "Your details",
	msgContactLegend:        "Contact",
	msgEmail:                "Email",
	msgEmailHint:            "Your receipt goes here.",
	msgFullName:             "Full name",
	msgPhone:                "Phone",
	msgAddressLegend:        "Shipping address",
	msgLine1:                "Street address",
	msgLine2:                "Apartment, suite, etc. (optional)",
	msgCity:                 "City",
	msgRegion:               "State, province or region",
	msgPostalCode:           "Postal code",
	msgCountry:              "Country",
	msgChooseCountry:        "Choose a country",
	msgUpdateShipping:       "Update shipping",
	msgShippingLegend:       "Shipping",
	msgShippingAfterAddress: "Enter your address to see the shipping options.",
	msgNoShipping:           "This shop doesn't ship to %s.",
	msgDiscountCode:         "Discount code",
	msgApplyCode:            "Apply",
	msgContinueToPayment:    "Continue to payment",
	msgEnterEmail:           "Enter your email address.",
	msgEnterName:            "Enter your name.",
	msgEnterPhone:           "Enter a phone number.",
	msgEnterValidEmail:      "Enter a valid email address.",
	msgEnterValidPhone:      "Enter a phone number of 6 to 15 digits, such as +1 212 555 0100.",
	msgEnterLine1:           "Enter the street address.",
	msgEnterCity:            "Enter the city.",
	msgChooseRegion:         "Choose a state or province.",
	msgEnterPostalCode:      "Enter a postal code of %s, such as %s.",
	msgChooseShipping:       "Choose a country this shop ships to.",
	msgChooseShippingOption: "Choose a shipping option.",

	msgSubtotal:     "Subtotal",
	msgDiscount:     "Discount (%s)",
	msgShipping:     "Shipping (%s)",
	msgTaxIncluded:  "Tax (included)",
	msgTaxExcluded:  "Tax",
	msgItemQuantity: "%s × %d",

	msgPayTitle:         "Your order",
	msgChange:           "Change",
	msgNoCardNumber:     "Enter a card number, or use one of the test cards.",
	msgNoTestPayments:   "Card payments are not available in this checkout yet.",
	msgTestPaymentTitle: "Test payment — no real money moves",
	msgTestPaymentHint:  "This checkout runs in test mode. Use a test card; nothing is charged.",
	msgCardNumber:       "Card number",
	msgPay:              "Pay %s",
	msgProcessing:       "Processing…",
	msgUseTestCard:      "Use %s (%s)",
	msgCardSucceeds:     "succeeds",
	msgCardDeclined:     "is declined",

	msgThankYou:      "Thank you! Your order is confirmed.",
	msgOrderNumber:   "Order number",
	msgProduct:       "Product",
	msgQuantity:      "Quantity",
	msgDone:          "Done",
	msgOrderPageLink: "Your order page: tracking, downloads and how to reach the seller. Keep the link to find your order again.",
}

// translations are the catalog's other languages, by base language
// subtag ("fr"): on the server, catalog_checkout.go and
// catalog_server.go fill them; in the WASM, the prerendered page's words.
var translations = map[string]*[msgCount]string{}

// checkoutTranslations are the checkout's texts (catalog_checkout.go),
// which the prerendered pages hand to the WASM; empty in the WASM.
var checkoutTranslations = map[string]*[msgCount]string{}

// addTranslations copies the texts of tables into translations.
func addTranslations(tables map[string]*[msgCount]string) {
	for lang, table := range tables {
		t := translations[lang]
		if t == nil {
			t = new([msgCount]string)
			translations[lang] = t
		}
		for m, text := range table {
			if text != "" {
				t[m] = text
			}
		}
	}
}

// tr is message m in lang, with args put in as fmt.Sprintf does; a
// message a language lacks reads in English.
func tr(lang string, m Message, args ...any) string {
	text := english[m]
	if table := translations[baseLanguage(lang)]; table != nil && table[m] != "" {
		text = table[m]
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// Text is message m in lang, for the server's other writers (emails).
func Text(lang string, m Message, args ...any) string {
	return tr(lang, m, args...)
}

// Language is the language the checkout and the card speak to a reader
// of tag (a BCP 47 tag, or anything at all): its base subtag when tag is
// a language tag whose language the catalog has ("de" for "de-AT"), else
// "en". It is what an order remembers, so free text never reaches the
// store.
func Language(tag string) string {
	if base := baseLanguage(tag); langPattern.MatchString(tag) && cardTranslations[base].buy != "" {
		return base
	}
	return "en"
}

// HTMLLang is the lang attribute of a page written for tag: tag when the
// catalog speaks its language, else "en", which its words then read in.
func HTMLLang(tag string) string {
	if Language(tag) == baseLanguage(tag) {
		return tag
	}
	return "en"
}

// baseLanguage is the language subtag of a BCP 47 tag, lower case: "pt"
// for "pt-BR".
func baseLanguage(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(lang, "_", "-")), "-")
	return base
}
