package api

import (
	"errors"
	"io"
	"mime"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/blob"
)

// What a digital product delivers (delivery.go at the root), for its
// merchant: files under /v1/products/{id}/files, uploaded as the
// multipart field "file" and stored by Services.Files (backend/blob:
// content-addressed, size-capped, type-sniffed), and a license key pool
// under /v1/products/{id}/license-keys, uploaded as a CSV of one key per
// row. A file upload's body limit is raised, before any of it is read,
// only for the product's own merchant (deliveryUploadLimit); anyone
// else's upload is refused from its Content-Length.

// deliveryRoutes registers the delivery routes, which need Auth; the
// file routes answer 404 without Files.
func (s *Server) deliveryRoutes(v1 fiber.Router) {
	if s.Deliveries == nil || s.Auth == nil {
		return
	}
	merchant := func(h fiber.Handler) []fiber.Handler {
		return []fiber.Handler{s.authenticate, s.requireMerchant, h}
	}
	v1.Get("/products/:id/files", merchant(s.getDeliveryFiles)...)
	v1.Post("/products/:id/files", merchant(s.postDeliveryFile)...)
	v1.Delete("/products/:id/files/:file", merchant(s.deleteDeliveryFile)...)
	v1.Get("/products/:id/license-keys", merchant(s.getLicenseKeys)...)
	v1.Post("/products/:id/license-keys", merchant(s.postLicenseKeys)...)
}

// ownFilesProduct is the caller's product of :id, when files are stored.
func (s *Server) ownFilesProduct(c *fiber.Ctx) (*buycard.Product, error) {
	if s.Files == nil {
		return nil, buycard.Errorf(buycard.ENOTFOUND, "No such API endpoint: %s %s.", c.Method(), c.Path())
	}
	return s.ownProduct(c)
}

// maxFileBytes is the size cap of a delivered file.
func (s *Server) maxFileBytes() int64 {
	if s.MaxFileBytes > 0 {
		return s.MaxFileBytes
	}
	return blob.DefaultMaxBytes
}

// bodyLimits is fasthttp's HeaderReceived hook: a delivered file's upload
// by its merchant gets the file cap (and room for the multipart
// envelope), a license key CSV the CSV cap; the rest is uploadBodyLimit's.
func (s *Server) bodyLimits(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	path, _, _ := strings.Cut(string(h.RequestURI()), "?")
	productID, what, ok := deliveryUploadPath(path)
	if !ok || string(h.Method()) != fiber.MethodPost {
		return s.uploadBodyLimit(h)
	}
	if s.Files == nil && what == "files" || !s.mayUpload(h, productID) {
		return fasthttp.RequestConfig{}
	}
	limit := int64(buycard.MaxLicenseKeysCSVBytes)
	if what == "files" {
		limit = s.maxFileBytes()
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: int(limit + 64<<10)}
}

// deliveryUploadPath is the product id of /v1/products/{id}/files or
// /v1/products/{id}/license-keys, and which one.
func deliveryUploadPath(path string) (id, what string, ok bool) {
	rest, ok := strings.CutPrefix(path, "/v1/products/")
	if !ok {
		return "", "", false
	}
	id, tail, _ := strings.Cut(rest, "/")
	what = strings.TrimSuffix(tail, "/")
	return id, what, id != "" && (what == "files" || what == "license-keys")
}

// ownDigitalProduct is the caller's product of :id.
func (s *Server) ownDigitalProduct(c *fiber.Ctx) (*buycard.Product, error) {
	p, err := s.ownProduct(c)
	if err != nil {
		return nil, err
	}
	if p.Kind != buycard.ProductDigital {
		return nil, buycard.Errorf(buycard.ECONFLICT, "Only a digital product delivers files or license keys.")
	}
	return p, nil
}

// getDeliveryFiles serves GET /v1/products/{id}/files.
func (s *Server) getDeliveryFiles(c *fiber.Ctx) error {
	p, err := s.ownFilesProduct(c)
	if err != nil {
		return err
	}
	files, err := s.Deliveries.DeliveryFiles(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"files": nonNilList(files)})
}

// postDeliveryFile serves POST /v1/products/{id}/files: the multipart
// field "file", streamed to Files, which sniffs and caps it; its name is
// the part's file name. It answers 201 with the stored file.
func (s *Server) postDeliveryFile(c *fiber.Ctx) error {
	df, err := s.addDeliveryFile(c)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(df)
}

// addDeliveryFile stores the upload as a file of the caller's digital
// product of the route; the console's file form runs it too.
func (s *Server) addDeliveryFile(c *fiber.Ctx) (*buycard.DeliveryFile, error) {
	if _, err := s.ownFilesProduct(c); err != nil {
		return nil, err
	}
	p, err := s.ownDigitalProduct(c)
	if err != nil {
		return nil, err
	}
	if err := s.mayTakeFile(c, p.ID); err != nil {
		return nil, err
	}
	if mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); err != nil || mt != fiber.MIMEMultipartForm {
		return nil, &fiber.Error{Code: fiber.StatusUnsupportedMediaType, Message: `Send the file as the multipart/form-data field "file".`}
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, buycard.Errorf(buycard.EINVALID, `Send the file in the form field "file".`)
	}
	if fh.Size > s.maxFileBytes() {
		return nil, buycard.Errorf(buycard.EINVALID, "The file is over %d MB.", s.maxFileBytes()>>20)
	}
	df := &buycard.DeliveryFile{ProductID: p.ID, Name: fh.Filename, CreatedAt: s.Now()}
	// Check the name before anything is stored.
	df.SHA256, df.Size, df.ContentType = strings.Repeat("0", 64), 1, "application/octet-stream"
	if err := df.Validate(); err != nil {
		return nil, err
	}
	file, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer file.Close()
	stored, err := s.Files.Put(c.UserContext(), df.Name, file)
	if err != nil {
		return nil, err
	}
	df.SHA256, df.Size, df.ContentType = stored.SHA256, stored.Size, stored.ContentType
	// On an error the content stays: another product may name it, and
	// the checks of mayTakeFile made this a race with the merchant's own
	// other request.
	return df, s.Deliveries.AddDeliveryFile(c.UserContext(), df)
}

// mayTakeFile refuses, before the upload is stored, what
// AddDeliveryFile would: a product with license keys or with its most
// files already.
func (s *Server) mayTakeFile(c *fiber.Ctx, productID string) error {
	counts, err := s.Deliveries.LicenseKeyCounts(c.UserContext(), productID)
	if err != nil {
		return err
	}
	if counts.Free+counts.Assigned > 0 {
		return buycard.Errorf(buycard.ECONFLICT, "This product delivers license keys: a product delivers files or license keys, not both.")
	}
	files, err := s.Deliveries.DeliveryFiles(c.UserContext(), productID)
	if err != nil {
		return err
	}
	if len(files) >= buycard.MaxDeliveryFiles {
		return buycard.Errorf(buycard.ECONFLICT, "The product has %d files, the most it can have: delete one first.", len(files))
	}
	return nil
}

// deleteDeliveryFile serves DELETE /v1/products/{id}/files/{file}; the
// content goes too when no other product names it.
func (s *Server) deleteDeliveryFile(c *fiber.Ctx) error {
	if _, err := s.removeDeliveryFile(c); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// removeDeliveryFile deletes the route's file of the caller's product
// and returns it; the console's Delete button runs it too.
func (s *Server) removeDeliveryFile(c *fiber.Ctx) (*buycard.DeliveryFile, error) {
	p, err := s.ownFilesProduct(c)
	if err != nil {
		return nil, err
	}
	f, referenced, err := s.Deliveries.DeleteDeliveryFile(c.UserContext(), p.ID, c.Params("file"))
	if err != nil {
		return nil, err
	}
	if !referenced {
		if err := s.Files.Delete(c.UserContext(), f.SHA256); err != nil {
			s.Logger.Warn("delivery file not removed", "sha256", f.SHA256, "err", err)
		}
	}
	return f, nil
}

// getLicenseKeys serves GET /v1/products/{id}/license-keys: how many keys
// are free and assigned (never the keys).
func (s *Server) getLicenseKeys(c *fiber.Ctx) error {
	p, err := s.ownProduct(c)
	if err != nil {
		return err
	}
	counts, err := s.Deliveries.LicenseKeyCounts(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	return c.JSON(counts)
}

// licenseKeysReply answers an upload of keys.
type licenseKeysReply struct {
	Added int `json:"added"`
	buycard.LicenseKeyCounts
}

// postLicenseKeys serves POST /v1/products/{id}/license-keys: a CSV of
// keys as the body (text/csv or text/plain) or the multipart field
// "file". Bad rows answer 400 with each row's line and nothing is added.
func (s *Server) postLicenseKeys(c *fiber.Ctx) error {
	reply, err := s.addLicenseKeys(c)
	var rows *buycard.LicenseKeysError
	if errors.As(err, &rows) {
		errReply := buycard.NewErrorReply(buycard.EINVALID, buycard.ErrorMessage(err))
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": errReply.Error, "rows": rows.Rows})
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(reply)
}

// addLicenseKeys adds the uploaded keys to the pool of the caller's
// digital product of the route; the console's keys form runs it too. A
// row that is not a key is a *buycard.LicenseKeysError, and adds none.
func (s *Server) addLicenseKeys(c *fiber.Ctx) (*licenseKeysReply, error) {
	p, err := s.ownDigitalProduct(c)
	if err != nil {
		return nil, err
	}
	r, err := licenseKeysBody(c)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	keys, err := buycard.ParseLicenseKeys(r)
	if err != nil {
		return nil, err
	}
	added, err := s.Deliveries.AddLicenseKeys(c.UserContext(), p.ID, keys)
	if err != nil {
		return nil, err
	}
	counts, err := s.Deliveries.LicenseKeyCounts(c.UserContext(), p.ID)
	if err != nil {
		return nil, err
	}
	return &licenseKeysReply{Added: added, LicenseKeyCounts: counts}, nil
}

// licenseKeysBody is the CSV of an upload of keys.
func licenseKeysBody(c *fiber.Ctx) (io.ReadCloser, error) {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	switch {
	case err != nil:
	case mt == fiber.MIMEMultipartForm:
		fh, err := c.FormFile("file")
		if err != nil {
			return nil, buycard.Errorf(buycard.EINVALID, `Send the CSV in the form field "file".`)
		}
		return fh.Open()
	case mt == "text/csv" || mt == fiber.MIMETextPlain:
		return io.NopCloser(strings.NewReader(string(c.Body()))), nil
	}
	return nil, &fiber.Error{Code: fiber.StatusUnsupportedMediaType, Message: `Send the keys as a text/csv body or the multipart/form-data field "file".`}
}
