package api

import (
	"maps"
	"net/http"
	"strconv"

	"vrs"
	"vrs/access"
	"vrs/auth"
	"vrs/web"
)

// Users are not a public directory: the store answers ENOTFOUND for an
// account the caller may not read, and lists only readable ones, so that
// neither path tells whether an account exists.

func userURL(id int64) string { return Prefix + "/users/" + strconv.FormatInt(id, 10) }

// userList lists the users the caller may read.
func (a *API) userList(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r, "agency_id", "role", "country")
	if err != nil {
		a.error(w, r, err)
		return
	}
	var f vrs.UserFilter
	if f.Country, err = q.country("country"); err != nil {
		a.error(w, r, err)
		return
	}
	if f.AgencyID, err = q.int64("agency_id", 1, 1<<53); err != nil {
		a.error(w, r, err)
		return
	}
	if role := vrs.Role(q.str("role")); role != "" {
		if !role.Valid() {
			a.error(w, r, queryError("api.error.query_value", "role", "field.role"))
			return
		}
		f.Role = role
	}
	us, err := a.store.ListUsers(r.Context(), f)
	if err != nil {
		a.error(w, r, err)
		return
	}
	out := make([]*vrs.User, len(us))
	for i, u := range us {
		out[i] = userOut(u)
	}
	writeList(w, out)
}

// userCreateRequest is the body of POST /users. The password is taken, checked
// and hashed here; it is never stored, logged or sent back.
type userCreateRequest struct {
	Name             string        `json:"name"`
	FullName         string        `json:"full_name"`
	Email            string        `json:"email"`
	AgencyID         int64         `json:"agency_id"`
	Roles            []vrs.Role    `json:"roles"`
	CaptureAgencyIDs []int64       `json:"capture_agency_ids"`
	ViewScope        vrs.ViewScope `json:"view_scope"`
	Disabled         bool          `json:"disabled"`
	Password         string        `json:"password"`
}

func (a *API) userCreate(w http.ResponseWriter, r *http.Request) {
	actor, err := currentUser(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	// Hashing costs memory and time on purpose: refuse those who may not
	// create any user before spending it. The store decides the rest.
	if !access.CanManageSomeCountry(actor) {
		a.error(w, r, vrs.Forbidden())
		return
	}
	var req userCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		a.error(w, r, err)
		return
	}
	u := &vrs.User{Name: req.Name, FullName: req.FullName, Email: req.Email, AgencyID: req.AgencyID, Roles: req.Roles,
		CaptureAgencyIDs: req.CaptureAgencyIDs, ViewScope: req.ViewScope, Disabled: req.Disabled}
	u.Normalize()
	// Report every field's problem at once, the password's included.
	fields := map[string]string{}
	if err := u.Validate(); err != nil {
		maps.Copy(fields, vrs.AsError(err).Fields)
	}
	if req.Password == "" {
		fields["password"] = "field.required"
	} else if err := auth.ValidatePassword(req.Password, u.Name); err != nil {
		maps.Copy(fields, vrs.AsError(err).Fields)
	}
	if len(fields) > 0 {
		a.error(w, r, vrs.FieldErrors(fields))
		return
	}
	if a.cfg.Hasher == nil {
		a.error(w, r, vrs.Errorf(vrs.EINTERNAL, "error.internal"))
		return
	}
	if u.PasswordHash, err = a.cfg.Hasher.Hash(r.Context(), req.Password); err != nil {
		a.error(w, r, err)
		return
	}
	if err := a.store.CreateUser(r.Context(), u); err != nil {
		a.error(w, r, err)
		return
	}
	writeCreated(w, userURL(u.ID), userOut(u))
}

// userGet answers one user the caller may read; 404 otherwise.
func (a *API) userGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id", "user")
	if err != nil {
		a.error(w, r, err)
		return
	}
	u, err := a.store.FindUserByID(r.Context(), id)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, userOut(u))
}

// userUpdate changes the fields the body names; absent or null fields
// stay as they are. Passwords and second factors have their own paths.
func (a *API) userUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id", "user")
	if err != nil {
		a.error(w, r, err)
		return
	}
	var upd vrs.UserUpdate
	if err := decodeJSON(r, &upd); err != nil {
		a.error(w, r, err)
		return
	}
	u, err := a.store.UpdateUser(r.Context(), id, upd)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, userOut(u))
}
