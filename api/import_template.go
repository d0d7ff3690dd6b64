package api

import "net/http"

// templateRoutes registers the template endpoints.
func (a *API) templateRoutes(mux *http.ServeMux) {
}
