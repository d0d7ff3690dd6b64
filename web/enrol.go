package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"vrs"
	"vrs/auth"
)

type enrolData struct {
	Secret   string
	QR       template.URL
	Required bool
	Enabled  bool
	// Codes are the new recovery codes, shown once after enrolment.
	Codes []string
	Next  string
}

// enrolUser is the user setting up a second factor: signed in, or half-way
// through a sign-in that requires one.
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

func (s *Server) enrolForm(w http.ResponseWriter, r *http.Request) {
	u, err := enrolUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	secret, otpURL, err := auth.NewTOTP(s.cfg.Issuer, u.Name)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.renderEnrol(w, r, http.StatusOK, u, secret, otpURL, "")
}

func (s *Server) renderEnrol(w http.ResponseWriter, r *http.Request, status int, u *vrs.User, secret, otpURL, errKey string) {
	p := s.newPage(r, "enrol.title")
	d := &enrolData{Secret: secret, Required: u.NeedsSecondFactor(), Enabled: u.TOTPEnabled}
	png, err := auth.TOTPQRCode(otpURL, 240)
	if err != nil {
		s.error(w, r, err)
		return
	}
	// A data: URL keeps the secret out of any further request or log.
	d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	if errKey != "" {
		p.Error = p.T(errKey)
	}
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
	ctx := vrs.NewContextWithUser(r.Context(), u)
	secret := strings.TrimSpace(r.PostFormValue("secret"))
	if len(secret) < 16 || len(secret) > 128 {
		s.error(w, r, vrs.FieldErrors(map[string]string{"secret": "field.totp_secret"}))
		return
	}
	step, ok := auth.CheckTOTP(secret, r.PostFormValue("code"), s.cfg.Now())
	if !ok {
		s.renderEnrol(w, r, http.StatusBadRequest, u, secret, auth.TOTPURL(s.cfg.Issuer, u.Name, secret), "enrol.code_wrong")
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
	st := stateOf(r)
	if st.user == nil {
		if err := s.store.MarkSessionMFAPassed(ctx, st.session.ID); err != nil {
			s.error(w, r, err)
			return
		}
		if err := s.auditSignIn(ctx, u, "totp_enrolment"); err != nil {
			s.error(w, r, err)
			return
		}
		st.user, st.pending = u, nil
	}
	u.TOTPEnabled = true
	p := s.newPage(r, "enrol.done_title")
	p.Data = &enrolData{Codes: codes, Enabled: true, Required: u.NeedsSecondFactor()}
	s.render(w, r, http.StatusOK, "enrol_done", p)
}
