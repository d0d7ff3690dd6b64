package web

import (
	"net/http"

	"vrs"
)

type homeData struct {
	Agency  *vrs.Agency
	Country *vrs.Country
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
	p := s.newPage(r, "home.title")
	p.Flash = s.flash(r)
	p.Data = d
	s.render(w, r, http.StatusOK, "home", p)
}
