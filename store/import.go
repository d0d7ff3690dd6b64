package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"

	"vrs"
	"vrs/access"
)

// importTarget is the agency a file is imported into.
type importTarget struct {
	id            int64
	country, name string
	dist          vrs.Distribution
	tlp           vrs.TLP
}

// importStored is what an import compares a file's incident with.
type importStored struct {
	id        int64
	version   int
	status    vrs.IncidentStatus
	digest    []byte
	dist      vrs.Distribution
	tlp       vrs.TLP
	createdBy int64
	createdAt int64
}

// importPlan is one item's plan: the stored record it meets, and the
// sealed content committing it would write.
type importPlan struct {
	item   *vrs.ImportItem
	stored *importStored
	seal   *sealed
	dry    bool // plan only: no seal for creations
}

// importer checks who imports into which agency: reporters of the agency,
// or the installation itself (vrs import without a user).
func (db *DB) importTarget(ctx context.Context, q rowQuerier, agencyID int64) (*vrs.User, *importTarget, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !u.System {
		if err := access.CaptureIncident(u, agencyID); err != nil {
			return nil, nil, err
		}
	}
	a := &importTarget{id: agencyID}
	var disabled bool
	err = q.QueryRowContext(ctx, `SELECT country, name, disabled, default_distribution, default_tlp FROM agencies WHERE id = $1`, agencyID).
		Scan(&a.country, &a.name, &disabled, &a.dist, &a.tlp)
	if err == sql.ErrNoRows || disabled {
		return nil, nil, vrs.FieldErrors(map[string]string{"agency_id": "field.agency_unknown"})
	}
	return u, a, err
}

// rowQuerier is a read pool or a transaction.
type rowQuerier interface {
	querier
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// PlanImport decides what committing items would do; it writes nothing.
func (db *DB) PlanImport(ctx context.Context, agencyID int64, items []*vrs.ImportItem) error {
	_, a, err := db.importTarget(ctx, db.reader, agencyID)
	if err != nil {
		return err
	}
	_, err = db.planImport(ctx, db.reader, a, items, db.Now().UTC(), true)
	return err
}

// planImport validates every item (in parallel: it is most of the cost),
// matches it with the stored record of the same reference, and seals what
// would be written.
// A dry plan does not seal new records: sealing only tells a creation
// from nothing, and it was two fifths of a dry run.
func (db *DB) planImport(ctx context.Context, q rowQuerier, a *importTarget, items []*vrs.ImportItem, now time.Time, dry bool) ([]*importPlan, error) {
	plans := make([]*importPlan, len(items))
	refs := make([]string, 0, len(items))
	for i, it := range items {
		plans[i] = &importPlan{item: it, dry: dry}
		if it.Incident == nil {
			continue
		}
		it.Incident.AgencyID = a.id
		it.Incident.Normalize()
		refs = append(refs, it.Incident.Reference)
	}
	stored, err := db.importStored(ctx, q, a.id, refs, false)
	if err != nil {
		return nil, err
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(plans); i += workers {
				if errs[w] != nil {
					return
				}
				p := plans[i]
				if p.item.Incident == nil {
					p.item.Action = vrs.ImportReject
					continue
				}
				p.stored = stored[p.item.Incident.Reference]
				errs[w] = db.planOne(ctx, q, a, p, now)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return plans, nil
}

// planOne plans one item whose stored counterpart is known. Only errors
// that are not the item's fault are returned; the item's own are its Err.
func (db *DB) planOne(ctx context.Context, q rowQuerier, a *importTarget, p *importPlan, now time.Time) error {
	it, inc := p.item, p.item.Incident
	it.Action, it.Err, it.ID = vrs.ImportReject, nil, 0
	reject := func(err error) error {
		if vrs.ErrorCode(err) == vrs.EINTERNAL {
			return err
		}
		it.Err = err
		return nil
	}
	inc.Country, inc.AgencyName = a.country, a.name
	if err := db.validateIncident(ctx, inc, now); err != nil {
		return reject(err)
	}
	if s := p.stored; s != nil {
		it.ID = s.id
		if s.status == vrs.StatusSubmitted {
			return reject(vrs.Errorf(vrs.ECONFLICT, "error.incident_in_review"))
		}
		// As UpdateIncident: what the file leaves out of the sharing keeps
		// the record's current choice, never the agency's default.
		if inc.TLP == "" {
			inc.TLP = s.tlp
		}
		if inc.Distribution == "" {
			inc.Distribution = s.dist
			if s.dist == vrs.DistPartners && len(inc.ShareCountries)+len(inc.ShareGroups) == 0 {
				inc.ID = s.id
				if err := loadShares(ctx, q, inc); err != nil {
					return err
				}
			}
		}
	} else {
		shareDefaults(inc, a.dist, a.tlp)
	}
	if err := checkShares(inc, db.groupUsableIn(ctx, q)); err != nil {
		return reject(err)
	}
	if p.stored == nil && p.dry {
		it.Action = vrs.ImportCreate
		return nil
	}
	if p.stored != nil && p.stored.digest == nil {
		d, err := db.storedDigest(ctx, q, p.stored)
		if err != nil {
			return err
		}
		p.stored.digest = d
	}
	s, err := db.seal(inc)
	if err != nil {
		return err
	}
	p.seal = s
	switch {
	case p.stored == nil:
		it.Action = vrs.ImportCreate
	case bytes.Equal(p.stored.digest, s.digest):
		it.Action = vrs.ImportUnchanged
	default:
		it.Action = vrs.ImportUpdate
	}
	return nil
}

func (db *DB) groupUsableIn(ctx context.Context, q rowQuerier) func(id int64, country string) (bool, error) {
	return func(id int64, country string) (bool, error) {
		var n int
		err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sharing_groups g WHERE g.id = $1 AND (g.owner = $2
			OR EXISTS (SELECT 1 FROM sharing_group_members m WHERE m.group_id = g.id AND m.country = $2))`, id, country).Scan(&n)
		return n > 0, err
	}
}

// importStored reads the agency's records with the given references, in
// one parameter: a list of 500 placeholders cost SQLite a linear search
// per name, and PostgreSQL a generic plan that filtered the agency's rows.
// lock takes the rows for the transaction's end on PostgreSQL, where an
// edit could otherwise slip in between this read and the import's write
// (SQLite has one writer).
func (db *DB) importStored(ctx context.Context, q rowQuerier, agencyID int64, refs []string, lock bool) (map[string]*importStored, error) {
	out := make(map[string]*importStored, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	const cols = `SELECT reference, id, version, status, content_digest, distribution, tlp, created_by, created_at FROM incidents `
	var rows *sql.Rows
	var err error
	if db.dialect == postgresDialect {
		forUpdate := ""
		if lock {
			forUpdate = " FOR UPDATE"
		}
		rows, err = q.QueryContext(ctx, cols+`WHERE agency_id = $1 AND reference = ANY($2)`+forUpdate, agencyID, refs)
	} else {
		list, jerr := json.Marshal(refs)
		if jerr != nil {
			return nil, jerr
		}
		rows, err = q.QueryContext(ctx, cols+`WHERE agency_id = $1 AND reference IN (SELECT value FROM json_each($2))`, agencyID, string(list))
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ref string
		s := &importStored{}
		if err := rows.Scan(&ref, &s.id, &s.version, &s.status, &s.digest, &s.dist, &s.tlp, &s.createdBy, &s.createdAt); err != nil {
			return nil, err
		}
		out[ref] = s
	}
	return out, rows.Err()
}

// CommitImport writes one chunk of a job in one transaction, with the
// job's progress. The plan is made before the transaction (validation and
// sealing are the expensive part) and checked again inside it: an item
// whose stored record changed in between is planned again there.
func (db *DB) CommitImport(ctx context.Context, job *vrs.ImportJob, items []*vrs.ImportItem, rows int) error {
	u, a, err := db.importTarget(ctx, db.reader, job.AgencyID)
	if err != nil {
		return err
	}
	if !job.Commit || job.Status != vrs.JobRunning {
		return vrs.Errorf(vrs.ECONFLICT, "import.job_not_running")
	}
	status, err := importStatus(u, job.RecordStatus)
	if err != nil {
		return err
	}
	plans, err := db.planImport(ctx, db.reader, a, items, db.Now().UTC(), false)
	if err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		var counts vrs.ImportCounts
		refs := make([]string, 0, len(plans))
		for _, p := range plans {
			if p.item.Incident != nil {
				refs = append(refs, p.item.Incident.Reference)
			}
		}
		now, err := db.importStored(t.ctx, t, a.id, refs, true)
		if err != nil {
			return err
		}
		var creates []*vrs.Incident
		var seals []*sealed
		for _, p := range plans {
			if inc := p.item.Incident; inc != nil && !sameStored(p.stored, now[inc.Reference]) {
				p.stored = now[inc.Reference]
				if err := db.planOne(t.ctx, t, a, p, t.now); err != nil {
					return err
				}
			}
			counts.Add(p.item)
			switch p.item.Action {
			case vrs.ImportCreate:
				inc := p.item.Incident
				inc.Status, inc.ReviewNote = status, ""
				inc.CreatedBy, inc.UpdatedBy, inc.CreatedAt, inc.UpdatedAt = u.ID, u.ID, t.now, t.now
				creates, seals = append(creates, inc), append(seals, p.seal)
			case vrs.ImportUpdate:
				if err := t.importUpdate(u, a, p, status); err != nil {
					return err
				}
			}
		}
		if len(creates) > 0 {
			if err := t.insertBulk(creates, seals); err != nil {
				return err
			}
			for _, p := range plans {
				if p.item.Action == vrs.ImportCreate {
					p.item.ID = p.item.Incident.ID
				}
			}
		}
		counts.Rows = rows
		return t.advanceJob(job, counts)
	})
}

// storedDigest works out the content digest of a record written before
// digests existed, from its stored content: without it, the first import
// of unchanged data would make a new version of every such record.
func (db *DB) storedDigest(ctx context.Context, q rowQuerier, s *importStored) ([]byte, error) {
	var body string
	var personal []byte
	var keyID int64
	if err := q.QueryRowContext(ctx, `SELECT body, personal, key_id FROM incidents WHERE id = $1`, s.id).Scan(&body, &personal, &keyID); err != nil {
		return nil, err
	}
	inc := &vrs.Incident{}
	if err := json.Unmarshal([]byte(body), inc); err != nil {
		return nil, err
	}
	if err := db.openPersonal(inc, s.id, s.version, keyID, personal); err != nil {
		return nil, err
	}
	kr, err := db.Keyring()
	if err != nil {
		return nil, err
	}
	return contentDigest(kr, inc, inc.SplitPersonal())
}

func sameStored(a, b *importStored) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.id == b.id && a.version == b.version
}

// importStatus is the status imported records take. Only the
// installation itself (migrating records another system already
// reviewed) imports validated records: anyone else would validate their
// own work, which the four-eyes rule forbids.
func importStatus(u *vrs.User, s vrs.IncidentStatus) (vrs.IncidentStatus, error) {
	switch s {
	case "", vrs.StatusDraft:
		return vrs.StatusDraft, nil
	case vrs.StatusSubmitted:
		return s, nil
	case vrs.StatusValidated:
		if u.System {
			return s, nil
		}
		return "", vrs.Errorf(vrs.EFORBIDDEN, "import.validated_system_only")
	}
	return "", vrs.FieldErrors(map[string]string{"record_status": "import.record_status"})
}

// importUpdate writes a changed record as a new version, as UpdateIncident
// does for one.
func (t *tx) importUpdate(u *vrs.User, a *importTarget, p *importPlan, status vrs.IncidentStatus) error {
	inc, s, st := p.item.Incident, p.seal, p.stored
	inc.ID, inc.Version = st.id, st.version+1
	inc.Status = st.status
	switch {
	case status == vrs.StatusValidated:
		inc.Status = status
	case inc.Status == vrs.StatusValidated:
		inc.Status = vrs.StatusDraft
	}
	inc.ReviewNote = ""
	inc.CreatedBy, inc.CreatedAt = st.createdBy, fromMicros(st.createdAt)
	inc.UpdatedBy, inc.UpdatedAt = u.ID, t.now
	if err := t.writeVersion(u, inc, s); err != nil {
		return err
	}
	return t.audit(&vrs.AuditEntry{Action: vrs.ActIncidentUpdate, ObjectType: "incident", ObjectID: strconv.FormatInt(inc.ID, 10),
		Country: a.country, Detail: detail(map[string]any{"version": inc.Version, "status": inc.Status, "import": true})})
}

// advanceJob adds a chunk's counts to its job's row, in the chunk's
// transaction (the caller keeps its own copy of the job up to date).
func (t *tx) advanceJob(job *vrs.ImportJob, c vrs.ImportCounts) error {
	res, err := t.exec(`UPDATE import_jobs SET rows_done = rows_done + $1, created = created + $2, updated = updated + $3,
			unchanged = unchanged + $4, rejected = rejected + $5, rejected_rows = rejected_rows + $6
		WHERE id = $7 AND status = 'running'`, c.Rows, c.Created, c.Updated, c.Unchanged, c.Rejected, c.RejectedRows, job.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		// Cancelled (or deleted) meanwhile: the chunk is not written.
		return cmpErr(err, vrs.Errorf(vrs.ECONFLICT, "import.job_not_running"))
	}
	return nil
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return fmt.Errorf("import job: %w", err)
	}
	return otherwise
}
