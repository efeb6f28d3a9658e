package api

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// /readyz (issue 17) tells a load balancer whether the node can serve:
// 200 when it can, "degraded" while a dependency it can do without is
// away (Redis: limits and de-duplication fall back to the node's own),
// and 503 while one it needs is (the database, or a schema older than
// the build's migrations). /healthz says only that the process answers.

// ReadyCheck is one dependency /readyz reports.
type ReadyCheck struct {
	Name string
	// Required marks a dependency the node cannot serve without.
	Required bool
	// Check says why the dependency is not there now, or nil. Its
	// message is shown to anyone: it must say no more than that.
	Check func(ctx context.Context) error
}

// readyTimeout bounds each check: a load balancer polls, and a check
// that hangs is a dependency that is away.
const readyTimeout = 2 * time.Second

// readyReply is the body of /readyz.
type readyReply struct {
	Status string            `json:"status"` // ready, degraded or down
	Checks map[string]string `json:"checks"` // "ok", or why not
}

// getReady serves GET /readyz.
func (s *Server) getReady(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	reply := readyReply{Status: "ready", Checks: map[string]string{}}
	for _, check := range s.ReadyChecks {
		ctx, cancel := context.WithTimeout(c.UserContext(), readyTimeout)
		err := check.Check(ctx)
		cancel()
		switch {
		case err == nil:
			reply.Checks[check.Name] = "ok"
			continue
		case check.Required:
			reply.Status = "down"
		case reply.Status == "ready":
			reply.Status = "degraded"
		}
		reply.Checks[check.Name] = err.Error()
	}
	if reply.Status == "down" {
		c.Status(fiber.StatusServiceUnavailable)
	}
	return c.JSON(reply)
}
