package api

import (
	"net/http"
	"slices"
	"strconv"

	"vrs"
	"vrs/web"
)

// Sharing groups: named sets of countries and agencies to which records
// may be distributed. Every signed-in user reads them (reporters pick them
// for a record); the focal points of the owner country change and delete
// them, which the store checks.

func sharingGroupURL(id int64) string { return Prefix + "/sharing-groups/" + strconv.FormatInt(id, 10) }

// sharingGroupRequest is the body of POST and PUT. PUT replaces the whole
// group: members left out are removed. The owner is the creator's
// country and never changes.
type sharingGroupRequest struct {
	Name          string   `json:"name"`
	Releasability string   `json:"releasability"`
	Countries     []string `json:"countries"`
	AgencyIDs     []int64  `json:"agency_ids"`
}

func (q *sharingGroupRequest) group() *vrs.SharingGroup {
	return &vrs.SharingGroup{Name: q.Name, Releasability: q.Releasability, Countries: slices.Clone(q.Countries), AgencyIDs: slices.Clone(q.AgencyIDs)}
}

// sharingGroupOut gives a group's lists as [] rather than null.
func sharingGroupOut(g *vrs.SharingGroup) *vrs.SharingGroup {
	c := *g
	c.Countries = nonNil(slices.Clone(c.Countries))
	c.AgencyIDs = nonNil(slices.Clone(c.AgencyIDs))
	return &c
}

func (a *API) sharingGroupList(w http.ResponseWriter, r *http.Request) {
	svc := a.store
	if _, err := parseQuery(r); err != nil {
		a.error(w, r, err)
		return
	}
	gs, err := svc.ListSharingGroups(r.Context())
	if err != nil {
		a.error(w, r, err)
		return
	}
	out := make([]*vrs.SharingGroup, len(gs))
	for i, g := range gs {
		out[i] = sharingGroupOut(g)
	}
	writeList(w, out)
}

func (a *API) sharingGroupCreate(w http.ResponseWriter, r *http.Request) {
	svc := a.store
	if _, err := parseQuery(r); err != nil {
		a.error(w, r, err)
		return
	}
	var req sharingGroupRequest
	if err := decodeJSON(r, &req); err != nil {
		a.error(w, r, err)
		return
	}
	g := req.group()
	if err := svc.CreateSharingGroup(r.Context(), g); err != nil {
		a.error(w, r, err)
		return
	}
	writeCreated(w, sharingGroupURL(g.ID), sharingGroupOut(g))
}

func (a *API) sharingGroupGet(w http.ResponseWriter, r *http.Request) {
	svc := a.store
	id, err := pathID(r, "id", "sharing_group")
	if err != nil {
		a.error(w, r, err)
		return
	}
	if _, err := parseQuery(r); err != nil {
		a.error(w, r, err)
		return
	}
	g, err := svc.FindSharingGroup(r.Context(), id)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, sharingGroupOut(g))
}

// sharingGroupUpdate replaces a group's name, statement and members.
func (a *API) sharingGroupUpdate(w http.ResponseWriter, r *http.Request) {
	svc := a.store
	id, err := pathID(r, "id", "sharing_group")
	if err != nil {
		a.error(w, r, err)
		return
	}
	if _, err := parseQuery(r); err != nil {
		a.error(w, r, err)
		return
	}
	var req sharingGroupRequest
	if err := decodeJSON(r, &req); err != nil {
		a.error(w, r, err)
		return
	}
	g := req.group()
	g.ID = id
	if err := svc.UpdateSharingGroup(r.Context(), g); err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, sharingGroupOut(g))
}

// sharingGroupDelete deletes a group; records distributed to it reach
// nobody through it from then on.
func (a *API) sharingGroupDelete(w http.ResponseWriter, r *http.Request) {
	svc := a.store
	id, err := pathID(r, "id", "sharing_group")
	if err != nil {
		a.error(w, r, err)
		return
	}
	if _, err := parseQuery(r); err != nil {
		a.error(w, r, err)
		return
	}
	if err := svc.DeleteSharingGroup(r.Context(), id); err != nil {
		a.error(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}
