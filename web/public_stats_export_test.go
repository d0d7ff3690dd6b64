package web

import (
	"net/http"
	"net/http/httptest"
)

// MountPublicRoutes registers the public routes on a running server for
// tests, unless the server's own routes already hold them (once
// server.go calls publicRoutes, this does nothing).
func (s *Server) MountPublicRoutes() {
	req := httptest.NewRequest(http.MethodGet, publicStatsPath, nil)
	if _, pattern := s.mux.Handler(req); pattern == "GET "+publicStatsPath {
		return
	}
	s.publicRoutes(s.mux)
}
