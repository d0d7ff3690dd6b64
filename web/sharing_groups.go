package web

import (
	"net/http"
	"slices"

	"vrs"
	"vrs/access"
)

type groupListData struct {
	CountryName string
	IsFocal     bool
	Sections    []groupSection
}

// groupSection is one table of the list: owned, member of, others.
type groupSection struct {
	ID, Heading, Empty string
	Rows               []groupRow
}

// sharingGroups lists every sharing group: those the user's country owns,
// those it belongs to, and the rest (reporters may name any of them when
// they distribute a record).
func (s *Server) sharingGroups(w http.ResponseWriter, r *http.Request) {
	u, ss, err := s.sharingStore(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	groups, err := ss.ListSharingGroups(r.Context())
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
	d := &groupListData{CountryName: countryName(u.Country, names), IsFocal: access.ManageSharing(u, u.Country) == nil}
	d.Sections = []groupSection{
		{ID: "owned", Heading: s.tr(r, "sharing.ui.groups.owned", d.CountryName), Empty: s.tr(r, "sharing.ui.country.groups_owned_none")},
		{ID: "member", Heading: s.tr(r, "sharing.ui.groups.member", d.CountryName), Empty: s.tr(r, "sharing.ui.country.groups_member_none")},
		{ID: "others", Heading: s.tr(r, "sharing.ui.groups.others"), Empty: s.tr(r, "sharing.ui.groups.others_none")},
	}
	for _, g := range groups {
		row := groupRowOf(g, u.Country, names, byID)
		i := 2
		switch {
		case row.Mine:
			i = 0
		case reaches(g, u.Country, byID):
			i = 1
		}
		d.Sections[i].Rows = append(d.Sections[i].Rows, row)
	}
	p := s.newPage(r, "sharing.ui.groups.title")
	p.Flash = s.flash(r)
	p.Data = d
	s.render(w, r, http.StatusOK, "sharing_groups", p)
}

// groupMembers is the form's view of a group's members: the countries
// and agencies offered, those chosen selected.
func (s *Server) groupMembers(r *http.Request, countries []string, agencies []int64) (countryOpts []optGroup, agencyOpts []optGroup, err error) {
	members, others, err := s.splitCountries(r)
	if err != nil {
		return nil, nil, err
	}
	for i, list := range [][]*vrs.Country{members, others} {
		g := optGroup{Label: s.tr(r, []string{"admin.countries.members", "admin.countries.others"}[i])}
		for _, c := range list {
			g.Options = append(g.Options, option{Value: c.Alpha2, Label: c.Name + " (" + c.Alpha2 + ")", Selected: slices.Contains(countries, c.Alpha2)})
		}
		countryOpts = append(countryOpts, g)
	}
	names, err := s.countryNames(r)
	if err != nil {
		return nil, nil, err
	}
	list, err := s.store.ListAgencies(r.Context(), vrs.AgencyFilter{})
	if err != nil {
		return nil, nil, err
	}
	var open []*vrs.Agency
	for _, a := range list {
		// A disabled agency stays offered while the group names it, so
		// that saving the form does not drop it unasked.
		if !a.Disabled || slices.Contains(agencies, a.ID) {
			open = append(open, a)
		}
	}
	return countryOpts, agencyGroups(open, names, agencies), nil
}
