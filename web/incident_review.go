package web

import (
	"net/http"
	"net/url"

	"vrs"
)

type incidentReviewData struct {
	Rows  []incidentRow
	Next  string
	First string
}

// incidentReview is the reviewer's queue: incidents of their agency
// waiting for review, the longest waiting first.
func (s *Server) incidentReview(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if !u.HasRole(vrs.RoleReviewer) {
		s.error(w, r, vrs.Forbidden())
		return
	}
	svc, err := s.incidentService()
	if err != nil {
		s.error(w, r, err)
		return
	}
	after := r.URL.Query().Get("after")
	page, err := svc.ListIncidents(r.Context(), vrs.IncidentFilter{Statuses: []vrs.IncidentStatus{vrs.StatusSubmitted},
		AgencyID: u.AgencyID, Sort: "updated", After: after})
	if err != nil {
		if vrs.ErrorCode(err) == vrs.EINVALID {
			// Only the cursor can be wrong: start again.
			http.Redirect(w, r, "/review", http.StatusSeeOther)
			return
		}
		s.error(w, r, err)
		return
	}
	d := &incidentReviewData{Rows: s.incidentRows(r, page.Items)}
	if page.Next != "" {
		d.Next = "/review?" + url.Values{"after": {page.Next}}.Encode()
	}
	if after != "" {
		d.First = "/review"
	}
	p := s.newPage(r, "incident.review.title")
	p.Flash = s.flash(r)
	p.Data = d
	s.render(w, r, http.StatusOK, "incident_review", p)
}
