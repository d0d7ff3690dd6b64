package web

import (
	"net/http"
	"strconv"
	"strings"

	"vrs"
)

// The review workflow's buttons: submit and withdraw (reporter), return
// with a reason and validate (reviewer). Each form carries the version the
// user saw, so that acting on a stale page is a conflict, never a surprise.

func (s *Server) incidentSubmit(w http.ResponseWriter, r *http.Request) {
	s.transition(w, r, vrs.StatusSubmitted, "incident_submitted")
}

func (s *Server) incidentWithdraw(w http.ResponseWriter, r *http.Request) {
	s.transition(w, r, vrs.StatusDraft, "incident_withdrawn")
}

func (s *Server) incidentReturn(w http.ResponseWriter, r *http.Request) {
	s.transition(w, r, vrs.StatusReturned, "incident_returned")
}

func (s *Server) incidentValidate(w http.ResponseWriter, r *http.Request) {
	s.transition(w, r, vrs.StatusValidated, "incident_validated")
}

// incidentPost reads what every incident POST needs: the user, the id of
// the path, the parsed form and the version the user saw. On failure it
// has answered and reports false.
func (s *Server) incidentPost(w http.ResponseWriter, r *http.Request) (vrs.IncidentService, int64, int, bool) {
	_, err := requireUser(r)
	var id int64
	if err == nil {
		id, err = pathID(r, "id")
	}
	if err == nil {
		err = parseForm(r)
	}
	var svc vrs.IncidentService
	if err == nil {
		svc, err = s.incidentService()
	}
	if err != nil {
		s.error(w, r, err)
		return nil, 0, 0, false
	}
	version, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("version")))
	if err != nil || version < 1 {
		// A form without the version it was drawn from cannot be trusted
		// to act on what the user saw.
		version = 0
	}
	return svc, id, version, true
}

func (s *Server) transition(w http.ResponseWriter, r *http.Request, to vrs.IncidentStatus, flash string) {
	svc, id, version, ok := s.incidentPost(w, r)
	if !ok {
		return
	}
	note := r.PostFormValue("note")
	if to != vrs.StatusReturned {
		note = ""
	}
	if _, err := svc.TransitionIncident(r.Context(), id, version, to, note); err != nil {
		switch e := vrs.AsError(err); e.Code {
		case vrs.ECONFLICT:
			msg, _ := s.cat.Error(stateOf(r).lang, err)
			s.renderIncident(w, r, &transitionFailure{Conflict: msg, Note: note})
		case vrs.EINVALID:
			msg, fields := s.cat.Error(stateOf(r).lang, err)
			fail := &transitionFailure{Note: note, NoteErr: fields["note"]}
			if fail.NoteErr == "" {
				fail.NoteErr = msg
			}
			s.renderIncident(w, r, fail)
		default:
			s.error(w, r, err)
		}
		return
	}
	seeOther(w, r, "/incidents/"+strconv.FormatInt(id, 10), flash)
}
