package buycard

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// What a digital product delivers (issue 14): either files the merchant
// uploaded, stored content-addressed (backend/blob) and named here by
// their SHA-256, or a pool of license keys, one taken per unit paid for.
// A product has one or the other, never both. Assigning them to a paid
// order is the payment's (AssignLicenseKey runs in its transaction).

// DeliveryKind is what a digital product delivers.
type DeliveryKind string

const (
	// DeliveryNone is a product with nothing to deliver yet.
	DeliveryNone DeliveryKind = ""
	// DeliveryFiles is a download of each of the product's files.
	DeliveryFiles DeliveryKind = "files"
	// DeliveryLicenseKeys is one license key per unit.
	DeliveryLicenseKeys DeliveryKind = "license_keys"
)

// Limits of a product's delivery.
const (
	MaxDeliveryFiles       = 20     // files per product
	MaxLicenseKeyLength    = 200    // characters of one key
	MaxLicenseKeysUpload   = 10_000 // keys in one CSV upload
	MaxLicenseKeysCSVBytes = 2 << 20
)

// After the payment the shopper's order page (a link signed for
// OrderPageTTL) lists the order's files, each with a download link
// signed for DownloadLinkTTL: every visit to the page issues fresh ones.
// Each file of an order can be downloaded MaxDownloads times, counted
// atomically by the store, so that a link shared widely stops working.
const (
	OrderPageTTL    = 365 * 24 * time.Hour
	DownloadLinkTTL = 24 * time.Hour
	MaxDownloads    = 10
)

// ErrDownloadsUsedUp answers a download over MaxDownloads.
var ErrDownloadsUsedUp = Errorf(ECONFLICT, "This file has been downloaded %d times, the most an order allows. Write to the seller.", MaxDownloads)

// OrderDownload is a file a paid order delivers and how many times the
// order downloaded it.
type OrderDownload struct {
	DeliveryFile
	Downloads int `json:"downloads"`
}

// Left is how many more times the order may download the file.
func (d *OrderDownload) Left() int { return max(0, MaxDownloads-d.Downloads) }

// Delivers reports whether o delivers its files and keys: it is paid and
// not refunded or lost in a dispute in full.
func (o *Order) Delivers() bool {
	return o.Status == OrderPaid && o.Reversed() < o.Total.Amount
}

// The text of a delivery.
var (
	DeliveryFileNameText = TextField{Name: "The file name", MaxLength: 200}
	LicenseKeyText       = TextField{Name: "A license key", MaxLength: MaxLicenseKeyLength}
)

// DeliveryFile is one file a digital product delivers.
type DeliveryFile struct {
	ID          string    `json:"id"`
	ProductID   string    `json:"product_id"`
	Name        string    `json:"name"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	CreatedAt   time.Time `json:"created_at"`
}

// Validate checks f's fields: a name, a content key, a size.
func (f *DeliveryFile) Validate() error {
	f.Name = strings.TrimSpace(f.Name)
	switch {
	case f.Name == "":
		return Errorf(EINVALID, "The file needs a name.")
	case strings.ContainsAny(f.Name, `/\`):
		return Errorf(EINVALID, "The file name must not contain / or \\.")
	case len(f.SHA256) != 64 || strings.Trim(f.SHA256, "0123456789abcdef") != "":
		return Errorf(EINVALID, "The file's SHA-256 must be 64 lower-case hex digits.")
	case f.Size <= 0:
		return Errorf(EINVALID, "The file is empty.")
	case f.ContentType == "" || len(f.ContentType) > 100:
		return Errorf(EINVALID, "The file needs a content type.")
	}
	return DeliveryFileNameText.Check(f.Name)
}

// LicenseKey is one key of a product's pool; OrderID is the order it was
// assigned to, "" while it is free.
type LicenseKey struct {
	ID         string     `json:"id"`
	ProductID  string     `json:"product_id"`
	Key        string     `json:"key"`
	OrderID    string     `json:"order_id,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	AssignedAt *time.Time `json:"assigned_at,omitempty"`
}

// LicenseKeyCounts are how many keys of a pool are free and assigned.
type LicenseKeyCounts struct {
	Free     int `json:"free"`
	Assigned int `json:"assigned"`
}

// ErrLicenseKeysSoldOut answers an assignment from an empty pool.
var ErrLicenseKeysSoldOut = Errorf(ECONFLICT, "This product is sold out: it has no license keys left.")

// LicenseKeyRowError is a bad row of a license key CSV.
type LicenseKeyRowError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// LicenseKeysError is every bad row of a license key CSV; its code is
// EINVALID.
type LicenseKeysError struct {
	Rows []LicenseKeyRowError
}

func (e *LicenseKeysError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d rows of the license key file are not keys:", len(e.Rows))
	for i, r := range e.Rows {
		if i == 10 {
			fmt.Fprintf(&b, " and %d more.", len(e.Rows)-10)
			break
		}
		fmt.Fprintf(&b, " line %d: %s", r.Line, r.Message)
	}
	return b.String()
}

// Unwrap makes the error read as EINVALID with its message.
func (e *LicenseKeysError) Unwrap() error { return Errorf(EINVALID, "%s", e.Error()) }

// ParseLicenseKeys reads a CSV of license keys, one per row in its first
// and only column: each trimmed, empty rows skipped, repeats kept once,
// in the order of the file. Every bad row (more than one column, a key
// too long or with control characters) is reported with its line, in a
// *LicenseKeysError, and then no key is returned.
func ParseLicenseKeys(r io.Reader) ([]string, error) {
	cr := csv.NewReader(io.LimitReader(r, MaxLicenseKeysCSVBytes+1))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var (
		keys []string
		seen = make(map[string]bool)
		bad  []LicenseKeyRowError
	)
	for {
		record, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			bad = append(bad, LicenseKeyRowError{Line: perr.Line, Message: perr.Err.Error()})
			continue
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		key := strings.TrimSpace(record[0])
		switch {
		case len(record) > 1 && strings.Join(record[1:], "") != "":
			bad = append(bad, LicenseKeyRowError{Line: line, Message: "one key per row, in one column"})
		case key == "":
		case LicenseKeyText.Check(key) != nil:
			bad = append(bad, LicenseKeyRowError{Line: line, Message: ErrorMessage(LicenseKeyText.Check(key))})
		case !seen[key]:
			seen[key] = true
			keys = append(keys, key)
		}
		if len(keys) > MaxLicenseKeysUpload {
			return nil, Errorf(EINVALID, "Upload at most %d license keys at a time.", MaxLicenseKeysUpload)
		}
	}
	if len(bad) > 0 {
		return nil, &LicenseKeysError{Rows: bad}
	}
	if len(keys) == 0 {
		return nil, Errorf(EINVALID, "The file has no license keys.")
	}
	return keys, nil
}

// DeliveryService stores what digital products deliver.
type DeliveryService interface {
	// AddDeliveryFile validates and stores f for its product, setting
	// ID and CreatedAt. Errors: EINVALID, ENOTFOUND (the product),
	// ECONFLICT (not a digital product, a product with license keys, or
	// MaxDeliveryFiles already).
	AddDeliveryFile(ctx context.Context, f *DeliveryFile) error
	// DeliveryFiles returns the product's files, oldest first.
	DeliveryFiles(ctx context.Context, productID string) ([]*DeliveryFile, error)
	// DeleteDeliveryFile removes the product's file id and returns it,
	// with whether any product still names its content (else the
	// caller may remove the content). Errors: ENOTFOUND.
	DeleteDeliveryFile(ctx context.Context, productID, id string) (f *DeliveryFile, referenced bool, err error)
	// AddLicenseKeys adds keys to the product's pool in one transaction,
	// skipping those the pool has already, and returns how many it
	// added. Errors: EINVALID (a bad key: nothing is added), ENOTFOUND,
	// ECONFLICT (not a digital product, or a product with files).
	AddLicenseKeys(ctx context.Context, productID string, keys []string) (int, error)
	// LicenseKeyCounts counts the product's free and assigned keys.
	LicenseKeyCounts(ctx context.Context, productID string) (LicenseKeyCounts, error)
	// AssignLicenseKey takes one free key of the product for orderID,
	// atomically: concurrent calls get distinct keys. Errors:
	// ErrLicenseKeysSoldOut, ENOTFOUND (the order).
	AssignLicenseKey(ctx context.Context, productID, orderID string) (*LicenseKey, error)
	// OrderLicenseKeys returns the keys assigned to the order.
	OrderLicenseKeys(ctx context.Context, orderID string) ([]*LicenseKey, error)

	// OrderDownloads returns the files of the order's product with how
	// many times the order downloaded each, oldest first; none when the
	// order does not deliver (Order.Delivers). Errors: ENOTFOUND.
	OrderDownloads(ctx context.Context, orderID string) ([]*OrderDownload, error)
	// RecordDownload counts one download of the file by the order,
	// atomically within MaxDownloads, and returns the file. Errors:
	// ENOTFOUND (the order, or a file that is not its product's),
	// ECONFLICT (the order does not deliver), ErrDownloadsUsedUp.
	RecordDownload(ctx context.Context, orderID, fileID string) (*DeliveryFile, error)
}
