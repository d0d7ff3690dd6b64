package vrs

import "context"

// ExportService streams incidents out of the store for exports (files in
// the UI, the API and vrs export).
type ExportService interface {
	// ExportIncidents calls fn once for every incident that f selects and
	// the signed-in user may read as a record (pseudonymised or full;
	// records shown only in aggregate never), each exactly as the user may
	// read it, in ascending id order and without paging (f's Sort, After
	// and Limit are ignored). Reads are audited: one export entry, plus a
	// shared-read entry for each other country's record. It stops at fn's
	// first error and returns it.
	ExportIncidents(ctx context.Context, f IncidentFilter, fn func(*Incident) error) error
}

// ActIncidentExport is an export of incidents: one entry per export, with
// its filter and how many records left; each other country's record in it
// is logged for its owner as a shared read (ActIncidentReadShared).
const ActIncidentExport = "incident.export"
