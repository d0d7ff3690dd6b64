package web

import (
	"net/http"

	"vrs/access"
)

type groupDeleteData struct {
	Group groupRow
}

// sharingGroupDeleteForm says what deleting a group takes away before it
// is done: every record distributed to the group loses its members as an
// audience at once.
func (s *Server) sharingGroupDeleteForm(w http.ResponseWriter, r *http.Request) {
	u, _, err := s.sharingStore(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	g, err := s.pathGroup(r)
	if err == nil {
		err = access.ManageSharingGroup(u, g)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	names, err := s.countryNames(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	byID, _, err := s.agencyIndex(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	p := s.newPage(r, "sharing.ui.group_delete.title")
	p.Title = s.tr(r, "sharing.ui.group_delete.title", g.Name)
	p.Data = &groupDeleteData{Group: groupRowOf(g, u.Country, names, byID)}
	s.render(w, r, http.StatusOK, "sharing_group_delete", p)
}

func (s *Server) sharingGroupDelete(w http.ResponseWriter, r *http.Request) {
	_, ss, err := s.sharingStore(r)
	var id int64
	if err == nil {
		id, err = pathID(r, "id")
	}
	if err == nil {
		err = parseForm(r)
	}
	if err == nil {
		err = ss.DeleteSharingGroup(r.Context(), id)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/sharing/groups", "sharing_group_deleted")
}
