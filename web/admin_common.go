package web

import (
	"net/http"
	"slices"
	"strconv"

	"vrs"
	"vrs/access"
)

// The administration pages: agencies, users, countries and the audit log.
// The store enforces every rule of who may change what (package access);
// the handlers only decide what to offer and pass the store's refusals on.

// option is one entry of a select, a checkbox group or a filter.
type option struct {
	Value, Label string
	Selected     bool
	// Disabled shows a value the actor may not change (a role held but
	// not grantable).
	Disabled bool
}

// optGroup groups options, one group per country or kind of country.
type optGroup struct {
	Label   string
	Options []option
}

// requireManager returns the signed-in user if they may administer some
// country; the administration pages are refused to everyone else.
func requireManager(r *http.Request) (*vrs.User, error) {
	u, err := requireUser(r)
	if err != nil {
		return nil, err
	}
	if !access.CanManageSomeCountry(u) {
		return nil, vrs.Forbidden()
	}
	return u, nil
}

// managerPost reads what every administration POST on one object needs:
// the managing user, the object's id from the path and the parsed form. On
// failure it has answered and reports false.
func (s *Server) managerPost(w http.ResponseWriter, r *http.Request) (*vrs.User, int64, bool) {
	u, err := requireManager(r)
	var id int64
	if err == nil {
		id, err = pathID(r, "id")
	}
	if err == nil {
		err = parseForm(r)
	}
	if err != nil {
		s.error(w, r, err)
		return nil, 0, false
	}
	return u, id, true
}

// isAdmin reports whether u manages the whole installation.
func isAdmin(u *vrs.User) bool { return access.ManageInstallation(u) == nil }

// tr translates key in the request's language.
func (s *Server) tr(r *http.Request, key string, args ...any) string {
	return s.cat.T(stateOf(r).lang, key, args...)
}

// formFailure is a failed form submission to show again: its status, the
// summary and one message per field.
type formFailure struct {
	Status int
	Error  string
	Fields map[string]string
}

// asFormFailure translates a validation or conflict error for the form
// that caused it; other errors (refusals, missing objects, internal
// errors) are not the form's to show and return nil.
func (s *Server) asFormFailure(r *http.Request, err error) *formFailure {
	e := vrs.AsError(err)
	if e.Code != vrs.EINVALID && e.Code != vrs.ECONFLICT {
		return nil
	}
	msg, fields := s.cat.Error(stateOf(r).lang, err)
	if fields == nil {
		fields = map[string]string{}
	}
	return &formFailure{Status: Status(e.Code), Error: msg, Fields: fields}
}

// fieldFailure is a validation failure found by the handler itself; keys
// are catalogue keys.
func (s *Server) fieldFailure(r *http.Request, keys map[string]string) *formFailure {
	return s.asFormFailure(r, vrs.FieldErrors(keys))
}

// show puts a failure on the page: the summary on top, messages of the
// fields the form shows next to them (returned), the rest in the summary.
func (f *formFailure) show(p *page, shown ...string) map[string]string {
	if f == nil {
		return map[string]string{}
	}
	p.Error = f.Error
	inline := map[string]string{}
	for name, msg := range f.Fields {
		if slices.Contains(shown, name) {
			inline[name] = msg
			continue
		}
		if p.Fields == nil {
			p.Fields = map[string]string{}
		}
		p.Fields[name] = msg
	}
	return inline
}

func (f *formFailure) status() int {
	if f == nil {
		return http.StatusOK
	}
	return f.Status
}

// checked reads a checkbox.
func checked(r *http.Request, name string) bool {
	switch r.PostFormValue(name) {
	case "on", "true", "1":
		return true
	}
	return false
}

// formIDs reads the numeric values of a multi-valued field; a malformed
// value reads as 0, which the store refuses as an unknown agency.
func formIDs(vs []string) []int64 {
	var out []int64
	for _, v := range vs {
		if v == "" {
			continue
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			id = 0
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// splitCountries returns the member countries and the others, each sorted
// by name.
func (s *Server) splitCountries(r *http.Request) (members, others []*vrs.Country, err error) {
	all, err := s.store.ListCountries(r.Context(), vrs.CountryFilter{})
	if err != nil {
		return nil, nil, err
	}
	for _, c := range all {
		if c.Member {
			members = append(members, c)
		} else {
			others = append(others, c)
		}
	}
	return members, others, nil
}

// countryNames maps alpha-2 codes to names.
func (s *Server) countryNames(r *http.Request) (map[string]string, error) {
	all, err := s.store.ListCountries(r.Context(), vrs.CountryFilter{})
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(all))
	for _, c := range all {
		m[c.Alpha2] = c.Name
	}
	return m, nil
}

// managedAgencies lists the agencies u may put users in: an
// administrator's are those of every member country, a focal point's
// those of their country. Disabled agencies are left out.
func (s *Server) managedAgencies(r *http.Request, u *vrs.User) ([]*vrs.Agency, error) {
	ctx := r.Context()
	f := vrs.AgencyFilter{}
	if !isAdmin(u) {
		f.Country = u.Country
	}
	list, err := s.store.ListAgencies(ctx, f)
	if err != nil {
		return nil, err
	}
	member := map[string]bool{}
	if isAdmin(u) {
		ms, err := s.store.ListCountries(ctx, vrs.CountryFilter{MembersOnly: true})
		if err != nil {
			return nil, err
		}
		for _, c := range ms {
			member[c.Alpha2] = true
		}
	}
	var out []*vrs.Agency
	for _, a := range list {
		if a.Disabled || (isAdmin(u) && !member[a.Country]) || access.ManageCountry(u, a.Country) != nil {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// agencyGroups builds a select's options from agencies (sorted by country
// and name), one group per country.
func agencyGroups(list []*vrs.Agency, names map[string]string, selected []int64) []optGroup {
	var groups []optGroup
	for _, a := range list {
		if len(groups) == 0 || groups[len(groups)-1].Label != countryLabel(a.Country, names) {
			groups = append(groups, optGroup{Label: countryLabel(a.Country, names)})
		}
		g := &groups[len(groups)-1]
		g.Options = append(g.Options, option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Selected: slices.Contains(selected, a.ID)})
	}
	return groups
}

func countryLabel(code string, names map[string]string) string {
	if n := names[code]; n != "" {
		return n + " (" + code + ")"
	}
	return code
}

// kindOptions lists the agency kinds with their labels.
func (s *Server) kindOptions(r *http.Request, selected vrs.AgencyKind) []option {
	out := make([]option, len(vrs.AgencyKinds))
	for i, k := range vrs.AgencyKinds {
		out[i] = option{Value: string(k), Label: s.tr(r, "kind."+string(k)), Selected: k == selected}
	}
	return out
}

// roleLabels translates a user's roles.
func (s *Server) roleLabels(r *http.Request, roles []vrs.Role) []string {
	out := make([]string, len(roles))
	for i, role := range roles {
		out[i] = s.tr(r, "role."+string(role))
	}
	return out
}
