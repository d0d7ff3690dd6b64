package api

import (
	"net/http"

	"vrs"
	"vrs/access"
)

// Audit pages: newest first, at most maxAuditLimit entries; the next page
// is ?before=<seq of the last entry>.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 500
)

// auditList reads the audit log: administrators all of it, focal points
// their country's entries; others are refused (the log's existence is no
// secret).
func (a *API) auditList(w http.ResponseWriter, r *http.Request) {
	if _, err := access.ReadAuditCountry(vrs.UserFromContext(r.Context())); err != nil {
		a.error(w, r, err)
		return
	}
	q, err := parseQuery(r, "action", "actor", "object_type", "object_id", "since", "until", "before", "limit")
	if err != nil {
		a.error(w, r, err)
		return
	}
	f := vrs.AuditFilter{Action: q.str("action"), ActorName: q.str("actor"), ObjectType: q.str("object_type"), ObjectID: q.str("object_id")}
	if f.Since, err = q.time("since", false); err != nil {
		a.error(w, r, err)
		return
	}
	if f.Until, err = q.time("until", true); err != nil {
		a.error(w, r, err)
		return
	}
	if f.BeforeSeq, err = q.int64("before", 1, 1<<62); err != nil {
		a.error(w, r, err)
		return
	}
	limit, err := q.int64("limit", 1, maxAuditLimit)
	if err != nil {
		a.error(w, r, err)
		return
	}
	f.Limit = defaultAuditLimit
	if limit > 0 {
		f.Limit = int(limit)
	}
	es, err := a.store.ListAudit(r.Context(), f)
	if err != nil {
		a.error(w, r, err)
		return
	}
	writeList(w, es)
}
