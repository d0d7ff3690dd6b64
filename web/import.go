package web

import "net/http"

// importRoutes registers the import pages.
func (s *Server) importRoutes(m *http.ServeMux) {
}
