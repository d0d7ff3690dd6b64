package web

import (
	"net/http"
	"strconv"
	"time"

	"vrs"
	"vrs/access"
)

// agreementEvent is one step of an agreement's life.
type agreementEvent struct {
	At     time.Time
	What   string
	Who    string
	Reason string
}

type agreementViewData struct {
	Row     agreementRow
	Days    string
	History []agreementEvent
	// CanDecide: a focal point of the country the proposal is addressed
	// to; CanRevoke: a focal point of either party, while it binds.
	CanDecide bool
	CanRevoke bool
	Withdraw  bool // revoking a proposal withdraws it
	// Waiting names the country whose answer a proposal awaits.
	Waiting string
	// DecideIntro says what accepting starts.
	DecideIntro string
	Reason      string
	Errs        map[string]string
}

// agreementSubmit is a refused decision to show again on the page.
type agreementSubmit struct {
	reason string
	fail   *formFailure
}

func (s *Server) sharingAgreement(w http.ResponseWriter, r *http.Request) {
	s.renderAgreement(w, r, nil)
}

// findAgreement reads the agreement of the path for the user.
func (s *Server) findAgreement(r *http.Request) (*vrs.User, vrs.SharingService, *vrs.SharingAgreement, error) {
	u, ss, err := s.sharingStore(r)
	if err != nil {
		return nil, nil, nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, nil, err
	}
	a, err := ss.FindAgreement(r.Context(), id)
	if err != nil {
		return nil, nil, nil, err
	}
	return u, ss, a, nil
}

// renderAgreement shows an agreement with its history and the actions the
// user may take; sub refills the decision form after a refusal.
func (s *Server) renderAgreement(w http.ResponseWriter, r *http.Request, sub *agreementSubmit) {
	u, _, a, err := s.findAgreement(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	names, err := s.countryNames(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	d := &agreementViewData{Row: s.agreementRow(r, a, u.Country, names), Days: s.inForcePeriod(r, a)}
	d.CanDecide = a.Status == vrs.AgreementProposed && access.DecideAgreement(u, a) == nil && !u.System
	d.CanRevoke = (a.Status == vrs.AgreementProposed || a.Live(s.today())) && access.RevokeAgreement(u, a) == nil && !u.System
	d.Withdraw = a.Status == vrs.AgreementProposed
	// The country a proposal is addressed to declines it rather than
	// withdrawing it.
	d.CanRevoke = d.CanRevoke && !(d.Withdraw && d.CanDecide)
	if d.CanDecide {
		d.DecideIntro = s.tr(r, "sharing.ui.decide.intro", d.Row.Other, a.Starts, d.Row.TypesInSentence, d.Row.Period,
			s.tr(r, "sharing.ui.summary.as."+a.Granularity.String()))
	}
	if a.Status == vrs.AgreementProposed && !d.CanDecide {
		d.Waiting = countryName(a.Partner, names)
	}
	if d.History, err = s.agreementHistory(r, a, names); err != nil {
		s.error(w, r, err)
		return
	}
	p := s.newPage(r, "sharing.ui.agreement.title")
	p.Title = s.tr(r, "sharing.ui.agreement.heading", a.ID, d.Row.ProposerName, d.Row.PartnerName)
	p.Flash = s.flash(r)
	status := http.StatusOK
	d.Errs = map[string]string{}
	if sub != nil {
		d.Reason = sub.reason
		status = sub.fail.status()
		d.Errs = sub.fail.show(p, "reason")
	}
	p.Data = d
	s.render(w, r, status, "sharing_agreement", p)
}

// agreementHistory tells the agreement's life from its own dates, with
// the names of those who acted when the user may read them in the audit
// log (focal points: their country's entries, which cover both parties'
// acts on a shared agreement).
func (s *Server) agreementHistory(r *http.Request, a *vrs.SharingAgreement, names map[string]string) ([]agreementEvent, error) {
	actors := map[string]string{}
	entries, err := s.store.ListAudit(r.Context(), vrs.AuditFilter{ObjectType: "agreement", ObjectID: strconv.FormatInt(a.ID, 10), Limit: 50})
	switch vrs.ErrorCode(err) {
	case "":
		for _, e := range entries {
			actors[e.Action] = e.ActorName
		}
	case vrs.EFORBIDDEN, vrs.EUNAUTHORIZED:
	default:
		return nil, err
	}
	proposer, partner := countryName(a.Proposer, names), countryName(a.Partner, names)
	ev := []agreementEvent{{At: a.ProposedAt, What: s.tr(r, "sharing.ui.history.proposed", proposer), Who: actors[vrs.ActAgreementPropose]}}
	if !a.DecidedAt.IsZero() {
		if a.Status == vrs.AgreementDeclined {
			ev = append(ev, agreementEvent{At: a.DecidedAt, What: s.tr(r, "sharing.ui.history.declined", partner), Who: actors[vrs.ActAgreementDecline], Reason: a.Reason})
		} else {
			ev = append(ev, agreementEvent{At: a.DecidedAt, What: s.tr(r, "sharing.ui.history.accepted", partner), Who: actors[vrs.ActAgreementAccept]})
		}
	}
	if !a.RevokedAt.IsZero() {
		key := "sharing.ui.history.revoked"
		if a.DecidedAt.IsZero() {
			key = "sharing.ui.history.withdrawn"
		}
		ev = append(ev, agreementEvent{At: a.RevokedAt, What: s.tr(r, key), Who: actors[vrs.ActAgreementRevoke], Reason: a.Reason})
	}
	return ev, nil
}
