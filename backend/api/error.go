package api

import (
	"errors"
	"html"
	"net/http"
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
	buycard.EUNAVAILABLE:  fiber.StatusServiceUnavailable,
	buycard.EINTERNAL:     fiber.StatusInternalServerError,
}

// unavailableRetryAfter is how many seconds a 503 asks clients to wait:
// a database restart or fail-over takes seconds.
const unavailableRetryAfter = "5"

// errUnsupportedMedia is the one status with no domain code of its own.
var errUnsupportedMedia = &fiber.Error{Code: fiber.StatusUnsupportedMediaType, Message: "Send the body as application/json."}

// handleError is the one place errors become responses: JSON
// {"error":{"code","message"}} for the API (isAPIRequest), a small HTML
// page elsewhere. Unexpected errors are logged with the request id and
// shown as "internal error"; an unreachable database is logged as a
// warning and answered 503 with Retry-After.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, code, message := s.classify(err)
	s.logError(c, code, err)
	s.setSecurityHeaders(c)
	c.Status(status)
	if code == buycard.EUNAVAILABLE {
		c.Set(fiber.HeaderRetryAfter, unavailableRetryAfter)
	}
	if isAPIRequest(c) {
		return c.JSON(buycard.NewErrorReply(code, message))
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString(`<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Buycard</title><p>` + html.EscapeString(message) + `</p>`)
}

// logError logs the errors an operator must hear of.
func (s *Server) logError(c *fiber.Ctx, code string, err error) {
	switch code {
	case buycard.EINTERNAL:
		s.Logger.Error("internal error", "id", c.Locals(requestid.ConfigDefault.ContextKey),
			"method", c.Method(), "path", c.Path(), "err", err)
	case buycard.EUNAVAILABLE:
		s.Logger.Warn("service unavailable", "id", c.Locals(requestid.ConfigDefault.ContextKey),
			"method", c.Method(), "path", c.Path(), "err", err)
	}
}

// isAPIRequest reports whether an error answers the JSON API: a path
// under /v1, in any case (Fiber routes /V1/cards to /v1/cards), or a
// request fasthttp could not read (markUnreadable), whose path is lost:
// no browser navigating to a page sends one.
func isAPIRequest(c *fiber.Ctx) bool {
	if c.Locals(localsUnreadable) != nil {
		return true
	}
	path := c.Path()
	if strings.EqualFold(path, "/oembed") {
		return true
	}
	return len(path) >= 3 && strings.EqualFold(path[:3], "/v1") && (len(path) == 3 || path[3] == '/')
}

// fiberErrors are what the errors of Fiber and fasthttp become, by
// status. Their own texts are not shown: fasthttp's quote the raw request
// back, headers included.
var fiberErrors = map[int]struct{ code, message string }{
	fiber.StatusBadRequest:                  {buycard.EINVALID, "The request is malformed."},
	fiber.StatusNotFound:                    {buycard.ENOTFOUND, "Not found."},
	fiber.StatusMethodNotAllowed:            {buycard.EINVALID, "Method not allowed."},
	fiber.StatusRequestTimeout:              {buycard.EINVALID, "The request took too long to arrive."},
	fiber.StatusRequestEntityTooLarge:       {buycard.EINVALID, "The request body is too large."},
	fiber.StatusRequestHeaderFieldsTooLarge: {buycard.EINVALID, "The request headers are too large."},
}

// classify turns an error into status, code and shopper-safe message.
func (s *Server) classify(err error) (status int, code, message string) {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		return classifyFiber(fe)
	}
	code = buycard.ErrorCode(err)
	return statuses[code], code, buycard.ErrorMessage(err)
}

// classifyFiber classifies a *fiber.Error: Fiber's and fasthttp's own
// (fiberErrors), and our 415s, whose message is ours to show.
func classifyFiber(fe *fiber.Error) (status int, code, message string) {
	switch e, known := fiberErrors[fe.Code]; {
	case known:
		return fe.Code, e.code, e.message
	case fe.Code == fiber.StatusUnsupportedMediaType:
		return fe.Code, buycard.EINVALID, fe.Message
	case fe.Code < 500:
		return fe.Code, buycard.EINVALID, http.StatusText(fe.Code) + "."
	}
	return fiber.StatusInternalServerError, buycard.EINTERNAL, "internal error"
}
