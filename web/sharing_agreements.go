package web

import (
	"net/http"
	"slices"

	"vrs"
	"vrs/access"
)

var agreementStatuses = []vrs.AgreementStatus{vrs.AgreementProposed, vrs.AgreementActive, vrs.AgreementDeclined, vrs.AgreementRevoked}

type agreementListData struct {
	CountryName string
	IsFocal     bool
	Statuses    []option
	Table       agreementTable
	// Incoming counts the proposals awaiting the country's answer.
	Incoming int
}

// sharingAgreements lists the agreements of the user's country, narrowed
// by status.
func (s *Server) sharingAgreements(w http.ResponseWriter, r *http.Request) {
	u, ss, err := s.sharingStore(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	status := vrs.AgreementStatus(r.URL.Query().Get("status"))
	if status != "" && !slices.Contains(agreementStatuses, status) {
		s.error(w, r, vrs.FieldErrors(map[string]string{"status": "field.agreement_status_filter"}))
		return
	}
	list, err := ss.ListAgreements(r.Context(), vrs.AgreementFilter{Country: u.Country, Status: status})
	if err != nil {
		s.error(w, r, err)
		return
	}
	names, err := s.countryNames(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	p := s.newPage(r, "sharing.ui.agreements.title")
	p.Flash = s.flash(r)
	d := &agreementListData{CountryName: countryName(u.Country, names), IsFocal: access.ManageSharing(u, u.Country) == nil, Table: agreementTable{T: p.T}}
	for _, st := range agreementStatuses {
		d.Statuses = append(d.Statuses, option{Value: string(st), Label: s.tr(r, "sharing.ui.status."+string(st)), Selected: st == status})
	}
	for _, a := range list {
		row := s.agreementRow(r, a, u.Country, names)
		if row.Incoming {
			d.Incoming++
		}
		d.Table.Rows = append(d.Table.Rows, row)
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "sharing_agreements", p)
}
