package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"

	"vrs"
	"vrs/access"
	"vrs/cube"
	"vrs/refdata"
)

// Stats answers a statistics query from the cube: the counts StatsRaw
// would give, over the records the acting user may see at aggregate
// granularity or finer, after every committed write.
func (db *DB) Stats(ctx context.Context, q vrs.StatQuery) (*vrs.StatResult, error) {
	v, c, err := db.statViewer(ctx, q)
	if err != nil {
		return nil, err
	}
	return c.Query(q, v), nil
}

// StatsRecords lists the incidents counted in one cell of q that the
// acting user may read at pseudonymised granularity or finer, newest
// detection first.
func (db *DB) StatsRecords(ctx context.Context, q vrs.StatQuery, keys []string, limit int) (*vrs.StatRecords, error) {
	cq, err := q.CellQuery(keys)
	if err != nil {
		return nil, err
	}
	v, c, err := db.statViewer(ctx, cq)
	if err != nil {
		return nil, err
	}
	hits := c.Records(cq, v, access.Pseudonymised)
	slices.SortFunc(hits, func(a, b cube.Hit) int { return cmp.Or(cmp.Compare(b.Day, a.Day), cmp.Compare(b.ID, a.ID)) })
	out := &vrs.StatRecords{Total: len(hits), IDs: []int64{}}
	for _, h := range hits[:min(len(hits), max(limit, 0))] {
		out.IDs = append(out.IDs, h.ID)
	}
	return out, nil
}

// statViewer checks q and returns the acting user as the cube's viewer,
// with the cube brought up to date.
func (db *DB) statViewer(ctx context.Context, q vrs.StatQuery) (cube.Viewer, *cube.Cube, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return cube.Viewer{}, nil, err
	}
	if err := q.Validate(refdata.Checker{}); err != nil {
		return cube.Viewer{}, nil, err
	}
	sh, err := db.sharingFor(ctx, u)
	if err != nil {
		return cube.Viewer{}, nil, err
	}
	c, err := db.cubeNow(ctx)
	if err != nil {
		return cube.Viewer{}, nil, err
	}
	// The key covers everything the rule reads of the user and of the
	// sharing state, so that a revoked agreement is a new viewer.
	b, err := json.Marshal(struct {
		U      *vrs.User
		System bool
		S      *access.Sharing
	}{u, u.System, sh})
	if err != nil {
		return cube.Viewer{}, nil, err
	}
	sum := sha256.Sum256(b)
	return cube.Viewer{Key: hex.EncodeToString(sum[:]), Gran: func(r access.IncidentRef) vrs.Granularity {
		return access.ReadIncident(u, sh, r)
	}}, c, nil
}

// cubeNow applies the stat_units rows written since the cube last looked
// (every row on first use) and returns the cube.
func (db *DB) cubeNow(ctx context.Context) (*cube.Cube, error) {
	db.cubeMu.Lock()
	defer db.cubeMu.Unlock()
	if db.cube == nil {
		db.cube = cube.New()
	}
	c := db.cube
	for {
		rows, err := db.reader.QueryContext(ctx, `SELECT incident_id, seq, unit FROM stat_units WHERE seq > $1 ORDER BY seq LIMIT 20000`, c.Seq())
		if err != nil {
			return nil, err
		}
		var batch []cube.Change
		for rows.Next() {
			var ch cube.Change
			var unit []byte
			if err := rows.Scan(&ch.ID, &ch.Seq, &unit); err != nil {
				rows.Close()
				return nil, err
			}
			if unit != nil {
				if ch.Unit, err = cube.Decode(unit); err != nil {
					rows.Close()
					return nil, fmt.Errorf("stat_units of incident %d: %w", ch.ID, err)
				}
			}
			batch = append(batch, ch)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if err := c.Apply(batch); err != nil {
			return nil, err
		}
		if len(batch) < 20000 {
			return c, nil
		}
	}
}
