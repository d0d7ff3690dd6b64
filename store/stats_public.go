package store

import (
	"context"
	"slices"
	"strings"

	"vrs"
	"vrs/access"
	"vrs/cube"
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
// The cube answers it; StatsPublicRaw is the same from the records
// themselves, the reference the cube must equal.
func (db *DB) StatsPublic(ctx context.Context, q vrs.StatQuery) (*vrs.StatResult, error) {
	published, err := db.publicQuery(ctx, q)
	if err != nil {
		return nil, err
	}
	c, err := db.cubeNow(ctx)
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, p := range published {
		set[p] = true
	}
	// The key names the countries publishing: a country that stops is a
	// new viewer at once.
	v := cube.Viewer{Key: "public:" + strings.Join(published, ","), Gran: func(r access.IncidentRef) vrs.Granularity {
		return access.PublicIncident(set, r)
	}}
	return c.Query(q, v), nil
}

// StatsPublicRaw is StatsPublic read from the incidents table.
func (db *DB) StatsPublicRaw(ctx context.Context, q vrs.StatQuery) (*vrs.StatResult, error) {
	published, err := db.publicQuery(ctx, q)
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

// publicQuery checks a public query and returns the countries that
// publish, sorted.
func (db *DB) publicQuery(ctx context.Context, q vrs.StatQuery) ([]string, error) {
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
	slices.Sort(published)
	return published, nil
}
