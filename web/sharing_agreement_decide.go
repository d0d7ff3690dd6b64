package web

import (
	"net/http"
	"strconv"

	"vrs"
	"vrs/access"
)

// A decision the store refuses (not addressed to the user's country, not a
// focal point, no longer a proposal, overlapping one in force) is shown on
// the agreement's page with its status, not on an error page: the user
// sees the agreement, the refusal and what they may do instead.

func (s *Server) sharingAgreementAccept(w http.ResponseWriter, r *http.Request) {
	s.decideAgreement(w, r, true)
}

func (s *Server) sharingAgreementDecline(w http.ResponseWriter, r *http.Request) {
	s.decideAgreement(w, r, false)
}

func (s *Server) decideAgreement(w http.ResponseWriter, r *http.Request, accept bool) {
	_, ss, a, ok := s.agreementPost(w, r)
	if !ok {
		return
	}
	reason := r.PostFormValue("reason")
	if _, err := ss.DecideAgreement(r.Context(), a.ID, accept, reason); err != nil {
		s.agreementRefused(w, r, err, func(sub *agreementSubmit) { s.renderAgreement(w, r, sub) }, reason)
		return
	}
	flash := "sharing_agreement_declined"
	if accept {
		flash = "sharing_agreement_accepted"
	}
	seeOther(w, r, "/sharing/agreements/"+strconv.FormatInt(a.ID, 10), flash)
}

// agreementPost reads what every POST on an agreement needs; on failure it
// has answered and reports false.
func (s *Server) agreementPost(w http.ResponseWriter, r *http.Request) (*vrs.User, vrs.SharingService, *vrs.SharingAgreement, bool) {
	u, ss, a, err := s.findAgreement(r)
	if err == nil {
		err = parseForm(r)
	}
	if err != nil {
		s.error(w, r, err)
		return nil, nil, nil, false
	}
	return u, ss, a, true
}

// agreementRefused shows a refusal on the page that caused it; a missing
// agreement or an internal error goes to the error page.
func (s *Server) agreementRefused(w http.ResponseWriter, r *http.Request, err error, show func(*agreementSubmit), reason string) {
	switch vrs.ErrorCode(err) {
	case vrs.EINVALID, vrs.ECONFLICT, vrs.EFORBIDDEN:
		msg, fields := s.cat.Error(stateOf(r).lang, err)
		if fields == nil {
			fields = map[string]string{}
		}
		show(&agreementSubmit{reason: reason, fail: &formFailure{Status: Status(vrs.ErrorCode(err)), Error: msg, Fields: fields}})
	default:
		s.error(w, r, err)
	}
}

type agreementRevokeData struct {
	Row      agreementRow
	Days     string
	Withdraw bool
	Reason   string
	Errs     map[string]string
}

// sharingAgreementRevokeForm asks for the reason and says what revoking
// does before it is done.
func (s *Server) sharingAgreementRevokeForm(w http.ResponseWriter, r *http.Request) {
	s.renderAgreementRevoke(w, r, nil)
}

func (s *Server) renderAgreementRevoke(w http.ResponseWriter, r *http.Request, sub *agreementSubmit) {
	u, _, a, err := s.findAgreement(r)
	if err == nil && sub == nil {
		err = access.RevokeAgreement(u, a)
	}
	if err != nil {
		s.error(w, r, err)
		return
	}
	names, err := s.countryNames(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &agreementRevokeData{Row: s.agreementRow(r, a, u.Country, names), Days: s.inForcePeriod(r, a), Withdraw: a.Status == vrs.AgreementProposed}
	title := "sharing.ui.revoke.title"
	if d.Withdraw {
		title = "sharing.ui.withdraw.title"
	}
	p := s.newPage(r, title)
	p.Title = s.tr(r, title, a.ID)
	status := http.StatusOK
	d.Errs = map[string]string{}
	if sub != nil {
		d.Reason = sub.reason
		status = sub.fail.status()
		d.Errs = sub.fail.show(p, "reason")
	}
	p.Data = d
	s.render(w, r, status, "sharing_agreement_revoke", p)
}

// sharingAgreementRevoke ends an agreement, or withdraws a proposal, from
// the next request on.
func (s *Server) sharingAgreementRevoke(w http.ResponseWriter, r *http.Request) {
	_, ss, a, ok := s.agreementPost(w, r)
	if !ok {
		return
	}
	reason := r.PostFormValue("reason")
	withdraw := a.Status == vrs.AgreementProposed
	if _, err := ss.RevokeAgreement(r.Context(), a.ID, reason); err != nil {
		s.agreementRefused(w, r, err, func(sub *agreementSubmit) { s.renderAgreementRevoke(w, r, sub) }, reason)
		return
	}
	flash := "sharing_agreement_revoked"
	if withdraw {
		flash = "sharing_agreement_withdrawn"
	}
	seeOther(w, r, "/sharing/agreements/"+strconv.FormatInt(a.ID, 10), flash)
}
