package buycard

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// Event ids sort as their times, and EventIDAt(t) parts those recorded
// before t's millisecond from the rest.
func TestEventIDsSortAsTimes(t *testing.T) {
	start := time.Date(2026, 12, 7, 15, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 200 {
		ids = append(ids, NewEventID(start.Add(time.Duration(i)*time.Millisecond)))
	}
	if !slices.IsSorted(ids) {
		t.Fatalf("ids of later events sort before earlier ones: %v", ids)
	}
	cut := EventIDAt(start.Add(100 * time.Millisecond))
	for i, id := range ids {
		if before := id < cut; before != (i < 100) {
			t.Errorf("id %d (%s) < %s is %v", i, id, cut, before)
		}
		if len(id) != len("evt_")+20 || !strings.HasPrefix(id, "evt_") {
			t.Errorf("id %q: want evt_ and 20 characters", id)
		}
	}
	if a, b := NewEventID(start), NewEventID(start); a == b {
		t.Errorf("two ids of one millisecond are equal: %s", a)
	}
	if late := EventIDAt(time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)); late <= cut {
		t.Errorf("EventIDAt(3000) = %s, not after %s", late, cut)
	}
}
