package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"vrs"
	"vrs/web"
)

// Incidents through the API. The store checks every right, validates,
// keeps each version and audits reads; these handlers parse strictly and
// add HTTP's optimistic concurrency on top of the store's versions:
//
//   - an incident's ETag is its version in quotes ("3"); GET honours
//     If-None-Match with 304;
//   - every change (PUT, submit, withdraw, return, validate, DELETE) needs
//     If-Match with the ETag of the version it is based on: 428 without
//     it, 412 when the incident has moved on since.
//
// Server-managed fields (id, status, version, created_*, updated_*,
// country, agency_name, review_note, granularity, purpose_required) may
// be sent, so that what GET answered
// can be sent back with changes, but they are ignored; only an id that
// names another incident than the address is refused. On replacement,
// agency_id may be left out or be the incident's own: an incident stays
// with the agency that recorded it, and another agency is refused rather
// than silently dropped.

func incidentURL(id int64) string { return Prefix + "/incidents/" + strconv.FormatInt(id, 10) }

// incidents returns the store's incident service.
func (a *API) incidents() (vrs.IncidentService, error) {
	if s, ok := a.store.(vrs.IncidentService); ok {
		return s, nil
	}
	return nil, vrs.Errorf(vrs.EINTERNAL, "error.internal")
}

// etag is the entity tag of an incident version.
func etag(version int) string { return `"` + strconv.Itoa(version) + `"` }

// ifMatch reads the version a change is based on from If-Match: exactly
// one strong ETag as GET answered it.
func ifMatch(r *http.Request) (int, error) {
	v := strings.TrimSpace(strings.Join(r.Header.Values("If-Match"), ","))
	switch {
	case v == "":
		return 0, withStatus(http.StatusPreconditionRequired, vrs.Errorf(vrs.EINVALID, "api.error.if_match_missing"))
	case v == "*":
		return 0, withStatus(http.StatusPreconditionRequired, vrs.Errorf(vrs.EINVALID, "api.error.if_match_any"))
	}
	s, ok := strings.CutPrefix(v, `"`)
	if ok {
		s, ok = strings.CutSuffix(s, `"`)
	}
	n, err := strconv.Atoi(s)
	if !ok || err != nil || n < 1 || strconv.Itoa(n) != s {
		return 0, vrs.Errorf(vrs.EINVALID, "api.error.if_match_syntax", echo(v))
	}
	return n, nil
}

// precondition answers a change based on a stale version with 412
// rather than the store's 409: it is the If-Match condition that failed.
func precondition(err error) error {
	if e := vrs.AsError(err); e.Code == vrs.ECONFLICT && e.Message == "error.incident_stale" {
		return withStatus(http.StatusPreconditionFailed, e)
	}
	return err
}

// incidentOut gives an incident's sections as [] rather than null.
func incidentOut(inc *vrs.Incident) *vrs.Incident {
	c := *inc
	c.Persons = nonNil(c.Persons)
	c.Legs = nonNil(c.Legs)
	c.Organisations = nonNil(c.Organisations)
	c.Vehicles = nonNil(c.Vehicles)
	c.Documents = nonNil(c.Documents)
	c.Transactions = nonNil(c.Transactions)
	c.Counts = nonNil(c.Counts)
	return &c
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// writeIncident answers an incident with its ETag.
func writeIncident(w http.ResponseWriter, status int, inc *vrs.Incident) {
	w.Header().Set("ETag", incidentETag(inc))
	if status == http.StatusCreated {
		w.Header().Set("Location", incidentURL(inc.ID))
	}
	web.WriteJSON(w, status, incidentOut(inc))
}

// clearServerFields drops what the server manages from a request body.
func clearServerFields(inc *vrs.Incident) {
	inc.ID, inc.Status, inc.Version, inc.ReviewNote = 0, "", 0, ""
	inc.Country, inc.AgencyName = "", ""
	inc.Granularity, inc.PurposeRequired = vrs.GranNone, false
	inc.CreatedBy, inc.CreatedAt, inc.UpdatedBy, inc.UpdatedAt, inc.UpdatedName = 0, time.Time{}, 0, time.Time{}, ""
}

// incidentCreate records a new draft. Without agency_id, the incident is
// the caller's only capture agency's.
func (a *API) incidentCreate(w http.ResponseWriter, r *http.Request) {
	svc, err := a.incidents()
	if err != nil {
		a.error(w, r, err)
		return
	}
	u, err := currentUser(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	var inc vrs.Incident
	if err := decodeDeep(r, &inc); err != nil {
		a.error(w, r, err)
		return
	}
	clearServerFields(&inc)
	if inc.AgencyID == 0 {
		if caps := u.CaptureAgencies(); len(caps) == 1 && u.HasRole(vrs.RoleReporter) {
			inc.AgencyID = caps[0]
		}
	}
	if err := svc.CreateIncident(r.Context(), &inc); err != nil {
		a.error(w, r, err)
		return
	}
	writeIncident(w, http.StatusCreated, &inc)
}

// incidentGet answers one incident with its personal data (the store
// audits the read). Another country's record comes in full only with a
// stated purpose (PurposeHeader).
func (a *API) incidentGet(w http.ResponseWriter, r *http.Request) {
	svc, err := a.incidents()
	if err != nil {
		a.error(w, r, err)
		return
	}
	id, err := pathID(r, "id", "incident")
	if err != nil {
		a.error(w, r, err)
		return
	}
	if _, err := parseQuery(r); err != nil {
		a.error(w, r, err)
		return
	}
	pr, err := withPurpose(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	r = pr
	inc, err := svc.FindIncident(r.Context(), id)
	if err != nil {
		a.error(w, r, err)
		return
	}
	if tag := incidentETag(inc); etagMatches(r.Header.Values("If-None-Match"), tag) {
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeIncident(w, http.StatusOK, inc)
}

// incidentUpdate replaces the incident's content with the body.
func (a *API) incidentUpdate(w http.ResponseWriter, r *http.Request) {
	svc, err := a.incidents()
	if err != nil {
		a.error(w, r, err)
		return
	}
	id, err := pathID(r, "id", "incident")
	if err != nil {
		a.error(w, r, err)
		return
	}
	version, err := ifMatch(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	var inc vrs.Incident
	if err := decodeDeep(r, &inc); err != nil {
		a.error(w, r, err)
		return
	}
	if inc.ID != 0 && inc.ID != id {
		a.error(w, r, vrs.FieldErrors(map[string]string{"id": "api.field.incident_id_mismatch"}))
		return
	}
	clearServerFields(&inc)
	inc.ID = id
	if err := svc.UpdateIncident(r.Context(), &inc, version); err != nil {
		a.error(w, r, precondition(err))
		return
	}
	writeIncident(w, http.StatusOK, &inc)
}

// transitionRequest is the optional body of submit, withdraw and
// validate, and the required one of return.
type transitionRequest struct {
	Note string `json:"note"`
}

// incidentTransition moves an incident through review.
func (a *API) incidentTransition(to vrs.IncidentStatus) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		svc, err := a.incidents()
		if err != nil {
			a.error(w, r, err)
			return
		}
		id, err := pathID(r, "id", "incident")
		if err != nil {
			a.error(w, r, err)
			return
		}
		version, err := ifMatch(r)
		if err != nil {
			a.error(w, r, err)
			return
		}
		var req transitionRequest
		if err := decodeOptional(r, &req); err != nil {
			a.error(w, r, err)
			return
		}
		if _, err := svc.TransitionIncident(r.Context(), id, version, to, req.Note); err != nil {
			a.error(w, r, precondition(err))
			return
		}
		// The answer carries the personal data as GET does, so that one
		// ETag always stands for one representation: read it (audited).
		inc, err := svc.FindIncident(r.Context(), id)
		if err != nil {
			a.error(w, r, err)
			return
		}
		writeIncident(w, http.StatusOK, inc)
	}
}

// decodeOptional decodes a body if there is one: an empty body leaves v
// as it is.
func decodeOptional(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return nil
	}
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	return decodeDeepBytes(b, v)
}

// deleteRequest is the body of DELETE: the reason goes there, never in
// the address, which proxies and access logs keep.
type deleteRequest struct {
	Reason string `json:"reason"`
}

// incidentDelete removes a draft, with a reason the audit log keeps.
func (a *API) incidentDelete(w http.ResponseWriter, r *http.Request) {
	svc, err := a.incidents()
	if err != nil {
		a.error(w, r, err)
		return
	}
	id, err := pathID(r, "id", "incident")
	if err != nil {
		a.error(w, r, err)
		return
	}
	if _, ok := r.URL.Query()["reason"]; ok {
		a.error(w, r, queryError("api.error.reason_in_query", "reason", "api.field.reason_in_query"))
		return
	}
	if _, err := parseQuery(r); err != nil {
		a.error(w, r, err)
		return
	}
	version, err := ifMatch(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	var req deleteRequest
	if err := decodeOptional(r, &req); err != nil {
		a.error(w, r, err)
		return
	}
	if err := svc.DeleteIncident(r.Context(), id, version, req.Reason); err != nil {
		a.error(w, r, precondition(err))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// incidentVersionOut is one version in the history, with what changed
// from the version before.
type incidentVersionOut struct {
	Version    int                `json:"version"`
	Status     vrs.IncidentStatus `json:"status"`
	Action     string             `json:"action"`
	AuthorID   int64              `json:"author_id"`
	AuthorName string             `json:"author_name"`
	At         time.Time          `json:"at"`
	Note       string             `json:"note,omitempty"`
	Changes    []vrs.Change       `json:"changes"`
	Incident   *vrs.Incident      `json:"incident,omitempty"`
}

// incidentHistory lists every version, oldest first; with full=true each
// carries the whole incident as it was.
func (a *API) incidentHistory(w http.ResponseWriter, r *http.Request) {
	svc, err := a.incidents()
	if err != nil {
		a.error(w, r, err)
		return
	}
	id, err := pathID(r, "id", "incident")
	if err != nil {
		a.error(w, r, err)
		return
	}
	q, err := parseQuery(r, "full")
	if err != nil {
		a.error(w, r, err)
		return
	}
	full, err := q.bool("full")
	if err != nil {
		a.error(w, r, err)
		return
	}
	pr, err := withPurpose(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	r = pr
	versions, err := svc.IncidentHistory(r.Context(), id)
	if err != nil {
		a.error(w, r, err)
		return
	}
	out := make([]incidentVersionOut, len(versions))
	var prev *vrs.Incident
	for i, v := range versions {
		o := incidentVersionOut{Version: v.Version, Status: v.Status, Action: v.Action, AuthorID: v.AuthorID,
			AuthorName: v.AuthorName, At: v.At, Note: v.Note, Changes: nonNil(vrs.DiffIncidents(prev, v.Incident))}
		if full && v.Incident != nil {
			o.Incident = incidentOut(v.Incident)
		}
		prev = v.Incident
		out[i] = o
	}
	writeList(w, out)
}
