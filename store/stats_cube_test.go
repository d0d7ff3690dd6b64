package store_test

import (
	"fmt"
	"testing"

	"vrs"
	"vrs/store"
	"vrs/storetest"
)

// TestCubeBatchBoundary: rows written together share one seq; a read of
// stat_units that ends inside such a group must not lose the rest of it.
func TestCubeBatchBoundary(t *testing.T) {
	defer store.SetCubeBatch(7)()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := storetest.NewWorld(t, db)
		agency := w.Agencies["th-police"].ID
		n := 0
		next := func() *vrs.Incident {
			n++
			return storetest.Interception(agency, fmt.Sprintf("B-%d", n))
		}
		q := vrs.StatQuery{Measure: vrs.MeasureIncidents}
		check := func(step string) {
			t.Helper()
			raw, err := db.StatsRaw(storetest.System(), q)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.Stats(storetest.System(), q)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != raw.Total || raw.Total != float64(n) {
				t.Fatalf("%s: cube %v, raw %v, written %d", step, got.Total, raw.Total, n)
			}
		}
		for range 3 {
			if err := db.BulkCreateIncidents(storetest.System(), []*vrs.Incident{next()}); err != nil {
				t.Fatal(err)
			}
		}
		check("singles")
		// Ten rows of one seq after three: the batch of seven ends inside.
		var group []*vrs.Incident
		for range 10 {
			group = append(group, next())
		}
		if err := db.BulkCreateIncidents(storetest.System(), group); err != nil {
			t.Fatal(err)
		}
		if err := db.BulkCreateIncidents(storetest.System(), []*vrs.Incident{next(), next()}); err != nil {
			t.Fatal(err)
		}
		check("group")
	})
}
