package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/buycard/buycard/backend/api"
)

// readyChecks are what /readyz reports of this node: the database, which
// must answer with a schema no older than this build's migrations (a
// newer one is a rolling deploy's newer nodes), and Redis, which it can
// do without.
func (m *Main) readyChecks() []api.ReadyCheck {
	checks := []api.ReadyCheck{{Name: "database", Required: true, Check: m.schemaReady}}
	if m.redis != nil {
		checks = append(checks, api.ReadyCheck{Name: "redis", Check: func(ctx context.Context) error {
			if m.redis.Conn().Ping(ctx).Err() != nil {
				return errors.New("unreachable: limits and de-duplication are this node's own")
			}
			return nil
		}})
	}
	return checks
}

// schemaReady checks that the database answers and is migrated.
func (m *Main) schemaReady(ctx context.Context) error {
	current, target, err := m.DB.SchemaVersions(ctx)
	switch {
	case err != nil:
		m.Logger.Warn("readiness: database", "err", err)
		return errors.New("unreachable")
	case current < target:
		return fmt.Errorf("migrations pending: the schema is at %d, this build needs %d", current, target)
	}
	return nil
}
