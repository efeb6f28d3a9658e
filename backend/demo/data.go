package demo

import "github.com/buycard/buycard"

// PublisherID is the demo publisher.
const PublisherID = "pub_dailyscroll"

const (
	merchantNorthwind = "mer_northwind"
	merchantNova      = "mer_ateliernova"
)

var merchants = []buycard.Merchant{
	{ID: merchantNorthwind, Name: "Northwind Goods", ChargesEnabled: true},
	// Not onboarded yet: its card shows the non-buyable state.
	{ID: merchantNova, Name: "Atelier Nova", ChargesEnabled: false},
}

// item is one demo product with its widget and feed placement.
type item struct {
	productID, merchant, widget, placement, image, cta string
	product                                            buycard.Product
}

func oneVariant(price int64, stock int) []buycard.Variant {
	return []buycard.Variant{{Name: "Standard", Price: price, Stock: stock}}
}

var (
	notebook = item{
		productID: "prd_notebook", merchant: merchantNorthwind, widget: "wgt_notebook", placement: "plc_feednotebook",
		image: "notebook.svg", cta: "Buy",
		product: buycard.Product{
			Title: "Leather field notebook", Currency: "USD", MaxPerOrder: 5, PriceVersion: 1,
			Description: "A5, 192 dot-grid pages, vegetable-tanned leather cover that ages with you.",
			Variants:    oneVariant(2400, 40),
		},
	}
	tee = item{
		productID: "prd_tee", merchant: merchantNorthwind, widget: "wgt_tee", placement: "plc_feedtee",
		image: "tee.svg", cta: "Buy",
		product: buycard.Product{
			Title: "Daily Scroll organic tee", Currency: "USD", MaxPerOrder: 4, PriceVersion: 1, OptionName: "Size",
			Description: "Heavyweight organic cotton, printed in small batches.",
			Variants: []buycard.Variant{
				{Name: "S", Price: 2800, Stock: 12}, {Name: "M", Price: 2800, Stock: 20},
				{Name: "L", Price: 2800, Stock: 3}, {Name: "XL", Price: 3200, Stock: 0},
			},
		},
	}
	matcha = item{
		productID: "prd_matcha", merchant: merchantNorthwind, widget: "wgt_matcha", placement: "plc_feedmatcha",
		image: "matcha.svg", cta: "Buy",
		product: buycard.Product{
			Title: "Uji matcha starter set", Currency: "JPY", MaxPerOrder: 3, PriceVersion: 1,
			Description: "Ceremonial-grade matcha, bamboo whisk and scoop, from a family farm in Uji.",
			Variants:    oneVariant(4800, 15),
		},
	}
	oud = item{
		productID: "prd_oud", merchant: merchantNorthwind, widget: "wgt_oud", placement: "plc_feedoud",
		image: "oud.svg", cta: "Buy",
		product: buycard.Product{
			Title: "Oud & amber eau de parfum", Currency: "KWD", MaxPerOrder: 2, PriceVersion: 1,
			Description: "50 ml. Smoky oud, amber and a trace of rose.",
			Variants:    oneVariant(12500, 10),
		},
	}
	riso = item{
		productID: "prd_print", merchant: merchantNorthwind, widget: "wgt_print", placement: "plc_feedprint",
		image: "print.svg", cta: "Buy",
		product: buycard.Product{
			Title: "Sunset risograph print (signed)", Currency: "USD", MaxPerOrder: 1, PriceVersion: 1,
			Description: "Edition of 50, A3, signed and numbered.",
			Variants:    oneVariant(6000, 0),
		},
	}
	mug = item{
		productID: "prd_mug", merchant: merchantNova, widget: "wgt_mug", placement: "plc_feedmug",
		image: "mug.svg", cta: "Buy",
		product: buycard.Product{
			Title: "Hand-thrown stoneware mug", Currency: "EUR", MaxPerOrder: 6, PriceVersion: 1,
			Description: "Wheel-thrown in Lisbon, glazed in terracotta.",
			Variants:    oneVariant(3400, 30),
		},
	}
	items = []item{notebook, tee, matcha, oud, riso, mug}
)
