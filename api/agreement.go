package api

import (
	"net/http"
	"slices"
	"strconv"

	"vrs"
	"vrs/web"
)

// Sharing agreements between countries. A country's focal point proposes
// one to another country, whose focal point accepts or declines it; either
// revokes it. The store checks every right: an agreement of other
// countries answers 404 like a missing one, and a focal point of the
// wrong party 403 with the reason.

func agreementURL(id int64) string { return Prefix + "/agreements/" + strconv.FormatInt(id, 10) }

// agreementRequest is the body of POST /agreements: what the proposer
// chooses. The proposer is the caller's country; status and the rest are
// the server's.
type agreementRequest struct {
	Partner     string             `json:"partner"`
	Types       []vrs.IncidentType `json:"types"`
	Granularity string             `json:"granularity"`
	DataFrom    string             `json:"data_from"`
	DataTo      string             `json:"data_to"`
	Starts      string             `json:"starts"`
	Ends        string             `json:"ends"`
	Note        string             `json:"note"`
}

// agreement turns the request into an agreement for the store, which
// validates every field at once: a granularity that is not one of the
// three an agreement grants stays none, which Validate refuses on
// granularity.
func (q *agreementRequest) agreement() *vrs.SharingAgreement {
	g, _ := vrs.ParseGranularity(q.Granularity)
	return &vrs.SharingAgreement{Partner: q.Partner, Types: slices.Clone(q.Types), Granularity: g,
		DataFrom: q.DataFrom, DataTo: q.DataTo, Starts: q.Starts, Ends: q.Ends, Note: q.Note}
}

// reasonRequest is the body of decline and revoke.
type reasonRequest struct {
	Reason string `json:"reason"`
}

// agreementOut gives an agreement's lists as [] rather than null.
func agreementOut(ag *vrs.SharingAgreement) *vrs.SharingAgreement {
	c := *ag
	c.Types = nonNil(slices.Clone(c.Types))
	return &c
}

// agreementStatuses are the values of ?status=.
var agreementStatuses = []vrs.AgreementStatus{vrs.AgreementProposed, vrs.AgreementActive, vrs.AgreementDeclined, vrs.AgreementRevoked}

// agreementList lists the agreements of the caller's country (every
// country's for administrators), newest first.
func (a *API) agreementList(w http.ResponseWriter, r *http.Request) {
	svc := a.store
	q, err := parseQuery(r, "status", "country")
	if err != nil {
		a.error(w, r, err)
		return
	}
	var f vrs.AgreementFilter
	if f.Country, err = q.country("country"); err != nil {
		a.error(w, r, err)
		return
	}
	if s := vrs.AgreementStatus(q.str("status")); s != "" {
		if !slices.Contains(agreementStatuses, s) {
			a.error(w, r, queryError("api.error.query_value", "status", "api.field.agreement_status"))
			return
		}
		f.Status = s
	}
	as, err := svc.ListAgreements(r.Context(), f)
	if err != nil {
		a.error(w, r, err)
		return
	}
	out := make([]*vrs.SharingAgreement, len(as))
	for i, ag := range as {
		out[i] = agreementOut(ag)
	}
	writeList(w, out)
}

// agreementPropose proposes an agreement from the caller's country.
func (a *API) agreementPropose(w http.ResponseWriter, r *http.Request) {
	svc := a.store
	if _, err := parseQuery(r); err != nil {
		a.error(w, r, err)
		return
	}
	var req agreementRequest
	if err := decodeJSON(r, &req); err != nil {
		a.error(w, r, err)
		return
	}
	ag := req.agreement()
	if err := svc.ProposeAgreement(r.Context(), ag); err != nil {
		a.error(w, r, err)
		return
	}
	writeCreated(w, agreementURL(ag.ID), agreementOut(ag))
}

// agreementGet answers one agreement of the caller's country.
func (a *API) agreementGet(w http.ResponseWriter, r *http.Request) {
	svc := a.store
	id, err := pathID(r, "id", "agreement")
	if err != nil {
		a.error(w, r, err)
		return
	}
	if _, err := parseQuery(r); err != nil {
		a.error(w, r, err)
		return
	}
	ag, err := svc.FindAgreement(r.Context(), id)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, agreementOut(ag))
}

// agreementStep is accept, decline or revoke.
type agreementStep int

const (
	stepAccept agreementStep = iota
	stepDecline
	stepRevoke
)

// agreementDecide accepts, declines or revokes an agreement. Accept takes
// no reason; decline and revoke take one in the body (revoking an active
// agreement requires it: the other country reads it).
func (a *API) agreementDecide(step agreementStep) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		svc := a.store
		id, err := pathID(r, "id", "agreement")
		if err != nil {
			a.error(w, r, err)
			return
		}
		if _, err := parseQuery(r); err != nil {
			a.error(w, r, err)
			return
		}
		var req reasonRequest
		if step == stepAccept {
			err = decodeOptional(r, &struct{}{})
		} else {
			err = decodeOptional(r, &req)
		}
		if err != nil {
			a.error(w, r, err)
			return
		}
		var ag *vrs.SharingAgreement
		switch step {
		case stepAccept, stepDecline:
			ag, err = svc.DecideAgreement(r.Context(), id, step == stepAccept, req.Reason)
		case stepRevoke:
			ag, err = svc.RevokeAgreement(r.Context(), id, req.Reason)
		}
		if err != nil {
			a.error(w, r, err)
			return
		}
		web.WriteJSON(w, http.StatusOK, agreementOut(ag))
	}
}

// maxRecordViews bounds ?limit= of the record views, as the store does.
const (
	defaultRecordViews = 100
	maxRecordViews     = 1000
)

// recordViews lists the reads of a country's records by users of other
// countries, newest first: the caller's own country unless ?country=
// names another (administrators).
func (a *API) recordViews(w http.ResponseWriter, r *http.Request) {
	svc := a.store
	u, err := currentUser(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	q, err := parseQuery(r, "country", "limit")
	if err != nil {
		a.error(w, r, err)
		return
	}
	country, err := q.country("country")
	if err != nil {
		a.error(w, r, err)
		return
	}
	if country == "" {
		country = u.Country
	}
	limit, err := q.int64("limit", 1, maxRecordViews)
	if err != nil {
		a.error(w, r, err)
		return
	}
	if limit == 0 {
		limit = defaultRecordViews
	}
	vs, err := svc.ListRecordViews(r.Context(), country, int(limit))
	if err != nil {
		a.error(w, r, err)
		return
	}
	writeList(w, vs)
}
