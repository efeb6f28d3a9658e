package analytics

import "strings"

// botMarks are lower-case substrings of the User-Agents of crawlers,
// link previewers and scripts. Headless browsers are not among them: the
// project's own browser tests run HeadlessChrome.
var botMarks = []string{
	"bot", "crawl", "spider", "slurp", "facebookexternalhit", "embedly",
	"curl", "wget", "python-requests", "python-urllib", "go-http-client",
	"okhttp", "java/", "libwww", "httpclient", "axios", "node-fetch",
	"lighthouse", "pingdom",
}

// IsBot reports whether a request with this User-Agent is an obvious bot:
// no User-Agent at all, or one naming a crawler or an HTTP library.
func IsBot(userAgent string) bool {
	if strings.TrimSpace(userAgent) == "" {
		return true
	}
	ua := strings.ToLower(userAgent)
	for _, m := range botMarks {
		if strings.Contains(ua, m) {
			return true
		}
	}
	return false
}
