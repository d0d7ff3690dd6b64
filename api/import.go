package api

import "net/http"

// importRoutes registers the import endpoints.
func (a *API) importRoutes(mux *http.ServeMux) {
}
