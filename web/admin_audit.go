package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"vrs"
	"vrs/access"
)

// AuditPageSize is how many audit entries one page shows.
const AuditPageSize = 100

// auditActions lists what the action filter offers: each group of actions
// (a prefix ending in a dot matches the whole group) followed by its
// actions.
var auditActions = []string{
	"signin.", vrs.ActSignIn, vrs.ActSignInFail, vrs.ActSignInThrottle, vrs.ActSecondFactor, vrs.ActSecondFail,
	vrs.ActSignOut,
	"agency.", vrs.ActAgencyCreate, vrs.ActAgencyUpdate,
	vrs.ActUnitCreate,
	"user.", vrs.ActUserCreate, vrs.ActUserUpdate, vrs.ActUserPassword, vrs.ActUserTOTP, vrs.ActRecoveryUsed,
	"token.", vrs.ActTokenCreate, vrs.ActTokenRevoke,
	vrs.ActCountryMember,
	vrs.ActCountryPublish,
	vrs.ActSetting,
	vrs.ActBackup,
	vrs.ActAuditView,
	"incident.", vrs.ActIncidentCreate, vrs.ActIncidentUpdate, vrs.ActIncidentSubmit, vrs.ActIncidentWithdraw,
	vrs.ActIncidentReturn, vrs.ActIncidentValidate, vrs.ActIncidentDelete, vrs.ActIncidentRead, vrs.ActIncidentHistory,
	vrs.ActIncidentSearch, vrs.ActIncidentReseal, vrs.ActIncidentReadShared,
	"agreement.", vrs.ActAgreementPropose, vrs.ActAgreementAccept, vrs.ActAgreementDecline, vrs.ActAgreementRevoke,
	"sharing_group.", vrs.ActGroupCreate, vrs.ActGroupUpdate, vrs.ActGroupDelete,
	"rule.", vrs.ActRuleCreate, vrs.ActRuleUpdate, vrs.ActRuleDelete,
	vrs.ActKeysRotate,
}

// auditObjectTypes are the object types the log names, offered as
// suggestions; any value may be typed.
var auditObjectTypes = []string{"agency", "agreement", "country", "incident", "installation", "setting", "sharing_group", "signin", "token", "unit", "user", "validation_rule"}

type auditForm struct {
	Action, Actor, ObjectType, ObjectID, Since, Until string
}

type auditData struct {
	IsAdmin     bool
	Form        auditForm
	Actions     []option
	ObjectTypes []string
	Errs        map[string]string
	Entries     []*vrs.AuditEntry
	// Older links to the next page back; Newest back to the first page
	// when this one is not.
	Older, Newest string
	Verify        *vrs.AuditVerification
}

// auditList shows the audit log, newest first, a page at a time. The store
// limits focal points to their own country's entries and refuses others.
// Reading the log is not itself logged: that would flood it.
func (s *Server) auditList(w http.ResponseWriter, r *http.Request) {
	s.renderAudit(w, r, nil)
}

func (s *Server) renderAudit(w http.ResponseWriter, r *http.Request, verify *vrs.AuditVerification) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if _, err := access.ReadAuditCountry(u); err != nil {
		s.error(w, r, err)
		return
	}
	q := r.URL.Query()
	if r.Method != http.MethodGet {
		q = url.Values{}
	}
	d := &auditData{IsAdmin: isAdmin(u), ObjectTypes: auditObjectTypes, Verify: verify, Errs: map[string]string{}}
	d.Form = auditForm{
		Action: q.Get("action"), Actor: strings.TrimSpace(q.Get("actor")), ObjectType: strings.TrimSpace(q.Get("object_type")),
		ObjectID: strings.TrimSpace(q.Get("object_id")), Since: strings.TrimSpace(q.Get("since")), Until: strings.TrimSpace(q.Get("until")),
	}
	for _, a := range auditActions {
		label := a
		if strings.HasSuffix(a, ".") {
			label = s.tr(r, "admin.audit.action_group", a)
		}
		d.Actions = append(d.Actions, option{Value: a, Label: label, Selected: a == d.Form.Action})
	}
	f := vrs.AuditFilter{ActorName: d.Form.Actor, ObjectType: d.Form.ObjectType, ObjectID: d.Form.ObjectID, Limit: AuditPageSize + 1}
	keys := map[string]string{}
	if d.Form.Action != "" {
		if slices.Contains(auditActions, d.Form.Action) {
			f.Action = d.Form.Action
		} else {
			keys["action"] = "admin.audit.action_unknown"
		}
	}
	var bad []string
	if f.Since, err = parseDay(d.Form.Since); err != nil {
		keys["since"] = "admin.audit.date_format"
		bad = append(bad, s.tr(r, "admin.audit.since"))
	}
	if f.Until, err = parseDay(d.Form.Until); err != nil {
		keys["until"] = "admin.audit.date_format"
		bad = append(bad, s.tr(r, "admin.audit.until"))
	} else if !f.Until.IsZero() {
		f.Until = f.Until.AddDate(0, 0, 1) // the whole day
	}
	if b := q.Get("before"); b != "" {
		if f.BeforeSeq, err = strconv.ParseInt(b, 10, 64); err != nil || f.BeforeSeq <= 0 {
			keys["before"] = "admin.audit.before"
		}
	}
	p := s.newPage(r, "admin.audit.title")
	status := http.StatusOK
	if len(keys) > 0 {
		fail := s.fieldFailure(r, keys)
		d.Errs = fail.show(p, "action", "since", "until")
		if len(bad) > 0 {
			p.Error = s.tr(r, "admin.audit.bad_dates", strings.Join(bad, ", "))
		}
		status = fail.Status
	} else {
		entries, err := s.store.ListAudit(r.Context(), f)
		if err != nil {
			s.error(w, r, err)
			return
		}
		if len(entries) > AuditPageSize {
			entries = entries[:AuditPageSize]
			older := d.Form.query()
			older.Set("before", strconv.FormatInt(entries[len(entries)-1].Seq, 10))
			d.Older = "/admin/audit?" + older.Encode()
		}
		if f.BeforeSeq > 0 {
			d.Newest = "/admin/audit"
			if q := d.Form.query().Encode(); q != "" {
				d.Newest += "?" + q
			}
		}
		d.Entries = entries
	}
	p.Data = d
	s.render(w, r, status, "admin_audit", p)
}

// query is the filter as a query string, without paging.
func (f auditForm) query() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"action": f.Action, "actor": f.Actor, "object_type": f.ObjectType,
		"object_id": f.ObjectID, "since": f.Since, "until": f.Until} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// parseDay reads a YYYY-MM-DD date as the start of that day in UTC; ""
// is the zero time.
func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.DateOnly, s)
}

// auditVerify walks the whole chain and shows the result above the log.
// Administrators only (the store checks).
func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := access.ManageInstallation(u); err != nil {
		s.error(w, r, err)
		return
	}
	v, err := s.store.VerifyAudit(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.renderAudit(w, r, v)
}
