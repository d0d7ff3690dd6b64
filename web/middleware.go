package web

import (
	"context"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"vrs"
	"vrs/auth"
)

// Cookie names.
const (
	sessionCookie = "vrs_session"
	// preCSRFCookie protects the sign-in form itself (login CSRF), before
	// there is a session to hold a token: double-submit.
	preCSRFCookie = "vrs_signin"
)

// MaxBodyBytes bounds every request body; bulk imports will get their own,
// larger limit on their own routes.
const MaxBodyBytes = 1 << 20

type stateKey struct{}

// state is what the middleware learnt about a request.
type state struct {
	session *vrs.Session
	// user is the signed-in user once every factor is given; pending is
	// the user half-way through sign-in (password given, second factor not).
	user    *vrs.User
	pending *vrs.User
	token   bool
	lang    string
	// expired: the browser sent a session cookie that no longer signs in.
	expired bool
}

func stateOf(r *http.Request) *state {
	if st, ok := r.Context().Value(stateKey{}).(*state); ok {
		return st
	}
	return &state{lang: "en"}
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
				s.error(w, r, vrs.Errorf(vrs.EINTERNAL, "error.internal"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets a strict policy: no inline script or style, nothing
// from elsewhere, no framing.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.cfg.TLS {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, tooLarge := s.bodyLimit(r)
		if r.ContentLength > limit {
			s.error(w, r, tooLarge)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// authenticate finds the user behind a bearer token or a session cookie.
// Bad credentials on the API are refused at once; a page with an expired
// session carries on anonymously and the page decides (usually: sign in).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &state{lang: "en"}
		ctx := r.Context()
		meta := vrs.RequestMeta{ClientIP: clientIP(r), Via: "web"}
		if isAPI(r) {
			meta.Via = "api"
		}
		now := s.cfg.Now()
		// API tokens open the API only: the pages (account, administration)
		// need a signed-in browser with every factor given.
		if authz := r.Header.Get("Authorization"); authz != "" && isAPI(r) {
			plain, ok := strings.CutPrefix(authz, "Bearer ")
			if !ok {
				s.error(w, r, vrs.Errorf(vrs.EUNAUTHORIZED, "error.authorization_scheme"))
				return
			}
			tok, u, err := s.store.FindTokenUser(ctx, auth.HashToken(strings.TrimSpace(plain)))
			if err != nil {
				s.error(w, r, err)
				return
			}
			if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) > time.Minute {
				if err := s.store.TouchToken(ctx, tok.ID, now); err != nil {
					s.log.Warn("touch token", "err", err)
				}
			}
			st.user, st.token = u, true
		} else if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			sess, u, err := s.store.FindSession(ctx, auth.HashToken(c.Value))
			switch {
			case err != nil && vrs.ErrorCode(err) != vrs.ENOTFOUND:
				s.error(w, r, err)
				return
			case err != nil:
				st.expired = true
				s.clearSessionCookie(w)
			case now.Sub(sess.LastSeenAt) > s.cfg.SessionIdle || now.Sub(sess.CreatedAt) > s.cfg.SessionMax:
				st.expired = true
				s.store.DeleteSession(ctx, sess.ID)
				s.clearSessionCookie(w)
			default:
				st.session = sess
				meta.SessionID = sess.ID
				if sess.MFAPassed {
					st.user = u
				} else {
					st.pending = u
				}
				if now.Sub(sess.LastSeenAt) > time.Minute {
					if err := s.store.TouchSession(ctx, sess.ID, now); err != nil {
						s.log.Warn("touch session", "err", err)
					}
				}
			}
		}
		ctx = context.WithValue(ctx, stateKey{}, st)
		ctx = vrs.NewContextWithMeta(ctx, meta)
		if st.user != nil {
			ctx = vrs.NewContextWithUser(ctx, st.user)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// checkCSRF refuses a state-changing request made with a session cookie
// unless it carries the session's token, in a form field or a header.
// Token-authenticated API calls carry no ambient credentials and need none.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if streamsOwnForm(r) {
			next.ServeHTTP(w, r) // the handler checks the form's first part
			return
		}
		st := stateOf(r)
		// A bearer token, or an API call without a session cookie, carries
		// no ambient credential that another site could ride on.
		if st.token || (isAPI(r) && st.session == nil) {
			next.ServeHTTP(w, r)
			return
		}
		var want string
		if st.session != nil {
			want = st.session.CSRFToken
		} else if c, err := r.Cookie(preCSRFCookie); err == nil {
			want = c.Value
		}
		got := r.Header.Get("X-CSRF-Token")
		if got == "" && !isAPI(r) {
			if err := parseForm(r); err != nil {
				s.error(w, r, err)
				return
			}
			got = r.PostFormValue("csrf")
		}
		if st.session == nil && st.expired && r.URL.Path != "/signin" {
			s.error(w, r, vrs.Errorf(vrs.EUNAUTHORIZED, "error.session_expired"))
			return
		}
		if want == "" || got == "" || !auth.EqualTokens(got, want) {
			key := "error.csrf"
			if st.session == nil && !isAPI(r) {
				key = "error.csrf_signin"
			}
			s.error(w, r, vrs.Errorf(vrs.EFORBIDDEN, key))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) setSessionCookie(w http.ResponseWriter, plain string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: plain, Path: "/", HttpOnly: true, Secure: s.cfg.TLS,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.cfg.SessionMax.Seconds())})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.TLS,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
