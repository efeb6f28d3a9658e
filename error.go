// Package buycard holds Buycard's domain: the nouns (merchants, products,
// widgets, publishers, placements, orders, money), the service interfaces the
// adapters implement, one error type with codes, and placement tokens.
//
// It imports the standard library only, because it is compiled into the
// client WASM as well as the server.
package buycard

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in backend/api.
const (
	EINVALID      = "invalid"      // bad input from the caller
	ENOTFOUND     = "not_found"    // the named thing does not exist
	ECONFLICT     = "conflict"     // the state forbids it (sold out, already paid)
	EUNAUTHORIZED = "unauthorized" // missing or bad credentials or token
	EFORBIDDEN    = "forbidden"    // authenticated but not allowed
	EPAYMENT      = "payment"      // the payment provider refused
	ERATELIMIT    = "rate_limited" // too many requests; try again later
	EUNAVAILABLE  = "unavailable"  // a service we depend on (the database) is unreachable; try again soon
	EINTERNAL     = "internal"     // anything unexpected
)

// Error is an error meant to be shown to the caller: a code and a message
// safe for end users. Unexpected failures are plain errors and surface as
// EINTERNAL with the message "internal error".
type Error struct {
	Code    string
	Message string
	// format and args are what Errorf made Message of: a shopper's page
	// words a message it has a translation of in the shopper's language
	// (Template).
	format string
	args   []any
}

func (e *Error) Error() string {
	return fmt.Sprintf("buycard error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), format: format, args: args}
}

// Template returns the English format and the arguments e's message was
// made of, ("", nil) for an error read back from a reply (DecodeError).
// Arguments that name a country are CountryCodes and amounts are Money,
// so a translation can word them in its own language too.
func (e *Error) Template() (format string, args []any) {
	return e.format, e.args
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
// It returns "" for a nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or
// "internal error" for anything else.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrUnavailable is the error of a store that cannot reach its database
// (the connection refused or lost, the server shutting down, the file
// locked too long or unwritable). Stores return it wrapped with the
// driver's error: nothing was done, and the same request can succeed
// again in a few seconds.
var ErrUnavailable = Errorf(EUNAVAILABLE, "The service is unavailable for a moment. Try again in a few seconds.")

// ErrorReply is how the JSON API answers an error:
// {"error":{"code":"…","message":"…"}}. The server writes it and the
// browser clients (checkout and console) read it back with DecodeError.
type ErrorReply struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// NewErrorReply is the reply of an error with code and message.
func NewErrorReply(code, message string) ErrorReply {
	var r ErrorReply
	r.Error.Code, r.Error.Message = code, message
	return r
}

// DecodeError reads an ErrorReply; ok is false when data is not one.
func DecodeError(data []byte) (err *Error, ok bool) {
	var r ErrorReply
	if json.Unmarshal(data, &r) != nil || r.Error.Code == "" || r.Error.Message == "" {
		return nil, false
	}
	return &Error{Code: r.Error.Code, Message: r.Error.Message}, true
}
