package api

import (
	"net/http"
	"strconv"

	"vrs"
	"vrs/web"
)

// The directory of agencies is open to every signed-in user (sharing needs
// to name them); creating and changing them is for those who manage the
// agency's country, which the store checks.

func agencyURL(id int64) string { return Prefix + "/agencies/" + strconv.FormatInt(id, 10) }

// agencyList lists agencies by country and name, without their units.
func (a *API) agencyList(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r, "country", "kind")
	if err != nil {
		a.error(w, r, err)
		return
	}
	var f vrs.AgencyFilter
	if f.Country, err = q.country("country"); err != nil {
		a.error(w, r, err)
		return
	}
	if k := vrs.AgencyKind(q.str("kind")); k != "" {
		if !k.Valid() {
			a.error(w, r, queryError("api.error.query_value", "kind", "field.agency_kind"))
			return
		}
		f.Kind = k
	}
	as, err := a.store.ListAgencies(r.Context(), f)
	if err != nil {
		a.error(w, r, err)
		return
	}
	writeList(w, as)
}

// agencyCreateRequest is the body of POST /agencies.
type agencyCreateRequest struct {
	Country  string         `json:"country"`
	Name     string         `json:"name"`
	Kind     vrs.AgencyKind `json:"kind"`
	Disabled bool           `json:"disabled"`

	DefaultDistribution vrs.Distribution `json:"default_distribution"`
	DefaultTLP          vrs.TLP          `json:"default_tlp"`
}

func (a *API) agencyCreate(w http.ResponseWriter, r *http.Request) {
	var req agencyCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		a.error(w, r, err)
		return
	}
	ag := &vrs.Agency{Country: req.Country, Name: req.Name, Kind: req.Kind, Disabled: req.Disabled,
		DefaultDistribution: req.DefaultDistribution, DefaultTLP: req.DefaultTLP}
	if err := a.store.CreateAgency(r.Context(), ag); err != nil {
		a.error(w, r, err)
		return
	}
	ag.Units = []*vrs.Unit{}
	writeCreated(w, agencyURL(ag.ID), ag)
}

// agencyGet answers one agency with its units.
func (a *API) agencyGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id", "agency")
	if err != nil {
		a.error(w, r, err)
		return
	}
	ag, err := a.store.FindAgencyByID(r.Context(), id)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, ag)
}

// agencyUpdate changes the fields the body names; absent or null fields
// stay as they are.
func (a *API) agencyUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id", "agency")
	if err != nil {
		a.error(w, r, err)
		return
	}
	var upd vrs.AgencyUpdate
	if err := decodeJSON(r, &upd); err != nil {
		a.error(w, r, err)
		return
	}
	ag, err := a.store.UpdateAgency(r.Context(), id, upd)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, ag)
}

// unitCreateRequest is the body of POST /agencies/{id}/units.
type unitCreateRequest struct {
	Name string `json:"name"`
}

// unitCreate adds a unit; units have no address of their own, so Location
// names the agency, whose answer lists them.
func (a *API) unitCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id", "agency")
	if err != nil {
		a.error(w, r, err)
		return
	}
	var req unitCreateRequest
	if err := decodeJSON(r, &req); err != nil {
		a.error(w, r, err)
		return
	}
	u := &vrs.Unit{AgencyID: id, Name: req.Name}
	if err := a.store.CreateUnit(r.Context(), u); err != nil {
		a.error(w, r, err)
		return
	}
	writeCreated(w, agencyURL(id), u)
}
