// Package api is VRS's JSON API under /api/v1. The web package's middleware
// authenticates every request (API token or session) before it gets here.
//
// Every answer is JSON. Errors have one shape, web.ErrorBody
// {"code","message","fields"}; lists are {"items": [...], "count": N}; a
// created object comes back with 201 and a Location header. The store
// enforces who may do what; handlers parse strictly, pass the store's
// errors through and never change anything when they refuse.
package api

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"vrs"
	"vrs/auth"
	"vrs/i18n"
	"vrs/importer"
	"vrs/web"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Config wires the API's collaborators.
type Config struct {
	Store   vrs.Store
	Catalog *i18n.Catalog
	Hasher  *auth.Hasher
	Now     func() time.Time
	// Imports runs the import jobs.
	Imports *importer.Manager
}

// API holds the handlers.
type API struct {
	cfg    Config
	store  vrs.Store
	routes []Route
	// Imports is Config.Imports (settable by tests after New).
	Imports *importer.Manager
}

// Route is one registered method and pattern, for the OpenAPI check.
type Route struct {
	Method, Pattern string
}

// publicRoutes answer without a signed-in user; every other route answers
// 401 to an anonymous caller before it looks at the request.
var publicRoutes = map[Route]bool{
	{"GET", Prefix + "/openapi.json"}: true,
}

// New returns the API.
func New(cfg Config) *API {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &API{cfg: cfg, store: cfg.Store, Imports: cfg.Imports}
}

// Register adds every API route to mux, and a catch-all under /api/ that
// answers unknown paths with a JSON 404 and wrong methods with a JSON 405.
func (a *API) Register(mux *http.ServeMux) {
	a.handle(mux, "GET", Prefix+"/me", a.me)

	a.handle(mux, "GET", Prefix+"/countries", a.countryList)
	a.handle(mux, "GET", Prefix+"/countries/{code}", a.countryGet)

	a.handle(mux, "GET", Prefix+"/codelists", a.codeListIndex)
	a.handle(mux, "GET", Prefix+"/codelists/{name}", a.codeListGet)

	a.handle(mux, "GET", Prefix+"/agencies", a.agencyList)
	a.handle(mux, "POST", Prefix+"/agencies", a.agencyCreate)
	a.handle(mux, "GET", Prefix+"/agencies/{id}", a.agencyGet)
	a.handle(mux, "PATCH", Prefix+"/agencies/{id}", a.agencyUpdate)
	a.handle(mux, "POST", Prefix+"/agencies/{id}/units", a.unitCreate)

	a.handle(mux, "GET", Prefix+"/users", a.userList)
	a.handle(mux, "POST", Prefix+"/users", a.userCreate)
	a.handle(mux, "GET", Prefix+"/users/{id}", a.userGet)
	a.handle(mux, "PATCH", Prefix+"/users/{id}", a.userUpdate)

	a.handle(mux, "GET", Prefix+"/audit", a.auditList)

	a.handle(mux, "GET", Prefix+"/incidents", a.incidentList)
	a.handle(mux, "POST", Prefix+"/incidents", a.incidentCreate)
	a.handle(mux, "POST", Prefix+"/incidents/search", a.incidentSearch)
	a.handle(mux, "GET", Prefix+"/incidents/{id}", a.incidentGet)
	a.handle(mux, "PUT", Prefix+"/incidents/{id}", a.incidentUpdate)
	a.handle(mux, "DELETE", Prefix+"/incidents/{id}", a.incidentDelete)
	a.handle(mux, "POST", Prefix+"/incidents/{id}/submit", a.incidentTransition(vrs.StatusSubmitted))
	a.handle(mux, "POST", Prefix+"/incidents/{id}/withdraw", a.incidentTransition(vrs.StatusDraft))
	a.handle(mux, "POST", Prefix+"/incidents/{id}/return", a.incidentTransition(vrs.StatusReturned))
	a.handle(mux, "POST", Prefix+"/incidents/{id}/validate", a.incidentTransition(vrs.StatusValidated))
	a.handle(mux, "GET", Prefix+"/incidents/{id}/history", a.incidentHistory)

	a.handle(mux, "GET", Prefix+"/agreements", a.agreementList)
	a.handle(mux, "POST", Prefix+"/agreements", a.agreementPropose)
	a.handle(mux, "GET", Prefix+"/agreements/{id}", a.agreementGet)
	a.handle(mux, "POST", Prefix+"/agreements/{id}/accept", a.agreementDecide(stepAccept))
	a.handle(mux, "POST", Prefix+"/agreements/{id}/decline", a.agreementDecide(stepDecline))
	a.handle(mux, "POST", Prefix+"/agreements/{id}/revoke", a.agreementDecide(stepRevoke))

	a.handle(mux, "GET", Prefix+"/sharing-groups", a.sharingGroupList)
	a.handle(mux, "POST", Prefix+"/sharing-groups", a.sharingGroupCreate)
	a.handle(mux, "GET", Prefix+"/sharing-groups/{id}", a.sharingGroupGet)
	a.handle(mux, "PUT", Prefix+"/sharing-groups/{id}", a.sharingGroupUpdate)
	a.handle(mux, "DELETE", Prefix+"/sharing-groups/{id}", a.sharingGroupDelete)

	a.handle(mux, "GET", Prefix+"/record-views", a.recordViews)

	a.handle(mux, "GET", Prefix+"/stats", a.stats)
	a.handle(mux, "GET", Prefix+"/stats/records", a.statsRecords)
	a.exportRoutes(mux)
	a.templateRoutes(mux)
	a.importRoutes(mux)

	a.handle(mux, "GET", Prefix+"/validation-rules", a.ruleList)
	a.handle(mux, "POST", Prefix+"/validation-rules", a.ruleCreate)
	a.handle(mux, "GET", Prefix+"/validation-rules/{id}", a.ruleGet)
	a.handle(mux, "PUT", Prefix+"/validation-rules/{id}", a.ruleUpdate)
	a.handle(mux, "DELETE", Prefix+"/validation-rules/{id}", a.ruleDelete)

	a.handle(mux, "GET", Prefix+"/openapi.json", a.openAPI)

	// The web package's "/" catches everything, so the mux never answers
	// 405 (nor a plain-text 404) itself: this catch-all does both, in JSON.
	mux.HandleFunc("/api/", a.unmatched(mux))
}

func (a *API) handle(mux *http.ServeMux, method, pattern string, h http.HandlerFunc) {
	rt := Route{Method: method, Pattern: pattern}
	a.routes = append(a.routes, rt)
	if !publicRoutes[rt] {
		h = a.requireUser(h)
	}
	mux.HandleFunc(method+" "+pattern, h)
}

// Routes lists what Register registered.
func (a *API) Routes() []Route { return a.routes }

// requireUser answers 401 unless the middleware found a signed-in user.
func (a *API) requireUser(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if vrs.UserFromContext(r.Context()) == nil {
			a.error(w, r, vrs.Errorf(vrs.EUNAUTHORIZED, "api.error.unauthorized"))
			return
		}
		next(w, r)
	}
}

// probeMethods are the methods the 405 answer looks for.
var probeMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

// codeMethodNotAllowed is the error code of a 405. It is the API's own: the
// root package's codes describe what went wrong with an object, this one
// what went wrong with the address.
const codeMethodNotAllowed = "method_not_allowed"

// unmatched answers a request no API route took: 405 with Allow when the
// path exists for other methods, 404 otherwise.
func (a *API) unmatched(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range probeMethods {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/" && pattern != "/api/" {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			a.error(w, r, vrs.Errorf(vrs.ENOTFOUND, "api.error.no_route"))
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		a.error(w, r, withStatus(http.StatusMethodNotAllowed,
			&vrs.Error{Code: codeMethodNotAllowed, Message: "api.error.method_not_allowed", Args: []any{r.Method, strings.Join(allow, ", ")}}))
	}
}

// statusError carries an HTTP status that the error code alone does not
// give (405, 415); the body is the usual one.
type statusError struct {
	status int
	err    *vrs.Error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

func withStatus(status int, err *vrs.Error) error { return &statusError{status: status, err: err} }

// statusWriter replaces the status that web.WriteError chooses.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w statusWriter) WriteHeader(int) { w.ResponseWriter.WriteHeader(w.status) }

// error writes err as the API's one error body.
func (a *API) error(w http.ResponseWriter, r *http.Request, err error) {
	var se *statusError
	if errors.As(err, &se) {
		w = statusWriter{ResponseWriter: w, status: se.status}
	}
	web.WriteError(w, r, a.cfg.Catalog, err)
}

// list is the shape of every list answer.
type list[T any] struct {
	Items []T `json:"items"`
	Count int `json:"count"`
}

func writeList[T any](w http.ResponseWriter, items []T) {
	if items == nil {
		items = []T{}
	}
	web.WriteJSON(w, http.StatusOK, list[T]{Items: items, Count: len(items)})
}

// writeCreated answers 201 with v and where to find it.
func writeCreated(w http.ResponseWriter, location string, v any) {
	w.Header().Set("Location", location)
	web.WriteJSON(w, http.StatusCreated, v)
}

// pathID reads a positive integer path value; anything else is the same
// 404 as an id that does not exist.
func pathID(r *http.Request, name, thing string) (int64, error) {
	s := r.PathValue(name)
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, vrs.NotFound(thing)
	}
	return id, nil
}

func currentUser(r *http.Request) (*vrs.User, error) {
	if u := vrs.UserFromContext(r.Context()); u != nil {
		return u, nil
	}
	return nil, vrs.Errorf(vrs.EUNAUTHORIZED, "api.error.unauthorized")
}

// userOut gives a user's lists as [] rather than null.
func userOut(u *vrs.User) *vrs.User {
	c := *u
	if c.Roles == nil {
		c.Roles = []vrs.Role{}
	}
	if c.CaptureAgencyIDs == nil {
		c.CaptureAgencyIDs = []int64{}
	}
	c.Roles = slices.Clone(c.Roles)
	return &c
}
