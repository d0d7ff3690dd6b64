package api

import "net/http"

// exportRoutes registers the export endpoints.
func (a *API) exportRoutes(mux *http.ServeMux) {
}
