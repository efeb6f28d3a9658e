package storefront

import (
	"fmt"
	"strings"
)

// The checkout's message catalog: every string the checkout shows that
// neither the merchant nor the API words, keyed by a typed message id, so
// a translation is a second table and a missing text is a test failure,
// not a blank on the page. golang.org/x/text/message/catalog would do the
// same job, but it brings the language tables into the WASM: about 150 KB
// of brotli against a budget with 31 KB to spare (BENCHMARKS.md).

// msg identifies a message of the catalog.
type msg int

const (
	// Loading and failures.
	msgLoading msg = iota
	msgInvalidLink
	msgUnreachable
	msgUnexpected
	msgTryAgain
	msgCheckout
	msgClose
	msgTitleSuffix // %s is the product title

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
	msgOrderSoldBy     // %s the seller
	msgOrderWriteTo    // before the support email
	msgOrderWriteAfter // after it; %s the order number
	msgOrderRefundPolicy
	msgOrderKeepLink

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

	msgOrderPageTitle:       "Order %s · %s",
	msgOrderHeading:         "Order %s",
	msgOrderPlaced:          "Placed %s",
	msgOrderPaid:            "Paid",
	msgOrderPartlyRefunded:  "Paid, partly refunded",
	msgOrderRefunded:        "Refunded",
	msgOrderPending:         "Waiting for payment",
	msgOrderNotPaid:         "Not paid",
	msgOrderBought:          "What you bought",
	msgOrderDelivery:        "Delivery",
	msgOrderNotShipped:      "Not shipped yet",
	msgOrderPartlyShipped:   "Partly shipped",
	msgOrderShipped:         "Shipped",
	msgOrderCarrier:         "Carrier: %s",
	msgOrderTracking:        "Tracking number:",
	msgOrderTrack:           "Track the parcel",
	msgOrderShipTo:          "Shipping to:",
	msgOrderDownloads:       "Downloads",
	msgOrderDownloadsLeft:   "%s · %d downloads left",
	msgOrderNoDownloadsLeft: "%s · No downloads left: write to the seller",
	msgOrderLinksNote:       "Download links work for 24 hours. Open this page again for new ones.",
	msgOrderKeys:            "License keys",
	msgOrderOversold:        "%d of the units you paid for were sold out when your payment arrived. The seller will deliver them or refund you.",
	msgOrderHelp:            "Questions about your order?",
	msgOrderSoldBy:          "Sold by %s.",
	msgOrderWriteTo:         "Write to",
	msgOrderWriteAfter:      "and give the order number %s.",
	msgOrderRefundPolicy:    "Refund policy",
	msgOrderKeepLink:        "Keep this page's link: it is how you find your order again.",
}

// translations are the catalog's other languages, by base language
// subtag ("fr"); a message missing from one reads in English. Issue 11
// adds them.
var translations = map[string]*[msgCount]string{}

// tr is message m in lang, with args put in as fmt.Sprintf does.
func tr(lang string, m msg, args ...any) string {
	text := english[m]
	if table := translations[baseLanguage(lang)]; table != nil && table[m] != "" {
		text = table[m]
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// baseLanguage is the language subtag of a BCP 47 tag, lower case: "pt"
// for "pt-BR".
func baseLanguage(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.ReplaceAll(lang, "_", "-")), "-")
	return base
}
