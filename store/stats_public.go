package store

import (
	"context"

	"vrs"
	"vrs/access"
	"vrs/refdata"
)

// StatsPublic answers a statistics query of the public statistics page:
// it needs no user, and counts exactly the records access.PublicIncident
// allows (validated, of a country that publishes, distributed to the
// community or for statistics), by the rules of vrs.StatQuery. The query
// must also be one a published view may ask (access.PublicQuery). Small
// cells are not withheld here: package pivot does that, always, for a
// public view.
//
// Like StatsRaw it reads the records themselves; the statistics cube will
// answer behind the same call, with the same semantics.
func (db *DB) StatsPublic(ctx context.Context, q vrs.StatQuery) (*vrs.StatResult, error) {
	if err := q.Validate(refdata.Checker{}); err != nil {
		return nil, err
	}
	if err := access.PublicQuery(q); err != nil {
		return nil, err
	}
	published, err := db.publishedCountries(ctx)
	if err != nil {
		return nil, err
	}
	var args []any
	branches := access.PublicBranches(published, &args)
	e := newStatEval(q)
	if err := db.statsScan(ctx, q, branches, args, func(inc *vrs.Incident, _ int) { e.incident(inc) }); err != nil {
		return nil, err
	}
	return e.result(), nil
}
