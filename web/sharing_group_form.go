package web

import (
	"net/http"
	"strconv"
	"strings"

	"vrs"
	"vrs/access"
)

// groupFields are the group form's fields, in the order shown.
var groupFields = []string{"name", "releasability", "countries", "agency_ids"}

type groupForm struct {
	Name, Releasability string
	Countries           []string
	AgencyIDs           []int64
}

type groupPageData struct {
	// Group is nil on the form of a new group.
	Group     *groupRow
	CanManage bool
	Form      groupForm
	Countries []optGroup
	Agencies  []optGroup
	Errs      map[string]string
}

func (s *Server) sharingGroupNew(w http.ResponseWriter, r *http.Request) {
	s.renderGroup(w, r, nil, groupForm{}, nil)
}

func (s *Server) sharingGroup(w http.ResponseWriter, r *http.Request) {
	g, err := s.pathGroup(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.renderGroup(w, r, g, groupForm{Name: g.Name, Releasability: g.Releasability, Countries: g.Countries, AgencyIDs: g.AgencyIDs}, nil)
}

// pathGroup reads the group of the path.
func (s *Server) pathGroup(r *http.Request) (*vrs.SharingGroup, error) {
	_, ss, err := s.sharingStore(r)
	if err != nil {
		return nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return ss.FindSharingGroup(r.Context(), id)
}

// renderGroup shows a group (g) or the form of a new one (g nil): its
// owner's focal points get the form, everyone else reads it.
func (s *Server) renderGroup(w http.ResponseWriter, r *http.Request, g *vrs.SharingGroup, f groupForm, fail *formFailure) {
	u, _, err := s.sharingStore(r)
	if err == nil && g == nil {
		err = access.ManageSharing(u, u.Country)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &groupPageData{Form: f, CanManage: g == nil || access.ManageSharingGroup(u, g) == nil && !u.System}
	p := s.newPage(r, "sharing.ui.group_new.title")
	if g != nil {
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
		row := groupRowOf(g, u.Country, names, byID)
		d.Group = &row
		p.Title = g.Name
	}
	if d.CanManage {
		if d.Countries, d.Agencies, err = s.groupMembers(r, f.Countries, f.AgencyIDs); err != nil {
			s.error(w, r, err)
			return
		}
	}
	p.Flash = s.flash(r)
	if fail != nil {
		// The store names the first unknown member by its index.
		for k, v := range fail.Fields {
			if name, _, ok := strings.Cut(k, "["); ok {
				delete(fail.Fields, k)
				fail.Fields[name] = v
			}
		}
	}
	d.Errs = fail.show(p, groupFields...)
	p.Data = d
	s.render(w, r, fail.status(), "sharing_group", p)
}

func groupFromForm(r *http.Request) groupForm {
	return groupForm{Name: r.PostFormValue("name"), Releasability: r.PostFormValue("releasability"),
		Countries: r.PostForm["countries"], AgencyIDs: formIDs(r.PostForm["agency_ids"])}
}

// sharingGroupCreate creates a group owned by the user's country.
func (s *Server) sharingGroupCreate(w http.ResponseWriter, r *http.Request) {
	_, ss, err := s.sharingStore(r)
	if err == nil {
		err = parseForm(r)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := groupFromForm(r)
	g := &vrs.SharingGroup{Name: f.Name, Releasability: f.Releasability, Countries: append([]string(nil), f.Countries...), AgencyIDs: f.AgencyIDs}
	if err := ss.CreateSharingGroup(r.Context(), g); err != nil {
		if fail := s.asFormFailure(r, err); fail != nil {
			s.renderGroup(w, r, nil, f, fail)
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/sharing/groups/"+strconv.FormatInt(g.ID, 10), "sharing_group_created")
}

// sharingGroupUpdate replaces a group's name, statement and members.
func (s *Server) sharingGroupUpdate(w http.ResponseWriter, r *http.Request) {
	_, ss, err := s.sharingStore(r)
	var old *vrs.SharingGroup
	if err == nil {
		old, err = s.pathGroup(r)
	}
	if err == nil {
		err = parseForm(r)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := groupFromForm(r)
	g := &vrs.SharingGroup{ID: old.ID, Name: f.Name, Releasability: f.Releasability, Countries: append([]string(nil), f.Countries...), AgencyIDs: f.AgencyIDs}
	if err := ss.UpdateSharingGroup(r.Context(), g); err != nil {
		if fail := s.asFormFailure(r, err); fail != nil {
			s.renderGroup(w, r, old, f, fail)
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/sharing/groups/"+strconv.FormatInt(g.ID, 10), "sharing_group_saved")
}
