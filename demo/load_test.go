package demo_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"vrs"
	"vrs/auth"
	"vrs/demo"
	"vrs/store"
	"vrs/storetest"
)

// TestInitialLoadSameAsBulk: loading a new store through its initial-load
// path (indexes written at the end, in key order) stores the same rows as
// BulkCreateIncidents into a store that already holds incidents.
func TestInitialLoadSameAsBulk(t *testing.T) {
	const n = 3*store.BulkChunk + 11
	dump := func(t *testing.T, initial bool) map[string][]string {
		db := storetest.Open(t, "sqlite")
		ctx := storetest.System()
		if _, err := demo.Seed(ctx, db, auth.NewHasher(auth.TestParams, 2)); err != nil {
			t.Fatal(err)
		}
		agencies, err := db.ListAgencies(ctx, vrs.AgencyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		g := demo.NewGenerator(1, genEnd, demo.StoredAgencies(agencies))
		if initial {
			err = demo.LoadIncidents(ctx, db, g, n, nil)
		} else {
			// Not a new store any more: the plain bulk path.
			if err = db.BulkCreateIncidents(ctx, []*vrs.Incident{g.Incident(0)}); err == nil {
				var rest []*vrs.Incident
				for i := 1; i < n; i++ {
					rest = append(rest, g.Incident(i))
				}
				err = db.BulkCreateIncidents(ctx, rest)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]string{}
		for name, q := range map[string]string{
			"incidents": `SELECT id, agency_id, country, reference, type, status, version, detected_on, place_country, place_name, persons, body,
				length(personal), key_id, search_text, action, note, created_by, updated_by FROM incidents ORDER BY id`,
			"facets": `SELECT facet, value, incident_id FROM incident_facets ORDER BY 1, 2, 3`,
			// Each store has its own blind-index key: compare the shape.
			"identifiers": `SELECT incident_id, count(*), (SELECT count(DISTINCT digest) FROM identifier_index) FROM identifier_index GROUP BY 1 ORDER BY 1`,
			"shared":      `SELECT group_concat(incident_id) FROM identifier_index GROUP BY digest HAVING count(*) > 1 ORDER BY 1`,
			"by_incident": `SELECT incident_id FROM identifier_index INDEXED BY identifier_index_incident WHERE incident_id > 0 ORDER BY 1`,
			"fts":         `SELECT rowid FROM incident_fts WHERE incident_fts MATCH 'boat OR truck OR checkpoint' ORDER BY rowid`,
			"indexes":     `SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name`,
			"pragmas":     `SELECT (SELECT synchronous FROM pragma_synchronous) || ' ' || (SELECT cache_size FROM pragma_cache_size)`,
		} {
			rows, err := db.SQL().QueryContext(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				out[name] = append(out[name], fmt.Sprint(vals...))
			}
			rows.Close()
		}
		return out
	}
	a, b := dump(t, true), dump(t, false)
	for name := range b {
		if len(b[name]) == 0 {
			t.Errorf("%s: nothing stored", name)
		}
		if !slices.Equal(a[name], b[name]) {
			t.Errorf("%s: initial load stored %d rows, bulk %d, or they differ", name, len(a[name]), len(b[name]))
		}
	}
}
