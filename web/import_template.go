package web

import "net/http"

// templateRoutes registers the template pages.
func (s *Server) templateRoutes(m *http.ServeMux) {
}
