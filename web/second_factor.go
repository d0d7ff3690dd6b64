package web

import (
	"net/http"
	"strconv"
	"strings"

	"vrs"
	"vrs/auth"
)

type secondFactorData struct {
	Next string
}

// pendingUser is the user who gave a password but not yet the second factor.
func pendingUser(r *http.Request) (*vrs.User, error) {
	if u := stateOf(r).pending; u != nil {
		return u, nil
	}
	return nil, vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
}

func (s *Server) secondFactorForm(w http.ResponseWriter, r *http.Request) {
	if stateOf(r).user != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if _, err := pendingUser(r); err != nil {
		s.error(w, r, err)
		return
	}
	p := s.newPage(r, "second_factor.title")
	p.Data = &secondFactorData{Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "second_factor", p)
}

func (s *Server) secondFactor(w http.ResponseWriter, r *http.Request) {
	u, err := pendingUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	ctx := vrs.NewContextWithUser(r.Context(), u)
	d := &secondFactorData{Next: safeNext(r.PostFormValue("next"))}
	ip, now := clientIP(r), s.cfg.Now()
	fail := func(status int, key string, args ...any) {
		p := s.newPage(r, "second_factor.title")
		p.Error = p.T(key, args...)
		p.Data = d
		s.render(w, r, status, "second_factor", p)
	}
	if wait, by := s.cfg.Throttle.Check(u.Name, ip, now); wait > 0 {
		fail(http.StatusTooManyRequests, "signin.throttled_"+by, minutes(wait.Minutes()))
		return
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	recovery := strings.TrimSpace(r.PostFormValue("recovery"))
	method := "totp"
	ok := false
	switch {
	case recovery != "":
		method = "recovery_code"
		err := s.store.UseRecoveryCode(ctx, u.ID, auth.HashRecoveryCode(recovery))
		if err != nil && vrs.ErrorCode(err) != vrs.ENOTFOUND {
			s.error(w, r, err)
			return
		}
		ok = err == nil
	case code != "":
		if step, valid := auth.CheckTOTP(u.TOTPSecret, code, now); valid {
			err := s.store.UseTOTPStep(ctx, u.ID, step)
			if vrs.ErrorCode(err) == vrs.ECONFLICT {
				fail(http.StatusUnauthorized, "second_factor.replayed")
				return
			}
			if err != nil {
				s.error(w, r, err)
				return
			}
			ok = true
		}
	default:
		fail(http.StatusBadRequest, "second_factor.missing")
		return
	}
	if !ok {
		s.cfg.Throttle.Failure(u.Name, ip, now)
		s.store.AppendAudit(ctx, &vrs.AuditEntry{Action: vrs.ActSecondFail, ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10),
			Country: u.Country, Detail: `{"method":"` + method + `"}`})
		fail(http.StatusUnauthorized, "second_factor.failed_"+method)
		return
	}
	if err := s.completeSignIn(w, r, stateOf(r).session.ID, u, method); err != nil {
		s.error(w, r, err)
		return
	}
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}
