package web

import (
	"net/http"
	"strconv"

	"vrs"
)

type homeData struct {
	Agency    *vrs.Agency
	Country   *vrs.Country
	Incidents *homeIncidents
}

// homeIncidents counts what waits for the user: drafts and returned
// incidents of their agency, and for reviewers what waits for review.
type homeIncidents struct {
	Drafts, Returned, ToReview string
	Reviewer                   bool
}

// countIncidents counts up to a page of incidents: "200+" beyond.
func (s *Server) countIncidents(r *http.Request, f vrs.IncidentFilter) (string, error) {
	svc, err := s.incidentService()
	if err != nil {
		return "", err
	}
	f.Limit = 200
	page, err := svc.ListIncidents(r.Context(), f)
	if err != nil {
		return "", err
	}
	n := strconv.Itoa(len(page.Items))
	if page.Next != "" {
		n += "+"
	}
	return n, nil
}

func (s *Server) homeIncidents(r *http.Request, u *vrs.User) (*homeIncidents, error) {
	if !u.HasDataRole() {
		return nil, nil
	}
	h := &homeIncidents{Reviewer: u.HasRole(vrs.RoleReviewer)}
	mine := func(st vrs.IncidentStatus) vrs.IncidentFilter {
		return vrs.IncidentFilter{Statuses: []vrs.IncidentStatus{st}, AgencyID: u.AgencyID}
	}
	var err error
	if h.Drafts, err = s.countIncidents(r, mine(vrs.StatusDraft)); err != nil {
		return nil, err
	}
	if h.Returned, err = s.countIncidents(r, mine(vrs.StatusReturned)); err != nil {
		return nil, err
	}
	if h.Reviewer {
		if h.ToReview, err = s.countIncidents(r, mine(vrs.StatusSubmitted)); err != nil {
			return nil, err
		}
	}
	return h, nil
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err != nil {
		if stateOf(r).pending != nil {
			http.Redirect(w, r, "/signin/second-factor", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	d := &homeData{}
	if d.Agency, err = s.store.FindAgencyByID(r.Context(), u.AgencyID); err != nil {
		s.error(w, r, err)
		return
	}
	if d.Country, err = s.store.FindCountry(r.Context(), u.Country); err != nil {
		s.error(w, r, err)
		return
	}
	if d.Incidents, err = s.homeIncidents(r, u); err != nil {
		s.error(w, r, err)
		return
	}
	p := s.newPage(r, "home.title")
	p.Flash = s.flash(r)
	p.Data = d
	s.render(w, r, http.StatusOK, "home", p)
}
