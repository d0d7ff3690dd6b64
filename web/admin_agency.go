package web

import (
	"net/http"
	"strconv"
	"strings"

	"vrs"
	"vrs/access"
)

type agencyRow struct {
	*vrs.Agency
	KindLabel   string
	CountryName string
	UnitNames   []string
}

type agencyListData struct {
	IsAdmin   bool
	Country   string
	Countries []option
	Rows      []agencyRow
}

// agencyList shows the agencies the user manages: an administrator's all
// (filtered by country), a focal point's their own country's.
func (s *Server) agencyList(w http.ResponseWriter, r *http.Request) {
	u, err := requireManager(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	d := &agencyListData{IsAdmin: isAdmin(u)}
	if d.IsAdmin {
		d.Country = strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("country")))
		members, err := s.store.ListCountries(ctx, vrs.CountryFilter{MembersOnly: true})
		if err != nil {
			s.error(w, r, err)
			return
		}
		for _, c := range members {
			d.Countries = append(d.Countries, option{Value: c.Alpha2, Label: countryLabel(c.Alpha2, map[string]string{c.Alpha2: c.Name}), Selected: c.Alpha2 == d.Country})
		}
	} else {
		d.Country = u.Country
	}
	names, err := s.countryNames(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	list, err := s.store.ListAgencies(ctx, vrs.AgencyFilter{Country: d.Country})
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, a := range list {
		if access.ManageCountry(u, a.Country) != nil {
			continue
		}
		full, err := s.store.FindAgencyByID(ctx, a.ID)
		if err != nil {
			s.error(w, r, err)
			return
		}
		row := agencyRow{Agency: full, KindLabel: s.tr(r, "kind."+string(a.Kind)), CountryName: names[a.Country]}
		for _, unit := range full.Units {
			row.UnitNames = append(row.UnitNames, unit.Name)
		}
		d.Rows = append(d.Rows, row)
	}
	p := s.newPage(r, "admin.agencies.title")
	p.Flash = s.flash(r)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_agencies", p)
}

type agencyForm struct {
	Country string
	Name    string
	Kind    vrs.AgencyKind
	// The distribution and label of the agency's new records.
	Dist vrs.Distribution
	TLP  vrs.TLP
}

// agencyShareForm reads the defaults posted; ok reports whether the form
// had them (a form without them leaves them alone).
func agencyShareForm(r *http.Request, f *agencyForm) (ok bool) {
	_, dist := r.PostForm["default_distribution"]
	_, tlp := r.PostForm["default_tlp"]
	f.Dist = vrs.Distribution(strings.TrimSpace(r.PostFormValue("default_distribution")))
	f.TLP = vrs.TLP(strings.TrimSpace(r.PostFormValue("default_tlp")))
	return dist || tlp
}

// agencyShareOptions offers the distributions an agency may default to
// (not named partners: partners are named record by record) and the TLP
// labels.
func (s *Server) agencyShareOptions(r *http.Request, f agencyForm) (dists, tlps []option) {
	for _, d := range vrs.Distributions {
		if d != vrs.DistPartners {
			dists = append(dists, option{Value: string(d), Label: s.distLabel(r, d), Selected: d == f.Dist})
		}
	}
	if f.Dist != "" && (!f.Dist.Valid() || f.Dist == vrs.DistPartners) {
		dists = append(dists, option{Value: string(f.Dist), Label: s.distLabel(r, f.Dist), Selected: true})
	}
	return dists, s.tlpOptions(r, f.TLP, "")
}

// agencyShareDefaults are an agency's defaults, the installation's where it has
// none.
func agencyShareDefaults(a *vrs.Agency) (vrs.Distribution, vrs.TLP) {
	d, t := a.DefaultDistribution, a.DefaultTLP
	if d == "" {
		d = vrs.DefaultDistribution
	}
	if t == "" {
		t = vrs.DefaultTLP
	}
	return d, t
}

type agencyNewData struct {
	Form        agencyForm
	IsAdmin     bool
	CountryName string
	Countries   []optGroup
	Kinds       []option
	Dists       []option
	TLPs        []option
	Errs        map[string]string
}

func (s *Server) agencyNew(w http.ResponseWriter, r *http.Request) {
	s.renderAgencyNew(w, r, agencyForm{Dist: vrs.DefaultDistribution, TLP: vrs.DefaultTLP}, nil)
}

func (s *Server) renderAgencyNew(w http.ResponseWriter, r *http.Request, f agencyForm, fail *formFailure) {
	u, err := requireManager(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &agencyNewData{Form: f, IsAdmin: isAdmin(u), Kinds: s.kindOptions(r, f.Kind)}
	d.Dists, d.TLPs = s.agencyShareOptions(r, f)
	if d.IsAdmin {
		members, others, err := s.splitCountries(r)
		if err != nil {
			s.error(w, r, err)
			return
		}
		for i, list := range [][]*vrs.Country{members, others} {
			g := optGroup{Label: s.tr(r, []string{"admin.countries.members", "admin.countries.others"}[i])}
			for _, c := range list {
				g.Options = append(g.Options, option{Value: c.Alpha2, Label: c.Name + " (" + c.Alpha2 + ")", Selected: c.Alpha2 == f.Country})
			}
			d.Countries = append(d.Countries, g)
		}
	} else {
		d.Form.Country = u.Country
		if c, err := s.store.FindCountry(r.Context(), u.Country); err == nil {
			d.CountryName = c.Name
		}
	}
	p := s.newPage(r, "admin.agency_new.title")
	d.Errs = fail.show(p, "country", "name", "kind", "default_distribution", "default_tlp")
	p.Data = d
	s.render(w, r, fail.status(), "admin_agency_new", p)
}

// agencyCreate adds an agency. A focal point's form names no country: the
// agency is of theirs; a country named in the form is checked by the store.
func (s *Server) agencyCreate(w http.ResponseWriter, r *http.Request) {
	u, err := requireManager(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	f := agencyForm{Country: r.PostFormValue("country"), Name: r.PostFormValue("name"), Kind: vrs.AgencyKind(r.PostFormValue("kind"))}
	if _, sent := r.PostForm["country"]; !sent && !isAdmin(u) {
		f.Country = u.Country
	}
	agencyShareForm(r, &f)
	a := &vrs.Agency{Country: f.Country, Name: f.Name, Kind: f.Kind, DefaultDistribution: f.Dist, DefaultTLP: f.TLP}
	if err := s.store.CreateAgency(r.Context(), a); err != nil {
		if fail := s.asFormFailure(r, err); fail != nil {
			if _, bad := fail.Fields["country"]; bad && strings.TrimSpace(f.Country) == "" {
				fail.Fields["country"] = s.tr(r, "field.required")
			}
			s.renderAgencyNew(w, r, f, fail)
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/admin/agencies/"+strconv.FormatInt(a.ID, 10), "agency_created")
}

type agencyViewData struct {
	Agency      *vrs.Agency
	CountryName string
	KindLabel   string
	Form        agencyForm
	Disabled    bool
	Kinds       []option
	Dists       []option
	TLPs        []option
	DistLabel   string
	DefTLP      vrs.TLP
	TLPClass    string
	Errs        map[string]string
	UnitName    string
	UnitErr     string
	Users       []userRow
}

// agencySubmit is a failed submission on the agency page: of the edit form
// or, when unit is set, of the unit form.
type agencySubmit struct {
	form     agencyForm
	disabled bool
	unit     bool
	unitName string
	fail     *formFailure
}

func (s *Server) agencyView(w http.ResponseWriter, r *http.Request) {
	s.renderAgency(w, r, nil)
}

// renderAgency shows an agency with its edit and unit forms, refilled from
// sub when a submission failed.
func (s *Server) renderAgency(w http.ResponseWriter, r *http.Request, sub *agencySubmit) {
	a, err := s.managedAgency(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	dist, tlp := agencyShareDefaults(a)
	d := &agencyViewData{Agency: a, Form: agencyForm{Name: a.Name, Kind: a.Kind, Dist: dist, TLP: tlp}, Disabled: a.Disabled}
	if sub != nil && !sub.unit {
		d.Form, d.Disabled = sub.form, sub.disabled
	}
	d.KindLabel = s.tr(r, "kind."+string(a.Kind))
	d.Kinds = s.kindOptions(r, d.Form.Kind)
	d.Dists, d.TLPs = s.agencyShareOptions(r, d.Form)
	d.DistLabel, d.DefTLP, d.TLPClass = s.distLabel(r, dist), tlp, tlpClass(tlp)
	if c, err := s.store.FindCountry(ctx, a.Country); err == nil {
		d.CountryName = c.Name
	}
	users, err := s.store.ListUsers(ctx, vrs.UserFilter{AgencyID: a.ID})
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, x := range users {
		d.Users = append(d.Users, userRow{User: x, RoleLabels: s.roleLabels(r, x.Roles)})
	}
	p := s.newPage(r, "admin.agency.title")
	p.Title = a.Name
	p.Flash = s.flash(r)
	status := http.StatusOK
	d.Errs = map[string]string{}
	if sub != nil {
		status = sub.fail.status()
		if sub.unit {
			d.UnitName = sub.unitName
			p.Error = sub.fail.Error
			if d.UnitErr = sub.fail.Fields["name"]; d.UnitErr == "" {
				d.UnitErr = sub.fail.Error
			}
		} else {
			d.Errs = sub.fail.show(p, "name", "kind", "disabled", "default_distribution", "default_tlp")
		}
	}
	p.Data = d
	s.render(w, r, status, "admin_agency", p)
}

// managedAgency finds the agency of the path and checks that the user
// manages its country.
func (s *Server) managedAgency(r *http.Request) (*vrs.Agency, error) {
	u, err := requireManager(r)
	if err != nil {
		return nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	a, err := s.store.FindAgencyByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if err := access.ManageCountry(u, a.Country); err != nil {
		return nil, err
	}
	return a, nil
}

func (s *Server) agencyUpdate(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.managerPost(w, r)
	if !ok {
		return
	}
	sub := &agencySubmit{form: agencyForm{Name: r.PostFormValue("name"), Kind: vrs.AgencyKind(r.PostFormValue("kind"))}, disabled: checked(r, "disabled")}
	upd := vrs.AgencyUpdate{Name: &sub.form.Name, Kind: &sub.form.Kind, Disabled: &sub.disabled}
	if agencyShareForm(r, &sub.form) {
		upd.DefaultDistribution, upd.DefaultTLP = &sub.form.Dist, &sub.form.TLP
	}
	if _, err := s.store.UpdateAgency(r.Context(), id, upd); err != nil {
		if sub.fail = s.asFormFailure(r, err); sub.fail != nil {
			s.renderAgency(w, r, sub)
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/admin/agencies/"+strconv.FormatInt(id, 10), "agency_saved")
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.managerPost(w, r)
	if !ok {
		return
	}
	sub := &agencySubmit{unit: true, unitName: r.PostFormValue("name")}
	if err := s.store.CreateUnit(r.Context(), &vrs.Unit{AgencyID: id, Name: sub.unitName}); err != nil {
		if sub.fail = s.asFormFailure(r, err); sub.fail != nil {
			s.renderAgency(w, r, sub)
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/admin/agencies/"+strconv.FormatInt(id, 10), "unit_created")
}
