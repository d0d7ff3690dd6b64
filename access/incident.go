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
// args and referred to as $n, numbered after those already there.
func IncidentPredicate(u *vrs.User, args *[]any) string {
	if u == nil {
		return "FALSE"
	}
	if u.System {
		return "TRUE"
	}
	arg := func(v any) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(len(*args))
	}
	var or []string
	if ids := workAgencies(u); len(ids) > 0 {
		ph := make([]string, len(ids))
		for i, id := range ids {
			ph[i] = arg(id)
		}
		or = append(or, "i.agency_id IN ("+strings.Join(ph, ", ")+")")
	}
	if u.HasDataRole() {
		switch u.ViewScope {
		case vrs.ViewAgency:
			or = append(or, "(i.agency_id = "+arg(u.AgencyID)+" AND i.status = 'validated')")
		case vrs.ViewCountry:
			if u.Country != "" {
				or = append(or, "(i.country = "+arg(u.Country)+" AND i.status = 'validated')")
			}
		}
	}
	if len(or) == 0 {
		return "FALSE"
	}
	return "(" + strings.Join(or, " OR ") + ")"
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
// but never a version they wrote themselves (four eyes).
func ReviewIncident(u *vrs.User, r IncidentRef, lastAuthor int64) error {
	if u == nil {
		return vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	if !u.HasRole(vrs.RoleReviewer) || u.AgencyID != r.AgencyID {
		return vrs.Errorf(vrs.EFORBIDDEN, "error.incident_review")
	}
	if lastAuthor == u.ID {
		return vrs.Errorf(vrs.EFORBIDDEN, "error.incident_review_own")
	}
	return nil
}
