// Package redisstore opens the Redis that Buycard nodes share short-lived
// state through: the counts of the checkout limits and sign-in throttles,
// as a fiber.Storage (Fiber's key-value interface that its middleware
// use; backend/limitstore takes over when it fails), and the funnel's
// event bounds and de-duplication, as Counters.
package redisstore

import (
	"context"
	"errors"
	"net/url"
	"time"

	fiberredis "github.com/gofiber/storage/redis/v3"
	"github.com/redis/go-redis/v9"
)

// Timeouts are short because a checkout or sign-in waits on Redis, and the
// limits fail open to each node's memory anyway (backend/limitstore): a
// slow Redis must not make a slow checkout.
const (
	dialTimeout = 500 * time.Millisecond
	ioTimeout   = 250 * time.Millisecond
)

// Open returns the storage for rawURL (redis:// or rediss://, with user,
// password and database number as go-redis reads them). It does not
// connect: a node starts while Redis is down and connects when Redis
// answers; Conn().Ping tells whether it does now.
func Open(rawURL string) (*fiberredis.Storage, error) {
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		// url.Parse errors quote the whole URL, password included.
		if _, ok := errors.AsType[*url.Error](err); ok {
			return nil, errors.New("redis URL does not parse")
		}
		return nil, err
	}
	opts.DialTimeout = dialTimeout
	opts.ReadTimeout, opts.WriteTimeout = ioTimeout, ioTimeout
	// A retry would multiply the wait; the caller fails over instead. That
	// goes for commands and for dialing (go-redis dials five times by
	// default, with pauses between).
	opts.MaxRetries, opts.DialerRetries = -1, 1
	redis.SetLogger(quiet{})
	return fiberredis.NewFromConnection(redis.NewClient(opts)), nil
}

// quiet drops go-redis's own log lines, which it writes with the standard
// logger for every failed dial: the limits log an outage once, through
// slog (backend/limitstore).
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}
