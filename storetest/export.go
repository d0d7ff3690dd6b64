package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"vrs"
	"vrs/store"
)

// exportWorld is the sharing world with records of Thailand and Viet Nam
// that reach Vietnamese users through an agreement (community and
// partners distributions), records that stay home (agency distribution,
// drafts), and the agreement itself, accepted.
func exportWorld(t *testing.T, db *store.DB) (*World, *vrs.SharingAgreement, []*vrs.Incident) {
	t.Helper()
	w := sharingWorld(t, db)
	var incs []*vrs.Incident
	th := func(ref string, dist vrs.Distribution, validate bool) {
		inc := Interception(w.Agencies["th-police"].ID, ref)
		inc.Distribution = dist
		if dist == vrs.DistPartners {
			inc.ShareCountries = []string{"VN"}
		}
		if validate {
			validated(t, db, w.Users["reporter"], w.Users["reviewer"], inc)
		} else if err := db.CreateIncident(As(w.Users["reporter"]), inc); err != nil {
			t.Fatal(err)
		}
		incs = append(incs, inc)
	}
	th("TH-EXP-1", vrs.DistCommunity, true)
	th("TH-EXP-2", vrs.DistCommunity, true)
	th("TH-EXP-3", vrs.DistPartners, true)
	th("TH-EXP-4", vrs.DistAgency, true)
	th("TH-EXP-5", vrs.DistCommunity, false)
	vn := vietnamese(w, "VN-EXP-1")
	vn.Distribution = vrs.DistCommunity
	incs = append(incs, validated(t, db, w.Users["vn-reporter"], w.Users["vn-reviewer"], vn))
	draft := vietnamese(w, "VN-EXP-2")
	if err := db.CreateIncident(As(w.Users["vn-reporter"]), draft); err != nil {
		t.Fatal(err)
	}
	incs = append(incs, draft)
	a := smuggling("2025-01-01")
	if err := db.ProposeAgreement(As(w.Users["focal_point"]), a); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DecideAgreement(As(w.Users["vn-focal_point"]), a.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	return w, a, incs
}

// exportAll collects what ExportIncidents streams.
func exportAll(t *testing.T, db *store.DB, ctx context.Context, f vrs.IncidentFilter) []*vrs.Incident {
	t.Helper()
	var out []*vrs.Incident
	if err := db.ExportIncidents(ctx, f, func(inc *vrs.Incident) error {
		out = append(out, inc)
		return nil
	}); err != nil {
		t.Fatalf("export: %v", err)
	}
	return out
}

// listedIDs pages through ListIncidents.
func listedIDs(t *testing.T, db *store.DB, ctx context.Context, f vrs.IncidentFilter) []int64 {
	t.Helper()
	var ids []int64
	f.Limit = 2
	for {
		page, err := db.ListIncidents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if page.Next == "" {
			slices.Sort(ids)
			return ids
		}
		f.After = page.Next
	}
}

func sameJSON(t *testing.T, got, want any) bool {
	t.Helper()
	g, err1 := json.Marshal(got)
	w, err2 := json.Marshal(want)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	return string(g) == string(w)
}

// testIncidentExport: an export streams exactly what the list shows the
// user, each record as FindIncident answers it (pseudonymised, foreign
// copies, the purpose rule), in id order across pages; it is audited once,
// plus a shared read per other country's record without any personal
// value; an agreement revoked during an export stops at the next page.
func testIncidentExport(t *testing.T, db *store.DB) {
	w, agreement, incs := exportWorld(t, db)
	defer store.SetExportPage(store.SetExportPage(3))
	vnAnalyst := As(w.Users["vn-analyst"])
	purpose := vrs.NewContextWithPurpose(vnAnalyst, "investigation")

	t.Run("SameAsList", func(t *testing.T) {
		ctxs := map[string]context.Context{"system": System(), "vn-analyst+purpose": purpose,
			"regional_analyst+purpose": vrs.NewContextWithPurpose(As(w.Users["regional_analyst"]), "analysis")}
		for name, u := range w.Users {
			ctxs[name] = As(u)
		}
		filters := map[string]vrs.IncidentFilter{
			"All":       {},
			"Validated": {Statuses: []vrs.IncidentStatus{vrs.StatusValidated}},
			"Thai":      {Country: "th", Nationality: "MM"},
			"Text":      {Text: "checkpoint"},
		}
		for name, ctx := range ctxs {
			for fname, f := range filters {
				got := exportAll(t, db, ctx, f)
				want := listedIDs(t, db, ctx, f)
				ids := make([]int64, len(got))
				for k, inc := range got {
					ids[k] = inc.ID
				}
				if !slices.Equal(ids, want) {
					t.Errorf("%s %s: export %v, list %v", name, fname, ids, want)
					continue
				}
				for _, inc := range got {
					found, err := db.FindIncident(ctx, inc.ID)
					if err != nil {
						t.Fatalf("%s finds %d: %v", name, inc.ID, err)
					}
					if !sameJSON(t, inc, found) {
						t.Errorf("%s %s: exported %s differs from FindIncident's", name, fname, inc.Reference)
					}
				}
			}
		}
		if n := len(exportAll(t, db, System(), vrs.IncidentFilter{})); n != len(incs) {
			t.Errorf("the installation exports %d of %d", n, len(incs))
		}
	})

	t.Run("Pseudonymised", func(t *testing.T) {
		for _, tc := range []struct {
			name    string
			ctx     context.Context
			gran    vrs.Granularity
			purpose bool
		}{
			{"ForeignWithoutPurpose", vnAnalyst, vrs.GranPseudonymised, true},
			{"ForeignWithPurpose", purpose, vrs.GranFull, false},
			{"Regional", As(w.Users["regional_analyst"]), vrs.GranPseudonymised, false},
		} {
			t.Run(tc.name, func(t *testing.T) {
				thai := 0
				for _, inc := range exportAll(t, db, tc.ctx, vrs.IncidentFilter{Country: "TH"}) {
					thai++
					if inc.Granularity != tc.gran || inc.PurposeRequired != tc.purpose {
						t.Errorf("%s: granularity %v purpose required %v", inc.Reference, inc.Granularity, inc.PurposeRequired)
					}
					if inc.ShareCountries != nil || inc.CreatedBy != 0 || inc.UpdatedName != "" {
						t.Errorf("%s: owner's fields in a foreign copy: %v %d %q", inc.Reference, inc.ShareCountries, inc.CreatedBy, inc.UpdatedName)
					}
					named := inc.Persons[0].Name == "Aung Min Thu"
					if named != (tc.gran == vrs.GranFull) {
						t.Errorf("%s: name %q at %v", inc.Reference, inc.Persons[0].Name, tc.gran)
					}
				}
				if thai == 0 {
					t.Error("no Thai record exported")
				}
			})
		}
	})

	t.Run("Audit", func(t *testing.T) {
		before := lastAudit(t, db).Seq
		got := exportAll(t, db, vnAnalyst, vrs.IncidentFilter{Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling}})
		foreign := 0
		for _, inc := range got {
			if inc.Country != "VN" {
				foreign++
			}
		}
		es, err := db.ListAudit(System(), vrs.AuditFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		exports, shared := 0, 0
		for _, e := range es {
			if e.Seq <= before {
				continue
			}
			switch e.Action {
			case vrs.ActIncidentExport:
				exports++
				if e.ActorName != "vn.analyst" || !strings.Contains(e.Detail, `"count":`+itoa(int64(len(got)))) ||
					!strings.Contains(e.Detail, `"types":["migrant_smuggling"]`) || !strings.Contains(e.Detail, `"complete":true`) {
					t.Errorf("export entry: %+v", e)
				}
			case vrs.ActIncidentReadShared:
				shared++
				if !strings.Contains(e.Detail, `"read":"`+vrs.ActIncidentExport+`"`) || e.Country != "TH" ||
					!strings.Contains(e.Detail, `"granularity":"pseudonymised"`) {
					t.Errorf("shared read entry: %+v", e)
				}
			default:
				t.Errorf("unexpected entry %s", e.Action)
			}
		}
		if exports != 1 || shared != foreign || foreign == 0 {
			t.Errorf("%d export entries, %d shared reads for %d foreign records", exports, shared, foreign)
		}
		// Words searched may be a name: the log keeps that there were some.
		exportAll(t, db, As(w.Users["reporter"]), vrs.IncidentFilter{Text: "Aung"})
		e := lastAudit(t, db)
		if e.Action != vrs.ActIncidentExport || !strings.Contains(e.Detail, `"text":true`) {
			t.Errorf("export with words: %+v", e)
		}
		for _, v := range append(personalValues, "Aung") {
			if strings.Contains(e.Detail, v) {
				t.Errorf("audit detail holds %q", v)
			}
		}
	})

	t.Run("StopsAtCallbackError", func(t *testing.T) {
		stop := errors.New("disk full")
		n := 0
		err := db.ExportIncidents(System(), vrs.IncidentFilter{}, func(*vrs.Incident) error {
			if n++; n == 2 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || n != 2 {
			t.Fatalf("err %v after %d records", err, n)
		}
		if e := lastAudit(t, db); e.Action != vrs.ActIncidentExport || !strings.Contains(e.Detail, `"complete":false`) ||
			!strings.Contains(e.Detail, `"count":1`) {
			t.Errorf("stopped export entry: %+v", e)
		}
	})

	t.Run("ErrUnauthorized", func(t *testing.T) {
		err := db.ExportIncidents(context.Background(), vrs.IncidentFilter{}, func(*vrs.Incident) error { return nil })
		wantCode(t, err, vrs.EUNAUTHORIZED)
	})

	t.Run("RevokedMidExport", func(t *testing.T) {
		defer store.SetExportPage(store.SetExportPage(1))
		var refs []string
		err := db.ExportIncidents(purpose, vrs.IncidentFilter{}, func(inc *vrs.Incident) error {
			refs = append(refs, inc.Reference)
			if len(refs) == 1 {
				if inc.Country != "TH" {
					t.Fatalf("first record %s is not Thai", inc.Reference)
				}
				if _, err := db.RevokeAgreement(As(w.Users["focal_point"]), agreement.ID, "Review of data protection."); err != nil {
					t.Fatal(err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"TH-EXP-1", "VN-EXP-1"} // an analyst reads no draft
		if !slices.Equal(refs, want) {
			t.Errorf("exported %v, want %v (nothing Thai after the revocation)", refs, want)
		}
	})
}
