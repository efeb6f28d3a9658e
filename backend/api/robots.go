package api

import "github.com/gofiber/fiber/v2"

// robotsTxt lets crawlers index the hosted product pages (/p/), the demo
// feed and the product feeds, and keeps them out of the pages that are one
// shopper's or one account's: checkouts, order pages, the console, embed
// frames and the API. Without it crawlers (and Lighthouse's SEO audit)
// read the JSON 404 as an invalid robots.txt.
const robotsTxt = `User-agent: *
Disallow: /checkout/
Disallow: /orders/
Disallow: /console/
Disallow: /embed/
Disallow: /v1/
`

// getRobots serves GET /robots.txt.
func getRobots(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, cacheStatic)
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString(robotsTxt)
}
