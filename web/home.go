package web

import (
	"net/http"
	"slices"
	"strconv"

	"vrs"
)

type homeData struct {
	Agency    *vrs.Agency
	Country   *vrs.Country
	Incidents *homeIncidents
}

// homeIncidents counts what waits for the user: drafts and returned
// incidents of the agencies they work for, and for reviewers what waits
// for review in their agency.
type homeIncidents struct {
	Drafts, Returned, ToReview string
	Reviewer                   bool
	// Several says the user works for more than one agency; Agency is the
	// one otherwise, to filter the list the counts link to.
	Several bool
	Agency  int64
}

// homeCountLimit is the most a home count says exactly: "200+" beyond.
const homeCountLimit = 200

// countIncidents counts the incidents of the given status in each agency,
// up to homeCountLimit in all: "200+" beyond.
func (s *Server) countIncidents(r *http.Request, status vrs.IncidentStatus, agencies []int64) (string, error) {
	svc, err := s.incidentService()
	if err != nil {
		return "", err
	}
	n, more := 0, false
	for _, id := range agencies {
		if n >= homeCountLimit {
			more = true
			break
		}
		page, err := svc.ListIncidents(r.Context(), vrs.IncidentFilter{Statuses: []vrs.IncidentStatus{status}, AgencyID: id, Limit: homeCountLimit - n})
		if err != nil {
			return "", err
		}
		n += len(page.Items)
		more = more || page.Next != ""
	}
	if n > homeCountLimit {
		n = homeCountLimit
	}
	out := strconv.Itoa(n)
	if more {
		out += "+"
	}
	return out, nil
}

// workAgencies are the agencies whose records the user works on at every
// stage of review: reporters their capture agencies, reviewers their own
// (the access rule's, package access).
func workAgencies(u *vrs.User) []int64 {
	var ids []int64
	if u.HasRole(vrs.RoleReporter) {
		ids = append(ids, u.CaptureAgencies()...)
	}
	if u.HasRole(vrs.RoleReviewer) && !slices.Contains(ids, u.AgencyID) {
		ids = append(ids, u.AgencyID)
	}
	if len(ids) == 0 {
		ids = []int64{u.AgencyID}
	}
	return ids
}

func (s *Server) homeIncidents(r *http.Request, u *vrs.User) (*homeIncidents, error) {
	if !u.HasDataRole() {
		return nil, nil
	}
	h := &homeIncidents{Reviewer: u.HasRole(vrs.RoleReviewer)}
	work := workAgencies(u)
	h.Several = len(work) > 1
	if !h.Several {
		h.Agency = work[0]
	}
	var err error
	if h.Drafts, err = s.countIncidents(r, vrs.StatusDraft, work); err != nil {
		return nil, err
	}
	if h.Returned, err = s.countIncidents(r, vrs.StatusReturned, work); err != nil {
		return nil, err
	}
	if h.Reviewer {
		if h.ToReview, err = s.countIncidents(r, vrs.StatusSubmitted, []int64{u.AgencyID}); err != nil {
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
