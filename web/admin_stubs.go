package web

import "net/http"

// Placeholders until the administration pages land.
func (s *Server) agencyList(w http.ResponseWriter, r *http.Request)            { s.notFound(w, r) }
func (s *Server) agencyNew(w http.ResponseWriter, r *http.Request)             { s.notFound(w, r) }
func (s *Server) agencyCreate(w http.ResponseWriter, r *http.Request)          { s.notFound(w, r) }
func (s *Server) agencyView(w http.ResponseWriter, r *http.Request)            { s.notFound(w, r) }
func (s *Server) agencyUpdate(w http.ResponseWriter, r *http.Request)          { s.notFound(w, r) }
func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request)            { s.notFound(w, r) }
func (s *Server) userList(w http.ResponseWriter, r *http.Request)              { s.notFound(w, r) }
func (s *Server) userNew(w http.ResponseWriter, r *http.Request)               { s.notFound(w, r) }
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request)            { s.notFound(w, r) }
func (s *Server) userView(w http.ResponseWriter, r *http.Request)              { s.notFound(w, r) }
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request)            { s.notFound(w, r) }
func (s *Server) userResetPassword(w http.ResponseWriter, r *http.Request)     { s.notFound(w, r) }
func (s *Server) userResetSecondFactor(w http.ResponseWriter, r *http.Request) { s.notFound(w, r) }
func (s *Server) countryList(w http.ResponseWriter, r *http.Request)           { s.notFound(w, r) }
func (s *Server) countryUpdate(w http.ResponseWriter, r *http.Request)         { s.notFound(w, r) }
func (s *Server) auditList(w http.ResponseWriter, r *http.Request)             { s.notFound(w, r) }
