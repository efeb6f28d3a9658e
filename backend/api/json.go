package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/embed"
)

// maxJSONBody bounds every JSON request body.
const maxJSONBody = 16 << 10

// decodeJSON reads the request body strictly into v: JSON content type, at
// most maxJSONBody bytes, one object, no unknown fields.
func decodeJSON(c *fiber.Ctx, v any) error {
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return errUnsupportedMedia
	}
	body := c.Body()
	if len(body) > maxJSONBody {
		return buycard.Errorf(buycard.EINVALID, "The request body is too large.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return buycard.Errorf(buycard.EINVALID, "The request body must hold one JSON object.")
	}
	return nil
}

// jsonError explains a decoding failure without echoing the input.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		return buycard.Errorf(buycard.EINVALID, "Field %q has the wrong type.", typeErr.Field)
	case errors.Is(err, io.EOF):
		return buycard.Errorf(buycard.EINVALID, "The request body is empty.")
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) || errors.Is(err, io.ErrUnexpectedEOF) {
		return buycard.Errorf(buycard.EINVALID, "The request body is not valid JSON.")
	}
	// DisallowUnknownFields reports `json: unknown field "x"`.
	return buycard.Errorf(buycard.EINVALID, "The request body is not acceptable: %s.", trimJSONPrefix(err.Error()))
}

func trimJSONPrefix(s string) string {
	const prefix = "json: "
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		s = s[len(prefix):]
	}
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// jsonAsset encodes v as a JSON response body, compressed with coding.
// HTML in strings is not \u-escaped: the body is JSON, never HTML, and card
// HTML would grow by a fifth.
func jsonAsset(v any, coding string) (*embed.Asset, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return embed.NewResponseAsset(fiber.MIMEApplicationJSON, buf.Bytes(), coding), nil
}
