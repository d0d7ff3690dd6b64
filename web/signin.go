package web

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"vrs"
	"vrs/auth"
)

type signinData struct {
	Name string
	Next string
	// Notice is the installation's text above the form (terms of use).
	Notice string
}

func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	next := safeNext(r.URL.Query().Get("next"))
	if st.user != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.renderSignin(w, r, http.StatusOK, &signinData{Next: next}, "")
}

// renderSignin shows the form with a fresh double-submit token.
func (s *Server) renderSignin(w http.ResponseWriter, r *http.Request, status int, d *signinData, errKey string, args ...any) {
	p := s.newPage(r, "signin.title")
	if stateOf(r).session == nil {
		token := auth.NewCSRFToken()
		http.SetCookie(w, &http.Cookie{Name: preCSRFCookie, Value: token, Path: "/signin", HttpOnly: true, Secure: s.cfg.TLS, SameSite: http.SameSiteStrictMode})
		p.CSRF = token
	}
	if errKey != "" {
		p.Error = p.T(errKey, args...)
	}
	p.Flash = s.flash(r)
	d.Notice = s.setting(r, vrs.SettingSignInNotice)
	p.Data = d
	s.render(w, r, status, "signin", p)
}

func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	d := &signinData{Name: r.PostFormValue("name"), Next: safeNext(r.PostFormValue("next"))}
	password := r.PostFormValue("password")
	ip := clientIP(r)
	now := s.cfg.Now()
	if wait, by := s.cfg.Throttle.Check(d.Name, ip, now); wait > 0 {
		s.store.AppendAudit(ctx, &vrs.AuditEntry{Action: vrs.ActSignInThrottle, ObjectType: "signin", Detail: `{"by":"` + by + `"}`})
		s.renderSignin(w, r, http.StatusTooManyRequests, d, "signin.throttled_"+by, minutes(wait.Minutes()))
		return
	}
	u, err := s.store.FindUserByName(ctx, d.Name)
	if err != nil && vrs.ErrorCode(err) != vrs.ENOTFOUND {
		s.error(w, r, err)
		return
	}
	ok := false
	if u == nil || u.Disabled {
		// Spend the time a real check takes, so that timing does not tell
		// which accounts exist.
		s.cfg.Hasher.VerifyDummy(ctx, password)
	} else {
		var rehash bool
		ok, rehash, err = s.cfg.Hasher.Verify(ctx, password, u.PasswordHash)
		if err != nil {
			s.error(w, r, err)
			return
		}
		if ok && rehash {
			s.rehash(ctx, u, password)
		}
	}
	if !ok {
		s.cfg.Throttle.Failure(d.Name, ip, now)
		// The typed name is not logged for unknown accounts: people type
		// passwords into the name field.
		e := &vrs.AuditEntry{Action: vrs.ActSignInFail, ObjectType: "signin", Detail: `{"reason":"unknown_account"}`}
		if u != nil {
			e.ActorID, e.ActorName, e.ObjectType, e.ObjectID, e.Country = u.ID, u.Name, "user", strconv.FormatInt(u.ID, 10), u.Country
			e.Detail = `{"reason":"password"}`
			if u.Disabled {
				e.Detail = `{"reason":"disabled"}`
			}
		}
		if err := s.store.AppendAudit(ctx, e); err != nil {
			s.error(w, r, err)
			return
		}
		s.renderSignin(w, r, http.StatusUnauthorized, d, "signin.failed")
		return
	}
	// A sign-in always starts a new session, and ends the one the browser
	// had (fixation). The throttle forgets failures only once every factor
	// is given, so that second-factor guesses add up across password sign-ins.
	http.SetCookie(w, &http.Cookie{Name: preCSRFCookie, Value: "", Path: "/signin", MaxAge: -1})
	old := ""
	if st := stateOf(r); st.session != nil {
		old = st.session.ID
	}
	if !u.NeedsSecondFactor() {
		if err := s.completeSignIn(w, r, old, u, "password"); err != nil {
			s.error(w, r, err)
			return
		}
		http.Redirect(w, r, d.Next, http.StatusSeeOther)
		return
	}
	if err := s.startSession(w, r, old, u, false); err != nil {
		s.error(w, r, err)
		return
	}
	switch {
	case u.TOTPEnabled:
		http.Redirect(w, r, "/signin/second-factor?next="+url.QueryEscape(d.Next), http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/account/second-factor", http.StatusSeeOther)
	}
}

// startSession replaces the browser's session (old, if any) by a new one
// with a fresh id and CSRF token.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, old string, u *vrs.User, mfaPassed bool) error {
	plain, id := auth.NewSessionToken()
	sess := &vrs.Session{ID: id, UserID: u.ID, CSRFToken: auth.NewCSRFToken(), MFAPassed: mfaPassed,
		ClientIP: clientIP(r), UserAgent: truncate(r.UserAgent(), 200)}
	if err := s.store.RenewSession(r.Context(), old, sess); err != nil {
		return err
	}
	s.setSessionCookie(w, plain)
	stateOf(r).session = sess
	return nil
}

// completeSignIn marks the end of a successful sign-in: a new, fully
// privileged session, the throttle cleared, and the audit entry.
func (s *Server) completeSignIn(w http.ResponseWriter, r *http.Request, old string, u *vrs.User, method string) error {
	if err := s.startSession(w, r, old, u, true); err != nil {
		return err
	}
	s.cfg.Throttle.Success(u.Name, clientIP(r))
	return s.auditSignIn(r.Context(), u, method)
}

func (s *Server) auditSignIn(ctx context.Context, u *vrs.User, method string) error {
	return s.store.AppendAudit(ctx, &vrs.AuditEntry{Action: vrs.ActSignIn, ActorID: u.ID, ActorName: u.Name, ObjectType: "user",
		ObjectID: strconv.FormatInt(u.ID, 10), Country: u.Country, Detail: `{"method":"` + method + `"}`})
}

// rehash upgrades a stored hash made with older parameters.
func (s *Server) rehash(ctx context.Context, u *vrs.User, password string) {
	h, err := s.cfg.Hasher.Hash(ctx, password)
	if err == nil {
		err = s.store.UpgradePasswordHash(ctx, u.ID, u.PasswordHash, h)
	}
	if err != nil {
		s.log.Warn("rehash password", "user_id", u.ID, "err", err)
	}
}

func minutes(m float64) int { return int(math.Ceil(m)) }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if st.session != nil {
		if err := s.store.DeleteSession(r.Context(), st.session.ID); err != nil {
			s.error(w, r, err)
			return
		}
		u := st.user
		if u == nil {
			u = st.pending
		}
		s.store.AppendAudit(r.Context(), &vrs.AuditEntry{Action: vrs.ActSignOut, ActorID: u.ID, ActorName: u.Name, ObjectType: "user",
			ObjectID: strconv.FormatInt(u.ID, 10), Country: u.Country})
	}
	s.clearSessionCookie(w)
	seeOther(w, r, "/signin", "signed_out")
}
