package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"vrs"
)

// BulkChunk is how many incidents one transaction of BulkCreateIncidents
// holds: large enough that per-transaction costs vanish, small enough that
// a crash loses at most one chunk and the writer is never held for long.
const BulkChunk = 2000

// bulkRows is how many rows one multi-row INSERT carries.
const bulkRows = 100

// BulkCreateIncidents stores many incidents at once, for the installation
// itself (demo data, migrations from another system). Each incident is
// normalised, validated, sealed and indexed exactly as CreateIncident
// does, but keeps the status the caller gave it (draft, submitted,
// returned with its review note, or validated), and its creation and
// update times when they are set and not in the future. Incidents are
// written in chunks of BulkChunk, each one transaction with one audit
// entry: after an error, the chunks before it are stored and the rest are
// not. Validation and encoding run in parallel with the writer.
func (db *DB) BulkCreateIncidents(ctx context.Context, incs []*vrs.Incident) error {
	u, err := signedIn(ctx)
	if err != nil {
		return err
	}
	if !u.System {
		return vrs.Errorf(vrs.EFORBIDDEN, "error.forbidden")
	}
	if len(incs) == 0 {
		return nil
	}
	agencies, err := db.bulkAgencies(ctx)
	if err != nil {
		return err
	}
	groups, err := db.bulkGroups(ctx)
	if err != nil {
		return err
	}
	if db.dialect == sqliteDialect {
		// A larger page cache keeps the random inserts of the blind index
		// in memory; the writer is one connection, so this stays with it.
		// Checkpoints every 64 MiB of WAL rather than 4 MiB: an index page
		// changed by many chunks is copied back to the database once.
		for _, p := range []string{`PRAGMA cache_size = -262144`, `PRAGMA wal_autocheckpoint = 16384`} {
			if _, err := db.writer.ExecContext(ctx, p); err != nil {
				return err
			}
		}
		defer func() {
			for _, p := range []string{fmt.Sprintf(`PRAGMA cache_size = %d`, writerCache), fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, writerCheckpoint)} {
				db.writer.ExecContext(context.WithoutCancel(ctx), p)
			}
		}()
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type chunk struct {
		start int
		incs  []*vrs.Incident
		seals []*sealed
		err   error
	}
	ready := make(chan *chunk, 1)
	go func() {
		defer close(ready)
		workers := max(1, runtime.GOMAXPROCS(0))
		for start := 0; start < len(incs); start += BulkChunk {
			c := &chunk{start: start, incs: incs[start:min(start+BulkChunk, len(incs))]}
			c.seals = make([]*sealed, len(c.incs))
			errs := make([]error, workers)
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := w; i < len(c.incs); i += workers {
						if errs[w] != nil || ctx.Err() != nil {
							return
						}
						c.seals[i], errs[w] = db.prepareBulk(ctx, c.incs[i], agencies, groups)
						if errs[w] != nil {
							errs[w] = fmt.Errorf("incident %d (%s): %w", start+i, c.incs[i].Reference, errs[w])
						}
					}
				})
			}
			wg.Wait()
			for _, e := range errs {
				if e != nil && c.err == nil {
					c.err = e
				}
			}
			select {
			case ready <- c:
			case <-ctx.Done():
				return
			}
			if c.err != nil {
				return
			}
		}
	}()
	for c := range ready {
		if c.err != nil {
			return c.err
		}
		if err := db.write(ctx, func(t *tx) error { return t.insertBulk(c.incs, c.seals) }); err != nil {
			if ctx.Err() == nil {
				return fmt.Errorf("incidents %d to %d: %w", c.start, c.start+len(c.incs)-1, err)
			}
			return err
		}
		if l := initialLoadFrom(ctx); l != nil && db.dialect == sqliteDialect {
			for i, inc := range c.incs {
				l.keep(inc.ID, c.seals[i])
			}
		}
	}
	return ctx.Err()
}

// bulkAgencies reads every agency's country, name and state once.
func (db *DB) bulkAgencies(ctx context.Context) (map[int64]bulkAgency, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT id, country, name, disabled, default_distribution, default_tlp FROM agencies`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]bulkAgency{}
	for rows.Next() {
		var id int64
		var a bulkAgency
		if err := rows.Scan(&id, &a.country, &a.name, &a.disabled, &a.dist, &a.tlp); err != nil {
			return nil, err
		}
		m[id] = a
	}
	return m, rows.Err()
}

type bulkAgency struct {
	country, name string
	disabled      bool
	dist          vrs.Distribution
	tlp           vrs.TLP
}

// prepareBulk does for one incident what CreateIncident does before its
// transaction: normalise, validate, seal.
func (db *DB) prepareBulk(ctx context.Context, inc *vrs.Incident, agencies map[int64]bulkAgency, groups map[int64][]string) (*sealed, error) {
	inc.Normalize()
	now := db.Now().UTC()
	if err := db.validateIncident(ctx, inc, now); err != nil {
		return nil, err
	}
	a, ok := agencies[inc.AgencyID]
	if !ok || a.disabled {
		return nil, vrs.FieldErrors(map[string]string{"agency_id": "field.agency_unknown"})
	}
	switch inc.Status {
	case vrs.StatusDraft, vrs.StatusSubmitted, vrs.StatusValidated:
		inc.ReviewNote = ""
	case vrs.StatusReturned:
		inc.ReviewNote = strings.TrimSpace(inc.ReviewNote)
		if inc.ReviewNote == "" {
			return nil, vrs.FieldErrors(map[string]string{"note": "field.return_reason"})
		}
	default:
		inc.Status, inc.ReviewNote = vrs.StatusDraft, ""
	}
	inc.ID, inc.Version = 0, 1
	inc.Country, inc.AgencyName = a.country, a.name
	shareDefaults(inc, a.dist, a.tlp)
	if err := checkShares(inc, groupIn(groups)); err != nil {
		return nil, err
	}
	u := vrs.UserFromContext(ctx)
	if inc.CreatedBy == 0 {
		inc.CreatedBy = u.ID
	}
	if inc.UpdatedBy == 0 {
		inc.UpdatedBy = inc.CreatedBy
	}
	inc.UpdatedName = ""
	now = now.Truncate(0)
	if inc.CreatedAt.IsZero() || inc.CreatedAt.After(now) {
		inc.CreatedAt = now
	}
	if inc.UpdatedAt.Before(inc.CreatedAt) || inc.UpdatedAt.After(now) {
		inc.UpdatedAt = inc.CreatedAt
	}
	inc.CreatedAt, inc.UpdatedAt = inc.CreatedAt.UTC().Truncate(1000), inc.UpdatedAt.UTC().Truncate(1000)
	return db.seal(inc)
}

// bulkActions is what the version row says made it, by status.
var bulkActions = map[vrs.IncidentStatus]string{
	vrs.StatusDraft: "create", vrs.StatusSubmitted: "submit", vrs.StatusReturned: "return", vrs.StatusValidated: "validate",
}

// insertBulk writes one chunk: the incidents with ids reserved up front
// (the sealed personal data is bound to the id), their indexes, and one
// audit entry.
func (t *tx) insertBulk(incs []*vrs.Incident, seals []*sealed) error {
	ids, err := t.reserveIncidentIDs(len(incs))
	if err != nil {
		return err
	}
	load := initialLoadFrom(t.ctx)
	countries := map[string]int{}
	incRows := make([][]any, len(incs))
	var facetRows, digestRows, textRows, shareRows, groupRows [][]any
	for i, inc := range incs {
		s := seals[i]
		inc.ID = ids[i]
		if err := t.db.encrypt(s, inc.ID, 1); err != nil {
			return err
		}
		var personal any
		if s.personal != nil {
			personal = s.personal
		}
		incRows[i] = []any{inc.ID, inc.AgencyID, inc.Country, inc.Reference, string(inc.Type), string(inc.Status), inc.DetectedOn,
			inc.Place.Country, inc.Place.Name, s.persons, s.body, personal, s.keyID, s.text, bulkActions[inc.Status], inc.ReviewNote,
			inc.CreatedBy, micros(inc.CreatedAt), inc.UpdatedBy, micros(inc.UpdatedAt), string(inc.Distribution), string(inc.TLP), s.digest}
		for _, c := range inc.ShareCountries {
			shareRows = append(shareRows, []any{inc.ID, c})
		}
		for _, g := range inc.ShareGroups {
			groupRows = append(groupRows, []any{inc.ID, g})
		}
		for _, f := range s.facets {
			facetRows = append(facetRows, []any{f[0], f[1], inc.ID})
		}
		if load == nil { // an initial load writes these at the end (see InitialLoad)
			for _, d := range s.digests {
				digestRows = append(digestRows, []any{d, inc.ID})
			}
		}
		if t.db.dialect == sqliteDialect {
			textRows = append(textRows, []any{inc.ID, s.text})
		}
		countries[inc.Country]++
	}
	// In key order, each page of the indexes is visited once per chunk
	// rather than once per row: the digests are random.
	slices.SortFunc(digestRows, func(a, b []any) int { return bytes.Compare(a[0].([]byte), b[0].([]byte)) })
	slices.SortStableFunc(facetRows, func(a, b []any) int {
		return cmp.Or(strings.Compare(a[0].(string), b[0].(string)), strings.Compare(a[1].(string), b[1].(string)))
	})
	err = t.insertRows(`INSERT INTO incidents (id, agency_id, country, reference, type, status, version, detected_on, place_country, place_name,
			persons, body, personal, key_id, search_text, action, note, created_by, created_at, updated_by, updated_at, distribution, tlp,
			content_digest) VALUES `,
		`($%d, $%d, $%d, $%d, $%d, $%d, 1, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)`, "", incRows)
	if isUniqueViolation(err) {
		return &vrs.Error{Code: vrs.ECONFLICT, Message: "error.incident_reference_taken", Fields: map[string]string{"reference": "field.reference_taken"}}
	}
	if err != nil {
		return err
	}
	if err := t.insertRows(`INSERT INTO incident_facets (facet, value, incident_id) VALUES `, `($%d, $%d, $%d)`, "", facetRows); err != nil {
		return err
	}
	if err := t.insertRows(`INSERT INTO incident_share_countries (incident_id, country) VALUES `, `($%d, $%d)`, "", shareRows); err != nil {
		return err
	}
	if err := t.insertRows(`INSERT INTO incident_share_groups (incident_id, group_id) VALUES `, `($%d, $%d)`, "", groupRows); err != nil {
		return err
	}
	if err := t.insertRows(`INSERT INTO identifier_index (digest, incident_id) VALUES `, `($%d, $%d)`, " ON CONFLICT DO NOTHING", digestRows); err != nil {
		return err
	}
	if err := t.insertRows(`INSERT INTO incident_fts (rowid, search_text) VALUES `, `($%d, $%d)`, "", textRows); err != nil {
		return err
	}
	if err := t.statPutBulk(incs); err != nil {
		return err
	}
	return t.audit(&vrs.AuditEntry{Action: vrs.ActIncidentBulkCreate, ObjectType: "incident",
		ObjectID: strconv.FormatInt(ids[0], 10) + "-" + strconv.FormatInt(ids[len(ids)-1], 10),
		Detail:   detail(map[string]any{"count": len(incs), "first_id": ids[0], "last_id": ids[len(ids)-1], "countries": countries})})
}

// reserveIncidentIDs takes n new incident ids inside the write
// transaction. SQLite has one writer, so the ids after the largest are
// free until the commit; PostgreSQL draws them from the identity sequence.
func (t *tx) reserveIncidentIDs(n int) ([]int64, error) {
	ids := make([]int64, 0, n)
	if t.db.dialect == postgresDialect {
		rows, err := t.QueryContext(t.ctx, `SELECT nextval(pg_get_serial_sequence('incidents', 'id')) FROM generate_series(1, $1)`, n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	var last int64
	if err := t.queryRow(`SELECT COALESCE(MAX(id), 0) FROM incidents`).Scan(&last); err != nil {
		return nil, err
	}
	for i := range n {
		ids = append(ids, last+1+int64(i))
	}
	return ids, nil
}

// insertRows inserts rows with multi-row INSERTs of bulkRows rows, through
// one prepared statement for the full batches. tuple is one row's VALUES
// with %d where each placeholder number goes.
func (t *tx) insertRows(head, tuple, tail string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if strings.Contains(head, "incident_fts") {
		// One row per statement: SQLite gives a statement that writes
		// several rows of a virtual table a statement journal, and FTS5
		// flushes its pending terms to a new segment at each one, so that
		// 100-row statements leave a segment per 100 rows to merge.
		st, err := t.PrepareContext(t.ctx, ftsInsertSQL)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, r := range rows {
			if _, err := st.ExecContext(t.ctx, r...); err != nil {
				return err
			}
		}
		return nil
	}
	if t.db.dialect == sqliteDialect && tail == "" {
		// Without a conflict clause (ABORT), a statement that writes many
		// rows keeps a statement journal to undo itself on a conflict:
		// 11 % of a bulk load. FAIL leaves that to the transaction,
		// which the caller rolls back on any error.
		head = strings.Replace(head, "INSERT INTO ", "INSERT OR FAIL INTO ", 1)
	}
	build := func(n int) string {
		var b strings.Builder
		b.WriteString(head)
		k := 0
		width := strings.Count(tuple, "%d")
		nums := make([]any, width)
		one := tuple
		if t.db.dialect == sqliteDialect {
			// Anonymous placeholders: modernc's binding looks each
			// numbered one up by name, which costs O(n) per parameter.
			one = strings.ReplaceAll(tuple, "$%d", "?")
		}
		for r := range n {
			if r > 0 {
				b.WriteString(", ")
			}
			if one != tuple {
				b.WriteString(one)
				continue
			}
			for j := range nums {
				k++
				nums[j] = k
			}
			fmt.Fprintf(&b, tuple, nums...)
		}
		b.WriteString(tail)
		return b.String()
	}
	var full *sql.Stmt
	if len(rows) >= bulkRows {
		var err error
		if full, err = t.PrepareContext(t.ctx, build(bulkRows)); err != nil {
			return err
		}
		defer full.Close()
	}
	args := make([]any, 0, bulkRows*len(rows[0]))
	for start := 0; start < len(rows); start += bulkRows {
		batch := rows[start:min(start+bulkRows, len(rows))]
		args = args[:0]
		for _, r := range batch {
			args = append(args, r...)
		}
		var err error
		if len(batch) == bulkRows {
			_, err = full.ExecContext(t.ctx, args...)
		} else {
			_, err = t.exec(build(len(batch)), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// initialLoad is the state of an InitialLoad in progress, carried by the
// context of the BulkCreateIncidents calls inside it.
type initialLoad struct {
	mu sync.Mutex
	// digests are the blind-index rows held back until the end, when
	// they are written in key order: a digest is random, so that writing
	// it with its incident changes a random page of a large B-tree each
	// time. (Full-text rows are written with their incidents: their keys,
	// the ids, only grow.)
	digests []bulkDigest
}

type bulkDigest struct {
	digest [16]byte
	id     int64
}

type initialLoadKey struct{}

func initialLoadFrom(ctx context.Context) *initialLoad {
	l, _ := ctx.Value(initialLoadKey{}).(*initialLoad)
	return l
}

// keep holds back the index rows of incident id.
func (l *initialLoad) keep(id int64, s *sealed) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, d := range s.digests {
		var b bulkDigest
		if copy(b.digest[:], d) != len(d) || len(d) != len(b.digest) {
			panic("store: blind-index digest of unexpected size")
		}
		b.id = id
		l.digests = append(l.digests, b)
	}
}

// initialLoadIndexes are the indexes an initial load drops before it
// starts and builds again at the end (CREATE INDEX sorts once, much faster
// than as many random inserts): those whose keys arrive in random order.
var initialLoadIndexes = []string{"identifier_index_incident"}

// InitialLoad runs fn, which stores incidents with BulkCreateIncidents
// (with the context it is given), as the first load of a SQLite store
// that holds no incident yet: demo data, or a migration from another
// system. On PostgreSQL, or when the store already holds incidents, it
// just runs fn.
//
// While fn runs, the writer does not wait for the disk (synchronous=OFF)
// and keeps a larger page cache, and the blind-index rows are held in
// memory and written at the end in key order. Those rows are
// written and the settings restored even when fn fails, so that what
// was stored is whole. A crash of the process or the machine during the
// load, however, can leave the store incomplete or damaged: delete it and
// load again (for a demo: run 'vrs demo' again on a new directory).
func (db *DB) InitialLoad(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	u, err := signedIn(ctx)
	if err != nil {
		return err
	}
	if !u.System {
		return vrs.Errorf(vrs.EFORBIDDEN, "error.forbidden")
	}
	if db.dialect != sqliteDialect {
		return fn(ctx)
	}
	var some bool
	if err := db.writer.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM incidents)`).Scan(&some); err != nil {
		return err
	}
	if some {
		return fn(ctx)
	}
	// Indexes to build again at the end, with the statements that made them.
	var dropped []string
	ph := strings.Repeat(", ?", len(initialLoadIndexes))[2:]
	names := make([]any, len(initialLoadIndexes))
	for i, n := range initialLoadIndexes {
		names[i] = n
	}
	rows, err := db.writer.QueryContext(ctx, `SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND name IN (`+ph+`)`, names...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var q string
		if err := rows.Scan(&q); err != nil {
			rows.Close()
			return err
		}
		dropped = append(dropped, q)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// foreign_keys: a statement that can fail a foreign key keeps a
	// statement journal (11 % of the load); prepareBulk has checked every
	// incident's agency.
	pragmas := []string{`PRAGMA synchronous = OFF`, `PRAGMA cache_size = -2097152`, `PRAGMA wal_autocheckpoint = 65536`, `PRAGMA foreign_keys = OFF`}
	for _, p := range pragmas {
		if _, err := db.writer.ExecContext(ctx, p); err != nil {
			return err
		}
	}
	for _, n := range initialLoadIndexes {
		if _, err := db.writer.ExecContext(ctx, `DROP INDEX IF EXISTS `+n); err != nil {
			return err
		}
	}
	l := &initialLoad{}
	defer func() {
		ctx := context.WithoutCancel(ctx)
		if e := db.write(ctx, func(t *tx) error { return t.finishInitialLoad(l, dropped) }); e != nil && err == nil {
			err = e
		}
		for _, p := range []string{`PRAGMA synchronous = NORMAL`, fmt.Sprintf(`PRAGMA cache_size = %d`, writerCache), fmt.Sprintf(`PRAGMA wal_autocheckpoint = %d`, writerCheckpoint), `PRAGMA foreign_keys = ON`} {
			if _, e := db.writer.ExecContext(ctx, p); e != nil && err == nil {
				err = e
			}
		}
	}()
	return fn(context.WithValue(ctx, initialLoadKey{}, l))
}

// finishInitialLoad writes the blind-index rows an initial load held
// back, in key order, and builds the dropped indexes again.
func (t *tx) finishInitialLoad(l *initialLoad, dropped []string) error {
	slices.SortFunc(l.digests, func(a, b bulkDigest) int {
		return cmp.Or(bytes.Compare(a.digest[:], b.digest[:]), cmp.Compare(a.id, b.id))
	})
	rows := make([][]any, 0, len(l.digests))
	for i, d := range l.digests {
		if i > 0 && d == l.digests[i-1] {
			continue
		}
		rows = append(rows, []any{l.digests[i].digest[:], d.id})
	}
	l.digests = nil
	if err := t.insertRows(`INSERT INTO identifier_index (digest, incident_id) VALUES `, `($%d, $%d)`, "", rows); err != nil {
		return err
	}
	for _, q := range dropped {
		if _, err := t.exec(q); err != nil {
			return err
		}
	}
	return nil
}
