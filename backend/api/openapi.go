package api

import (
	_ "embed"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/buycard/buycard/embed"
)

// openAPIDocument is the OpenAPI 3.1 description of every /v1 route.
// openapi_test.go fails when a route is missing from it or it names one
// the server does not have, so change it with the routes.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPIDocument returns the OpenAPI 3.1 document served at
// /v1/openapi.json.
func OpenAPIDocument() []byte { return openAPIDocument }

// openAPIAsset is the document compressed once per process.
var openAPIAsset = sync.OnceValue(func() *embed.Asset {
	return embed.NewAsset(fiber.MIMEApplicationJSON, openAPIDocument)
})

// openAPIRoutes serves the document: public, cross-origin, cacheable for
// five minutes, with its ETag.
func (s *Server) openAPIRoutes(v1 fiber.Router) {
	v1.Get("/openapi.json", assetHandler(openAPIAsset(), cacheLoader))
}
