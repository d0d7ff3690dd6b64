package web

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"vrs"
	"vrs/access"
)

// Reading another country's record in full takes a stated purpose: the
// detail and history pages show such a record pseudonymised with a form
// (POST /incidents/{id}/open, POST /incidents/{id}/history/open) that
// draws the page again with the purpose in the request's context, where
// the store finds it, opens the record and logs the purpose with the read.
// The purpose is never put in an address: it is not kept, each full read
// states its own.

// MaxPurposeNote bounds the words a user adds to a stated purpose.
const MaxPurposeNote = 200

// recordSharing is what a record page shows about its sharing: its label,
// distribution, audience and how the reader sees it.
type recordSharing struct {
	TLP        vrs.TLP
	TLPClass   string
	TLPMeaning string
	DistLabel  string
	Partners   string
	Audience   *audienceView
	// Pseudonymised: the reader sees pseudonyms; NarrativeWithheld: the
	// owner did not let the narrative travel with them.
	Pseudonymised     bool
	NarrativeWithheld bool
	// Purpose is offered when the reader may open the record in full.
	Purpose *purposeForm
	// Stated is the purpose for which the record is shown in full.
	Stated string
	Owner  string
}

// purposeForm is the "Open in full" form, refilled after a refused post.
type purposeForm struct {
	Action   string
	Purpose  string
	Note     string
	Purposes []option
	Errs     map[string]string
	// stated is the valid purpose posted, as the store records it.
	stated string
}

// purposeLabel names a purpose.
func (s *Server) purposeLabel(r *http.Request, p string) string {
	if slices.Contains(vrs.Purposes, p) {
		return s.tr(r, "incident.purpose."+p)
	}
	return p
}

// parsePurpose reads and checks the posted purpose: one of vrs.Purposes
// and at most MaxPurposeNote characters of words on one line (required
// with "other").
func (s *Server) parsePurpose(r *http.Request, action string) *purposeForm {
	pf := &purposeForm{Action: action, Purpose: strings.TrimSpace(r.PostFormValue("purpose")),
		Note: strings.Join(strings.Fields(r.PostFormValue("purpose_note")), " "), Errs: map[string]string{}}
	switch {
	case !slices.Contains(vrs.Purposes, pf.Purpose):
		pf.Errs["purpose"] = s.tr(r, "incident.purpose.err_choose")
	case pf.Purpose == "other" && pf.Note == "":
		pf.Errs["purpose_note"] = s.tr(r, "incident.purpose.err_other")
	}
	if utf8.RuneCountInString(pf.Note) > MaxPurposeNote {
		pf.Errs["purpose_note"] = s.tr(r, "incident.purpose.err_long", MaxPurposeNote)
	} else if strings.ContainsFunc(pf.Note, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
		pf.Errs["purpose_note"] = s.tr(r, "field.control_chars")
	}
	if len(pf.Errs) == 0 {
		pf.stated = pf.Purpose
		if pf.Note != "" {
			pf.stated += ": " + pf.Note
		}
	}
	return pf
}

// incidentOpen draws the detail page in full for the purpose posted, or
// again pseudonymised with the form's errors.
func (s *Server) incidentOpen(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	id := r.PathValue("id")
	pf := s.parsePurpose(r, "/incidents/"+id+"/open")
	if pf.stated != "" {
		r = r.WithContext(vrs.NewContextWithPurpose(r.Context(), pf.stated))
	}
	s.renderIncidentPage(w, r, nil, pf)
}

// incidentHistoryOpen is incidentOpen for the history page.
func (s *Server) incidentHistoryOpen(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	id := r.PathValue("id")
	pf := s.parsePurpose(r, "/incidents/"+id+"/history/open")
	if pf.stated != "" {
		r = r.WithContext(vrs.NewContextWithPurpose(r.Context(), pf.stated))
	}
	s.renderHistory(w, r, pf)
}

// recordSharing describes inc's sharing for its page; action is where its
// purpose form posts, pf the form posted if any. The audience is computed
// for the detail page only (audience true).
func (s *Server) recordSharing(r *http.Request, u *vrs.User, inc *vrs.Incident, pf *purposeForm, action string, audience bool) (*recordSharing, error) {
	rs := &recordSharing{TLP: inc.TLP, TLPClass: tlpClass(inc.TLP), TLPMeaning: s.tlpMeaning(r, inc.TLP),
		DistLabel: s.distLabel(r, inc.Distribution), Pseudonymised: inc.Granularity == vrs.GranPseudonymised}
	names, err := s.countryNames(r)
	if err != nil {
		return nil, err
	}
	rs.Owner = names[inc.Country]
	if rs.Owner == "" {
		rs.Owner = inc.Country
	}
	rs.NarrativeWithheld = rs.Pseudonymised && !inc.NarrativeShareable
	countries, groupIDs := inc.ShareCountries, inc.ShareGroups
	if access.Foreign(u, access.RefOf(inc)) {
		countries, groupIDs = nil, nil // who else receives it is for its owner to know
	}
	var partners []string
	for _, c := range countries {
		if n := names[c]; n != "" {
			partners = append(partners, n)
		} else {
			partners = append(partners, c)
		}
	}
	if len(groupIDs) > 0 {
		groups, err := s.store.ListSharingGroups(r.Context())
		if err != nil {
			return nil, err
		}
		for _, id := range groupIDs {
			label := s.tr(r, "incident.share.group_unknown", id)
			if k := slices.IndexFunc(groups, func(g *vrs.SharingGroup) bool { return g.ID == id }); k >= 0 {
				label = s.tr(r, "incident.share.group_named", groups[k].Name)
			}
			partners = append(partners, label)
		}
	}
	rs.Partners = strings.Join(partners, ", ")
	if inc.PurposeRequired {
		rs.Purpose = pf
		if rs.Purpose == nil {
			rs.Purpose = &purposeForm{Errs: map[string]string{}}
		}
		rs.Purpose.Action = action
		rs.Purpose.Purposes = []option{{Value: "", Label: s.tr(r, "admin.choose")}}
		for _, p := range vrs.Purposes {
			rs.Purpose.Purposes = append(rs.Purpose.Purposes, option{Value: p, Label: s.purposeLabel(r, p), Selected: p == rs.Purpose.Purpose})
		}
	} else if pf != nil && pf.stated != "" && inc.Granularity == vrs.GranFull && access.Foreign(u, access.RefOf(inc)) {
		rs.Stated = s.purposeLabel(r, pf.Purpose)
		if pf.Note != "" {
			rs.Stated += " – " + pf.Note
		}
	}
	if audience {
		if rs.Audience, err = s.incidentAudience(r, u, inc); err != nil {
			return nil, err
		}
	}
	return rs, nil
}

// markPseudonyms marks the personal values that are pseudonyms, so that
// the page shows them as such and nobody takes "P-7Q2…" for a name.
func markPseudonyms(d *incidentDetailData) {
	mark := func(f *fact) {
		f.Pseudonym = f.Personal && strings.HasPrefix(f.Value, "P-")
	}
	for i := range d.Persons {
		for j := range d.Persons[i].Personal {
			mark(&d.Persons[i].Personal[j])
		}
	}
	for _, tb := range d.Tables {
		for _, row := range tb.Rows {
			for j := range row {
				mark(&row[j])
			}
		}
	}
}
