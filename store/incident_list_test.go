package store_test

import (
	"testing"

	"vrs/store"
	"vrs/storetest"
)

// TestListPaths runs the conformance suite with the list's filters
// searched each way: IN lists and EXISTS checks (the defaults' counts
// are never reached by the suite's few incidents, which drive every
// search), and periods checked per incident.
func TestListPaths(t *testing.T) {
	for _, c := range []struct {
		name                  string
		drive, lookup, period int
	}{
		{"In", 0, 1 << 30, 0},
		{"Exists", 0, 1, 1 << 30},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer store.SetListCaps(c.drive, c.lookup, c.period)()
			for _, d := range storetest.Dialects() {
				t.Run(d, func(t *testing.T) { storetest.Run(t, d) })
			}
		})
	}
}
