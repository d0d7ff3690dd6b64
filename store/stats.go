package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"

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
	if err := q.Validate(refdata.Checker{}); err != nil {
		return nil, err
	}
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

// WarmStats brings the statistics cube up to date (on a fresh process:
// loads it) and returns the number of incidents it holds.
func (db *DB) WarmStats(ctx context.Context) (int, error) {
	c, err := db.cubeNow(ctx)
	if err != nil {
		return 0, err
	}
	return c.Len(), nil
}

// cubeBatch is how many stat_units rows the cube reads at a time.
var cubeBatch = 20000

// cubeNow applies the stat_units rows written since the cube last looked
// (every row on first use) and returns the cube. A store whose rows are
// behind the cube (a database restored under a running server) makes a
// new cube.
func (db *DB) cubeNow(ctx context.Context) (*cube.Cube, error) {
	db.cubeMu.Lock()
	defer db.cubeMu.Unlock()
	if db.cube == nil {
		db.cube = cube.New()
	}
	for {
		c := db.cube
		batch, err := db.statRows(ctx, `WHERE seq > $1 ORDER BY seq LIMIT `+strconv.Itoa(cubeBatch), c.Seq())
		if err != nil {
			return nil, err
		}
		if len(batch) == cubeBatch {
			// Rows written together share their seq: the batch may end
			// inside such a group, which is read whole.
			last := batch[len(batch)-1].Seq
			batch = slices.DeleteFunc(batch, func(ch cube.Change) bool { return ch.Seq == last })
			rest, err := db.statRows(ctx, `WHERE seq = $1`, last)
			if err != nil {
				return nil, err
			}
			batch = append(batch, rest...)
		}
		if len(batch) == 0 {
			var top int64
			if err := db.reader.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM stat_units`).Scan(&top); err != nil {
				return nil, err
			}
			if top < c.Seq() {
				db.cube = cube.New()
				continue
			}
			return c, nil
		}
		if err := c.Apply(batch); err != nil {
			slog.Error("statistics cube: unit left out", "error", err)
		}
		if len(batch) < cubeBatch {
			return c, nil
		}
	}
}

// statRows reads stat_units rows as cube changes. A unit that cannot be
// read takes its incident out of the cube (counting nothing for it is
// safe; an older unit could be stale) and is reported, rather than stop
// every statistics query.
func (db *DB) statRows(ctx context.Context, where string, args ...any) ([]cube.Change, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT incident_id, seq, unit FROM stat_units `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cube.Change
	for rows.Next() {
		var ch cube.Change
		var unit []byte
		if err := rows.Scan(&ch.ID, &ch.Seq, &unit); err != nil {
			return nil, err
		}
		if unit != nil {
			if ch.Unit, err = cube.Decode(unit); err != nil || !cube.Usable(ch.Unit) {
				slog.Error("statistics cube: unit left out", "incident", ch.ID, "seq", ch.Seq, "error", err)
				ch.Unit = nil
			}
		}
		out = append(out, ch)
	}
	return out, rows.Err()
}
