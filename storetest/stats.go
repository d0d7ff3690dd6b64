package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"vrs"
	"vrs/access"
	"vrs/refdata"
	"vrs/store"
)

// statsWorld is the sharing world plus ten records of every type, status
// and distribution, with persons, counts, legs, documents and payments,
// and an agreement by which Thailand shares smuggling and irregular
// migration records detected from 2025 with Viet Nam at aggregate
// granularity. The expected tables of testStats are counted by hand from
// these records.
func statsWorld(t *testing.T, db *store.DB) (*World, []*vrs.Incident, *access.Sharing) {
	t.Helper()
	w := sharingWorld(t, db)
	for _, c := range []string{"TH", "VN"} {
		if err := db.SetCountryMember(System(), c, true); err != nil {
			t.Fatal(err)
		}
	}
	thPolice, thImm, vnPolice := w.Agencies["th-police"].ID, w.Agencies["th-immigration"].ID, w.Agencies["vn-police"].ID
	rec := func(agency int64, ref string, typ vrs.IncidentType, st vrs.IncidentStatus, dist vrs.Distribution, detected string) *vrs.Incident {
		inc := Interception(agency, ref)
		inc.Type, inc.Status, inc.Distribution = typ, st, dist
		inc.OccurredOn, inc.DetectedOn, inc.ReportedOn = detected, detected, detected
		if agency == vnPolice {
			inc.Place = vrs.Place{Country: "VN", Name: "Lao Cai", Kind: "border_crossing"}
			inc.Legs[1].Country, inc.Legs[1].Place = "VN", "Lao Cai"
		}
		if st == vrs.StatusReturned {
			inc.ReviewNote = "Add the route."
		}
		return inc
	}
	leg := func(c, role, mode string) vrs.RouteLeg { return vrs.RouteLeg{Country: c, Role: role, Mode: mode} }
	fee := func(payer string, amount float64, cur, purpose string) vrs.Transaction {
		return vrs.Transaction{PayerKey: payer, Amount: amount, Currency: cur, Method: "cash", Purpose: purpose}
	}
	count := func(role, nat, sex, ag, status string, n int) vrs.AggregateCount {
		return vrs.AggregateCount{Role: role, Nationality: nat, Sex: sex, AgeGroup: ag, Status: status, Count: n}
	}

	i1 := rec(thPolice, "S-TH-1", vrs.TypeMigrantSmuggling, vrs.StatusValidated, vrs.DistCountry, "2025-03-02")

	i2 := rec(thPolice, "T-TH-1", vrs.TypeTrafficking, vrs.StatusValidated, vrs.DistCommunity, "2025-04-10")
	i2.OffenceCodes = []string{"02041"}
	i2.Persons = []vrs.Person{
		{Role: "victim", Sex: "female", Age: ptr(16), Nationalities: []string{"MM", "LA"}, Status: "rescued",
			Exploitation: []string{"sexual_exploitation", "forced_labour"}},
		{Role: "victim", Sex: "male", Age: ptr(30), Nationalities: []string{"KH"}, Status: "deceased", Exploitation: []string{"forced_labour"}},
	}
	i2.Counts = []vrs.AggregateCount{count("victim", "MM", "female", "18-24", "rescued", 5)}
	i2.Legs = []vrs.RouteLeg{leg("LA", "origin", "bus"), leg("MM", "transit", "bus"), leg("TH", "destination", "truck")}
	i2.Transactions = []vrs.Transaction{fee("p1", 500, "USD", "recruitment_fee"), fee("p1", 200, "USD", "debt_repayment")}

	i3 := rec(thImm, "M-TH-1", vrs.TypeIrregularMigration, vrs.StatusValidated, vrs.DistStatistics, "2025-04-20")
	i3.Persons, i3.Transactions, i3.OffenceCodes = nil, nil, nil
	i3.Counts = []vrs.AggregateCount{count("migrant", "KH", "male", "25-34", "intercepted", 10), count("migrant", "KH", "female", "", "missing", 3)}
	i3.Legs = []vrs.RouteLeg{leg("KH", "origin", "boat"), leg("TH", "destination", "boat")}

	i4 := rec(thPolice, "D-TH-1", vrs.TypeDocumentFraud, vrs.StatusDraft, vrs.DistCountry, "2025-05-05")
	i4.Persons = []vrs.Person{{Role: "migrant", Sex: "male", Age: ptr(40), Nationalities: []string{"VN"}, Status: "detected"}}
	i4.Documents = []vrs.Document{{Type: "passport", FraudType: "counterfeit", HolderKey: "p1"}, {Type: "visa", FraudType: "forged", HolderKey: "p1"}}
	i4.Legs = []vrs.RouteLeg{leg("VN", "origin", "air"), leg("TH", "destination", "air")}
	i4.Transactions, i4.OffenceCodes = nil, nil

	i5 := rec(vnPolice, "S-VN-1", vrs.TypeMigrantSmuggling, vrs.StatusValidated, vrs.DistCommunity, "2025-03-15")

	i6 := rec(vnPolice, "T-VN-1", vrs.TypeTrafficking, vrs.StatusValidated, vrs.DistAgency, "2025-06-01")
	i6.Persons = []vrs.Person{{Role: "victim", Sex: "female", Age: ptr(22), Nationalities: []string{"VN"}, Status: "rescued",
		Exploitation: []string{"sexual_exploitation"}}}
	i6.Legs, i6.Transactions, i6.OffenceCodes = nil, nil, []string{"02041"}

	i7 := rec(vnPolice, "S-VN-2", vrs.TypeMigrantSmuggling, vrs.StatusValidated, vrs.DistStatistics, "2024-12-30")
	i7.Persons = nil
	i7.Counts = []vrs.AggregateCount{count("migrant", "AF", "male", "25-34", "", 4)}
	i7.Legs = []vrs.RouteLeg{leg("AF", "origin", "air"), leg("TH", "transit", "air"), leg("VN", "destination", "air")}
	i7.Transactions = []vrs.Transaction{fee("", 3000, "USD", "smuggling_fee")}

	i8 := rec(thImm, "R-TH-1", vrs.TypeRelatedConduct, vrs.StatusSubmitted, vrs.DistCountry, "2025-03-20")
	i8.Persons = []vrs.Person{{Role: "suspect", Sex: "female", Age: ptr(45), Nationalities: []string{"TH"}}}
	i8.Transactions = nil

	i9 := rec(thPolice, "S-TH-2", vrs.TypeMigrantSmuggling, vrs.StatusValidated, vrs.DistCommunity, "2024-11-01")
	i9.Persons, i9.Transactions = nil, nil
	i9.Counts = []vrs.AggregateCount{count("migrant", "MM", "male", "12-17", "", 2)}
	i9.Legs = []vrs.RouteLeg{leg("MM", "origin", "boat"), leg("TH", "destination", "boat")}

	i10 := rec(thPolice, "S-TH-3", vrs.TypeMigrantSmuggling, vrs.StatusValidated, vrs.DistCommunity, "2025-02-01")
	i10.Persons = []vrs.Person{{Role: "migrant", Sex: "female", Age: ptr(30), Nationalities: []string{"LA"}}}
	i10.Counts = []vrs.AggregateCount{count("migrant", "LA", "male", "25-34", "", 6)}
	i10.Legs = []vrs.RouteLeg{leg("LA", "origin", "car"), leg("MM", "transit", "car"), leg("TH", "destination", "car")}
	i10.Transactions = []vrs.Transaction{fee("p1", 1000, "USD", "smuggling_fee"), fee("", 20000, "THB", "smuggling_fee")}

	incs := []*vrs.Incident{i1, i2, i3, i4, i5, i6, i7, i8, i9, i10}
	if err := db.BulkCreateIncidents(System(), incs); err != nil {
		t.Fatalf("bulk: %v %v", err, vrs.AsError(err).Fields)
	}

	a := &vrs.SharingAgreement{Partner: "VN", Types: []vrs.IncidentType{vrs.TypeMigrantSmuggling, vrs.TypeIrregularMigration},
		Granularity: vrs.GranAggregate, DataFrom: "2025-01-01"}
	if err := db.ProposeAgreement(As(w.Users["focal_point"]), a); err != nil {
		t.Fatal(err)
	}
	a, err := db.DecideAgreement(As(w.Users["vn-focal_point"]), a.ID, true, "")
	if err != nil {
		t.Fatal(err)
	}
	// The reference rule's view of the same world.
	sh := &access.Sharing{Today: time.Now().UTC().Format(time.DateOnly), Contributors: map[string]bool{}, Members: map[string]bool{},
		Reciprocity: vrs.SettingValue(nil, vrs.SettingReciprocity) == "on", Agreements: []*vrs.SharingAgreement{a}}
	members, err := db.ListCountries(System(), vrs.CountryFilter{MembersOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range members {
		sh.Members[c.Alpha2] = true
	}
	for _, inc := range incs {
		if inc.Status == vrs.StatusValidated && access.Contributes(inc.Distribution) {
			sh.Contributors[inc.Country] = true
		}
	}
	return w, incs, sh
}

// cells is a table written by hand: "key|key" -> value.
type cells map[string]float64

func asCells(cs []vrs.StatCell) cells {
	m := cells{}
	for _, c := range cs {
		m[strings.Join(c.Keys, "|")] = c.Value
	}
	return m
}

func testStats(t *testing.T, db *store.DB) {
	w, incs, sh := statsWorld(t, db)
	type D = []vrs.StatDimension
	type F = map[vrs.StatDimension][]string
	sys := System()
	cases := []struct {
		name       string
		user       string // "" is the installation
		q          vrs.StatQuery
		want       cells
		total      float64
		rows, cols cells // checked when not nil
	}{
		{"IncidentsByType", "", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimType}},
			cells{"irregular_migration": 1, "migrant_smuggling": 5, "trafficking_in_persons": 2, "document_fraud": 1, "related_conduct": 1}, 10, nil, nil},
		{"IncidentsByTypeValidated", "", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimType}, Filters: F{vrs.DimStatus: {"validated"}}},
			cells{"irregular_migration": 1, "migrant_smuggling": 5, "trafficking_in_persons": 2}, 8, nil, nil},
		// A person of two nationalities counts under each: the female
		// column adds up to 15, but 14 women were counted.
		{"PersonsByNationalitySex", "", vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: D{vrs.DimNationality}, Cols: D{vrs.DimSex}},
			cells{"AF|male": 4, "KH|female": 3, "KH|male": 11, "LA|female": 2, "LA|male": 6, "MM|female": 8, "MM|male": 4,
				"TH|female": 1, "TH|male": 2, "VN|female": 1, "VN|male": 1}, 42,
			cells{"AF": 4, "KH": 14, "LA": 8, "MM": 12, "TH": 3, "VN": 2}, cells{"female": 14, "male": 28}},
		{"VictimsByExploitation", "", vrs.StatQuery{Measure: vrs.MeasureVictims, Rows: D{vrs.DimExploitation}},
			cells{"": 5, "forced_labour": 2, "sexual_exploitation": 2}, 8, nil, nil},
		{"IncidentsByOriginMonth", "", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimOrigin}, Cols: D{vrs.DimMonth}},
			cells{"AF|2024-12": 1, "KH|2025-04": 1, "LA|2025-02": 1, "LA|2025-04": 1, "MM|2024-11": 1, "MM|2025-03": 3, "VN|2025-05": 1, "|2025-06": 1}, 10,
			cells{"": 1, "AF": 1, "KH": 1, "LA": 2, "MM": 4, "VN": 1}, nil},
		{"IncidentsByTransit", "", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimTransit}},
			cells{"": 7, "MM": 2, "TH": 1}, 10, nil, nil},
		{"FeesSumByCurrency", "", vrs.StatQuery{Measure: vrs.MeasureFeesSum, Cols: D{vrs.DimCurrency}},
			cells{"THB": 110000, "USD": 4500}, 114500, nil, cells{"THB": 110000, "USD": 4500}},
		{"FeesSumOneCurrencyByOrigin", "", vrs.StatQuery{Measure: vrs.MeasureFeesSum, Rows: D{vrs.DimOrigin}, Filters: F{vrs.DimCurrency: {"USD"}}},
			cells{"AF": 3000, "LA": 1500}, 4500, nil, nil},
		// Quantiles interpolate between ranks: USD fees 500, 1000, 3000;
		// THB 20000, 45000, 45000. The total mixes currencies, as a sum's.
		{"FeesMedianByCurrency", "", vrs.StatQuery{Measure: vrs.MeasureFeesMedian, Cols: D{vrs.DimCurrency}},
			cells{"THB": 45000, "USD": 1000}, 11500, nil, cells{"THB": 45000, "USD": 1000}},
		{"FeesQ1OneCurrency", "", vrs.StatQuery{Measure: vrs.MeasureFeesQ1, Filters: F{vrs.DimCurrency: {"USD"}}}, cells{"": 750}, 750, nil, nil},
		{"FeesQ3OneCurrency", "", vrs.StatQuery{Measure: vrs.MeasureFeesQ3, Filters: F{vrs.DimCurrency: {"USD"}}}, cells{"": 2000}, 2000, nil, nil},
		// A fee takes the payer's nationalities; one without a payer "".
		{"FeesCountByPayerNationality", "", vrs.StatQuery{Measure: vrs.MeasureFeesCount, Rows: D{vrs.DimNationality}},
			cells{"": 2, "LA": 2, "MM": 3}, 6, nil, nil},
		{"PersonsBySexOfMyanmar", "", vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: D{vrs.DimSex}, Filters: F{vrs.DimNationality: {"MM"}}},
			cells{"female": 8, "male": 4}, 12, nil, nil},
		// Filtering a grouped dimension shows only the values filtered.
		{"PersonsByNationalityFiltered", "", vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: D{vrs.DimNationality}, Filters: F{vrs.DimNationality: {"MM", "KH"}}},
			cells{"KH": 14, "MM": 12}, 26, nil, nil},
		{"IncidentsWithMyanmarPersons", "", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimType}, Filters: F{vrs.DimNationality: {"MM"}}},
			cells{"migrant_smuggling": 3, "trafficking_in_persons": 1}, 4, nil, nil},
		{"IncidentsByNationality", "", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimNationality}},
			cells{"AF": 1, "KH": 2, "LA": 2, "MM": 4, "TH": 3, "VN": 2}, 10, nil, nil},
		// Combinations of person keys are taken within one person.
		{"IncidentsByNationalitySex", "", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimNationality, vrs.DimSex}},
			cells{"MM|male": 3, "MM|female": 3, "TH|male": 2, "LA|female": 2, "KH|male": 2, "KH|female": 1, "VN|male": 1, "VN|female": 1,
				"AF|male": 1, "TH|female": 1, "LA|male": 1}, 10, nil, nil},
		{"IncidentsWithCambodianWoman", "", vrs.StatQuery{Measure: vrs.MeasureIncidents, Filters: F{vrs.DimNationality: {"KH"}, vrs.DimSex: {"female"}}},
			cells{"": 1}, 1, nil, nil},
		// T-TH-1 counts under "" too: its row of counts records no form.
		{"IncidentsByExploitation", "", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimExploitation}},
			cells{"": 9, "forced_labour": 1, "sexual_exploitation": 2}, 10, nil, nil},
		{"PersonsByRoleInPeriod", "", vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: D{vrs.DimRole}, From: "2025-03-01", To: "2025-04-15"},
			cells{"migrant": 4, "suspect": 3, "victim": 7}, 14, nil, nil},
		{"IncidentsInQuarter", "", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimYear}, Filters: F{vrs.DimQuarter: {"2025-Q1"}}},
			cells{"2025": 4}, 4, nil, nil},
		{"DeadMissing", "", vrs.StatQuery{Measure: vrs.MeasureDeadMissing, Rows: D{vrs.DimPersonStatus}},
			cells{"deceased": 1, "missing": 3}, 4, nil, nil},
		{"DocumentsFraud", "", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimDocument}, Cols: D{vrs.DimFraud}, Filters: F{vrs.DimType: {"document_fraud"}}},
			cells{"passport|counterfeit": 1, "passport|forged": 1, "visa|counterfeit": 1, "visa|forged": 1}, 1, cells{"passport": 1, "visa": 1}, nil},
		// Viet Nam's analyst counts Viet Nam's records and, through the
		// agreement, Thailand's smuggling and irregular migration from
		// 2025 distributed beyond Thailand (S-TH-3, and M-TH-1 though it
		// is for statistics only), nothing else.
		{"ForeignAnalyst", "vn-analyst", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimCountry}, Cols: D{vrs.DimType}},
			cells{"TH|irregular_migration": 1, "TH|migrant_smuggling": 1, "VN|migrant_smuggling": 2, "VN|trafficking_in_persons": 1}, 5, nil, nil},
		{"ForeignAnalystPersons", "vn-analyst", vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: D{vrs.DimNationality}},
			cells{"KH": 13, "MM": 2, "TH": 1, "VN": 1, "AF": 4, "LA": 7}, 28, nil, nil},
	}
	// The raw tables and the cube answer alike.
	impls := []struct {
		name string
		run  func(context.Context, vrs.StatQuery) (*vrs.StatResult, error)
	}{{"Raw", db.StatsRaw}, {"Cube", db.Stats}}
	for _, tc := range cases {
		for _, impl := range impls {
			t.Run(tc.name+impl.name, func(t *testing.T) {
				ctx := sys
				if tc.user != "" {
					ctx = As(w.Users[tc.user])
				}
				r, err := impl.run(ctx, tc.q)
				if err != nil {
					t.Fatalf("%s: %v %v", impl.name, err, vrs.AsError(err).Fields)
				}
				want := tc.want
				if got := asCells(r.Cells); !maps.Equal(got, want) {
					t.Errorf("cells = %v\nwant    %v", got, want)
				}
				if r.Total != tc.total {
					t.Errorf("total = %v, want %v", r.Total, tc.total)
				}
				if got := asCells(r.RowTotals); tc.rows != nil && !maps.Equal(got, tc.rows) {
					t.Errorf("row totals = %v, want %v", got, tc.rows)
				}
				if got := asCells(r.ColTotals); tc.cols != nil && !maps.Equal(got, tc.cols) {
					t.Errorf("column totals = %v, want %v", got, tc.cols)
				}
			})
		}
	}

	// Every user counts exactly the records the reference rule lets them
	// count at aggregate or finer: agency, type and day of detection tell
	// the ten records apart, so the cells name the records counted.
	t.Run("AccessRule", func(t *testing.T) {
		q := vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimAgency, vrs.DimType}, Cols: D{vrs.DimDay}}
		seen := 0
		for name, u := range w.Users {
			t.Run(name, func(t *testing.T) {
				want := cells{}
				for _, inc := range incs {
					if access.ReadIncident(u, sh, access.RefOf(inc)) >= access.Aggregate {
						want[fmt.Sprintf("%d|%s|%s", inc.AgencyID, inc.Type, inc.DetectedOn)] = 1
					}
				}
				seen += len(want)
				for _, impl := range impls {
					r, err := impl.run(As(u), q)
					if err != nil {
						t.Fatal(err)
					}
					if got := asCells(r.Cells); !maps.Equal(got, want) || r.Total != float64(len(want)) {
						t.Errorf("%s counted %v (total %v), the reference rule allows %v", impl.name, got, r.Total, want)
					}
				}
			})
		}
		if seen == 0 {
			t.Fatal("no user counts anything: the check proves nothing")
		}
	})

	t.Run("VisibleSetOfForeignAnalyst", func(t *testing.T) {
		var refs []string
		for _, inc := range incs {
			if access.ReadIncident(w.Users["vn-analyst"], sh, access.RefOf(inc)) >= access.Aggregate {
				refs = append(refs, inc.Reference)
			}
		}
		slices.Sort(refs)
		if want := []string{"M-TH-1", "S-TH-3", "S-VN-1", "S-VN-2", "T-VN-1"}; !slices.Equal(refs, want) {
			t.Fatalf("reference rule gives %v, the hand-counted tables assume %v", refs, want)
		}
	})

	// US dollars at the rate of the year paid: the THB fees were paid in
	// 2025 (their detection year, no date of their own).
	t.Run("FeesInUSD", func(t *testing.T) {
		rate, year, ok := refdata.USDRate("THB", 2025)
		if !ok || year != 2025 {
			t.Fatalf("no THB rate for 2025: %v %v", year, ok)
		}
		for _, impl := range impls {
			r, err := impl.run(sys, vrs.StatQuery{Measure: vrs.MeasureFeesSumUSD, Rows: D{vrs.DimCurrency}})
			if err != nil {
				t.Fatal(err)
			}
			want := cells{"THB": 110000 / rate, "USD": 4500}
			if got := asCells(r.Cells); !maps.EqualFunc(got, want, near) || !near(r.Total, 4500+110000/rate) {
				t.Errorf("%s: %v (total %v), want %v", impl.name, got, r.Total, want)
			}
			r, err = impl.run(sys, vrs.StatQuery{Measure: vrs.MeasureFeesMedianUSD})
			if err != nil {
				t.Fatal(err)
			}
			all := []float64{500, 1000, 3000, 20000 / rate, 45000 / rate, 45000 / rate}
			if want := vrs.QuantileOf(all, 0.5); !near(r.Total, want) {
				t.Errorf("%s: median %v, want %v", impl.name, r.Total, want)
			}
		}
	})

	for _, impl := range impls {
		t.Run("ErrInvalid"+impl.name, func(t *testing.T) {
			_, err := impl.run(sys, vrs.StatQuery{Measure: "median"})
			wantField(t, err, "measure", "field.stats_measure_unknown")
		})
		t.Run("ErrUnauthorized"+impl.name, func(t *testing.T) {
			_, err := impl.run(t.Context(), vrs.StatQuery{Measure: vrs.MeasureIncidents})
			wantCode(t, err, vrs.EUNAUTHORIZED)
		})
	}
}
