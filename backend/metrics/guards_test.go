package metrics

import (
	"testing"

	"github.com/buycard/buycard"
	"github.com/buycard/buycard/backend/analytics"
)

func TestCachesAndLimits(t *testing.T) {
	t.Parallel()
	m := New()
	cards, fees := m.Cache("cards"), m.Cache("platform_fee")
	cards.Lookup(false)
	cards.Lookup(true)
	cards.Lookup(true)
	m.RateLimited("sign_in")
	m.RateLimited("sign_in")
	m.RateLimited("checkout_ip")
	wantSeries(t, scrape(t, m),
		`buycard_cache_lookups_total{cache="cards",result="hit"} 2`,
		`buycard_cache_lookups_total{cache="cards",result="miss"} 1`,
		`buycard_cache_lookups_total{cache="platform_fee",result="hit"} 0`,
		`buycard_rate_limited_total{limiter="sign_in"} 2`,
		`buycard_rate_limited_total{limiter="checkout_ip"} 1`,
	)
	fees.Lookup(false)
	wantSeries(t, scrape(t, m), `buycard_cache_lookups_total{cache="platform_fee",result="miss"} 1`)
}

// The beacons' series are the ingestor's stats as they are when scraped.
func TestBeacons(t *testing.T) {
	t.Parallel()
	m := New()
	stats := analytics.Stats{Batches: 9, Malformed: 2, Counted: 40, BadToken: 3, BadEvent: 4,
		Discarded: buycard.FunnelDiscards{Bot: 5, Unproven: 6, OverLimit: 7, Duplicate: 8}}
	m.WatchBeacons(func() analytics.Stats { return stats })
	wantSeries(t, scrape(t, m),
		`buycard_beacon_batches_total{result="accepted"} 9`,
		`buycard_beacon_batches_total{result="malformed"} 2`,
		`buycard_beacon_events_counted_total 40`,
		`buycard_beacon_events_discarded_total{reason="bot"} 5`,
		`buycard_beacon_events_discarded_total{reason="unproven"} 6`,
		`buycard_beacon_events_discarded_total{reason="over_limit"} 7`,
		`buycard_beacon_events_discarded_total{reason="duplicate"} 8`,
		`buycard_beacon_events_discarded_total{reason="bad_token"} 3`,
		`buycard_beacon_events_discarded_total{reason="bad_event"} 4`,
	)
	stats.Counted++
	wantSeries(t, scrape(t, m), `buycard_beacon_events_counted_total 41`)
}

// BenchmarkCacheLookup is what counting a lookup costs a cached request.
func BenchmarkCacheLookup(b *testing.B) {
	c := New().Cache("cards")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Lookup(true)
		}
	})
}
