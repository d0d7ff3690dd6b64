package main

import (
	"regexp"
	"strings"
	"testing"

	"vrs/store"
	"vrs/storetest"
)

func TestAuditVerify(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			in := newInstallation(t, dialect)
			in.withWorld(t) // 3 entries: two agencies, one user
			out := must(t, "", in.cmd("audit verify")...)
			if !regexp.MustCompile(`^audit log intact: 3 entries, head [0-9a-f]{64}\n$`).MatchString(out) {
				t.Fatalf("clean log: %q", out)
			}
			cases := []struct {
				name   string
				tamper string
				want   string
			}{
				{"Edited", `UPDATE audit_log SET detail = '{"kind":"immigration"}' WHERE seq = 2`, "audit log broken at entry 2: edited\n"},
				{"Deleted", `DELETE FROM audit_log WHERE seq = 1`, "audit log broken at entry 1: deleted\n"},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					in.with(t, func(db *store.DB) {
						if _, err := db.SQL().Exec(tc.tamper); err != nil {
							t.Fatal(err)
						}
					})
					r := vrsRun(t, "", in.cmd("audit verify")...)
					if r.code != 1 || r.stderr != tc.want || strings.Contains(r.stdout, "intact") {
						t.Errorf("exit %d stdout %q stderr %q; want 1 and %q", r.code, r.stdout, r.stderr, tc.want)
					}
				})
			}
		})
	}
}
