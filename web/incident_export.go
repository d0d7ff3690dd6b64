package web

import "net/http"

// exportRoutes registers the export pages.
func (s *Server) exportRoutes(m *http.ServeMux) {
}
