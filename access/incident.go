package access

import (
	"slices"
	"strconv"
	"strings"

	"vrs"
)

// Granularity is how much of a record a user may see.
type Granularity int

const (
	// None: the record does not exist for the user.
	None Granularity = iota
	// Aggregate: counted in statistics, never shown as a record.
	Aggregate
	// Pseudonymised: shown without names and identifiers.
	Pseudonymised
	// Full: shown whole, personal data included.
	Full
)

func (g Granularity) String() string {
	return [...]string{"none", "aggregate", "pseudonymised", "full"}[g]
}

// IncidentRef is what the access rule needs to know about a record.
type IncidentRef struct {
	AgencyID int64
	Country  string
	Status   vrs.IncidentStatus
}

// workAgencies are the agencies whose records the user works on at every
// stage of review: reporters their capture agencies, reviewers their own.
func workAgencies(u *vrs.User) []int64 {
	var ids []int64
	if u.HasRole(vrs.RoleReporter) {
		ids = append(ids, u.CaptureAgencies()...)
	}
	if u.HasRole(vrs.RoleReviewer) && !slices.Contains(ids, u.AgencyID) {
		ids = append(ids, u.AgencyID)
	}
	return ids
}

// ReadIncident is the access rule for records, the reference that the SQL
// of IncidentPredicate must equal: reporters and reviewers see every record
// of the agencies they work for, at any stage of review; users with a data
// role see validated records within their view scope; nobody else sees
// anything. Sharing with other countries extends this rule (issue 5).
func ReadIncident(u *vrs.User, r IncidentRef) Granularity {
	if u == nil {
		return None
	}
	if u.System {
		return Full
	}
	if slices.Contains(workAgencies(u), r.AgencyID) {
		return Full
	}
	if r.Status != vrs.StatusValidated || !u.HasDataRole() {
		return None
	}
	switch u.ViewScope {
	case vrs.ViewAgency:
		if r.AgencyID == u.AgencyID {
			return Full
		}
	case vrs.ViewCountry:
		if r.Country == u.Country && u.Country != "" {
			return Full
		}
	}
	return None
}

// IncidentPredicate compiles ReadIncident for user u into a SQL boolean
// expression over the incidents table aliased i. Arguments are appended to
// args and referred to as $n, numbered after those already there. A view
// clause that the work agencies already cover is left out: the planner
// answers an OR with one index search per branch, and a redundant branch
// over every validated record costs seconds on a large store.
func IncidentPredicate(u *vrs.User, args *[]any) string {
	if u == nil {
		return "FALSE"
	}
	if u.System {
		return "TRUE"
	}
	var or []string
	work := workAgencies(u)
	if len(work) > 0 {
		or = append(or, "i.agency_id IN ("+placeholders(args, work)+")")
	}
	if v := viewBranch(u, work, args, false); v != "" {
		or = append(or, v)
	}
	if len(or) == 0 {
		return "FALSE"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// IncidentBranches compiles ReadIncident for user u into disjoint SQL
// boolean expressions over the incidents table aliased i, whose union is
// exactly the records u may read: one per work agency and one for the
// view scope, which leaves out the work agencies so that no record
// matches two branches. A list query runs each branch as its own ordered,
// limited search down an index and merges them (UNION ALL), instead of
// one OR that no index answers in order. No branch means nothing is
// readable; the installation itself has the single branch "TRUE".
func IncidentBranches(u *vrs.User, args *[]any) []string {
	if u == nil {
		return nil
	}
	if u.System {
		return []string{"TRUE"}
	}
	var out []string
	work := workAgencies(u)
	for i, id := range work {
		if !slices.Contains(work[:i], id) { // one branch per agency, so that none overlap
			out = append(out, "i.agency_id = "+placeholders(args, []int64{id}))
		}
	}
	if v := viewBranch(u, work, args, true); v != "" {
		out = append(out, v)
	}
	return out
}

// viewBranch is the clause of a data role's view scope, "" when there is
// none or the work agencies already cover it; disjoint also leaves the
// work agencies out of a country view.
func viewBranch(u *vrs.User, work []int64, args *[]any, disjoint bool) string {
	if !u.HasDataRole() {
		return ""
	}
	switch u.ViewScope {
	case vrs.ViewAgency:
		if slices.Contains(work, u.AgencyID) {
			return ""
		}
		return "(i.agency_id = " + placeholders(args, []int64{u.AgencyID}) + " AND i.status = 'validated')"
	case vrs.ViewCountry:
		if u.Country == "" {
			return ""
		}
		*args = append(*args, u.Country)
		c := "i.country = $" + strconv.Itoa(len(*args)) + " AND i.status = 'validated'"
		if disjoint && len(work) > 0 {
			c += " AND i.agency_id NOT IN (" + placeholders(args, work) + ")"
		}
		return "(" + c + ")"
	}
	return ""
}

// placeholders appends ids to args and returns their $n, comma-separated.
func placeholders(args *[]any, ids []int64) string {
	ph := make([]string, len(ids))
	for i, id := range ids {
		*args = append(*args, id)
		ph[i] = "$" + strconv.Itoa(len(*args))
	}
	return strings.Join(ph, ", ")
}

// CaptureIncident: reporters enter and change records for their capture
// agencies.
func CaptureIncident(u *vrs.User, agencyID int64) error {
	if u == nil {
		return vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	if u.HasRole(vrs.RoleReporter) && slices.Contains(u.CaptureAgencies(), agencyID) {
		return nil
	}
	return vrs.Errorf(vrs.EFORBIDDEN, "error.incident_capture")
}

// ReviewIncident: reviewers return or validate records of their own agency,
// but never content they wrote themselves (four eyes). lastAuthor is who
// made the last change; the store checks every author since the last
// validation (ReviewIncidentBy).
func ReviewIncident(u *vrs.User, r IncidentRef, lastAuthor int64) error {
	return ReviewIncidentBy(u, r, []int64{lastAuthor})
}

// ReviewIncidentBy is ReviewIncident given every author of the content
// under review.
func ReviewIncidentBy(u *vrs.User, r IncidentRef, authors []int64) error {
	if u == nil {
		return vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	if !u.HasRole(vrs.RoleReviewer) || u.AgencyID != r.AgencyID {
		return vrs.Errorf(vrs.EFORBIDDEN, "error.incident_review")
	}
	if slices.Contains(authors, u.ID) {
		return vrs.Errorf(vrs.EFORBIDDEN, "error.incident_review_own")
	}
	return nil
}

// ReadWorkingVersions reports whether the user sees an incident's versions
// before validation (drafts, submissions, returns) in its history: those
// who work on it do; those who see only validated records see only
// validated versions.
func ReadWorkingVersions(u *vrs.User, r IncidentRef) bool {
	if u == nil {
		return false
	}
	return u.System || slices.Contains(workAgencies(u), r.AgencyID)
}
