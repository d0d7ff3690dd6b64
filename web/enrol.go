package web

import (
	"encoding/base64"
	"html/template"
	"net/http"

	"vrs"
	"vrs/auth"
)

type enrolData struct {
	Secret   string
	QR       template.URL
	Required bool
	Enabled  bool
	// AskPassword: a signed-in user confirms with their password, so that
	// an unattended browser cannot be used to take over the second factor.
	AskPassword bool
	// Codes are the new recovery codes, shown once after enrolment.
	Codes []string
}

// enrolUser is the user setting up a second factor: signed in, or half-way
// through a sign-in that requires one they do not have yet.
func enrolUser(r *http.Request) (*vrs.User, error) {
	st := stateOf(r)
	if st.user != nil {
		return st.user, nil
	}
	if st.pending != nil && !st.pending.TOTPEnabled {
		return st.pending, nil
	}
	return nil, vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
}

// enrolForm offers a new secret, kept with the session: the browser only
// shows it, it never chooses it.
func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) {
	u, err := enrolUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	secret, _, err := auth.NewTOTP(s.setting(r, vrs.SettingName), u.Name)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.store.SetSessionTOTP(r.Context(), stateOf(r).session.ID, secret); err != nil {
		s.error(w, r, err)
		return
	}
	s.renderEnrol(w, r, http.StatusOK, u, secret, "")
}

func (s *Server) renderEnrol(w http.ResponseWriter, r *http.Request, status int, u *vrs.User, secret, errKey string) {
	msg := ""
	if errKey != "" {
		msg = s.cat.T(stateOf(r).lang, errKey)
	}
	s.renderEnrolMessage(w, r, status, u, secret, msg)
}

// renderEnrolMessage shows the enrolment page with an already translated error.
func (s *Server) renderEnrolMessage(w http.ResponseWriter, r *http.Request, status int, u *vrs.User, secret, msg string) {
	p := s.newPage(r, "enrol.title")
	d := &enrolData{Secret: secret, Required: u.NeedsSecondFactor(), Enabled: u.TOTPEnabled, AskPassword: stateOf(r).user != nil}
	png, err := auth.TOTPQRCode(auth.TOTPURL(s.setting(r, vrs.SettingName), u.Name, secret), 240)
	if err != nil {
		s.error(w, r, err)
		return
	}
	// A data: URL keeps the secret out of any further request or log.
	d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	p.Error = msg
	p.Data = d
	s.render(w, r, status, "enrol", p)
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) {
	u, err := enrolUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	st := stateOf(r)
	secret := st.session.PendingTOTP
	if secret == "" {
		// No secret was offered to this session (or it was used): start over.
		http.Redirect(w, r, "/account/second-factor", http.StatusSeeOther)
		return
	}
	ctx := vrs.NewContextWithUser(r.Context(), u)
	// A signed-in user replacing or adding a second factor confirms it
	// with their password; half-way through sign-in they just gave it.
	if st.user != nil {
		if status, msg, err := s.confirmPassword(r, u, r.PostFormValue("password")); err != nil {
			s.error(w, r, err)
			return
		} else if msg != "" {
			s.renderEnrolMessage(w, r, status, u, secret, msg)
			return
		}
	}
	step, ok := auth.CheckTOTP(secret, r.PostFormValue("code"), s.cfg.Now())
	if !ok {
		s.renderEnrol(w, r, http.StatusBadRequest, u, secret, "enrol.code_wrong")
		return
	}
	codes := auth.NewRecoveryCodes(10)
	hashes := make([]string, len(codes))
	for i, c := range codes {
		hashes[i] = auth.HashRecoveryCode(c)
	}
	if err := s.store.SetSecondFactor(ctx, u.ID, secret, hashes); err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.store.UseTOTPStep(ctx, u.ID, step); err != nil {
		s.error(w, r, err)
		return
	}
	if st.user == nil {
		// Enrolment finished a sign-in: the session now gets every privilege,
		// so it gets a new id.
		if err := s.completeSignIn(w, r, st.session.ID, u, "totp_enrolment"); err != nil {
			s.error(w, r, err)
			return
		}
		st.user, st.pending = u, nil
	} else if err := s.store.SetSessionTOTP(ctx, st.session.ID, ""); err != nil {
		s.error(w, r, err)
		return
	}
	u.TOTPEnabled = true
	p := s.newPage(r, "enrol.done_title")
	p.Data = &enrolData{Codes: codes, Enabled: true, Required: u.NeedsSecondFactor()}
	s.render(w, r, http.StatusOK, "enrol_done", p)
}
