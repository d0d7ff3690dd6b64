package web

import (
	"net/http"
	"slices"
	"strconv"

	"vrs"
	"vrs/access"
)

// agreementFields are the proposal form's fields, in the order shown.
var agreementFields = []string{"partner", "types", "granularity", "data_from", "data_to", "starts", "ends", "note"}

type agreementForm struct {
	Partner, Granularity, DataFrom, DataTo, Starts, Ends, Note string
	Types                                                      []string
}

type granChoice struct {
	Value, Label, Hint string
	Checked            bool
}

type agreementNewData struct {
	Form        agreementForm
	CountryName string
	Partners    []optGroup
	Types       []option
	Grans       []granChoice
	Errs        map[string]string
	// OverlapID links the agreement a refused proposal overlaps.
	OverlapID int64
}

func (s *Server) sharingAgreementNew(w http.ResponseWriter, r *http.Request) {
	s.renderAgreementNew(w, r, agreementForm{Starts: s.today(), Granularity: vrs.GranPseudonymised.String()}, nil, 0)
}

// renderAgreementNew shows the proposal form, refilled after a refusal.
func (s *Server) renderAgreementNew(w http.ResponseWriter, r *http.Request, f agreementForm, fail *formFailure, overlap int64) {
	u, _, err := s.sharingStore(r)
	if err == nil {
		err = access.ManageSharing(u, u.Country)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	members, others, err := s.splitCountries(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &agreementNewData{Form: f, OverlapID: overlap}
	for i, list := range [][]*vrs.Country{members, others} {
		g := optGroup{Label: s.tr(r, []string{"admin.countries.members", "admin.countries.others"}[i])}
		for _, c := range list {
			if c.Alpha2 == u.Country {
				d.CountryName = c.Name
				continue
			}
			g.Options = append(g.Options, option{Value: c.Alpha2, Label: c.Name + " (" + c.Alpha2 + ")", Selected: c.Alpha2 == f.Partner})
		}
		d.Partners = append(d.Partners, g)
	}
	for _, t := range vrs.IncidentTypes {
		d.Types = append(d.Types, option{Value: string(t), Label: typeLabel(t), Selected: slices.Contains(f.Types, string(t))})
	}
	for _, g := range []vrs.Granularity{vrs.GranAggregate, vrs.GranPseudonymised, vrs.GranFull} {
		n := g.String()
		d.Grans = append(d.Grans, granChoice{Value: n, Label: s.tr(r, "sharing.ui.gran."+n), Hint: s.tr(r, "sharing.ui.gran."+n+".hint"), Checked: n == f.Granularity})
	}
	p := s.newPage(r, "sharing.ui.agreement_new.title")
	d.Errs = fail.show(p, agreementFields...)
	p.Data = d
	s.render(w, r, fail.status(), "sharing_agreement_new", p)
}

// sharingAgreementCreate proposes an agreement from the user's country.
func (s *Server) sharingAgreementCreate(w http.ResponseWriter, r *http.Request) {
	_, ss, err := s.sharingStore(r)
	if err == nil {
		err = parseForm(r)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	f := agreementForm{Partner: r.PostFormValue("partner"), Granularity: r.PostFormValue("granularity"), DataFrom: r.PostFormValue("data_from"),
		DataTo: r.PostFormValue("data_to"), Starts: r.PostFormValue("starts"), Ends: r.PostFormValue("ends"), Note: r.PostFormValue("note"),
		Types: r.PostForm["types"]}
	a := &vrs.SharingAgreement{Partner: f.Partner, DataFrom: f.DataFrom, DataTo: f.DataTo, Starts: f.Starts, Ends: f.Ends, Note: f.Note}
	for _, t := range f.Types {
		a.Types = append(a.Types, vrs.IncidentType(t))
	}
	// An unknown granularity stays none, which the store refuses with
	// the field's message.
	a.Granularity, _ = vrs.ParseGranularity(f.Granularity)
	if err := ss.ProposeAgreement(r.Context(), a); err != nil {
		if fail, overlap := s.agreementFailure(r, err); fail != nil {
			s.renderAgreementNew(w, r, f, fail, overlap)
			return
		}
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/sharing/agreements/"+strconv.FormatInt(a.ID, 10), "sharing_agreement_proposed")
}

// agreementFailure places a refused proposal's problems: an overlap with
// another agreement is the partner's (the same two countries), and its
// number is returned for a link.
func (s *Server) agreementFailure(r *http.Request, err error) (*formFailure, int64) {
	fail := s.asFormFailure(r, err)
	if fail == nil {
		return nil, 0
	}
	e := vrs.AsError(err)
	if e.Message == "error.agreement_overlap" && len(e.Args) == 1 {
		// Said once, by the field: the summary only points to it.
		fail.Fields["partner"], fail.Error = fail.Error, s.tr(r, "error.invalid_fields")
		if id, ok := e.Args[0].(int64); ok {
			return fail, id
		}
	}
	return fail, 0
}
