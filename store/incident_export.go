package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"vrs"
	"vrs/access"
)

// exportPage is how many incidents ExportIncidents reads at a time: the
// most it ever holds in memory.
var exportPage atomic.Int32

func init() {
	exportPage.Store(MaxIncidentPage)
}

const exportSort = "id"

// SetExportPage changes how many incidents ExportIncidents reads at a time
// (a test makes pages of two to revoke an agreement between them) and
// returns the previous size.
func SetExportPage(n int) int { return int(exportPage.Swap(int32(n))) }

// ExportIncidents streams the incidents that f selects and the user may
// read as records, each as FindIncident answers it, in ascending id order.
// The ids come from ListIncidents (the same filters and access branches as
// the list), one keyset page at a time; each page re-reads the sharing
// state, so that an agreement revoked during a long export stops applying
// at the next page, and its records are read in one query. One audit entry
// records the export (its filter and count, never a personal value), and
// each other country's record is logged for its owner before fn sees it.
func (db *DB) ExportIncidents(ctx context.Context, f vrs.IncidentFilter, fn func(*vrs.Incident) error) (err error) {
	u, err := signedIn(ctx)
	if err != nil {
		return err
	}
	f.Sort, f.After, f.Limit = exportSort, "", int(exportPage.Load())
	count, started := 0, false
	defer func() {
		if !started {
			return
		}
		// Logged even when the export stopped half-way (the client went
		// away, fn failed): what left is what the count says.
		d := exportDetail(f)
		d["count"], d["complete"] = count, err == nil
		aerr := db.writeGrouped(context.WithoutCancel(ctx), func(t *tx) error {
			return t.audit(&vrs.AuditEntry{Action: vrs.ActIncidentExport, ObjectType: "incident", Country: u.Country, Detail: detail(d)})
		})
		if err == nil {
			err = aerr
		}
	}()
	for {
		page, err := db.ListIncidents(ctx, f)
		if err != nil {
			return err
		}
		started = true
		if len(page.Items) == 0 {
			return nil
		}
		ids := make([]int64, len(page.Items))
		for k, it := range page.Items {
			ids[k] = it.ID
		}
		incs, err := db.loadIncidents(ctx, u, ids)
		if err != nil {
			return err
		}
		if err := db.auditExportReads(ctx, u, incs); err != nil {
			return err
		}
		for _, inc := range incs {
			if err := fn(inc); err != nil {
				return err
			}
			count++
		}
		if page.Next == "" {
			return nil
		}
		last := ids[len(ids)-1]
		f.After = encodeCursor(strconv.FormatInt(last, 10), last)
	}
}

// exportDetail is the filter of an export as the audit log keeps it: the
// words searched and the identifier may be personal data, so only their
// presence and kind are kept.
func exportDetail(f vrs.IncidentFilter) map[string]any {
	d := map[string]any{}
	filter := map[string]any{}
	add := func(k string, v any, set bool) {
		if set {
			filter[k] = v
		}
	}
	add("types", f.Types, len(f.Types) > 0)
	add("statuses", f.Statuses, len(f.Statuses) > 0)
	add("from", f.From, f.From != "")
	add("to", f.To, f.To != "")
	add("country", f.Country, f.Country != "")
	add("agency_id", f.AgencyID, f.AgencyID != 0)
	add("nationality", f.Nationality, f.Nationality != "")
	add("route_country", f.RouteCountry, f.RouteCountry != "")
	add("text", true, strings.TrimSpace(f.Text) != "")
	add("identifier_kind", f.IdentifierKind, f.Identifier != "")
	d["filter"] = filter
	return d
}

// auditExportReads logs, for their owner countries, the other countries'
// records of one page, as FindIncident logs a read.
func (db *DB) auditExportReads(ctx context.Context, u *vrs.User, incs []*vrs.Incident) error {
	var foreign []*vrs.Incident
	for _, inc := range incs {
		if access.Foreign(u, access.RefOf(inc)) {
			foreign = append(foreign, inc)
		}
	}
	if len(foreign) == 0 {
		return nil
	}
	return db.writeGrouped(ctx, func(t *tx) error {
		for _, inc := range foreign {
			if err := t.audit(readEntry(ctx, u, inc, vrs.ActIncidentExport, map[string]any{"version": inc.Version})); err != nil {
				return err
			}
		}
		return nil
	})
}

// exportRow is an incident row as read, before its personal data is opened.
type exportRow struct {
	inc   *vrs.Incident
	note  string
	ct    []byte
	keyID int64
	g     vrs.Granularity
}

// loadIncidents reads the incidents ids in one query and makes each what
// findIncident makes it for u: granularity by the access rule as it stands
// now (a record no longer readable is left out), the purpose rule for
// other countries' records, owner-only fields dropped from foreign and
// pseudonymised copies, personal data opened or pseudonymised.
func (db *DB) loadIncidents(ctx context.Context, u *vrs.User, ids []int64) ([]*vrs.Incident, error) {
	sh, err := db.sharingFor(ctx, u)
	if err != nil {
		return nil, err
	}
	var args []any
	gran := access.IncidentGranularity(u, sh, access.Pseudonymised, &args)
	ph := make([]string, len(ids))
	for k, id := range ids {
		args = append(args, id)
		ph[k] = "$" + strconv.Itoa(len(args))
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT i.id, i.agency_id, a.name, i.country, i.status, i.version, i.body, i.personal, i.key_id, i.note,
			i.created_by, i.created_at, i.updated_by, i.updated_at, u.name, i.distribution, i.tlp, `+gran+`
		FROM incidents i JOIN agencies a ON a.id = i.agency_id LEFT JOIN users u ON u.id = i.updated_by
		WHERE i.id IN (`+strings.Join(ph, ", ")+`) ORDER BY i.id`, args...)
	if err != nil {
		return nil, err
	}
	// Read every row before the next queries: the SQLite read pool is small.
	var raws []exportRow
	for rows.Next() {
		if r, err := scanExportRow(rows); err != nil {
			rows.Close()
			return nil, err
		} else if r.g >= access.Pseudonymised {
			raws = append(raws, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	incs := make([]*vrs.Incident, 0, len(raws))
	for _, r := range raws {
		inc := r.inc
		if inc.Status == vrs.StatusReturned {
			inc.ReviewNote = r.note
		}
		if err := db.readShares(ctx, inc); err != nil {
			return nil, err
		}
		foreign := access.Foreign(u, access.RefOf(inc))
		if r.g == access.Full && foreign && vrs.PurposeFromContext(ctx) == "" {
			inc.Granularity, inc.PurposeRequired = access.Pseudonymised, true
		}
		if foreign || inc.Granularity == access.Pseudonymised {
			foreignCopy(inc)
		}
		if err := db.openPersonal(inc, inc.ID, inc.Version, r.keyID, r.ct); err != nil {
			return nil, err
		}
		if err := db.pseudonymise(ctx, u, sh, inc); err != nil {
			return nil, err
		}
		incs = append(incs, inc)
	}
	return incs, nil
}

func scanExportRow(rows *sql.Rows) (exportRow, error) {
	var (
		r                                           exportRow
		id, agencyID, createdBy, updatedBy          int64
		createdAt, updatedAt                        int64
		version                                     int
		body, status, agencyName, country, dist, tl string
		updatedName                                 sql.NullString
	)
	if err := rows.Scan(&id, &agencyID, &agencyName, &country, &status, &version, &body, &r.ct, &r.keyID, &r.note,
		&createdBy, &createdAt, &updatedBy, &updatedAt, &updatedName, &dist, &tl, &r.g); err != nil {
		return r, err
	}
	inc := &vrs.Incident{}
	if err := json.Unmarshal([]byte(body), inc); err != nil {
		return r, fmt.Errorf("incident %d: body: %w", id, err)
	}
	inc.ID, inc.AgencyID, inc.AgencyName, inc.Country = id, agencyID, agencyName, country
	inc.Status, inc.Version = vrs.IncidentStatus(status), version
	inc.CreatedBy, inc.CreatedAt, inc.UpdatedBy, inc.UpdatedAt = createdBy, fromMicros(createdAt), updatedBy, fromMicros(updatedAt)
	inc.UpdatedName = updatedName.String
	inc.Distribution, inc.TLP, inc.Granularity = vrs.Distribution(dist), vrs.TLP(tl), r.g
	inc.ReviewNote = ""
	r.inc = inc
	return r, nil
}
