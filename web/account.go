package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"vrs"
	"vrs/auth"
)

type accountData struct {
	Agency        *vrs.Agency
	Tokens        []*vrs.APIToken
	RecoveryLeft  int
	NewToken      string
	NewTokenName  string
	PasswordError string
	TokenError    string
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, &accountData{})
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, d *accountData) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	if d.Agency, err = s.store.FindAgencyByID(ctx, u.AgencyID); err != nil {
		s.error(w, r, err)
		return
	}
	if d.Tokens, err = s.store.ListTokens(ctx, u.ID); err != nil {
		s.error(w, r, err)
		return
	}
	if d.RecoveryLeft, err = s.store.CountRecoveryCodes(ctx, u.ID); err != nil {
		s.error(w, r, err)
		return
	}
	p := s.newPage(r, "account.title")
	p.Flash = s.flash(r)
	p.Data = d
	s.render(w, r, status, "account", p)
}

func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	ctx := r.Context()
	next := r.PostFormValue("new")
	fail := func(key string) {
		s.renderAccount(w, r, http.StatusBadRequest, &accountData{PasswordError: s.cat.T(stateOf(r).lang, key)})
	}
	if status, msg, err := s.confirmPassword(r, u, r.PostFormValue("current")); err != nil {
		s.error(w, r, err)
		return
	} else if msg != "" {
		s.renderAccount(w, r, status, &accountData{PasswordError: msg})
		return
	}
	if next != r.PostFormValue("confirm") {
		fail("account.password_mismatch")
		return
	}
	if err := auth.ValidatePassword(next, u.Name); err != nil {
		fail(vrs.AsError(err).Fields["password"])
		return
	}
	hash, err := s.cfg.Hasher.Hash(ctx, next)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := s.store.SetPassword(ctx, u.ID, hash); err != nil {
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/account", "password_changed")
}

// MaxTokenDays bounds a token's lifetime chosen in the form.
const MaxTokenDays = 366

func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) {
	u, err := requireUser(r)
	if err != nil {
		s.error(w, r, err)
		return
	}
	if err := parseForm(r); err != nil {
		s.error(w, r, err)
		return
	}
	tok := &vrs.APIToken{UserID: u.ID, Name: strings.TrimSpace(r.PostFormValue("name"))}
	if days := r.PostFormValue("days"); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > MaxTokenDays {
			s.renderAccount(w, r, http.StatusBadRequest, &accountData{TokenError: s.cat.T(stateOf(r).lang, "field.token_days", MaxTokenDays)})
			return
		}
		exp := s.cfg.Now().Add(time.Duration(n) * 24 * time.Hour)
		tok.ExpiresAt = &exp
	}
	plain, prefix, hash := auth.NewAPIToken()
	tok.Prefix, tok.Hash = prefix, hash
	if err := s.store.CreateToken(r.Context(), tok); err != nil {
		if e := vrs.AsError(err); e.Code == vrs.EINVALID {
			msg, fields := s.cat.Error(stateOf(r).lang, err)
			if f, ok := fields["name"]; ok {
				msg = f
			}
			s.renderAccount(w, r, http.StatusBadRequest, &accountData{TokenError: msg})
			return
		}
		s.error(w, r, err)
		return
	}
	// Shown once: only the hash is kept.
	s.renderAccount(w, r, http.StatusOK, &accountData{NewToken: plain, NewTokenName: tok.Name})
}

func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) {
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
	if err := s.store.RevokeToken(r.Context(), u.ID, id); err != nil {
		s.error(w, r, err)
		return
	}
	seeOther(w, r, "/account", "token_revoked")
}

// confirmPassword checks a signed-in user's current password before a
// change to their credentials. Guessing it from an open session is
// throttled like signing in. It answers "" when the password is right, or
// the status and message to show; err is for failures of the store.
func (s *Server) confirmPassword(r *http.Request, u *vrs.User, password string) (int, string, error) {
	lang, ip, now := stateOf(r).lang, clientIP(r), s.cfg.Now()
	if wait, by := s.cfg.Throttle.Check(u.Name, ip, now); wait > 0 {
		return http.StatusTooManyRequests, s.cat.T(lang, "signin.throttled_"+by, minutes(wait.Minutes())), nil
	}
	full, err := s.store.FindUserByName(r.Context(), u.Name)
	if err != nil {
		return 0, "", err
	}
	if ok, _, err := s.cfg.Hasher.Verify(r.Context(), password, full.PasswordHash); err != nil || !ok {
		s.cfg.Throttle.Failure(u.Name, ip, now)
		return http.StatusUnauthorized, s.cat.T(lang, "account.password_wrong"), nil
	}
	return 0, "", nil
}
