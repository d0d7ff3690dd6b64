// Package api is VRS's JSON API under /api/v1. The web package's middleware
// authenticates every request (API token or session) before it gets here.
package api

import (
	"net/http"
	"time"

	"vrs"
	"vrs/auth"
	"vrs/i18n"
	"vrs/web"
)

// Config wires the API's collaborators.
type Config struct {
	Store   vrs.Store
	Catalog *i18n.Catalog
	Hasher  *auth.Hasher
	Now     func() time.Time
}

// API holds the handlers.
type API struct {
	cfg    Config
	store  vrs.Store
	routes []Route
}

// Route is one registered method and pattern, for the OpenAPI check.
type Route struct {
	Method, Pattern string
}

// New returns the API.
func New(cfg Config) *API {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &API{cfg: cfg, store: cfg.Store}
}

// Register adds every API route to mux.
func (a *API) Register(mux *http.ServeMux) {
	a.handle(mux, "GET", "/api/v1/me", a.me)
}

func (a *API) handle(mux *http.ServeMux, method, pattern string, h http.HandlerFunc) {
	a.routes = append(a.routes, Route{Method: method, Pattern: pattern})
	mux.HandleFunc(method+" "+pattern, h)
}

// Routes lists what Register registered.
func (a *API) Routes() []Route { return a.routes }

func (a *API) error(w http.ResponseWriter, r *http.Request, err error) {
	web.WriteError(w, r, a.cfg.Catalog, err)
}

func currentUser(r *http.Request) (*vrs.User, error) {
	if u := vrs.UserFromContext(r.Context()); u != nil {
		return u, nil
	}
	return nil, vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
}

func (a *API) me(w http.ResponseWriter, r *http.Request) {
	u, err := currentUser(r)
	if err != nil {
		a.error(w, r, err)
		return
	}
	web.WriteJSON(w, http.StatusOK, u)
}
