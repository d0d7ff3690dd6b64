package web

import (
	"net/http"

	"vrs"
	"vrs/access"
)

type incidentDeleteData struct {
	Inc       *vrs.Incident
	TypeLabel string
	Reason    string
	ReasonErr string
	Conflict  string
}

// incidentDeleteForm asks for the reason before a draft is deleted.
func (s *Server) incidentDeleteForm(w http.ResponseWriter, r *http.Request) {
	s.renderIncidentDelete(w, r, &incidentDeleteData{}, http.StatusOK)
}

func (s *Server) renderIncidentDelete(w http.ResponseWriter, r *http.Request, d *incidentDeleteData, status int) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		s.error(w, r, err)
		return
	}
	svc, err := s.incidentService()
	if err != nil {
		s.error(w, r, err)
		return
	}
	inc, err := svc.FindIncident(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := access.CaptureIncident(u, inc.AgencyID); err != nil {
		s.error(w, r, err)
		return
	}
	if inc.Status != vrs.StatusDraft && d.Conflict == "" {
		s.error(w, r, vrs.Errorf(vrs.ECONFLICT, "error.incident_delete_draft_only"))
		return
	}
	d.Inc, d.TypeLabel = inc, codeLabel("incident_type", string(inc.Type))
	p := s.newPage(r, "incident.delete.title")
	p.Title = s.tr(r, "incident.delete.title", inc.Reference)
	p.Data = d
	s.render(w, r, status, "incident_delete", p)
}

// incidentDelete deletes a draft with the reason given; the audit log
// keeps the reason.
func (s *Server) incidentDelete(w http.ResponseWriter, r *http.Request) {
	svc, id, version, ok := s.incidentPost(w, r)
	if !ok {
		return
	}
	reason := r.PostFormValue("reason")
	if err := svc.DeleteIncident(r.Context(), id, version, reason); err != nil {
		msg, fields := s.cat.Error(stateOf(r).lang, err)
		switch vrs.ErrorCode(err) {
		case vrs.EINVALID:
			d := &incidentDeleteData{Reason: reason, ReasonErr: fields["reason"]}
			if d.ReasonErr == "" {
				d.ReasonErr = msg
			}
			s.renderIncidentDelete(w, r, d, http.StatusBadRequest)
		case vrs.ECONFLICT:
			s.renderIncidentDelete(w, r, &incidentDeleteData{Reason: reason, Conflict: msg}, http.StatusConflict)
		default:
			s.error(w, r, err)
		}
		return
	}
	seeOther(w, r, "/incidents", "incident_deleted")
}
