package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"vrs"
	"vrs/store"
	"vrs/storetest"
)

// roundTripIncidents are records of every type, with persons, legs,
// documents, payments, counts, partners and personal data.
func roundTripIncidents(th, vn int64) []*vrs.Incident {
	age := func(n int) *int { return &n }
	smuggling := storetest.Interception(th, "RT-SMUG-1")
	smuggling.Status = vrs.StatusValidated
	smuggling.Distribution, smuggling.ShareCountries, smuggling.TLP = vrs.DistPartners, []string{"VN"}, vrs.TLPAmber
	migration := storetest.Interception(th, "RT-IRR-1")
	migration.Type, migration.Status, migration.OffenceCodes, migration.Transactions = vrs.TypeIrregularMigration, vrs.StatusDraft, nil, nil
	migration.Persons = migration.Persons[:2]
	migration.Counts = []vrs.AggregateCount{{Role: "migrant", Sex: "female", AgeGroup: "18-24", Nationality: "MM", Count: 3}}
	trafficking := &vrs.Incident{AgencyID: vn, Reference: "RT-TIP-1", Type: vrs.TypeTrafficking, Status: vrs.StatusSubmitted,
		DetectedOn: "2025-05-02", ReportedOn: "2025-05-03", Place: vrs.Place{Country: "VN", Name: "Lao Cai"},
		Narrative: "Recruited with a false job offer.", NarrativeShareable: true, Distribution: vrs.DistCommunity, TLP: vrs.TLPGreen,
		Persons: []vrs.Person{
			{Role: "victim", Sex: "female", Age: age(17), Nationalities: []string{"VN"}, TraffickingStatus: "actual_victim",
				Exploitation: []string{"forced_labour"}, ControlMethods: []string{"debt_bondage"}, Name: "Nguyen Thi Lan", DateOfBirth: "2008-02-01"},
		},
		Legs: []vrs.RouteLeg{{Country: "VN", Role: "origin"}, {Country: "CN", Role: "destination"}},
	}
	fraud := &vrs.Incident{AgencyID: th, Reference: "RT-DOC-1", Type: vrs.TypeDocumentFraud, Status: vrs.StatusValidated,
		DetectedOn: "2025-06-01", ReportedOn: "2025-06-01", Place: vrs.Place{Country: "TH", Name: "Suvarnabhumi", Kind: "airport"},
		Persons:   []vrs.Person{{Role: "migrant", Sex: "male", Nationalities: []string{"LK"}, Name: "Kumara"}},
		Documents: []vrs.Document{{Type: "passport", IssuingCountry: "GB", FraudType: "counterfeit", HolderKey: "p1", Number: "123456789"}},
	}
	return []*vrs.Incident{smuggling, migration, trafficking, fraud}
}

// seedRoundTrip stores roundTripIncidents in an installation made by
// withWorld, with the statuses they name.
func seedRoundTrip(t *testing.T, in *installation) {
	t.Helper()
	in.withKeys(t, in.kek(t), func(db *store.DB) {
		agencies, err := db.ListAgencies(storetest.System(), vrs.AgencyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]int64{}
		for _, a := range agencies {
			ids[a.Country] = a.ID
		}
		if err := db.BulkCreateIncidents(storetest.System(), roundTripIncidents(ids["TH"], ids["VN"])); err != nil {
			t.Fatal(err, vrs.AsError(err).Fields)
		}
	})
}

// exportLines exports an installation as JSON Lines and returns each
// record without what the store decides (ids, times, authors, versions),
// by agency name and reference.
func exportLines(t *testing.T, in *installation) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(must(t, "", in.cmd("export", "--format", "jsonl")...)))
	sc.Buffer(nil, 8<<20)
	for sc.Scan() {
		var inc vrs.Incident
		if err := json.Unmarshal(sc.Bytes(), &inc); err != nil {
			t.Fatal(err)
		}
		inc.ID, inc.AgencyID, inc.Version, inc.CreatedBy, inc.UpdatedBy, inc.UpdatedName = 0, 0, 0, 0, 0, ""
		inc.CreatedAt, inc.UpdatedAt = time.Time{}, time.Time{}
		b, err := json.Marshal(&inc)
		if err != nil {
			t.Fatal(err)
		}
		out[inc.AgencyName+"/"+inc.Reference] = string(b)
	}
	return out
}

// TestImportRoundTrip exports everything from one installation, imports
// it into an empty one with the same agencies, and compares the two
// exports: identical, personal data, partners and statuses included.
func TestImportRoundTrip(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			src := newInstallation(t, dialect)
			src.withWorld(t)
			seedRoundTrip(t, src)
			want := exportLines(t, src)
			if len(want) != 4 {
				t.Fatalf("the source exports %d records, want 4", len(want))
			}
			all := strings.Join(slices.Collect(maps.Values(want)), "\n")
			for _, v := range []string{"Nguyen Thi Lan", "123456789", `"share_countries":["VN"]`, `"status":"submitted"`, `"count":3`} {
				if !strings.Contains(all, v) {
					t.Fatalf("the source export lacks %s: the comparison would prove little", v)
				}
			}

			// The JSON Lines file, split by agency and status, as the
			// target's import takes one agency and one status at a time.
			dst := newInstallation(t, dialect)
			dst.withWorld(t)
			files := map[[2]string]*strings.Builder{}
			sc := bufio.NewScanner(strings.NewReader(must(t, "", src.cmd("export", "--format", "jsonl")...)))
			sc.Buffer(nil, 8<<20)
			for sc.Scan() {
				var inc vrs.Incident
				if err := json.Unmarshal(sc.Bytes(), &inc); err != nil {
					t.Fatal(err)
				}
				k := [2]string{inc.AgencyName, string(inc.Status)}
				if files[k] == nil {
					files[k] = &strings.Builder{}
				}
				fmt.Fprintln(files[k], sc.Text())
			}
			keys := make([][2]string, 0, len(files))
			for k := range files {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
			for i, k := range keys {
				path := filepath.Join(t.TempDir(), fmt.Sprintf("part%d.jsonl", i))
				if err := os.WriteFile(path, []byte(files[k].String()), 0o600); err != nil {
					t.Fatal(err)
				}
				must(t, "", dst.cmd("import", "--agency", k[0], "--status", k[1], "--commit", path)...)
			}
			got := exportLines(t, dst)
			if len(got) != len(want) {
				t.Fatalf("the target exports %d records, want %d", len(got), len(want))
			}
			for k, w := range want {
				if got[k] != w {
					t.Errorf("%s differs after the round trip:\n got %s\nwant %s", k, got[k], w)
				}
			}
		})
	}
}

// TestImportHTCDS exports trafficking cases in HTCDS 2.0's names and
// imports the file into another installation with --mapping htcds.
func TestImportHTCDS(t *testing.T) {
	src := newInstallation(t, "sqlite")
	src.withWorld(t)
	seedRoundTrip(t, src)
	file := filepath.Join(t.TempDir(), "cases.csv")
	must(t, "", src.cmd("export", "--format", "htcds-csv", "--out", file)...)
	dst := newInstallation(t, "sqlite")
	dst.withWorld(t)
	out := must(t, "", dst.cmd("import", "--agency", "Border Guard Command", "--mapping", "htcds", "--commit", file)...)
	if !strings.Contains(out, "Created: 1 incidents") {
		t.Fatalf("import of the HTCDS file:\n%s", out)
	}
	var got vrs.Incident
	if err := json.Unmarshal([]byte(strings.TrimSpace(must(t, "", dst.cmd("export", "--format", "jsonl")...))), &got); err != nil {
		t.Fatal(err)
	}
	want := roundTripIncidents(1, 2)[2]
	p, q := got.Persons[0], want.Persons[0]
	if got.Type != vrs.TypeTrafficking || got.Reference != want.Reference || p.Name != q.Name || p.Sex != q.Sex || *p.Age != *q.Age ||
		p.TraffickingStatus != q.TraffickingStatus || strings.Join(p.Exploitation, ",") != strings.Join(q.Exploitation, ",") ||
		strings.Join(p.ControlMethods, ",") != strings.Join(q.ControlMethods, ",") || p.Role != vrs.PersonVictim {
		t.Errorf("after HTCDS:\n got %+v\nwant %+v", got.Persons[0], want.Persons[0])
	}
}
