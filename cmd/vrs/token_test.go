package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"vrs/storetest"
)

func TestTokenCreate(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			in := newInstallation(t, dialect)
			in.withWorld(t)
			out := must(t, "", in.cmd("token create", "--user", "th.analyst", "--name", "nightly export", "--days", "30")...)
			if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "vrs_") {
				t.Fatalf("stdout %q: want the token alone on one line", out)
			}
			token := strings.TrimSpace(out)
			forever := strings.TrimSpace(must(t, "", in.cmd("token create", "--user", "th.analyst")...))

			s := start(t, in.cmd("serve", "--addr", "127.0.0.1:0")...)
			for name, tok := range map[string]string{"Expiring": token, "NoExpiry": forever} {
				t.Run(name, func(t *testing.T) {
					code, _, body := s.get(t, "http", "/api/v1/me", tok)
					var me struct{ Name string }
					if code != http.StatusOK || json.Unmarshal([]byte(body), &me) != nil || me.Name != "th.analyst" {
						t.Errorf("GET /api/v1/me: %d %s", code, body)
					}
				})
			}
			t.Run("ErrWrongToken", func(t *testing.T) {
				if code, _, body := s.get(t, "http", "/api/v1/me", token+"x"); code != http.StatusUnauthorized {
					t.Errorf("GET /api/v1/me with a wrong token: %d %s", code, body)
				}
			})
		})
	}
}

func TestTokenCreateErrors(t *testing.T) {
	in := newInstallation(t, "sqlite")
	in.withWorld(t)
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"ErrUnknownUser", []string{"--user", "nobody"}, 1, `No user named "nobody"`},
		{"ErrDays", []string{"--user", "th.analyst", "--days", "400"}, 1, "--days must be a number of days from 1 to 366"},
		{"ErrName", []string{"--user", "th.analyst", "--name", ""}, 1, "name: This field is required."},
		{"ErrNoUser", nil, 2, "--user is required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := vrsRun(t, "", in.cmd("token create", tc.args...)...)
			if r.code != tc.code || r.stdout != "" || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
		})
	}
}
