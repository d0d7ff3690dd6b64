// Package web serves VRS's HTML pages, and wraps every route (pages and
// API) in the security middleware: headers, authentication, CSRF, limits.
package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"vrs"
	"vrs/auth"
	"vrs/i18n"
	"vrs/importer"
)

// Config wires the server's collaborators.
type Config struct {
	Store    vrs.Store
	Hasher   *auth.Hasher
	Throttle *auth.Throttle
	Catalog  *i18n.Catalog
	Logger   *slog.Logger
	// Imports runs the import jobs of the import pages and the API.
	Imports *importer.Manager
	// Mount registers further routes (the JSON API) on the same mux, so
	// that they share the middleware.
	Mount func(mux *http.ServeMux)
	// TLS marks cookies Secure and sends HSTS.
	TLS bool
	// SessionIdle and SessionMax bound a browser session's life.
	SessionIdle time.Duration
	SessionMax  time.Duration
	// Issuer names the installation in authenticator apps.
	Issuer string
	Now    func() time.Time
}

// Server holds the parsed templates and static files.
type Server struct {
	cfg    Config
	store  vrs.Store
	cat    *i18n.Catalog
	log    *slog.Logger
	pages  map[string]*template.Template
	static *staticFiles
	mux    *http.ServeMux
	// Imports is Config.Imports (settable by tests after New).
	Imports *importer.Manager
}

// New parses templates, hashes static files and registers every route.
func New(cfg Config) (*Server, error) {
	if cfg.SessionIdle == 0 {
		cfg.SessionIdle = 30 * time.Minute
	}
	if cfg.SessionMax == 0 {
		cfg.SessionMax = 12 * time.Hour
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "VRS"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Server{cfg: cfg, store: cfg.Store, cat: cfg.Catalog, log: cfg.Logger, mux: http.NewServeMux(), Imports: cfg.Imports}
	var err error
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	s.routes()
	if cfg.Mount != nil {
		cfg.Mount(s.mux)
	}
	return s, nil
}

// Handler is the whole application, middleware included.
func (s *Server) Handler() http.Handler {
	return s.recoverPanics(s.securityHeaders(s.limitBody(s.authenticate(s.checkCSRF(s.mux)))))
}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", s.healthz)
	m.Handle("GET /static/", s.static)
	m.HandleFunc("GET /{$}", s.home)
	m.HandleFunc("GET /signin", s.signinForm)
	m.HandleFunc("POST /signin", s.signin)
	m.HandleFunc("GET /signin/second-factor", s.secondFactorForm)
	m.HandleFunc("POST /signin/second-factor", s.secondFactor)
	m.HandleFunc("POST /signout", s.signout)
	m.HandleFunc("GET /account", s.account)
	m.HandleFunc("POST /account/password", s.accountPassword)
	m.HandleFunc("GET /account/second-factor", s.enrolForm)
	m.HandleFunc("POST /account/second-factor", s.enrol)
	m.HandleFunc("POST /account/tokens", s.tokenCreate)
	m.HandleFunc("POST /account/tokens/{id}/revoke", s.tokenRevoke)
	m.HandleFunc("GET /admin/agencies", s.agencyList)
	m.HandleFunc("GET /admin/agencies/new", s.agencyNew)
	m.HandleFunc("POST /admin/agencies", s.agencyCreate)
	m.HandleFunc("GET /admin/agencies/{id}", s.agencyView)
	m.HandleFunc("POST /admin/agencies/{id}", s.agencyUpdate)
	m.HandleFunc("POST /admin/agencies/{id}/units", s.unitCreate)
	m.HandleFunc("GET /admin/users", s.userList)
	m.HandleFunc("GET /admin/users/new", s.userNew)
	m.HandleFunc("POST /admin/users", s.userCreate)
	m.HandleFunc("GET /admin/users/{id}", s.userView)
	m.HandleFunc("POST /admin/users/{id}", s.userUpdate)
	m.HandleFunc("POST /admin/users/{id}/password", s.userResetPassword)
	m.HandleFunc("POST /admin/users/{id}/second-factor/reset", s.userResetSecondFactor)
	m.HandleFunc("GET /admin/countries", s.countryList)
	m.HandleFunc("POST /admin/countries/{code}", s.countryUpdate)
	m.HandleFunc("GET /admin/settings", s.settingsPage)
	m.HandleFunc("POST /admin/settings", s.settingsSave)
	m.HandleFunc("GET /admin/audit", s.auditList)
	m.HandleFunc("POST /admin/audit/verify", s.auditVerify)
	m.HandleFunc("GET /admin/rules", s.ruleList)
	m.HandleFunc("POST /admin/rules", s.ruleCreate)
	m.HandleFunc("POST /admin/rules/{id}", s.ruleUpdate)
	m.HandleFunc("POST /admin/rules/{id}/delete", s.ruleDelete)
	// Incident pages: list, detail, history, review.
	m.HandleFunc("GET /incidents", s.incidentList)
	m.HandleFunc("POST /incidents/find", s.incidentFind)
	m.HandleFunc("GET /incidents/{id}", s.incidentDetail)
	m.HandleFunc("GET /incidents/{id}/history", s.incidentHistory)
	m.HandleFunc("POST /incidents/{id}/open", s.incidentOpen)
	m.HandleFunc("POST /incidents/{id}/history/open", s.incidentHistoryOpen)
	m.HandleFunc("POST /incidents/{id}/submit", s.incidentSubmit)
	m.HandleFunc("POST /incidents/{id}/withdraw", s.incidentWithdraw)
	m.HandleFunc("POST /incidents/{id}/return", s.incidentReturn)
	m.HandleFunc("POST /incidents/{id}/validate", s.incidentValidate)
	m.HandleFunc("GET /incidents/{id}/delete", s.incidentDeleteForm)
	m.HandleFunc("POST /incidents/{id}/delete", s.incidentDelete)
	m.HandleFunc("GET /review", s.incidentReview)
	m.HandleFunc("GET /analysis/pivot", s.analysisPivot)
	m.HandleFunc("GET /analysis/dashboard", s.analysisDashboard)
	m.HandleFunc("GET /analysis/records", s.analysisRecords)

	// Incident form: create and edit.
	m.HandleFunc("GET /incidents/new", s.incidentNew)
	m.HandleFunc("POST /incidents", s.incidentCreate)
	m.HandleFunc("GET /incidents/{id}/edit", s.incidentEdit)
	m.HandleFunc("POST /incidents/{id}", s.incidentUpdate)
	m.HandleFunc("GET /incidents/form/row", s.incidentFormRow)

	// Sharing: the country page, agreements, sharing groups, reads from abroad.
	m.HandleFunc("GET /sharing", s.sharingCountry)
	m.HandleFunc("GET /sharing/agreements", s.sharingAgreements)
	m.HandleFunc("GET /sharing/agreements/new", s.sharingAgreementNew)
	m.HandleFunc("POST /sharing/agreements", s.sharingAgreementCreate)
	m.HandleFunc("GET /sharing/agreements/{id}", s.sharingAgreement)
	m.HandleFunc("POST /sharing/agreements/{id}/accept", s.sharingAgreementAccept)
	m.HandleFunc("POST /sharing/agreements/{id}/decline", s.sharingAgreementDecline)
	m.HandleFunc("GET /sharing/agreements/{id}/revoke", s.sharingAgreementRevokeForm)
	m.HandleFunc("POST /sharing/agreements/{id}/revoke", s.sharingAgreementRevoke)
	m.HandleFunc("GET /sharing/groups", s.sharingGroups)
	m.HandleFunc("GET /sharing/groups/new", s.sharingGroupNew)
	m.HandleFunc("POST /sharing/groups", s.sharingGroupCreate)
	m.HandleFunc("GET /sharing/groups/{id}", s.sharingGroup)
	m.HandleFunc("POST /sharing/groups/{id}", s.sharingGroupUpdate)
	m.HandleFunc("GET /sharing/groups/{id}/delete", s.sharingGroupDeleteForm)
	m.HandleFunc("POST /sharing/groups/{id}/delete", s.sharingGroupDelete)
	m.HandleFunc("GET /sharing/views", s.sharingViews)

	// Bulk exchange: exports, import templates, imports (each in its own files).
	s.exportRoutes(m)
	s.templateRoutes(m)
	s.importRoutes(m)
	// Published statistics: no sign-in (see public_stats.go).
	s.publicRoutes(m)
	m.HandleFunc("GET "+sdmxStructurePath, s.sdmxStructure)

	m.HandleFunc("/", s.notFound)
}
