package store_test

import (
	"context"
	"fmt"
	"testing"

	"vrs"
	"vrs/access"
	"vrs/store"
	"vrs/storetest"
)

// publicWorld is the fixed world with records of Thailand and Viet Nam of
// every distribution, validated or not; nobody publishes yet.
func publicWorld(t *testing.T, db *store.DB) (*storetest.World, []*vrs.Incident) {
	t.Helper()
	w := storetest.NewWorld(t, db)
	var incs []*vrs.Incident
	add := func(agency string, d vrs.Distribution, st vrs.IncidentStatus, detected string) {
		inc := storetest.Interception(w.Agencies[agency].ID, fmt.Sprintf("P-%d", len(incs)+1))
		inc.Distribution, inc.Status = d, st
		inc.OccurredOn, inc.DetectedOn, inc.ReportedOn = detected, detected, detected
		for i := range inc.Legs {
			inc.Legs[i].DepartedOn, inc.Legs[i].ArrivedOn = "", ""
		}
		if d == vrs.DistPartners {
			inc.ShareCountries = []string{"VN"}
			if agency == "vn-police" {
				inc.ShareCountries = []string{"TH"}
			}
		}
		if st == vrs.StatusReturned {
			inc.ReviewNote = "Add the route."
		}
		if agency == "vn-police" {
			inc.Place = vrs.Place{Country: "VN", Name: "Lao Cai", Kind: "border_crossing"}
			inc.Legs[1].Country, inc.Legs[1].Place = "VN", "Lao Cai"
		}
		incs = append(incs, inc)
	}
	for _, agency := range []string{"th-police", "th-immigration", "vn-police"} {
		for _, d := range vrs.Distributions {
			for _, st := range vrs.IncidentStatuses {
				add(agency, d, st, "2025-03-02")
			}
		}
		add(agency, vrs.DistCommunity, vrs.StatusValidated, "2024-07-01")
		add(agency, vrs.DistStatistics, vrs.StatusValidated, "2023-01-15")
	}
	if err := db.BulkCreateIncidents(storetest.System(), incs); err != nil {
		t.Fatalf("records: %v %v", err, vrs.AsError(err).Fields)
	}
	return w, incs
}

// expectedPublic counts, by the reference rule, the incidents and persons
// of each country and year that the public page may count.
func expectedPublic(incs []*vrs.Incident, published map[string]bool) (byCountry, byYear map[string]float64, persons float64) {
	byCountry, byYear = map[string]float64{}, map[string]float64{}
	for _, inc := range incs {
		if access.PublicIncident(published, access.RefOf(inc)) == access.None {
			continue
		}
		byCountry[inc.Country]++
		byYear[inc.DetectedOn[:4]]++
		persons += float64(len(inc.Persons))
	}
	return byCountry, byYear, persons
}

func cellMap(cs []vrs.StatCell) map[string]float64 {
	m := map[string]float64{}
	for _, c := range cs {
		m[c.Keys[0]] = c.Value
	}
	return m
}

func TestStatsPublic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, incs := publicWorld(t, db)
		// No user at all: the public page has none.
		anon := context.Background()
		byCountry := vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: []vrs.StatDimension{vrs.DimCountry}}
		byYear := vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: []vrs.StatDimension{vrs.DimYear}}
		persons := vrs.StatQuery{Measure: vrs.MeasurePersons}
		check := func(t *testing.T, published map[string]bool) {
			t.Helper()
			wantCountry, wantYear, wantPersons := expectedPublic(incs, published)
			// The cube and the records themselves, both held to the rule.
			for name, stats := range map[string]func(context.Context, vrs.StatQuery) (*vrs.StatResult, error){
				"cube": db.StatsPublic, "raw": db.StatsPublicRaw} {
				for _, tc := range []struct {
					q    vrs.StatQuery
					want map[string]float64
				}{{byCountry, wantCountry}, {byYear, wantYear}} {
					res, err := stats(anon, tc.q)
					if err != nil {
						t.Fatal(err)
					}
					if got := cellMap(res.Cells); fmt.Sprint(got) != fmt.Sprint(tc.want) {
						t.Errorf("%s by %s: cells %v, want %v", name, tc.q.Rows[0], got, tc.want)
					}
				}
				res, err := stats(anon, persons)
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != wantPersons {
					t.Errorf("%s: persons %v, want %v", name, res.Total, wantPersons)
				}
			}
		}
		publish := func(t *testing.T, key, country string, p vrs.CountryPublishing) {
			t.Helper()
			if err := db.SetCountryPublishing(storetest.As(w.Users[key]), country, p); err != nil {
				t.Fatalf("%s publishes %s: %v", key, country, err)
			}
		}

		t.Run("NobodyPublishes", func(t *testing.T) {
			res, err := db.StatsPublic(anon, byCountry)
			if err != nil || res.Total != 0 || len(res.Cells) != 0 {
				t.Fatalf("%+v %v", res, err)
			}
		})
		t.Run("ThailandPublishes", func(t *testing.T) {
			publish(t, "focal_point", "TH", vrs.CountryPublishing{Publish: true})
			// Validated community and statistics records of both Thai
			// agencies, in 2025 and the years before: eight.
			want := map[string]float64{"TH": 8}
			if got, _, _ := expectedPublic(incs, map[string]bool{"TH": true}); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("the world changed: reference %v", got)
			}
			check(t, map[string]bool{"TH": true})
		})
		t.Run("BothPublish", func(t *testing.T) {
			publish(t, "vn-focal_point", "VN", vrs.CountryPublishing{Publish: true, MinCell: 10})
			check(t, map[string]bool{"TH": true, "VN": true})
		})
		t.Run("UnpublishingRemovesAtOnce", func(t *testing.T) {
			publish(t, "focal_point", "TH", vrs.CountryPublishing{})
			check(t, map[string]bool{"VN": true})
			res, err := db.StatsPublic(anon, byCountry)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := cellMap(res.Cells)["TH"]; ok {
				t.Errorf("Thailand still counted: %v", res.Cells)
			}
		})
		t.Run("Countries", func(t *testing.T) {
			vn, err := db.FindCountry(anon, "VN")
			if err != nil || !vn.PublishStats || vn.StatsMinCell != 10 {
				t.Errorf("VN = %+v %v", vn, err)
			}
			th, err := db.FindCountry(anon, "TH")
			if err != nil || th.PublishStats || th.StatsMinCell != 0 {
				t.Errorf("TH = %+v %v", th, err)
			}
			list, err := db.ListCountries(anon, vrs.CountryFilter{PublishingOnly: true})
			if err != nil || len(list) != 1 || list[0].Alpha2 != "VN" {
				t.Errorf("publishing countries %v %v", list, err)
			}
		})
		t.Run("Audited", func(t *testing.T) {
			es, err := db.ListAudit(storetest.System(), vrs.AuditFilter{Action: vrs.ActCountryPublish})
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 3 || es[0].ObjectID != "TH" || es[0].ActorName != w.Users["focal_point"].Name || es[0].Country != "TH" {
				t.Errorf("audit %d entries, newest %+v", len(es), es[0])
			}
		})
		t.Run("WhoDecides", func(t *testing.T) {
			for _, tc := range []struct {
				name, user, country string
				p                   vrs.CountryPublishing
				code                string
			}{
				{"OtherCountry", "vn-focal_point", "TH", vrs.CountryPublishing{Publish: true}, vrs.EFORBIDDEN},
				{"Administrator", "admin", "TH", vrs.CountryPublishing{Publish: true}, vrs.EFORBIDDEN},
				{"Analyst", "analyst", "TH", vrs.CountryPublishing{Publish: true}, vrs.EFORBIDDEN},
				{"ThresholdNotAChoice", "focal_point", "TH", vrs.CountryPublishing{Publish: true, MinCell: 3}, vrs.EINVALID},
			} {
				t.Run(tc.name, func(t *testing.T) {
					err := db.SetCountryPublishing(storetest.As(w.Users[tc.user]), tc.country, tc.p)
					if vrs.ErrorCode(err) != tc.code {
						t.Errorf("err = %v, want %s", err, tc.code)
					}
				})
			}
			if err := db.SetCountryPublishing(anon, "TH", vrs.CountryPublishing{Publish: true}); vrs.ErrorCode(err) != vrs.EUNAUTHORIZED {
				t.Errorf("anonymous: %v", err)
			}
			if err := db.SetCountryPublishing(storetest.System(), "XX", vrs.CountryPublishing{Publish: true}); vrs.ErrorCode(err) != vrs.ENOTFOUND {
				t.Errorf("unknown country: %v", err)
			}
			if th, _ := db.FindCountry(anon, "TH"); th.PublishStats {
				t.Error("a refused choice was recorded")
			}
		})
		t.Run("PublicQueriesOnly", func(t *testing.T) {
			for _, q := range []vrs.StatQuery{
				{Measure: vrs.MeasureIncidents, Rows: []vrs.StatDimension{vrs.DimAgency}},
				{Measure: vrs.MeasureIncidents, Rows: []vrs.StatDimension{vrs.DimDay}},
				{Measure: vrs.MeasureIncidents, Filters: map[vrs.StatDimension][]string{vrs.DimStatus: {"draft"}}},
				{Measure: vrs.MeasureFeesCount},
				{Measure: vrs.MeasureIncidents, From: "2025-03-02"},
				{Measure: "cats"},
			} {
				if _, err := db.StatsPublic(anon, q); vrs.ErrorCode(err) != vrs.EINVALID {
					t.Errorf("%+v: %v", q, err)
				}
			}
		})
	})
}
