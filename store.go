package vrs

import "context"

// Store is everything the web, api and command layers need from storage.
type Store interface {
	CountryService
	AgencyService
	UserService
	SessionService
	TokenService
	SettingService
	AuditService
	IncidentService
	SharingService
	ImportService
	ExportService
	StatService
	Ping(ctx context.Context) error
	Close() error
}
