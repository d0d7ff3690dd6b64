package web

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"vrs"
	"vrs/access"
	"vrs/auth"
)

type userRow struct {
	*vrs.User
	RoleLabels []string
}

type userListData struct {
	AgencyID int64
	Role     string
	Agencies []optGroup
	Roles    []option
	Rows     []userRow
}

// userList shows the users the store lets the actor read: an
// administrator's all, a focal point's their country's.
func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	u, err := requireManager(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	d := &userListData{}
	if id, err := strconv.ParseInt(q.Get("agency"), 10, 64); err == nil && id > 0 {
		d.AgencyID = id
	}
	if role := vrs.Role(q.Get("role")); role.Valid() {
		d.Role = string(role)
	}
	f := vrs.AgencyFilter{}
	if !isAdmin(u) {
		f.Country = u.Country
	}
	agencies, err := s.store.ListAgencies(ctx, f)
	if err != nil {
		s.error(w, r, err)
		return
	}
	names, err := s.countryNames(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d.Agencies = agencyGroups(agencies, names, []int64{d.AgencyID})
	for _, role := range vrs.Roles {
		d.Roles = append(d.Roles, option{Value: string(role), Label: s.tr(r, "role."+string(role)), Selected: string(role) == d.Role})
	}
	users, err := s.store.ListUsers(ctx, vrs.UserFilter{AgencyID: d.AgencyID, Role: vrs.Role(d.Role)})
	if err != nil {
		s.error(w, r, err)
		return
	}
	for _, x := range users {
		d.Rows = append(d.Rows, userRow{User: x, RoleLabels: s.roleLabels(r, x.Roles)})
	}
	p := s.newPage(r, "admin.users.title")
	p.Flash = s.flash(r)
	p.Data = d
	s.render(w, r, http.StatusOK, "admin_users", p)
}

// userForm holds what the new-user and edit forms submit.
type userForm struct {
	Name      string
	FullName  string
	Email     string
	AgencyID  int64
	Roles     []vrs.Role
	ViewScope string
	Capture   []int64
	Disabled  bool
}

func readUserForm(r *http.Request) userForm {
	f := userForm{
		Name:      r.PostFormValue("name"),
		FullName:  r.PostFormValue("full_name"),
		Email:     r.PostFormValue("email"),
		ViewScope: r.PostFormValue("view_scope"),
		Capture:   formIDs(r.PostForm["capture_agency_ids"]),
		Disabled:  checked(r, "disabled"),
	}
	if id, err := strconv.ParseInt(r.PostFormValue("agency_id"), 10, 64); err == nil && id > 0 {
		f.AgencyID = id
	}
	for _, v := range r.PostForm["roles"] {
		if role := vrs.Role(v); !slices.Contains(f.Roles, role) {
			f.Roles = append(f.Roles, role)
		}
	}
	slices.Sort(f.Roles)
	return f
}

type userFormData struct {
	Form     userForm
	Agencies []optGroup
	Roles    []option
	Scopes   []option
	Capture  []optGroup
	Errs     map[string]string
	// The user page's own parts.
	Target         *vrs.User
	TargetRoles    []string
	CaptureNames   []string
	CanEdit        bool
	CanCredentials bool
	PwErrs         map[string]string
}

// roleOptions offers the roles actor may grant, checked as in form; roles
// held (in held) but not grantable show checked and disabled.
func (s *Server) roleOptions(r *http.Request, actor *vrs.User, form, held []vrs.Role) []option {
	var out []option
	for _, role := range vrs.Roles {
		o := option{Value: string(role), Label: s.tr(r, "role."+string(role)), Selected: slices.Contains(form, role)}
		if access.GrantRoles(actor, []vrs.Role{role}) != nil {
			if !slices.Contains(held, role) {
				continue
			}
			o.Selected, o.Disabled = true, true
		}
		out = append(out, o)
	}
	return out
}

func (s *Server) scopeOptions(r *http.Request, selected string) []option {
	out := []option{{Value: "", Label: s.tr(r, "admin.users.scope_default"), Selected: selected == ""}}
	for _, sc := range []vrs.ViewScope{vrs.ViewAgency, vrs.ViewCountry, vrs.ViewShared, vrs.ViewNone} {
		out = append(out, option{Value: string(sc), Label: s.tr(r, "scope."+string(sc)), Selected: string(sc) == selected})
	}
	return out
}

// userNew shows the new-user form; ?agency= preselects an agency.
func (s *Server) userNew(w http.ResponseWriter, r *http.Request) {
	f := userForm{}
	if id, err := strconv.ParseInt(r.URL.Query().Get("agency"), 10, 64); err == nil && id > 0 {
		f.AgencyID = id
	}
	s.renderUserNew(w, r, f, nil)
}

func (s *Server) renderUserNew(w http.ResponseWriter, r *http.Request, f userForm, fail *formFailure) {
	u, err := requireManager(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	agencies, err := s.managedAgencies(r, u)
	if err != nil {
		s.error(w, r, err)
		return
	}
	names, err := s.countryNames(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &userFormData{
		Form:     f,
		Agencies: agencyGroups(agencies, names, []int64{f.AgencyID}),
		Roles:    s.roleOptions(r, u, f.Roles, nil),
		Scopes:   s.scopeOptions(r, f.ViewScope),
		Capture:  agencyGroups(agencies, names, f.Capture),
	}
	p := s.newPage(r, "admin.user_new.title")
	d.Errs = fail.show(p, "name", "full_name", "email", "agency_id", "roles", "view_scope", "capture_agency_ids", "password", "confirm")
	p.Data = d
	s.render(w, r, fail.status(), "admin_user", p)
}

// checkNewPassword checks a password and its confirmation for userName;
// it returns field errors (catalogue keys), none when they are fine.
func checkNewPassword(r *http.Request, userName string) map[string]string {
	pw := r.PostFormValue("password")
	if err := auth.ValidatePassword(pw, userName); err != nil {
		return vrs.AsError(err).Fields
	}
	if pw != r.PostFormValue("confirm") {
		return map[string]string{"confirm": "admin.password_mismatch"}
	}
	return nil
}

// userCreate adds a user with an initial password.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	if _, err := requireManager(r); err != nil {
		s.error(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	f := readUserForm(r)
	nu := &vrs.User{Name: f.Name, FullName: f.FullName, Email: f.Email, AgencyID: f.AgencyID, Roles: slices.Clone(f.Roles),
		ViewScope: vrs.ViewScope(f.ViewScope), CaptureAgencyIDs: f.Capture}
	if nu.ViewScope == "" {
		nu.ViewScope = vrs.DefaultViewScope(nu.Roles)
	}
	// Check the fields and the password together, so that one round shows
	// every problem, and before hashing, which is costly.
	keys := map[string]string{}
	probe := *nu
	probe.Normalize()
	if err := probe.Validate(); err != nil {
		for k, v := range vrs.AsError(err).Fields {
			keys[k] = v
		}
	}
	for k, v := range checkNewPassword(r, probe.Name) {
		keys[k] = v
	}
	if len(keys) > 0 {
		s.renderUserNew(w, r, f, s.fieldFailure(r, keys))
		return
	}
	hash, err := s.cfg.Hasher.Hash(ctx, r.PostFormValue("password"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	nu.PasswordHash = hash
	if err := s.store.CreateUser(ctx, nu); err != nil {
		if fail := s.asFormFailure(r, err); fail != nil {
			s.renderUserNew(w, r, f, fail)
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/admin/users/"+strconv.FormatInt(nu.ID, 10), "user_created")
}

// userSubmit is a failed submission on the user page.
type userSubmit struct {
	form     *userForm
	password bool
	fail     *formFailure
}

func (s *Server) userView(w http.ResponseWriter, r *http.Request) {
	s.renderUser(w, r, nil)
}

// canChange mirrors the store's rules for changing target: the actor
// manages its country, only administrators change administrators, and the
// roles it holds must all be grantable by the actor.
func canChange(actor, target *vrs.User) (edit, credentials bool) {
	if target.HasRole(vrs.RoleAdmin) && !isAdmin(actor) {
		return false, actor.ID == target.ID
	}
	if access.ManageCountry(actor, target.Country) != nil {
		return false, actor.ID == target.ID
	}
	return access.GrantRoles(actor, target.Roles) == nil, true
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, sub *userSubmit) {
	actor, err := requireManager(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	target, err := s.store.FindUserByID(ctx, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := userForm{FullName: target.FullName, Email: target.Email, Roles: target.Roles, ViewScope: string(target.ViewScope),
		Capture: target.CaptureAgencyIDs, Disabled: target.Disabled}
	if sub != nil && sub.form != nil {
		f = *sub.form
	}
	agencies, err := s.store.ListAgencies(ctx, vrs.AgencyFilter{Country: target.Country})
	if err != nil {
		s.error(w, r, err)
		return
	}
	names, err := s.countryNames(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &userFormData{Form: f, Target: target, TargetRoles: s.roleLabels(r, target.Roles)}
	d.CanEdit, d.CanCredentials = canChange(actor, target)
	d.Roles = s.roleOptions(r, actor, f.Roles, target.Roles)
	d.Scopes = s.scopeOptions(r, f.ViewScope)
	var offered []*vrs.Agency
	for _, a := range agencies {
		if slices.Contains(target.CaptureAgencyIDs, a.ID) {
			d.CaptureNames = append(d.CaptureNames, a.Name)
		}
		if !a.Disabled || slices.Contains(f.Capture, a.ID) {
			offered = append(offered, a)
		}
	}
	d.Capture = agencyGroups(offered, names, f.Capture)
	p := s.newPage(r, "admin.user.title")
	p.Title = s.tr(r, "admin.user.title", target.Name)
	p.Flash = s.flash(r)
	status := http.StatusOK
	d.Errs, d.PwErrs = map[string]string{}, map[string]string{}
	if sub != nil {
		status = sub.fail.status()
		if sub.password {
			d.PwErrs = sub.fail.show(p, "password", "confirm")
		} else {
			d.Errs = sub.fail.show(p, "full_name", "email", "roles", "view_scope", "capture_agency_ids", "disabled")
		}
	}
	p.Data = d
	s.render(w, r, status, "admin_user", p)
}

// userUpdate changes a user's profile, roles, scopes and status. Roles the
// actor may not grant are not in the form; those the user holds are kept.
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	actor, id, ok := s.managerPost(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	target, err := s.store.FindUserByID(ctx, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := readUserForm(r)
	roles := slices.Clone(f.Roles)
	for _, held := range target.Roles {
		if access.GrantRoles(actor, []vrs.Role{held}) != nil && !slices.Contains(roles, held) {
			roles = append(roles, held)
		}
	}
	slices.Sort(roles)
	f.Roles = roles
	upd := vrs.UserUpdate{FullName: &f.FullName, Email: &f.Email, Disabled: &f.Disabled}
	// The form says which version it edited; a change made meanwhile by
	// someone else is a conflict, not something this form silently undoes.
	if v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64); err == nil {
		version := time.UnixMicro(v).UTC()
		upd.Version = &version
	}
	if !slices.Equal(roles, sortedRoles(target.Roles)) {
		upd.Roles = &roles
	}
	scope := vrs.ViewScope(f.ViewScope)
	if scope == "" {
		scope = vrs.DefaultViewScope(roles)
	}
	upd.ViewScope = &scope
	if !slices.Equal(f.Capture, sortedIDs(target.CaptureAgencyIDs)) {
		capture := slices.Clone(f.Capture)
		upd.CaptureAgencyIDs = &capture
	}
	if _, err := s.store.UpdateUser(ctx, id, upd); err != nil {
		if fail := s.asFormFailure(r, err); fail != nil {
			s.renderUser(w, r, &userSubmit{form: &f, fail: fail})
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/admin/users/"+strconv.FormatInt(id, 10), "user_saved")
}

func sortedRoles(rs []vrs.Role) []vrs.Role {
	out := slices.Clone(rs)
	slices.Sort(out)
	return slices.Compact(out)
}

func sortedIDs(ids []int64) []int64 {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// userResetPassword sets a new password chosen by the administrator or
// focal point; the user's sessions end.
func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request) {
	actor, id, ok := s.managerPost(w, r)
	if !ok {
		return
	}
	// One's own credentials change on the account page, which asks for
	// the current password.
	if id == actor.ID {
		s.error(w, r, vrs.Errorf(vrs.EFORBIDDEN, "error.use_account_page"))
		return
	}
	ctx := r.Context()
	target, err := s.store.FindUserByID(ctx, id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if keys := checkNewPassword(r, target.Name); keys != nil {
		s.renderUser(w, r, &userSubmit{password: true, fail: s.fieldFailure(r, keys)})
		return
	}
	hash, err := s.cfg.Hasher.Hash(ctx, r.PostFormValue("password"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.store.SetPassword(ctx, id, hash); err != nil {
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/admin/users/"+strconv.FormatInt(id, 10), "user_password_set")
}

// userResetSecondFactor turns a user's second factor off (a lost phone);
// users whose role needs one set it up again at their next sign-in.
func (s *Server) userResetSecondFactor(w http.ResponseWriter, r *http.Request) {
	actor, id, ok := s.managerPost(w, r)
	if !ok {
		return
	}
	// One's own credentials change on the account page, which asks for
	// the current password.
	if id == actor.ID {
		s.error(w, r, vrs.Errorf(vrs.EFORBIDDEN, "error.use_account_page"))
		return
	}
	if err := s.store.SetSecondFactor(r.Context(), id, "", nil); err != nil {
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/admin/users/"+strconv.FormatInt(id, 10), "second_factor_reset")
}
