package api_test

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/buycard/buycard"
)

// googleFeed is a Google Merchant Center feed as a reader parses it: the
// g: fields in their namespace.
type googleFeed struct {
	XMLName xml.Name `xml:"rss"`
	Version string   `xml:"version,attr"`
	Channel struct {
		Title       string       `xml:"title"`
		Link        string       `xml:"link"`
		Description string       `xml:"description"`
		Items       []googleItem `xml:"item"`
	} `xml:"channel"`
}

type googleItem struct {
	ID               string `xml:"http://base.google.com/ns/1.0 id"`
	Title            string `xml:"http://base.google.com/ns/1.0 title"`
	Description      string `xml:"http://base.google.com/ns/1.0 description"`
	Link             string `xml:"http://base.google.com/ns/1.0 link"`
	ImageLink        string `xml:"http://base.google.com/ns/1.0 image_link"`
	Availability     string `xml:"http://base.google.com/ns/1.0 availability"`
	Price            string `xml:"http://base.google.com/ns/1.0 price"`
	Condition        string `xml:"http://base.google.com/ns/1.0 condition"`
	Brand            string `xml:"http://base.google.com/ns/1.0 brand"`
	GTIN             string `xml:"http://base.google.com/ns/1.0 gtin"`
	MPN              string `xml:"http://base.google.com/ns/1.0 mpn"`
	IdentifierExists string `xml:"http://base.google.com/ns/1.0 identifier_exists"`
	ItemGroupID      string `xml:"http://base.google.com/ns/1.0 item_group_id"`
	Shipping         []struct {
		Country string `xml:"http://base.google.com/ns/1.0 country"`
		Service string `xml:"http://base.google.com/ns/1.0 service"`
		Price   string `xml:"http://base.google.com/ns/1.0 price"`
	} `xml:"http://base.google.com/ns/1.0 shipping"`
}

// The specifications' formats: Google Merchant Center's product data
// specification and Meta's catalog fields.
var (
	feedPricePattern    = regexp.MustCompile(`^[0-9]+(\.[0-9]+)? [A-Z]{3}$`)
	feedURLPattern      = regexp.MustCompile(`^https?://[^\s]+$`)
	googleAvailability  = []string{"in_stock", "out_of_stock", "preorder", "backorder"}
	metaAvailability    = []string{"in stock", "out of stock", "preorder", "available for order", "discontinued"}
	feedConditions      = []string{"new", "refurbished", "used"}
	metaRequiredColumns = []string{"id", "title", "description", "availability", "condition", "price", "link", "image_link", "brand"}
)

// checkGoogleItem checks every field Google requires of an item.
func checkGoogleItem(t *testing.T, it googleItem) {
	t.Helper()
	for name, v := range map[string]string{"id": it.ID, "title": it.Title, "description": it.Description, "link": it.Link,
		"image_link": it.ImageLink, "availability": it.Availability, "price": it.Price, "condition": it.Condition} {
		if v == "" {
			t.Errorf("item %s: no %s", it.ID, name)
		}
	}
	switch {
	case utf8.RuneCountInString(it.ID) > 50 || utf8.RuneCountInString(it.Title) > 150 || utf8.RuneCountInString(it.Description) > 5000:
		t.Errorf("item %s: id, title or description too long", it.ID)
	case !feedURLPattern.MatchString(it.Link) || !feedURLPattern.MatchString(it.ImageLink) || strings.HasSuffix(it.ImageLink, ".svg"):
		t.Errorf("item %s: link %q, image_link %q", it.ID, it.Link, it.ImageLink)
	case !slices.Contains(googleAvailability, it.Availability) || !slices.Contains(feedConditions, it.Condition):
		t.Errorf("item %s: availability %q, condition %q", it.ID, it.Availability, it.Condition)
	case !feedPricePattern.MatchString(it.Price):
		t.Errorf("item %s: price %q", it.ID, it.Price)
	case it.Brand == "" || (it.GTIN == "" && it.MPN == "" && it.IdentifierExists != "no"):
		t.Errorf("item %s: brand %q, no gtin or mpn and identifier_exists %q", it.ID, it.Brand, it.IdentifierExists)
	}
	for _, s := range it.Shipping {
		if len(s.Country) != 2 || !feedPricePattern.MatchString(s.Price) {
			t.Errorf("item %s: shipping %+v", it.ID, s)
		}
	}
}

// checkMetaRow checks every field Meta requires of a catalog row.
func checkMetaRow(t *testing.T, row map[string]string) {
	t.Helper()
	for _, col := range metaRequiredColumns {
		if row[col] == "" {
			t.Errorf("row %s: no %s", row["id"], col)
		}
	}
	switch {
	case utf8.RuneCountInString(row["id"]) > 100 || utf8.RuneCountInString(row["title"]) > 200 || utf8.RuneCountInString(row["description"]) > 9999:
		t.Errorf("row %s: id, title or description too long", row["id"])
	case !slices.Contains(metaAvailability, row["availability"]) || !slices.Contains(feedConditions, row["condition"]):
		t.Errorf("row %s: availability %q, condition %q", row["id"], row["availability"], row["condition"])
	case !feedPricePattern.MatchString(row["price"]) || !feedURLPattern.MatchString(row["link"]) || !feedURLPattern.MatchString(row["image_link"]):
		t.Errorf("row %s: price %q, link %q, image_link %q", row["id"], row["price"], row["link"], row["image_link"])
	}
}

func (ts *testServer) googleFeed(t *testing.T, path string) googleFeed {
	t.Helper()
	resp, body := ts.do(t, "GET", path, "", "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/rss+xml; charset=utf-8" {
		t.Fatalf("GET %s = %d %q: %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	var f googleFeed
	must(t, xml.Unmarshal([]byte(body), &f))
	if f.Version != "2.0" || f.Channel.Title == "" || f.Channel.Link == "" || f.Channel.Description == "" {
		t.Errorf("feed head: version %q, channel %q %q %q", f.Version, f.Channel.Title, f.Channel.Link, f.Channel.Description)
	}
	for _, it := range f.Channel.Items {
		checkGoogleItem(t, it)
	}
	return f
}

func (ts *testServer) metaFeed(t *testing.T, path string) []map[string]string {
	t.Helper()
	resp, body := ts.do(t, "GET", path, "", "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("GET %s = %d %q: %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	must(t, err)
	for _, col := range metaRequiredColumns {
		if !slices.Contains(records[0], col) {
			t.Errorf("no column %s in %q", col, records[0])
		}
	}
	var rows []map[string]string
	for _, rec := range records[1:] {
		row := map[string]string{}
		for i, col := range records[0] {
			row[col] = rec[i]
		}
		checkMetaRow(t, row)
		rows = append(rows, row)
	}
	return rows
}

// TestProductFeeds reads a merchant's catalog as Google Merchant Center
// and Meta do: one item per variant of each product it sells through a
// widget open to publishers, every required field there and well formed;
// a placement's feed holds its widget with links that credit it.
func TestProductFeeds(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	db := ts.sql(t)
	for _, stmt := range []string{
		`UPDATE products SET kind = 'physical' WHERE id = 'prd_notebook'`,
		`UPDATE widgets SET closed_to_publishers = 1 WHERE id = 'wgt_oud'`,
		`UPDATE products SET archived_at = created_at WHERE id = 'prd_matcha'`,
	} {
		_, err := db.ExecContext(t.Context(), stmt)
		must(t, err)
	}
	sellerRows(t, ts, "mer_northwind", 4) // ships to the US for $4.00
	settings := buycard.NewMerchantSettings("mer_northwind")
	settings.BusinessName = "Northwind Goods Ltd"
	must(t, ts.db.SaveMerchantSettings(t.Context(), settings))

	google := ts.googleFeed(t, "/feeds/mer_northwind/google.xml")
	var got []string
	for _, it := range google.Channel.Items {
		got = append(got, fmt.Sprintf("%s %s %s %s %s %s", it.ID, it.ItemGroupID, it.Price, it.Availability, it.Brand, it.Link))
	}
	want := []string{
		"prd_notebook  24.00 USD in_stock Northwind Goods Ltd " + publicURL + "/p/wgt_notebook",
	}
	for i, size := range []string{"S", "M", "L", "XL"} {
		v := ts.variant(t, "wgt_tee", i)
		availability, price := "in_stock", "28.00 USD"
		if size == "XL" {
			availability, price = "out_of_stock", "32.00 USD"
		}
		want = append(want, v.ID+" prd_tee "+price+" "+availability+" Northwind Goods Ltd "+publicURL+"/p/wgt_tee")
	}
	want = append(want, "prd_print  60.00 USD out_of_stock Northwind Goods Ltd "+publicURL+"/p/wgt_print")
	if !slices.Equal(got, want) {
		t.Errorf("google items:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	notebook := google.Channel.Items[0]
	if len(notebook.Shipping) != 1 || notebook.Shipping[0].Country != "US" || notebook.Shipping[0].Price != "4.00 USD" ||
		len(google.Channel.Items[1].Shipping) != 0 {
		t.Errorf("shipping: notebook %+v, tee %+v", notebook.Shipping, google.Channel.Items[1].Shipping)
	}
	if notebook.ImageLink != publicURL+"/web/demo/notebook.svg.png" || google.Channel.Items[1].Title != "Daily Scroll organic tee – S" {
		t.Errorf("image_link %q, variant title %q", notebook.ImageLink, google.Channel.Items[1].Title)
	}
	if resp, _ := ts.do(t, "GET", strings.TrimPrefix(notebook.ImageLink, publicURL), "", ""); resp.StatusCode != 200 ||
		resp.Header.Get("Content-Type") != "image/png" {
		t.Errorf("image_link = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	meta := ts.metaFeed(t, "/feeds/mer_northwind/meta.csv")
	if len(meta) != len(google.Channel.Items) {
		t.Fatalf("meta has %d rows, google %d items", len(meta), len(google.Channel.Items))
	}
	for i, row := range meta {
		g := google.Channel.Items[i]
		if row["id"] != g.ID || row["item_group_id"] != g.ItemGroupID || row["price"] != g.Price || row["link"] != g.Link ||
			row["availability"] != strings.ReplaceAll(g.Availability, "_", " ") {
			t.Errorf("meta row %v, google item %+v", row, g)
		}
	}

	placed := ts.googleFeed(t, "/feeds/plc_feedoud/google.xml")
	if len(placed.Channel.Items) != 1 || placed.Channel.Items[0].Link != publicURL+"/p/wgt_oud?pl=plc_feedoud" ||
		placed.Channel.Items[0].Price != "12.500 KWD" {
		t.Errorf("placement feed = %+v", placed.Channel.Items)
	}
	if rows := ts.metaFeed(t, "/feeds/plc_feedtee/meta.csv"); len(rows) != 4 || rows[0]["link"] != publicURL+"/p/wgt_tee?pl=plc_feedtee" {
		t.Errorf("placement feed = %v", rows)
	}
	if f := ts.googleFeed(t, "/feeds/mer_ateliernova/google.xml"); len(f.Channel.Items) != 0 {
		t.Errorf("a merchant that cannot take payments lists %d items", len(f.Channel.Items))
	}
	for _, path := range []string{"/feeds/mer_nope/google.xml", "/feeds/wgt_notebook/meta.csv", "/feeds/plc_nope/google.xml",
		"/feeds/pub_dailyscroll/meta.csv", "/feeds/mer_northwind/bing.xml"} {
		if resp, body := ts.do(t, "GET", path, "", ""); resp.StatusCode != 404 {
			t.Errorf("GET %s = %d %s, want 404", path, resp.StatusCode, body)
		}
	}
}

// TestMerchantTextInFeeds stores each hostile string as the product's
// title and description and the merchant's names: both feeds still parse,
// with the text whole (XML holds no control characters: encoding/xml
// writes U+FFFD for them).
func TestMerchantTextInFeeds(t *testing.T) {
	t.Parallel()
	for i, text := range markupBreakers {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t)
			for _, stmt := range []string{
				`UPDATE merchants SET name = ?1 WHERE id = 'mer_northwind'`,
				`UPDATE products SET title = ?1, description = ?1 WHERE id = 'prd_notebook'`,
			} {
				_, err := ts.sql(t).ExecContext(t.Context(), stmt, text)
				must(t, err)
			}
			g := ts.googleFeed(t, "/feeds/mer_northwind/google.xml").Channel.Items[0]
			inXML := strings.Map(func(r rune) rune {
				if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
					return '\uFFFD'
				}
				return r
			}, text)
			if g.Title != inXML || g.Description != inXML || g.Brand != inXML {
				t.Errorf("google item %+v, want text %q", g, inXML)
			}
			if m := ts.metaFeed(t, "/feeds/mer_northwind/meta.csv")[0]; m["title"] != text || m["brand"] != text {
				t.Errorf("meta row %v, want text %q", m, text)
			}
		})
	}
}

// TestFeedsAndOEmbedReuseTheirResponse: feeds and oEmbed replies are
// public and cost several reads to build, so readers within the response
// cache's few seconds share one build. A product renamed in the database
// shows once the built responses are older than that.
func TestFeedsAndOEmbedReuseTheirResponse(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	titles := func() []string {
		var r oEmbedReply
		_, body := ts.do(t, "GET", oEmbedPath(publicURL+"/p/wgt_notebook", ""), "", "")
		must(t, json.Unmarshal([]byte(body), &r))
		return []string{ts.googleFeed(t, "/feeds/mer_northwind/google.xml").Channel.Items[0].Title,
			ts.metaFeed(t, "/feeds/plc_feednotebook/meta.csv")[0]["title"], r.Title}
	}
	before := titles()
	_, err := ts.sql(t).ExecContext(t.Context(), `UPDATE products SET title = 'Renamed notebook' WHERE id = 'prd_notebook'`)
	must(t, err)
	if got := titles(); !slices.Equal(got, before) {
		t.Errorf("within the cache's TTL the titles are %q, want the built ones %q", got, before)
	}
	ts.now = ts.now.Add(6 * time.Second)
	if got, want := titles(), []string{"Renamed notebook", "Renamed notebook", "Renamed notebook"}; !slices.Equal(got, want) {
		t.Errorf("after the cache's TTL the titles are %q, want %q", got, want)
	}
}
