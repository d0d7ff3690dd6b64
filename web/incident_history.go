package web

import (
	"net/http"
	"slices"
	"strconv"

	"vrs"
)

// changeRow is one changed field between two versions.
type changeRow struct {
	Field, Before, After string
}

type versionView struct {
	Version     int
	StatusLabel string
	Status      vrs.IncidentStatus
	Action      string
	Author      string
	At          string
	Note        string
	Created     bool
	Changes     []changeRow
}

type incidentHistoryData struct {
	Inc      *vrs.Incident
	Versions []versionView
	Sharing  *recordSharing
}

// incidentHistory shows every version of an incident, newest first, with
// what changed against the version before it.
func (s *Server) incidentHistory(w http.ResponseWriter, r *http.Request) {
	s.renderHistory(w, r, nil)
}

// renderHistory draws the history, with the purpose form's state when one
// was posted (see incidentHistoryOpen).
func (s *Server) renderHistory(w http.ResponseWriter, r *http.Request, pf *purposeForm) {
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
	versions, err := svc.IncidentHistory(r.Context(), id)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if len(versions) == 0 {
		s.error(w, r, vrs.NotFound("incident"))
		return
	}
	d := &incidentHistoryData{Inc: versions[len(versions)-1].Incident}
	var prev *vrs.Incident
	for _, v := range versions {
		vv := versionView{Version: v.Version, Status: v.Status, StatusLabel: codeLabel("incident_status", string(v.Status)),
			Action: s.actionLabel(r, v.Action), Author: v.AuthorName, At: v.At.UTC().Format("2006-01-02 15:04 UTC"), Note: v.Note}
		if vv.Author == "" && v.Incident != nil {
			// Another country's officials are not named: their agency is.
			vv.Author = v.Incident.AgencyName
		}
		if prev == nil {
			vv.Created = true
		} else {
			for _, c := range vrs.DiffIncidents(prev, v.Incident) {
				vv.Changes = append(vv.Changes, changeRow{Field: s.fieldLabel(r, c.Path), Before: fieldValue(c.Path, c.Old), After: fieldValue(c.Path, c.New)})
			}
		}
		prev = v.Incident
		d.Versions = append(d.Versions, vv)
	}
	slices.Reverse(d.Versions)
	if d.Sharing, err = s.recordSharing(r, u, d.Inc, pf, "/incidents/"+strconv.FormatInt(d.Inc.ID, 10)+"/history/open", false); err != nil {
		s.error(w, r, err)
		return
	}
	p := s.newPage(r, "incident.history.title")
	p.Title = s.tr(r, "incident.history.title", d.Inc.Reference)
	p.Data = d
	status := http.StatusOK
	if pf != nil && len(pf.Errs) > 0 {
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "incident_history", p)
}

// actionLabel names what made a version.
func (s *Server) actionLabel(r *http.Request, action string) string {
	switch action {
	case "create":
		return s.tr(r, "incident.history.action.create")
	case "update":
		return s.tr(r, "incident.history.action.update")
	case "submit":
		return s.tr(r, "incident.history.action.submit")
	case "withdraw":
		return s.tr(r, "incident.history.action.withdraw")
	case "return":
		return s.tr(r, "incident.history.action.return")
	case "validate":
		return s.tr(r, "incident.history.action.validate")
	}
	return action
}
