package buycard

import (
	"testing"
	"time"
)

func TestEffectiveShare(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	first, second := now.Add(10*24*time.Hour), now.Add(20*24*time.Hour)
	notices := []ShareNotice{{ShareBPS: 1500, Until: first}, {ShareBPS: 1000, Until: second}}
	for _, tt := range []struct {
		name      string
		base      int
		at        time.Time
		want      int
		wantUntil time.Time
	}{
		{"highest kept", 400, now, 1500, first},
		{"the first ended", 400, first, 1000, second},
		{"all ended", 400, second, 400, time.Time{}},
		{"a raise above the notices", 2000, now, 2000, time.Time{}},
		{"a raise between them", 1200, now, 1500, first},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, until := EffectiveShare(tt.base, notices, tt.at)
			if got != tt.want || !until.Equal(tt.wantUntil) {
				t.Errorf("EffectiveShare = %d until %v, want %d until %v", got, until, tt.want, tt.wantUntil)
			}
		})
	}
	s := NewPlacementShare(400, ShareFromContract, notices, now)
	if s.ShareBPS != 1500 || s.BaseBPS != 400 || s.Source != ShareFromContract || !s.KeptUntil.Equal(first) || *s.NextBPS != 1000 {
		t.Errorf("NewPlacementShare = %+v", s)
	}
	if s := NewPlacementShare(400, ShareFromWidget, nil, now); s.ShareBPS != 400 || s.KeptUntil != nil || s.NextBPS != nil {
		t.Errorf("NewPlacementShare without notices = %+v", s)
	}
}
