package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"vrs"
	"vrs/access"
	"vrs/refdata"
)

// codeLists adapts package refdata to the domain's CodeChecker.
type codeLists struct{}

func (codeLists) HasCode(list, code string) bool { return refdata.HasCode(list, code) }
func (codeLists) InCountryBounds(c string, lat, lon, margin float64) (bool, bool) {
	return refdata.InCountryBounds(c, lat, lon, margin)
}

// CodeLists is the code-list checker the store validates with.
var CodeLists vrs.CodeChecker = codeLists{}

// today is the latest date anyone in the world may be living: the region
// reaches UTC+14, and a reporter in Kiribati must be able to enter today.
func today(now time.Time) string { return now.UTC().Add(14 * time.Hour).Format(time.DateOnly) }

// validateIncident runs the field checks and the installation's
// cross-field rules, and answers every failing field at once.
func (db *DB) validateIncident(ctx context.Context, inc *vrs.Incident, now time.Time) error {
	day := today(now)
	fields := map[string]string{}
	if err := inc.Validate(CodeLists, day); err != nil {
		e := vrs.AsError(err)
		if e.Code != vrs.EINVALID {
			return err
		}
		maps.Copy(fields, e.Fields)
	}
	set, err := db.IncidentRules(ctx)
	if err != nil {
		return err
	}
	for f, msg := range set.Check(inc, day) {
		if _, ok := fields[f]; !ok {
			fields[f] = msg
		}
	}
	if len(fields) > 0 {
		return vrs.FieldErrors(fields)
	}
	return nil
}

// incidentAAD binds a sealed blob to its incident and version, so that a
// blob copied onto another row does not open.
func incidentAAD(id int64, version int) []byte {
	return []byte("incident:" + strconv.FormatInt(id, 10) + ":v" + strconv.Itoa(version))
}

// sealed is an incident ready to store: content without personal data,
// the personal data encrypted, and what the indexes need.
type sealed struct {
	body     string
	personal []byte // sealed, once encrypt has run
	plain    []byte // the personal data as JSON, before sealing
	keyID    int64
	digests  [][]byte
	// digest is the content digest (see contentDigest).
	digest  []byte
	facets  [][2]string
	text    string
	persons int
}

// seal encodes inc for storage. It leaves inc as it was.
func (db *DB) seal(inc *vrs.Incident) (*sealed, error) {
	kr, err := db.Keyring()
	if err != nil {
		return nil, err
	}
	p := inc.SplitPersonal()
	defer inc.MergePersonal(p)
	body, err := json.Marshal(inc)
	if err != nil {
		return nil, err
	}
	digest, err := contentDigest(kr, inc, p)
	if err != nil {
		return nil, err
	}
	s := &sealed{body: string(body), digest: digest, facets: incidentFacets(inc), persons: len(inc.Persons)}
	for _, c := range inc.Counts {
		s.persons += c.Count
	}
	s.text = strings.Join([]string{inc.Reference, inc.Place.Name, inc.Place.AdminArea, inc.Narrative}, " ")
	if !p.Empty() {
		plain, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		// The id is not known before the insert: encrypt finishes the job.
		s.plain = plain
	}
	seen := map[string]bool{}
	for _, v := range p.Identifiers() {
		d := kr.BlindIndex(v.Kind, v.Value)
		if d != nil && !seen[string(d)] {
			seen[string(d)] = true
			s.digests = append(s.digests, d)
		}
	}
	return s, nil
}

// encrypt seals the personal part for the given row and version.
func (db *DB) encrypt(s *sealed, id int64, version int) error {
	if s.plain == nil {
		return nil
	}
	kr, err := db.Keyring()
	if err != nil {
		return err
	}
	// From the plain text every time: a write that runs again (see
	// group.go) seals afresh for its new id, never the ciphertext.
	keyID, ct, err := kr.Seal(incidentAAD(id, version), s.plain)
	if err != nil {
		return err
	}
	s.personal, s.keyID = ct, keyID
	return nil
}

// incidentFacets lists what the list filters search beyond the row.
func incidentFacets(inc *vrs.Incident) [][2]string {
	set := map[[2]string]bool{}
	for _, p := range inc.Persons {
		for _, n := range p.Nationalities {
			set[[2]string{"nat", n}] = true
		}
	}
	for _, c := range inc.Counts {
		if c.Nationality != "" {
			set[[2]string{"nat", c.Nationality}] = true
		}
	}
	for _, l := range inc.Legs {
		set[[2]string{"route", l.Country}] = true
	}
	if inc.Place.Country != "" {
		set[[2]string{"route", inc.Place.Country}] = true
	}
	out := slices.Collect(maps.Keys(set))
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) })
	return out
}

// writeIndexes replaces the incident's facets, blind-index digests and
// full-text entry.
func (t *tx) writeIndexes(id int64, s *sealed, replace bool) error {
	if replace {
		if err := t.dropIndexes(id); err != nil {
			return err
		}
	}
	// One statement per table: statements, not rows, are what cost.
	if len(s.facets) > 0 {
		args := make([]any, 0, 1+2*len(s.facets))
		args = append(args, id)
		var b strings.Builder
		b.WriteString(`INSERT INTO incident_facets (facet, value, incident_id) VALUES `)
		for i, f := range s.facets {
			if i > 0 {
				b.WriteString(", ")
			}
			args = append(args, f[0], f[1])
			fmt.Fprintf(&b, "($%d, $%d, $1)", len(args)-1, len(args))
		}
		if _, err := t.exec(b.String(), args...); err != nil {
			return err
		}
	}
	if len(s.digests) > 0 {
		args := make([]any, 0, 1+len(s.digests))
		args = append(args, id)
		var b strings.Builder
		b.WriteString(`INSERT INTO identifier_index (digest, incident_id) VALUES `)
		for i, d := range s.digests {
			if i > 0 {
				b.WriteString(", ")
			}
			args = append(args, d)
			fmt.Fprintf(&b, "($%d, $1)", len(args))
		}
		b.WriteString(` ON CONFLICT DO NOTHING`)
		if _, err := t.exec(b.String(), args...); err != nil {
			return err
		}
	}
	if t.db.dialect == sqliteDialect {
		if _, err := t.exec(ftsInsertSQL, id, s.text); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) dropIndexes(id int64) error {
	for _, q := range []string{
		`DELETE FROM incident_facets WHERE incident_id = $1`,
		`DELETE FROM identifier_index WHERE incident_id = $1`,
	} {
		if _, err := t.exec(q, id); err != nil {
			return err
		}
	}
	if t.db.dialect == sqliteDialect {
		if _, err := t.exec(`DELETE FROM incident_fts WHERE rowid = $1`, id); err != nil {
			return err
		}
	}
	return nil
}

const (
	incidentInsertSQL = `INSERT INTO incidents (agency_id, country, reference, type, status, version, detected_on, place_country, place_name,
				persons, body, search_text, action, created_by, created_at, updated_by, updated_at, distribution, tlp, content_digest)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $10, $11, 'create', $12, $13, $12, $13, $14, $15, $16) RETURNING id`
	captureAgencySQL = `SELECT country, name, disabled FROM agencies WHERE id = $1`
	storePersonalSQL = `UPDATE incidents SET personal = $1, key_id = $2 WHERE id = $3`
	ftsInsertSQL     = `INSERT INTO incident_fts (rowid, search_text) VALUES ($1, $2)`
)

func init() {
	hotWrites = append(hotWrites, incidentInsertSQL, captureAgencySQL, storePersonalSQL)
}

// captureAgency checks the agency exists, is active, and returns its country.
func (t *tx) captureAgency(id int64) (country, name string, err error) {
	var disabled bool
	err = t.queryRow(captureAgencySQL, id).Scan(&country, &name, &disabled)
	if err == sql.ErrNoRows || (err == nil && disabled) {
		return "", "", vrs.FieldErrors(map[string]string{"agency_id": "field.agency_unknown"})
	}
	return country, name, err
}

// CreateIncident records a new incident as a draft, version 1.
func (db *DB) CreateIncident(ctx context.Context, inc *vrs.Incident) error {
	u, err := signedIn(ctx)
	if err != nil {
		return err
	}
	if err := access.CaptureIncident(u, inc.AgencyID); err != nil {
		return err
	}
	inc.Normalize()
	if err := db.validateIncident(ctx, inc, db.Now()); err != nil {
		return err
	}
	inc.Status, inc.Version, inc.ReviewNote = vrs.StatusDraft, 1, ""
	if err := db.agencyShareDefaults(ctx, inc); err != nil {
		return err
	}
	// Encoding and indexing happen before taking the writer; the stored
	// body's bookkeeping fields (agency, times) are read from the row.
	s, err := db.seal(inc)
	if err != nil {
		return err
	}
	return db.writeGrouped(ctx, func(t *tx) error {
		country, agencyName, err := t.captureAgency(inc.AgencyID)
		if err != nil {
			return err
		}
		inc.Country, inc.AgencyName = country, agencyName
		inc.CreatedBy, inc.CreatedAt, inc.UpdatedBy, inc.UpdatedAt, inc.UpdatedName = u.ID, t.now, u.ID, t.now, u.Name
		err = t.queryRow(incidentInsertSQL,
			inc.AgencyID, country, inc.Reference, string(inc.Type), string(inc.Status), inc.DetectedOn, inc.Place.Country, inc.Place.Name,
			s.persons, s.body, s.text, u.ID, micros(t.now), string(inc.Distribution), string(inc.TLP), s.digest).Scan(&inc.ID)
		if isUniqueViolation(err) {
			return &vrs.Error{Code: vrs.ECONFLICT, Message: "error.incident_reference_taken", Fields: map[string]string{"reference": "field.reference_taken"}}
		}
		if err != nil {
			return err
		}
		if err := t.storePersonal(inc.ID, 1, s); err != nil {
			return err
		}
		if err := t.writeShares(inc, false); err != nil {
			return err
		}
		if err := t.writeIndexes(inc.ID, s, false); err != nil {
			return err
		}
		if err := t.statPut(inc, true); err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActIncidentCreate, ObjectType: "incident", ObjectID: strconv.FormatInt(inc.ID, 10),
			Country: country, Detail: detail(map[string]any{"type": inc.Type, "version": 1})})
	})
}

func (t *tx) storePersonal(id int64, version int, s *sealed) error {
	if err := t.db.encrypt(s, id, version); err != nil {
		return err
	}
	_, err := t.exec(storePersonalSQL, s.personal, s.keyID, id)
	return err
}

// current is the stored state of an incident that a write checks against.
type current struct {
	ref        access.IncidentRef
	version    int
	updatedBy  int64
	agencyName string
}

// lockIncident reads the incident's current state in the write transaction
// (locking the row on PostgreSQL, where writers run side by side; SQLite
// has one writer) and checks the actor may see it; an incident the actor may not see is
// not found, whatever the reason.
func (t *tx) lockIncident(u *vrs.User, id int64) (*current, error) {
	c := &current{}
	var status, dist string
	err := t.queryRow(`SELECT i.agency_id, i.country, i.status, i.version, i.updated_by, a.name, i.distribution
		FROM incidents i JOIN agencies a ON a.id = i.agency_id WHERE i.id = $1`+t.db.forUpdate("i"), id).
		Scan(&c.ref.AgencyID, &c.ref.Country, &status, &c.version, &c.updatedBy, &c.agencyName, &dist)
	c.ref.Status, c.ref.Distribution = vrs.IncidentStatus(status), vrs.Distribution(dist)
	// Writers work in the record's own country: sharing with other
	// countries (nil here) never opens a record to change.
	if err == sql.ErrNoRows || (err == nil && access.ReadIncident(u, nil, c.ref) < access.Pseudonymised) {
		return nil, vrs.NotFound("incident")
	}
	return c, err
}

// conflict is the answer to a write based on a version that is no longer current.
func conflict(c *current, version int) error {
	if version != c.version {
		return vrs.Errorf(vrs.ECONFLICT, "error.incident_stale", version, c.version)
	}
	return nil
}

// archive copies the current version into the history before it changes.
func (t *tx) archive(id int64) error {
	_, err := t.exec(`INSERT INTO incident_versions (incident_id, version, status, body, personal, key_id, action, note, author_id, at)
		SELECT id, version, status, body, personal, key_id, action, note, updated_by, updated_at FROM incidents WHERE id = $1`, id)
	return err
}

// UpdateIncident saves a new version of an incident. A validated incident
// that is corrected goes back to draft and must be reviewed again.
func (db *DB) UpdateIncident(ctx context.Context, inc *vrs.Incident, version int) error {
	u, err := signedIn(ctx)
	if err != nil {
		return err
	}
	inc.Normalize()
	return db.writeGrouped(ctx, func(t *tx) error {
		c, err := t.lockIncident(u, inc.ID)
		if err != nil {
			return err
		}
		if err := access.CaptureIncident(u, c.ref.AgencyID); err != nil {
			return err
		}
		if err := conflict(c, version); err != nil {
			return err
		}
		if c.ref.Status == vrs.StatusSubmitted {
			return vrs.Errorf(vrs.ECONFLICT, "error.incident_in_review")
		}
		// The agency owns the record; moving it is not an edit.
		if inc.AgencyID != 0 && inc.AgencyID != c.ref.AgencyID {
			return vrs.FieldErrors(map[string]string{"agency_id": "field.agency_fixed"})
		}
		inc.AgencyID, inc.Country, inc.AgencyName = c.ref.AgencyID, c.ref.Country, c.agencyName
		if err := db.validateIncident(ctx, inc, t.now); err != nil {
			return err
		}
		if err := t.keepShares(inc); err != nil {
			return err
		}
		var created int64
		var createdBy int64
		if err := t.queryRow(`SELECT created_by, created_at FROM incidents WHERE id = $1`, inc.ID).Scan(&createdBy, &created); err != nil {
			return err
		}
		inc.Status = c.ref.Status
		if inc.Status == vrs.StatusValidated {
			inc.Status = vrs.StatusDraft
		}
		inc.Version = c.version + 1
		inc.ReviewNote = ""
		inc.CreatedBy, inc.CreatedAt = createdBy, fromMicros(created)
		inc.UpdatedBy, inc.UpdatedAt, inc.UpdatedName = u.ID, t.now, u.Name
		s, err := db.seal(inc)
		if err != nil {
			return err
		}
		if err := t.writeVersion(u, inc, s); err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActIncidentUpdate, ObjectType: "incident", ObjectID: strconv.FormatInt(inc.ID, 10),
			Country: c.ref.Country, Detail: detail(map[string]any{"version": inc.Version, "status": inc.Status})})
	})
}

// writeVersion archives an incident's current version and writes inc,
// sealed as s, as its new one, with its partners and indexes.
func (t *tx) writeVersion(u *vrs.User, inc *vrs.Incident, s *sealed) error {
	if err := t.db.encrypt(s, inc.ID, inc.Version); err != nil {
		return err
	}
	if err := t.archive(inc.ID); err != nil {
		return err
	}
	_, err := t.exec(`UPDATE incidents SET reference = $1, type = $2, status = $3, version = $4, detected_on = $5, place_country = $6,
			place_name = $7, persons = $8, body = $9, personal = $10, key_id = $11, search_text = $12, action = 'update', note = '',
			updated_by = $13, updated_at = $14, content_digest = $15
		WHERE id = $16`,
		inc.Reference, string(inc.Type), string(inc.Status), inc.Version, inc.DetectedOn, inc.Place.Country, inc.Place.Name,
		s.persons, s.body, s.personal, s.keyID, s.text, u.ID, micros(t.now), s.digest, inc.ID)
	if isUniqueViolation(err) {
		return &vrs.Error{Code: vrs.ECONFLICT, Message: "error.incident_reference_taken", Fields: map[string]string{"reference": "field.reference_taken"}}
	}
	if err != nil {
		return err
	}
	if err := t.writeShares(inc, true); err != nil {
		return err
	}
	if err := t.writeIndexes(inc.ID, s, true); err != nil {
		return err
	}
	return t.statPut(inc, false)
}

// transitions says which status changes exist, who makes them, and what
// the audit log calls them.
var transitions = map[[2]vrs.IncidentStatus]struct {
	review bool
	action string
}{
	{vrs.StatusDraft, vrs.StatusSubmitted}:     {false, vrs.ActIncidentSubmit},
	{vrs.StatusReturned, vrs.StatusSubmitted}:  {false, vrs.ActIncidentSubmit},
	{vrs.StatusSubmitted, vrs.StatusDraft}:     {false, vrs.ActIncidentWithdraw},
	{vrs.StatusSubmitted, vrs.StatusReturned}:  {true, vrs.ActIncidentReturn},
	{vrs.StatusSubmitted, vrs.StatusValidated}: {true, vrs.ActIncidentValidate},
}

// TransitionIncident moves an incident through review. Each step is a new
// version, so that the history shows who submitted, returned and validated.
func (db *DB) TransitionIncident(ctx context.Context, id int64, version int, to vrs.IncidentStatus, note string) (*vrs.Incident, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	err = db.writeGrouped(ctx, func(t *tx) error {
		c, err := t.lockIncident(u, id)
		if err != nil {
			return err
		}
		// A stale version first: the caller acted on a page that no
		// longer shows the incident as it is.
		if err := conflict(c, version); err != nil {
			return err
		}
		step, ok := transitions[[2]vrs.IncidentStatus{c.ref.Status, to}]
		if !ok {
			return vrs.Errorf(vrs.ECONFLICT, "error.incident_transition", string(c.ref.Status), string(to))
		}
		if step.review {
			var authors []int64
			if authors, err = t.contentAuthors(id); err != nil {
				return err
			}
			err = access.ReviewIncidentBy(u, c.ref, authors)
		} else {
			err = access.CaptureIncident(u, c.ref.AgencyID)
		}
		if err != nil {
			return err
		}
		switch {
		case to == vrs.StatusReturned && note == "":
			return vrs.FieldErrors(map[string]string{"note": "field.return_reason"})
		case len([]rune(note)) > 2000:
			return vrs.FieldErrors(map[string]string{"note": "field.text_too_long"})
		}
		if err := t.archive(id); err != nil {
			return err
		}
		// The sealed personal data moves to the new version: re-seal it
		// under the new version's binding.
		if err := t.resealCurrent(id, c.version, c.version+1); err != nil {
			return err
		}
		action := strings.TrimPrefix(step.action, "incident.")
		if _, err := t.exec(`UPDATE incidents SET status = $1, version = $2, action = $3, note = $4, updated_by = $5, updated_at = $6 WHERE id = $7`,
			string(to), c.version+1, action, note, u.ID, micros(t.now), id); err != nil {
			return err
		}
		if err := t.statRebuild(id); err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: step.action, ObjectType: "incident", ObjectID: strconv.FormatInt(id, 10),
			Country: c.ref.Country, Detail: detail(map[string]any{"version": c.version + 1, "from": c.ref.Status, "to": to})})
	})
	if err != nil {
		return nil, err
	}
	inc, _, err := db.findIncident(ctx, u, id, false)
	return inc, err
}

// contentAuthors lists who wrote the content under review: every create
// or update since the incident was last validated. Submitting is not
// writing, so that a colleague's click cannot launder one's own content
// past the four-eyes rule.
func (t *tx) contentAuthors(id int64) ([]int64, error) {
	rows, err := t.QueryContext(t.ctx, `SELECT updated_by FROM incidents WHERE id = $1 AND action IN ('create', 'update')
		UNION
		SELECT author_id FROM incident_versions WHERE incident_id = $1 AND action IN ('create', 'update')
			AND version > (SELECT COALESCE(MAX(version), 0) FROM incident_versions WHERE incident_id = $1 AND action = 'validate')`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var a int64
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// resealCurrent re-encrypts the current row's personal data for a new version.
func (t *tx) resealCurrent(id int64, from, to int) error {
	var ct []byte
	var keyID int64
	if err := t.queryRow(`SELECT personal, key_id FROM incidents WHERE id = $1`, id).Scan(&ct, &keyID); err != nil {
		return err
	}
	if ct == nil {
		return nil
	}
	kr, err := t.db.Keyring()
	if err != nil {
		return err
	}
	plain, err := kr.Open(keyID, incidentAAD(id, from), ct)
	if err != nil {
		return fmt.Errorf("incident %d: %w", id, err)
	}
	keyID, ct, err = kr.Seal(incidentAAD(id, to), plain)
	if err != nil {
		return err
	}
	_, err = t.exec(storePersonalSQL, ct, keyID, id)
	return err
}

// DeleteIncident removes a draft and its history, keeping only the audit
// entry with the reason. Anything past draft is evidence and stays.
func (db *DB) DeleteIncident(ctx context.Context, id int64, version int, reason string) error {
	u, err := signedIn(ctx)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	return db.write(ctx, func(t *tx) error {
		c, err := t.lockIncident(u, id)
		if err != nil {
			return err
		}
		if err := access.CaptureIncident(u, c.ref.AgencyID); err != nil {
			return err
		}
		if err := conflict(c, version); err != nil {
			return err
		}
		if c.ref.Status != vrs.StatusDraft {
			return vrs.Errorf(vrs.ECONFLICT, "error.incident_delete_draft_only")
		}
		switch {
		case reason == "":
			return vrs.FieldErrors(map[string]string{"reason": "field.delete_reason"})
		case len([]rune(reason)) > 2000:
			return vrs.FieldErrors(map[string]string{"reason": "field.text_too_long"})
		}
		var reference, typ string
		if err := t.queryRow(`SELECT reference, type FROM incidents WHERE id = $1`, id).Scan(&reference, &typ); err != nil {
			return err
		}
		if err := t.dropIndexes(id); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM incident_share_countries WHERE incident_id = $1`, `DELETE FROM incident_share_groups WHERE incident_id = $1`,
			`DELETE FROM incident_versions WHERE incident_id = $1`, `DELETE FROM incidents WHERE id = $1`} {
			if _, err := t.exec(q, id); err != nil {
				return err
			}
		}
		if err := t.statDelete(id); err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActIncidentDelete, ObjectType: "incident", ObjectID: strconv.FormatInt(id, 10),
			Country: c.ref.Country, Detail: detail(map[string]any{"reference": reference, "type": typ, "version": version, "reason": reason})})
	})
}
