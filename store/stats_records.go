package store

import (
	"cmp"
	"context"
	"slices"

	"vrs"
	"vrs/access"
	"vrs/refdata"
)

// StatsRecordsRaw is StatsRecords read from the incidents table: the
// reference the cube's answer must equal. The units of the cell are those
// of q.CellQuery(keys), counted by the rules of StatsRaw.
func (db *DB) StatsRecordsRaw(ctx context.Context, q vrs.StatQuery, keys []string, limit int) (*vrs.StatRecords, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if err := q.Validate(refdata.Checker{}); err != nil {
		return nil, err
	}
	cq, err := q.CellQuery(keys)
	if err != nil {
		return nil, err
	}
	if err := cq.Validate(refdata.Checker{}); err != nil {
		return nil, err
	}
	sh, err := db.sharingFor(ctx, u)
	if err != nil {
		return nil, err
	}
	var args []any
	branches := access.IncidentBranches(u, sh, access.Pseudonymised, &args)
	type hit struct {
		id       int64
		detected string
	}
	var hits []hit
	e := newStatEval(cq)
	err = db.statsScan(ctx, cq, branches, args, func(inc *vrs.Incident, _ int) {
		before := e.units
		if e.incident(inc); e.units > before {
			hits = append(hits, hit{inc.ID, inc.DetectedOn})
		}
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(b.detected, a.detected), cmp.Compare(b.id, a.id))
	})
	out := &vrs.StatRecords{Total: len(hits), IDs: []int64{}}
	for _, h := range hits[:min(len(hits), max(limit, 0))] {
		out.IDs = append(out.IDs, h.id)
	}
	return out, nil
}
