package api

import (
	"errors"
	"html"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"github.com/buycard/buycard"
)

// statuses maps each error code to its HTTP status.
var statuses = map[string]int{
	buycard.EINVALID:      fiber.StatusBadRequest,
	buycard.ENOTFOUND:     fiber.StatusNotFound,
	buycard.ECONFLICT:     fiber.StatusConflict,
	buycard.EUNAUTHORIZED: fiber.StatusUnauthorized,
	buycard.EFORBIDDEN:    fiber.StatusForbidden,
	buycard.EPAYMENT:      fiber.StatusPaymentRequired,
	buycard.ERATELIMIT:    fiber.StatusTooManyRequests,
	buycard.EINTERNAL:     fiber.StatusInternalServerError,
}

// errUnsupportedMedia is the one status with no domain code of its own.
var errUnsupportedMedia = &fiber.Error{Code: fiber.StatusUnsupportedMediaType, Message: "Send the body as application/json."}

// handleError is the one place errors become responses: JSON
// {"error":{"code","message"}} under /v1, a small HTML page elsewhere.
// Unexpected errors are logged with the request id and shown as
// "internal error".
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, code, message := s.classify(err)
	if code == buycard.EINTERNAL {
		s.Logger.Error("internal error",
			"id", c.Locals(requestid.ConfigDefault.ContextKey),
			"method", c.Method(), "path", c.Path(), "err", err)
	}
	c.Status(status)
	if strings.HasPrefix(c.Path(), "/v1/") {
		return c.JSON(buycard.NewErrorReply(code, message))
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString(`<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Buycard</title><p>` + html.EscapeString(message) + `</p>`)
}

// classify turns an error into status, code and shopper-safe message.
func (s *Server) classify(err error) (status int, code, message string) {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		switch fe.Code {
		case fiber.StatusUnsupportedMediaType:
			return fe.Code, buycard.EINVALID, fe.Message
		case fiber.StatusRequestEntityTooLarge:
			return fe.Code, buycard.EINVALID, "The request body is too large."
		case fiber.StatusNotFound:
			return fe.Code, buycard.ENOTFOUND, "Not found."
		case fiber.StatusMethodNotAllowed:
			return fe.Code, buycard.EINVALID, "Method not allowed."
		}
		if fe.Code < 500 {
			return fe.Code, buycard.EINVALID, fe.Message
		}
		return fiber.StatusInternalServerError, buycard.EINTERNAL, "internal error"
	}
	code = buycard.ErrorCode(err)
	return statuses[code], code, buycard.ErrorMessage(err)
}
