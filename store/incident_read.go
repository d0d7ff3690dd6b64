package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"vrs"
	"vrs/access"
)

// FindIncident returns one incident with its personal data, through the
// access rule, and records the read in the audit log.
func (db *DB) FindIncident(ctx context.Context, id int64) (*vrs.Incident, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	inc, _, err := db.findIncident(ctx, u, id, true)
	if err != nil {
		return nil, err
	}
	err = db.writeGrouped(ctx, func(t *tx) error {
		return t.audit(readEntry(ctx, u, inc, vrs.ActIncidentRead, map[string]any{"version": inc.Version}))
	})
	if err != nil {
		return nil, err
	}
	return inc, nil
}

// readEntry is the audit entry of a read. A read of another country's
// record is logged as such, for its owner country, with the reader's
// country, the granularity and, for a full read, the stated purpose.
func readEntry(ctx context.Context, u *vrs.User, inc *vrs.Incident, action string, d map[string]any) *vrs.AuditEntry {
	if access.Foreign(u, access.RefOf(inc)) {
		d["read"], action = action, vrs.ActIncidentReadShared
		d["viewer_country"], d["viewer_agency"], d["granularity"] = u.Country, u.AgencyName, inc.Granularity.String()
		if inc.Granularity == access.Full {
			d["purpose"] = vrs.PurposeFromContext(ctx)
		}
	}
	return &vrs.AuditEntry{Action: action, ObjectType: "incident", ObjectID: strconv.FormatInt(inc.ID, 10), Country: inc.Country, Detail: detail(d)}
}

// findIncident reads the current version through the access rule, at the
// granularity the user may see it (at least pseudonymised; a record seen
// only in aggregate does not exist as a record). personal says whether to
// open the personal data (the caller audits the read): in full, or
// replaced by pseudonyms. Another country's record in full needs a
// stated purpose (vrs.NewContextWithPurpose); without one it is shown
// pseudonymised and marked PurposeRequired. It answers the sharing state
// it read too, so that a caller reading more (the history) applies the
// same one.
func (db *DB) findIncident(ctx context.Context, u *vrs.User, id int64, personal bool) (*vrs.Incident, *access.Sharing, error) {
	sh, err := db.sharingFor(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	args := []any{id}
	gran := access.IncidentGranularity(u, sh, access.Pseudonymised, &args)
	var (
		body, status, agencyName, country, note, dist, tlp string
		updatedName                                        sql.NullString
		ct                                                 []byte
		keyID, agencyID, createdBy, updatedBy              int64
		createdAt, updatedAt                               int64
		version                                            int
		g                                                  vrs.Granularity
	)
	err = db.reader.QueryRowContext(ctx, `SELECT i.agency_id, a.name, i.country, i.status, i.version, i.body, i.personal, i.key_id, i.note,
			i.created_by, i.created_at, i.updated_by, i.updated_at, u.name, i.distribution, i.tlp, `+gran+`
		FROM incidents i JOIN agencies a ON a.id = i.agency_id LEFT JOIN users u ON u.id = i.updated_by
		WHERE i.id = $1`, args...).
		Scan(&agencyID, &agencyName, &country, &status, &version, &body, &ct, &keyID, &note, &createdBy, &createdAt, &updatedBy, &updatedAt,
			&updatedName, &dist, &tlp, &g)
	if err == sql.ErrNoRows || err == nil && g < access.Pseudonymised {
		return nil, nil, vrs.NotFound("incident")
	}
	if err != nil {
		return nil, nil, err
	}
	inc := &vrs.Incident{}
	if err := json.Unmarshal([]byte(body), inc); err != nil {
		return nil, nil, fmt.Errorf("incident %d: body: %w", id, err)
	}
	inc.ID, inc.AgencyID, inc.AgencyName, inc.Country = id, agencyID, agencyName, country
	inc.Status, inc.Version = vrs.IncidentStatus(status), version
	inc.CreatedBy, inc.CreatedAt, inc.UpdatedBy, inc.UpdatedAt = createdBy, fromMicros(createdAt), updatedBy, fromMicros(updatedAt)
	inc.UpdatedName = updatedName.String
	inc.Distribution, inc.TLP, inc.Granularity = vrs.Distribution(dist), vrs.TLP(tlp), g
	inc.ReviewNote = ""
	if inc.Status == vrs.StatusReturned {
		inc.ReviewNote = note
	}
	if err := db.readShares(ctx, inc); err != nil {
		return nil, nil, err
	}
	foreign := access.Foreign(u, access.RefOf(inc))
	if g == access.Full && foreign && vrs.PurposeFromContext(ctx) == "" {
		inc.Granularity, inc.PurposeRequired = access.Pseudonymised, true
	}
	if foreign || inc.Granularity == access.Pseudonymised {
		foreignCopy(inc)
	}
	if personal {
		if err := db.openPersonal(inc, id, version, keyID, ct); err != nil {
			return nil, nil, err
		}
		if err := db.pseudonymise(ctx, u, sh, inc); err != nil {
			return nil, nil, err
		}
	}
	return inc, sh, nil
}

// foreignCopy leaves out of another country's record, full or
// pseudonymised, and of any pseudonymised one, what belongs to its owner: whom else it is shared with,
// the officials who wrote it (by id and name) and the review note.
func foreignCopy(inc *vrs.Incident) {
	inc.ShareCountries, inc.ShareGroups = nil, nil
	inc.CreatedBy, inc.UpdatedBy, inc.UpdatedName, inc.ReviewNote = 0, 0, "", ""
}

// readShares fills the partners of a record distributed to partners.
func (db *DB) readShares(ctx context.Context, inc *vrs.Incident) error {
	inc.ShareCountries, inc.ShareGroups = nil, nil // the tables, not the body, are what applies
	if inc.Distribution != vrs.DistPartners {
		return nil
	}
	return loadShares(ctx, db.reader, inc)
}

// loadShares appends the partner countries and groups of inc as stored,
// through the read pool or a write transaction.
func loadShares(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, inc *vrs.Incident) error {
	rows, err := q.QueryContext(ctx, `SELECT country, 0 FROM incident_share_countries WHERE incident_id = $1
		UNION ALL SELECT '', group_id FROM incident_share_groups WHERE incident_id = $1 ORDER BY 1, 2`, inc.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var g int64
		if err := rows.Scan(&c, &g); err != nil {
			return err
		}
		if c != "" {
			inc.ShareCountries = append(inc.ShareCountries, c)
		} else {
			inc.ShareGroups = append(inc.ShareGroups, g)
		}
	}
	return rows.Err()
}

// openPersonal decrypts a sealed blob into inc.
func (db *DB) openPersonal(inc *vrs.Incident, id int64, version int, keyID int64, ct []byte) error {
	if ct == nil {
		return nil
	}
	kr, err := db.Keyring()
	if err != nil {
		return err
	}
	plain, err := kr.Open(keyID, incidentAAD(id, version), ct)
	if err != nil {
		return fmt.Errorf("incident %d v%d: %w", id, version, err)
	}
	p := &vrs.PersonalData{}
	if err := json.Unmarshal(plain, p); err != nil {
		return fmt.Errorf("incident %d v%d: personal data: %w", id, version, err)
	}
	inc.MergePersonal(p)
	return nil
}

// incidentSorts maps a sort name to its column and direction.
var incidentSorts = map[string]struct {
	col  string
	desc bool
	kind byte // 'i' integer, 's' string
}{
	"-updated":  {"i.updated_at", true, 'i'},
	"updated":   {"i.updated_at", false, 'i'},
	"-detected": {"i.detected_on", true, 's'},
	"detected":  {"i.detected_on", false, 's'},
	"reference": {"i.reference", false, 's'},
	// Creation order: exports and other readers that go through everything.
	"id": {"i.id", false, 'i'},
}

// IncidentSorts lists the sort names ListIncidents accepts.
func IncidentSorts() []string {
	return []string{"-updated", "updated", "-detected", "detected", "reference", "id"}
}

// Page sizes of the incident list.
const (
	DefaultIncidentPage = 50
	MaxIncidentPage     = 200
)

// ListIncidents answers one page of the incidents the user may see, newest
// change first unless the filter sorts otherwise. Pages follow a cursor
// (keyset), so that page 1,000 costs what page 1 costs.
func (db *DB) ListIncidents(ctx context.Context, f vrs.IncidentFilter) (*vrs.IncidentPage, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if f.Sort == "" {
		f.Sort = "-updated"
	}
	sort, ok := incidentSorts[f.Sort]
	if !ok {
		return nil, vrs.FieldErrors(map[string]string{"sort": "field.sort"})
	}
	switch {
	case f.Limit == 0:
		f.Limit = DefaultIncidentPage
	case f.Limit < 0 || f.Limit > MaxIncidentPage:
		return nil, vrs.FieldErrors(map[string]string{"limit": "field.page_size"})
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	empty := &vrs.IncidentPage{Items: []*vrs.IncidentSummary{}}
	sh, err := db.sharingFor(ctx, u)
	if err != nil {
		return nil, err
	}
	// A search by identifier or by words finds only records the user
	// reads in full: a hit on a pseudonymised record would tell that the
	// hidden name, number or narrative is in it.
	// A hit on another country's record tells what it holds, as opening
	// it would: without a stated purpose the search leaves other
	// countries' records out, and with one each hit is logged for its
	// owner (below).
	least := access.Pseudonymised
	search := f.Identifier != "" || strings.TrimSpace(f.Text) != ""
	if search {
		least = access.Full
		if vrs.PurposeFromContext(ctx) == "" {
			own := *sh
			own.Agreements = nil
			sh = &own
		}
	}
	branches := access.IncidentBranchesOf(u, sh, least, strings.ToUpper(strings.TrimSpace(f.Country)), &args)
	if len(branches) == 0 {
		return empty, nil
	}
	var where []string
	if len(f.Types) > 0 {
		ph := make([]string, len(f.Types))
		for i, t := range f.Types {
			ph[i] = arg(string(t))
		}
		where = append(where, "i.type IN ("+strings.Join(ph, ", ")+")")
	}
	if len(f.Statuses) > 0 {
		ph := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			ph[i] = arg(string(s))
		}
		where = append(where, "i.status IN ("+strings.Join(ph, ", ")+")")
	}
	if f.From != "" || f.To != "" {
		c, err := db.periodFilter(ctx, f.From, f.To, sort.col == "i.detected_on", arg)
		if err != nil {
			return nil, err
		}
		where = append(where, c)
	}
	if f.Country != "" {
		where = append(where, "i.country = "+arg(strings.ToUpper(f.Country)))
	}
	if f.AgencyID != 0 {
		where = append(where, "i.agency_id = "+arg(f.AgencyID))
	}
	if len(f.IDs) > vrs.MaxIncidentIDs {
		return nil, vrs.FieldErrors(map[string]string{"ids": "field.incident_ids_too_many"})
	}
	if len(f.IDs) > 0 {
		ph := make([]string, len(f.IDs))
		for i, id := range f.IDs {
			ph[i] = arg(id)
		}
		where = append(where, "i.id IN ("+strings.Join(ph, ", ")+")")
	}
	// Filters on rows of another table: see lookupFilter for IN or EXISTS.
	var lookups []lookup
	if f.Nationality != "" {
		lookups = append(lookups, lookup{"incident_facets", "incident_id", "facet = 'nat' AND value = %s", strings.ToUpper(f.Nationality)})
	}
	if f.RouteCountry != "" {
		lookups = append(lookups, lookup{"incident_facets", "incident_id", "facet = 'route' AND value = %s", strings.ToUpper(f.RouteCountry)})
	}
	if text := strings.TrimSpace(f.Text); text != "" {
		if db.dialect == sqliteDialect {
			q := ftsQuery(text)
			if q == "" {
				return empty, nil
			}
			lookups = append(lookups, lookup{"incident_fts", "rowid", "incident_fts MATCH %s", q})
		} else {
			q := tsQuery(text)
			if q == "" {
				return empty, nil
			}
			where = append(where, "to_tsvector('simple', i.search_text) @@ to_tsquery('simple', "+arg(q)+")")
		}
	}
	if f.Identifier != "" {
		kr, err := db.Keyring()
		if err != nil {
			return nil, err
		}
		kind := f.IdentifierKind
		if kind == "" {
			kind = "name"
		}
		d := kr.BlindIndex(kind, f.Identifier)
		if d == nil {
			return nil, vrs.FieldErrors(map[string]string{"identifier": "field.identifier_empty"})
		}
		lookups = append(lookups, lookup{"identifier_index", "incident_id", "digest = %s", d})
		// A search by personal identifier is a read of personal data:
		// the log says who searched which kind, never the value.
		err = db.writeGrouped(ctx, func(t *tx) error {
			return t.audit(&vrs.AuditEntry{Action: vrs.ActIncidentSearch, ObjectType: "incident", Country: u.Country,
				Detail: detail(map[string]string{"kind": kind})})
		})
		if err != nil {
			return nil, err
		}
	}
	from, err := db.lookupFilters(ctx, lookups, arg, &where)
	if err != nil {
		return nil, err
	}
	if from == "" {
		return empty, nil
	}
	if db.dialect == sqliteDialect && f.Sort == "id" && from == "incidents i" {
		// In id order the table is its own index: SQLite would otherwise
		// take a branch's status index and sort every row it matches on
		// each page (0.3-0.8 s a page at 1M incidents, 5 ms this way).
		from = "incidents i NOT INDEXED"
	}
	if f.After != "" {
		v, id, err := decodeCursor(f.After, sort.kind)
		if err != nil {
			return nil, err
		}
		op := ">"
		if sort.desc {
			op = "<"
		}
		where = append(where, fmt.Sprintf("(%s, i.id) %s (%s, %s)", sort.col, op, arg(v), arg(id)))
	}
	dir := "ASC"
	if sort.desc {
		dir = "DESC"
	}
	// One ordered, limited search per branch of the access rule, each
	// down its own index with every filter and the cursor, merged and cut
	// to the page outside. The branches are disjoint, so UNION ALL; the
	// filters' $n appear in every branch and are bound once. A branch
	// answers only ids and sort keys, from its index where that covers
	// them; the rows of the page are read once, at the end.
	order := sort.col + " " + dir + ", i.id " + dir
	limit := " LIMIT " + strconv.Itoa(f.Limit+1)
	filters := ""
	if len(where) > 0 {
		filters = " AND " + strings.Join(where, " AND ")
	}
	parts := make([]string, len(branches))
	for k, b := range branches {
		parts[k] = "SELECT * FROM (SELECT i.id, " + sort.col + " AS k, " + b.Gran + " AS g FROM " + from + " WHERE " + b.Cond + filters +
			" ORDER BY " + order + limit + ") b" + strconv.Itoa(k)
	}
	q := `SELECT i.id, i.agency_id, a.name, i.country, i.reference, i.type, i.status, i.version, i.detected_on, i.place_country, i.place_name,
			i.persons, i.updated_at, p.g, i.tlp
		FROM (` + strings.Join(parts, " UNION ALL ") + `) p JOIN incidents i ON i.id = p.id JOIN agencies a ON a.id = i.agency_id
		ORDER BY p.k ` + dir + ", p.id " + dir + limit
	rows, err := db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	page := &vrs.IncidentPage{Items: make([]*vrs.IncidentSummary, 0, f.Limit)}
	for rows.Next() {
		s := &vrs.IncidentSummary{}
		var typ, status string
		var updated int64
		if err := rows.Scan(&s.ID, &s.AgencyID, &s.AgencyName, &s.Country, &s.Reference, &typ, &status, &s.Version, &s.DetectedOn,
			&s.Place, &s.PlaceName, &s.Persons, &updated, &s.Granularity, &s.TLP); err != nil {
			return nil, err
		}
		s.Type, s.Status, s.UpdatedAt = vrs.IncidentType(typ), vrs.IncidentStatus(status), fromMicros(updated)
		page.Items = append(page.Items, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		last := page.Items[f.Limit-1]
		var v string
		switch f.Sort {
		case "-updated", "updated":
			v = strconv.FormatInt(micros(last.UpdatedAt), 10)
		case "-detected", "detected":
			v = last.DetectedOn
		case "id":
			v = strconv.FormatInt(last.ID, 10)
		default:
			v = last.Reference
		}
		page.Next = encodeCursor(v, last.ID)
	}
	if search {
		if err := db.auditSearchHits(ctx, u, page.Items); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// auditSearchHits logs, for their owner countries, the other countries'
// records a search found (it ran with a stated purpose: see ListIncidents).
func (db *DB) auditSearchHits(ctx context.Context, u *vrs.User, items []*vrs.IncidentSummary) error {
	var hits []*vrs.IncidentSummary
	for _, it := range items {
		if access.Foreign(u, access.IncidentRef{AgencyID: it.AgencyID, Country: it.Country}) {
			hits = append(hits, it)
		}
	}
	if len(hits) == 0 {
		return nil
	}
	return db.writeGrouped(ctx, func(t *tx) error {
		for _, it := range hits {
			inc := &vrs.Incident{ID: it.ID, AgencyID: it.AgencyID, Country: it.Country, Granularity: it.Granularity}
			if err := t.audit(readEntry(ctx, u, inc, vrs.ActIncidentSearch, map[string]any{"version": it.Version})); err != nil {
				return err
			}
		}
		return nil
	})
}

// Caps of the counts that choose how a filter is searched (measured on
// 1,000,000 demo incidents, docs/benchmarks.md): see lookupFilters and
// periodFilter.
var (
	// driveCap: below it, the filter's own rows drive the search.
	driveCap = 5000
	// lookupCap: from it on, a facet or identifier is checked per
	// incident (EXISTS) rather than read into a list (IN).
	lookupCap = 60000
	// periodCap: from it on, a period is checked per incident.
	periodCap = 50000
)

// lookupFilters adds to where the conditions that the incident has rows
// in other tables (facets, blind index, full text) and answers the FROM
// clause of a branch, "" when no incident can match. Each filter first
// counts its matching rows, up to lookupCap (full text: driveCap), along the table's primary
// key (cheap):
//
//   - none: the page is empty;
//   - the fewest, if under driveCap, drive the search: the branch reads
//     them first and looks each incident up by id (in an index that
//     holds what branches filter and sort on), then sorts at most
//     lookupCap rows;
//   - a few more: IN, a list read once;
//   - many: EXISTS per incident while the branch walks its sort index in
//     order, stopping once the page is full, instead of reading every
//     match first. Full-text matches stay IN: FTS5 answers a MATCH per
//     incident slowly.
func (db *DB) lookupFilters(ctx context.Context, lookups []lookup, arg func(any) string, where *[]string) (string, error) {
	from := "incidents i"
	counts := make([]int, len(lookups))
	drive := -1
	for k, l := range lookups {
		limit := lookupCap
		if l.from == "incident_fts" {
			limit = driveCap // never EXISTS: no need to count further
		}
		err := db.reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM "+l.from+" WHERE "+fmt.Sprintf(l.match, "$1")+
			" LIMIT "+strconv.Itoa(max(limit, 1))+") c", l.value).Scan(&counts[k])
		if err != nil {
			return "", err
		}
		if counts[k] == 0 {
			return "", nil
		}
		if counts[k] < driveCap && (drive < 0 || counts[k] < counts[drive]) {
			drive = k
		}
	}
	for k, l := range lookups {
		match := fmt.Sprintf(l.match, arg(l.value))
		switch {
		case k == drive:
			// CROSS JOIN: SQLite keeps this order of the loops.
			from = l.from + " CROSS JOIN incidents i"
			if db.dialect == sqliteDialect {
				from += " INDEXED BY incidents_list"
			}
			*where = append(*where, match, "i.id = "+l.from+"."+l.col)
		case counts[k] < lookupCap || l.from == "incident_fts":
			// +i.id: a filter on the walk down the sort index, never a
			// list of ids to look up one by one and sort. (Each branch
			// reads the list again: a MATERIALIZED CTE read once for
			// all was slower still, 276 against 203 ms for "truck".)
			*where = append(*where, plusSQLite(db)+"i.id IN (SELECT "+l.col+" FROM "+l.from+" WHERE "+match+")")
		default:
			*where = append(*where, "EXISTS (SELECT 1 FROM "+l.from+" WHERE "+match+" AND "+l.from+"."+l.col+" = i.id)")
		}
	}
	return from, nil
}

func plusSQLite(db *DB) string {
	if db.dialect == sqliteDialect {
		return "+"
	}
	return ""
}

// lookup is a filter on rows of another table: those of table from whose
// col is the incident's id and that match (one %s, for value).
type lookup struct {
	from, col, match string
	value            any
}

// periodFilter is the condition on the detection date. Unless the list
// is sorted by that date, a short period (under periodCap incidents in the
// whole store) is searched through a detection-date index and sorted; a
// longer one is checked per incident along the sort's index (the date
// written +i.detected_on, which no index answers), so that the search
// stops once the page is full.
func (db *DB) periodFilter(ctx context.Context, from, to string, sorted bool, arg func(any) string) (string, error) {
	// The %s before each i.detected_on is "+" or nothing.
	var cond, count []string
	var vals []any
	if from != "" {
		vals = append(vals, from)
		cond, count = append(cond, "%si.detected_on >= "+arg(from)), append(count, "detected_on >= $"+strconv.Itoa(len(vals)))
	}
	if to != "" {
		vals = append(vals, to)
		cond, count = append(cond, "%si.detected_on <= "+arg(to)), append(count, "detected_on <= $"+strconv.Itoa(len(vals)))
	}
	plus := ""
	if !sorted && db.dialect == sqliteDialect { // PostgreSQL's planner knows the dates' distribution
		var n int
		err := db.reader.QueryRowContext(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM incidents WHERE "+strings.Join(count, " AND ")+
			" LIMIT "+strconv.Itoa(periodCap)+") c", vals...).Scan(&n)
		if err != nil {
			return "", err
		}
		if n >= periodCap {
			plus = "+"
		}
	}
	return strings.ReplaceAll(strings.Join(cond, " AND "), "%s", plus), nil
}

// ftsQuery turns words a person typed into an FTS5 query that matches
// every word as a prefix, with no operator syntax left to misread.
func ftsQuery(text string) string {
	var terms []string
	for _, w := range searchWords(text) {
		terms = append(terms, `"`+w+`"*`)
	}
	return strings.Join(terms, " ")
}

// tsQuery is the PostgreSQL equivalent: every word as a quoted prefix.
func tsQuery(text string) string {
	var terms []string
	for _, w := range searchWords(text) {
		terms = append(terms, "'"+w+"':*")
	}
	return strings.Join(terms, " & ")
}

// searchWords splits text into at most 16 words of letters and digits, so
// that no quote or operator of either search syntax survives.
func searchWords(text string) []string {
	words := strings.FieldsFunc(text, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 && unicode.IsLetter(r) || r > 127 && unicode.IsDigit(r) || unicode.Is(unicode.Mn, r))
	})
	if len(words) > 16 {
		words = words[:16]
	}
	return words
}

func encodeCursor(v string, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(v + "\x00" + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string, kind byte) (any, int64, error) {
	bad := vrs.FieldErrors(map[string]string{"after": "field.cursor"})
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, 0, bad
	}
	v, idText, ok := strings.Cut(string(b), "\x00")
	if !ok {
		return nil, 0, bad
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return nil, 0, bad
	}
	if kind == 'i' {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, 0, bad
		}
		return n, id, nil
	}
	return v, id, nil
}
