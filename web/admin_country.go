package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"vrs"
	"vrs/access"
)

type countryListData struct {
	MembersOnly bool
	Region      string
	Regions     []option
	Rows        []*vrs.Country
	Members     int
	// Query is the filter as a query string, carried by each row's form
	// so that the page comes back as it was.
	Query url.Values
}

// countryFilter reads the page's filter; an unknown region reads as none.
func countryFilter(q url.Values, regions []string) (membersOnly bool, region string) {
	membersOnly = q.Get("members") == "only"
	if r := q.Get("region"); slices.Contains(regions, r) {
		region = r
	}
	return membersOnly, region
}

func (s *Server) countryList(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := access.ManageInstallation(u); err != nil {
		s.error(w, r, err)
		return
	}
	all, err := s.store.ListCountries(r.Context(), vrs.CountryFilter{})
	if err != nil {
		s.error(w, r, err)
		return
	}
	regions := countryRegions(all)
	d := &countryListData{}
	d.MembersOnly, d.Region = countryFilter(r.URL.Query(), regions)
	for _, reg := range regions {
		d.Regions = append(d.Regions, option{Value: reg, Label: reg, Selected: reg == d.Region})
	}
	for _, c := range all {
		if c.Member {
			d.Members++
		}
		if (d.MembersOnly && !c.Member) || (d.Region != "" && c.Region != d.Region) {
			continue
		}
		d.Rows = append(d.Rows, c)
	}
	d.Query = url.Values{}
	if d.MembersOnly {
		d.Query.Set("members", "only")
	}
	if d.Region != "" {
		d.Query.Set("region", d.Region)
	}
	p := s.newPage(r, "admin.countries.title")
	p.Flash = s.flash(r)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_countries", p)
}

func countryRegions(all []*vrs.Country) []string {
	var out []string
	for _, c := range all {
		if c.Region != "" && !slices.Contains(out, c.Region) {
			out = append(out, c.Region)
		}
	}
	slices.Sort(out)
	return out
}

// countryUpdate sets or clears a country's membership and returns to the
// list as it was filtered, at the country's row.
func (s *Server) countryUpdate(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := access.ManageInstallation(u); err != nil {
		s.error(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	var member bool
	switch r.PostFormValue("member") {
	case "on":
		member = true
	case "off":
	default:
		s.error(w, r, vrs.FieldErrors(map[string]string{"member": "admin.countries.member_value"}))
		return
	}
	code := strings.ToUpper(r.PathValue("code"))
	if err := s.store.SetCountryMember(r.Context(), code, member); err != nil {
		s.error(w, r, err)
		return
	}
	all, err := s.store.ListCountries(r.Context(), vrs.CountryFilter{})
	if err != nil {
		s.error(w, r, err)
		return
	}
	q := url.Values{}
	if membersOnly, region := countryFilter(r.PostForm, countryRegions(all)); membersOnly || region != "" {
		if membersOnly {
			q.Set("members", "only")
		}
		if region != "" {
			q.Set("region", region)
		}
	}
	q.Set("flash", "country_saved")
	http.Redirect(w, r, "/admin/countries?"+q.Encode()+"#c-"+code, http.StatusSeeOther)
}
