package access

import (
	"slices"

	"vrs"
)

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
