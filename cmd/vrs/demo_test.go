package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vrs"
	"vrs/demo"
	"vrs/store"
	"vrs/storetest"
)

// demoRowRE matches one user row of the demo's table.
var demoRowRE = regexp.MustCompile(`(?m)^  (\S+)\s{2,}(.+?)\s{2,}(.+?) \(([A-Z]{2})\)\s{2,}(\S+)$`)

func TestDemo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")

	// First run: seeds and prints every user's password.
	s := start(t, "demo", "--addr", "127.0.0.1:0", "--data-dir", dir)
	if code, _, _ := s.get(t, "http", "/healthz", ""); code != 200 {
		t.Errorf("GET /healthz: %d", code)
	}
	s.stop(t)
	out := s.stdout.String()
	if !strings.Contains(out, "http://"+s.addr+"/") {
		t.Errorf("banner lacks the URL http://%s/:\n%s", s.addr, out)
	}
	if !strings.Contains(out, "second factor") {
		t.Errorf("banner lacks the second-factor note:\n%s", out)
	}
	rows := demoRowRE.FindAllStringSubmatch(out, -1)
	if len(rows) != len(vrs.Roles) {
		t.Fatalf("%d user rows, want %d:\n%s", len(rows), len(vrs.Roles), out)
	}
	passwords := map[string]string{}
	for i, r := range rows {
		if want := catalog.T("en", "role."+string(demo.Users[i].Role)); r[2] != want {
			t.Errorf("row %d role %q, want %q", i, r[2], want)
		}
		passwords[r[1]] = r[5]
	}
	in := &installation{dialect: "sqlite", dir: dir}
	in.with(t, func(db *store.DB) {
		h := newMain(t).Hasher
		for name, pw := range passwords {
			u, err := db.FindUserByName(context.Background(), name)
			if err != nil {
				t.Fatal(err)
			}
			if ok, _, _ := h.Verify(context.Background(), pw, u.PasswordHash); !ok {
				t.Errorf("%s: the printed password does not sign in", name)
			}
			if strings.Contains(s.stderr.String(), pw) {
				t.Errorf("%s: the password is in the log", name)
			}
		}
		entries, err := db.ListAudit(storetest.System(), vrs.AuditFilter{Action: vrs.ActUserCreate})
		if err != nil || len(entries) != len(vrs.Roles) || entries[0].Via != "cli" {
			t.Errorf("user.create audit entries: %d, %v", len(entries), err)
		}
	})

	// Second run on the same directory: serves what is there, adds nothing.
	s = start(t, "demo", "--addr", "127.0.0.1:0", "--data-dir", dir)
	s.stop(t)
	out = s.stdout.String()
	if !strings.Contains(out, "already holds an installation") || demoRowRE.MatchString(out) {
		t.Errorf("second run:\n%s", out)
	}
	in.with(t, func(db *store.DB) {
		users, err := db.ListUsers(storetest.System(), vrs.UserFilter{})
		if err != nil || len(users) != len(vrs.Roles) {
			t.Errorf("after the second run: %d users, %v", len(users), err)
		}
	})
}

// TestDemoTemporary: without --data-dir the demo lives in a new temporary
// directory that is gone once it stops.
func TestDemoTemporary(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	s := start(t, "demo", "--addr", "127.0.0.1:0")
	s.waitStdout(t, "Press Ctrl-C")
	m := regexp.MustCompile(`The demo lives in (\S+) and is removed`).FindStringSubmatch(s.stdout.String())
	if m == nil {
		t.Fatalf("banner does not name the directory:\n%s", s.stdout)
	}
	if _, err := os.Stat(filepath.Join(m[1], DBFile)); err != nil {
		t.Fatalf("store not in the temporary directory: %v", err)
	}
	s.stop(t)
	if _, err := os.Stat(m[1]); !os.IsNotExist(err) {
		t.Errorf("temporary directory left behind: %v", err)
	}
}

// TestDemoRecords: --records and --seed fill a new demo with incidents of
// every type, the same ones for the same seed; --no-serve exits.
func TestDemoRecords(t *testing.T) {
	hashes := make([]string, 2)
	for i := range hashes {
		dir := filepath.Join(t.TempDir(), "demo")
		out := must(t, "", "demo", "--data-dir", dir, "--records", "600", "--seed", "5", "--no-serve")
		if !strings.Contains(out, "Demo data: 600 incidents (seed 5)") {
			t.Fatalf("output:\n%s", out)
		}
		in := &installation{dialect: "sqlite", dir: dir}
		in.with(t, func(db *store.DB) {
			var total, types int
			q := `SELECT COUNT(*), COUNT(DISTINCT type) FROM incidents`
			if err := db.SQL().QueryRow(q).Scan(&total, &types); err != nil || total != 600 || types != len(vrs.IncidentTypes) {
				t.Fatalf("%d incidents of %d types, %v", total, types, err)
			}
			h := sha256.New()
			rows, err := db.SQL().Query(`SELECT reference, type, status, detected_on, body FROM incidents ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var ref, typ, status, detected, body string
				if err := rows.Scan(&ref, &typ, &status, &detected, &body); err != nil {
					t.Fatal(err)
				}
				// The body carries the creation times, which follow the clock.
				fmt.Fprintln(h, ref, typ, status, detected, len(body) > 0)
			}
			hashes[i] = fmt.Sprintf("%x", h.Sum(nil))
		})
	}
	if hashes[0] != hashes[1] {
		t.Errorf("same seed, different incidents")
	}
	r := vrsRun(t, "", "demo", "--records", "10", "--no-serve")
	if r.code == 0 {
		t.Errorf("--no-serve without --data-dir: exit 0")
	}
}

// TestBenchList runs the list benchmark on a small demo store.
func TestBenchList(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	must(t, "", "demo", "--data-dir", dir, "--records", "300", "--no-serve")
	out := must(t, "", "bench", "list", "--data-dir", dir, "--runs", "2")
	for _, want := range []string{"default sort", "th.reviewer", "identifier (phone)", "page 2 (cursor)", "300 incidents in the sqlite store", "P95"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestDemoSharing: the demo's records carry distributions, its groups and
// agreements exist, and its national analyst reads other countries'
// records through the accepted agreements only, pseudonymised or in full.
func TestDemoSharing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	out := must(t, "", "demo", "--data-dir", dir, "--records", "1500", "--seed", "3", "--no-serve")
	if !strings.Contains(out, fmt.Sprintf("%d sharing groups, %d agreements", len(demo.Groups), len(demo.Agreements))) {
		t.Fatalf("output:\n%s", out)
	}
	in := &installation{dialect: "sqlite", dir: dir}
	in.with(t, func(db *store.DB) {
		ctx := context.Background()
		var dists, groups, partners int
		q := `SELECT (SELECT COUNT(DISTINCT distribution) FROM incidents), (SELECT COUNT(*) FROM sharing_groups),
			(SELECT COUNT(*) FROM incident_share_countries) + (SELECT COUNT(*) FROM incident_share_groups)`
		if err := db.SQL().QueryRow(q).Scan(&dists, &groups, &partners); err != nil || dists != len(vrs.Distributions) || groups != len(demo.Groups) || partners == 0 {
			t.Errorf("%d distributions, %d groups, %d partners: %v", dists, groups, partners, err)
		}
		statuses := map[string]int{}
		rows, err := db.SQL().Query(`SELECT status FROM sharing_agreements`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			statuses[s]++
		}
		rows.Close()
		for _, a := range demo.Agreements {
			statuses[string(a.Status)]--
		}
		for s, n := range statuses {
			if n != 0 {
				t.Errorf("agreements %s: %+d against the plan", s, n)
			}
		}
		seen := func(name string) map[string]map[vrs.Granularity]int {
			u, err := db.FindUserByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			uctx := vrs.NewContextWithUser(ctx, u)
			out := map[string]map[vrs.Granularity]int{}
			f := vrs.IncidentFilter{Limit: store.MaxIncidentPage}
			for {
				page, err := db.ListIncidents(uctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range page.Items {
					if out[s.Country] == nil {
						out[s.Country] = map[vrs.Granularity]int{}
					}
					out[s.Country][s.Granularity]++
				}
				if f.After = page.Next; f.After == "" {
					return out
				}
			}
		}
		th := seen("th.analyst")
		// MY and LA share in full, KH and MM pseudonymised, VN in
		// aggregate only; ID only proposed, PH declined, AU revoked.
		for _, c := range []struct {
			country string
			gran    vrs.Granularity
		}{{"MY", vrs.GranFull}, {"KH", vrs.GranPseudonymised}, {"MM", vrs.GranPseudonymised}} {
			if th[c.country][c.gran] == 0 || len(th[c.country]) != 1 {
				t.Errorf("th.analyst reads %s records as %v, want %s only", c.country, th[c.country], c.gran)
			}
		}
		for _, c := range []string{"VN", "ID", "PH", "AU", "BD", "LK"} {
			if len(th[c]) > 0 {
				t.Errorf("th.analyst reads %s records: %v", c, th[c])
			}
		}
		rso := seen("rso.analyst")
		for c, g := range rso {
			if len(g) != 1 || g[vrs.GranPseudonymised] == 0 {
				t.Errorf("rso.analyst reads %s records as %v, want pseudonymised", c, g)
			}
		}
		if len(rso) < 5 {
			t.Errorf("rso.analyst reads the records of %d countries", len(rso))
		}
	})
}
