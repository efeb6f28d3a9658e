package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/buycard/buycard"
)

// testHostileLookups looks rows up by ids and emails no row can have: a
// NUL, invalid UTF-8. They come from URLs and bodies as they are, before
// any validation. Each lookup finds nothing or refuses the value; none is
// an internal error (PostgreSQL refuses such text as a parameter where
// SQLite finds nothing).
func testHostileLookups(t *testing.T, s Store) {
	for _, v := range []string{"prd_\x00", "wgt_\xff\xfe", "a\x00@example.com"} {
		for name, lookup := range map[string]func(ctx context.Context) error{
			"FindProduct":     func(ctx context.Context) error { _, err := s.FindProduct(ctx, v); return err },
			"FindWidget":      func(ctx context.Context) error { _, err := s.FindWidget(ctx, v); return err },
			"FindCard":        func(ctx context.Context) error { _, err := s.FindCard(ctx, v); return err },
			"FindCards":       func(ctx context.Context) error { _, err := s.FindCards(ctx, []string{v}); return err },
			"FindPlacements":  func(ctx context.Context) error { _, err := s.FindPlacements(ctx, []string{v}); return err },
			"FindOrder":       func(ctx context.Context) error { _, err := s.FindOrder(ctx, v); return err },
			"FindUserByEmail": func(ctx context.Context) error { _, err := s.FindUserByEmail(ctx, v); return err },
			"FindUser":        func(ctx context.Context) error { _, err := s.FindUser(ctx, v); return err },
			"FindSession":     func(ctx context.Context) error { _, _, err := s.FindSession(ctx, v, time.Now()); return err },
			"FindAPIKey":      func(ctx context.Context) error { _, err := s.FindAPIKey(ctx, v); return err },
			"ListAPIKeys":     func(ctx context.Context) error { _, err := s.ListAPIKeys(ctx, buycard.PartyMerchant, v); return err },
			"FindImage":       func(ctx context.Context) error { _, err := s.FindImage(ctx, v); return err },
		} {
			if err := lookup(t.Context()); buycard.ErrorCode(err) == buycard.EINTERNAL {
				t.Errorf("%s(%q): internal error %v", name, v, err)
			}
		}
	}
}
