package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vrs"
	"vrs/store"
	"vrs/storetest"
)

func TestAgency(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			in := newInstallation(t, dialect)
			cases := []struct {
				name   string
				args   []string
				code   int
				stdout string
				stderr string
			}{
				{"OK", []string{"--country", "TH", "--name", "Royal Thai Police", "--kind", "police"}, 0, "1\n", ""},
				{"OKLowerCaseCountry", []string{"--country", "vn", "--name", "Border Guard Command", "--kind", "border_guard"}, 0, "2\n", ""},
				{"ErrDuplicate", []string{"--country", "TH", "--name", "Royal  Thai Police", "--kind", "police"}, 1, "", "already exists"},
				{"ErrKind", []string{"--country", "TH", "--name", "X", "--kind", "cops"}, 1, "", `Unknown agency kind "cops"; choose one of: police,`},
				{"ErrCountry", []string{"--country", "ZZ", "--name", "X", "--kind", "police"}, 1, "", "country: This is not an ISO 3166-1 country code."},
				{"ErrMissingKind", []string{"--country", "TH", "--name", "X"}, 2, "", "--kind is required"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					r := vrsRun(t, "", in.cmd("agency add", tc.args...)...)
					if r.code != tc.code || r.stdout != tc.stdout || !strings.Contains(r.stderr, tc.stderr) {
						t.Errorf("exit %d stdout %q stderr %q; want %d %q %q", r.code, r.stdout, r.stderr, tc.code, tc.stdout, tc.stderr)
					}
				})
			}
			t.Run("List", func(t *testing.T) {
				out := must(t, "", in.cmd("agency list")...)
				lines := strings.Split(strings.TrimSpace(out), "\n")
				if len(lines) != 3 || !strings.Contains(lines[1], "Royal Thai Police") || !strings.Contains(lines[2], "border_guard") {
					t.Errorf("list:\n%s", out)
				}
				out = must(t, "", in.cmd("agency list", "--country", "VN")...)
				if strings.Contains(out, "Royal Thai Police") || !strings.Contains(out, "Border Guard Command") {
					t.Errorf("list --country VN:\n%s", out)
				}
			})
			t.Run("AuditedViaCLI", func(t *testing.T) {
				in.with(t, func(db *store.DB) {
					entries, err := db.ListAudit(storetest.System(), vrs.AuditFilter{Action: vrs.ActAgencyCreate})
					if err != nil {
						t.Fatal(err)
					}
					if len(entries) != 2 || entries[0].Via != "cli" || entries[0].ActorName != "system" {
						t.Errorf("audit entries: %+v", entries)
					}
				})
			})
		})
	}
}

func TestAgencyListWithoutStore(t *testing.T) {
	in := newInstallation(t, "sqlite")
	r := vrsRun(t, "", in.cmd("agency list")...)
	if r.code != 1 || !strings.Contains(r.stderr, "There is no VRS store at") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d stderr %q", r.code, r.stderr)
	}
}

func TestUserAdd(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			in := newInstallation(t, dialect)
			in.withWorld(t) // th.analyst exists
			base := func(name, roles string) []string {
				return in.cmd("user add", "--country", "TH", "--agency", "Royal Thai Police", "--role", roles, "--name", name, "--password-stdin")
			}
			cases := []struct {
				name   string
				args   []string
				stdin  string
				code   int
				stderr string
				create string // user that must exist afterwards, "" if none
			}{
				{"OK", base("th.reporter", "reporter"), testPassword + "\n", 0, "", "th.reporter"},
				{"OKSeveralRolesNoNewline", base("th.focal", "focal_point, reviewer"), testPassword, 0, "", "th.focal"},
				{"OKCRLF", base("th.reviewer", "reviewer"), testPassword + "\r\nignored\n", 0, "", "th.reviewer"},
				{"ErrBadRole", base("th.bad", "reporter,boss"), testPassword + "\n", 1, `Unknown role "boss"; choose from: reporter, reviewer,`, ""},
				{"ErrUnknownAgency", in.cmd("user add", "--country", "VN", "--agency", "Royal Thai Police", "--role", "reporter", "--name", "vn.x", "--password-stdin"),
					testPassword + "\n", 1, `No agency named "Royal Thai Police" in country VN`, ""},
				{"ErrWeakPassword", base("th.weak", "reporter"), "hunter2\n", 1, "password: At least 12 characters.", ""},
				{"ErrPasswordIsName", base("th.samesame12", "reporter"), "TH.samesame12\n", 1, "password: The password must not be the user name.", ""},
				{"ErrEmptyStdin", base("th.empty", "reporter"), "", 1, "password: At least 12 characters.", ""},
				{"ErrUserName", base("Bad Name", "reporter"), testPassword + "\n", 1, "name: 2 to 64 characters", ""},
				{"ErrDuplicate", base("th.analyst", "reporter"), testPassword + "\n", 1, "A user with this name already exists.", ""},
				{"ErrNoPasswordStdin", in.cmd("user add", "--country", "TH", "--agency", "Royal Thai Police", "--role", "reporter", "--name", "th.x"), "", 2, "--password-stdin is required", ""},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					before := countUsers(t, in)
					r := vrsRun(t, tc.stdin, tc.args...)
					if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
						t.Fatalf("exit %d stderr %q; want %d %q", r.code, r.stderr, tc.code, tc.stderr)
					}
					if strings.Contains(r.stdout+r.stderr, testPassword) || strings.Contains(r.stdout+r.stderr, "hunter2") {
						t.Errorf("output shows the password: %q %q", r.stdout, r.stderr)
					}
					after := countUsers(t, in)
					if tc.create == "" {
						if after != before {
							t.Errorf("users %d → %d: something was created", before, after)
						}
						if strings.Count(r.stderr, "\n") > 2 {
							t.Errorf("error takes more than one line: %q", r.stderr)
						}
						return
					}
					if after != before+1 || strings.TrimSpace(r.stdout) == "" {
						t.Errorf("users %d → %d, stdout %q", before, after, r.stdout)
					}
					in.with(t, func(db *store.DB) {
						u, err := db.FindUserByName(context.Background(), tc.create)
						if err != nil {
							t.Fatal(err)
						}
						if ok, _, _ := newMain(t).Hasher.Verify(context.Background(), testPassword, u.PasswordHash); !ok {
							t.Errorf("stored hash does not verify the password")
						}
					})
				})
			}
		})
	}
}

func TestUserManage(t *testing.T) {
	in := newInstallation(t, "sqlite")
	in.withWorld(t)
	const newPassword = "a different long passphrase"
	steps := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"Passwd", newPassword + "\n", in.cmd("user passwd", "--name", "TH.Analyst", "--password-stdin"), 0, "Password of th.analyst changed", ""},
		{"ErrPasswdWeak", "short\n", in.cmd("user passwd", "--name", "th.analyst", "--password-stdin"), 1, "", "At least 12 characters"},
		{"ErrPasswdUnknown", newPassword + "\n", in.cmd("user passwd", "--name", "nobody", "--password-stdin"), 1, "", `No user named "nobody"`},
		{"Disable", "", in.cmd("user disable", "--name", "th.analyst"), 0, "th.analyst is disabled", ""},
		{"ListDisabled", "", in.cmd("user list"), 0, "disabled", ""},
		{"Enable", "", in.cmd("user enable", "--name", "th.analyst"), 0, "th.analyst is enabled", ""},
		{"ListActive", "", in.cmd("user list", "--country", "TH"), 0, "Kittipong Chaiyasit", ""},
		{"ErrEnableUnknown", "", in.cmd("user enable", "--name", "nobody"), 1, "", `No user named "nobody"`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			r := vrsRun(t, s.stdin, s.args...)
			if r.code != s.code || !strings.Contains(r.stdout, s.stdout) || !strings.Contains(r.stderr, s.stderr) {
				t.Errorf("exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
			}
		})
	}
	in.with(t, func(db *store.DB) {
		u, err := db.FindUserByName(context.Background(), "th.analyst")
		if err != nil {
			t.Fatal(err)
		}
		if ok, _, _ := newMain(t).Hasher.Verify(context.Background(), newPassword, u.PasswordHash); !ok || u.Disabled {
			t.Errorf("after passwd/disable/enable: password ok %v, disabled %v", ok, u.Disabled)
		}
	})
}

func countUsers(t *testing.T, in *installation) int {
	t.Helper()
	var n int
	in.with(t, func(db *store.DB) {
		users, err := db.ListUsers(storetest.System(), vrs.UserFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n = len(users)
	})
	return n
}

// newMain returns a Main with the tests' hashing parameters, for its Hasher.
func newMain(t testing.TB) *Main {
	c, _, _ := newCLI("")
	return c.newMain(Config{})
}

// TestDataDirBeatsEnvironmentDB: an explicit --data-dir is the store the
// command works on, even when VRS_DB names another one.
func TestDataDirBeatsEnvironmentDB(t *testing.T) {
	prod := filepath.Join(t.TempDir(), "prod.db")
	test := filepath.Join(t.TempDir(), "test")
	run := func(args ...string) int {
		c, _, _ := newCLI("")
		c.getenv = func(k string) string {
			if k == "VRS_DB" {
				return prod
			}
			return ""
		}
		return c.run(context.Background(), args)
	}
	if code := run("agency", "add", "--data-dir", test, "--country", "TH", "--name", "Royal Thai Police", "--kind", "police"); code != 0 {
		t.Fatalf("agency add: exit %d", code)
	}
	if _, err := os.Stat(prod); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("VRS_DB's store was written despite --data-dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(test, DBFile)); err != nil {
		t.Fatalf("--data-dir's store was not created: %v", err)
	}
	// --db still wins over --data-dir, in either order.
	other := filepath.Join(t.TempDir(), "other.db")
	if code := run("agency", "add", "--db", other, "--data-dir", test, "--country", "VN", "--name", "Border Guard", "--kind", "border_guard"); code != 0 {
		t.Fatalf("agency add with --db: exit %d", code)
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("--db was ignored: %v", err)
	}
}
