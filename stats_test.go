package vrs_test

import (
	"maps"
	"strings"
	"testing"

	"vrs"
	"vrs/refdata"
)

func TestStatQueryValidate(t *testing.T) {
	type F = map[vrs.StatDimension][]string
	type D = []vrs.StatDimension
	many := make([]string, vrs.MaxStatFilterValues+1)
	for i := range many {
		many[i] = "TH"
	}
	cases := []struct {
		name string
		q    vrs.StatQuery
		want map[string]string // field -> key; nil: valid
	}{
		{"OK", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimType}}, nil},
		{"OKNoDimension", vrs.StatQuery{Measure: vrs.MeasurePersons}, nil},
		{"OKThree", vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: D{vrs.DimNationality, vrs.DimSex}, Cols: D{vrs.DimYear}}, nil},
		{"OKFilters", vrs.StatQuery{Measure: vrs.MeasureVictims, Rows: D{vrs.DimExploitation}, From: "2025-01-01", To: "2025-01-01",
			Filters: F{vrs.DimNationality: {"MM", ""}, vrs.DimMonth: {"2025-03"}, vrs.DimQuarter: {"2025-Q4"}, vrs.DimYear: {"2025"},
				vrs.DimDay: {"2024-02-29"}, vrs.DimAgency: {"12"}, vrs.DimOffence: {"0204"}, vrs.DimStatus: {"validated"}}}, nil},
		{"OKFeesSumByCurrency", vrs.StatQuery{Measure: vrs.MeasureFeesSum, Cols: D{vrs.DimCurrency}}, nil},
		{"OKFeesSumOneCurrency", vrs.StatQuery{Measure: vrs.MeasureFeesSum, Rows: D{vrs.DimOrigin}, Filters: F{vrs.DimCurrency: {"THB"}}}, nil},
		{"OKIncidentsByCurrency", vrs.StatQuery{Measure: vrs.MeasureIncidents, Rows: D{vrs.DimCurrency}}, nil},

		{"ErrMeasureRequired", vrs.StatQuery{}, map[string]string{"measure": "field.stats_measure_required"}},
		{"ErrMeasureUnknown", vrs.StatQuery{Measure: "median_fee"}, map[string]string{"measure": "field.stats_measure_unknown"}},
		{"ErrDimensionUnknown", vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: D{vrs.DimSex}, Cols: D{"eye_colour"}},
			map[string]string{"cols[0]": "field.stats_dimension_unknown"}},
		{"ErrDimensionRepeated", vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: D{vrs.DimSex}, Cols: D{vrs.DimSex}},
			map[string]string{"cols[0]": "field.stats_dimension_repeated"}},
		{"ErrDimensionRepeatedInRows", vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: D{vrs.DimYear, vrs.DimYear}},
			map[string]string{"rows[1]": "field.stats_dimension_repeated"}},
		{"ErrTooManyDimensions", vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: D{vrs.DimSex, vrs.DimYear}, Cols: D{vrs.DimType, vrs.DimRole}},
			map[string]string{"rows": "field.stats_too_many_dimensions"}},
		{"ErrCurrencyForPersons", vrs.StatQuery{Measure: vrs.MeasureVictims, Rows: D{vrs.DimCurrency}},
			map[string]string{"rows[0]": "field.stats_dimension_not_for_measure"}},
		{"ErrCurrencyFilterForPersons", vrs.StatQuery{Measure: vrs.MeasurePersons, Filters: F{vrs.DimCurrency: {"THB"}}},
			map[string]string{"filters.currency": "field.stats_dimension_not_for_measure"}},
		{"ErrFilterDimensionUnknown", vrs.StatQuery{Measure: vrs.MeasurePersons, Filters: F{"colour": {"red"}}},
			map[string]string{"filters.colour": "field.stats_dimension_unknown"}},
		{"ErrFilterEmpty", vrs.StatQuery{Measure: vrs.MeasurePersons, Filters: F{vrs.DimSex: {}}},
			map[string]string{"filters.sex": "field.stats_filter_empty"}},
		{"ErrFilterTooMany", vrs.StatQuery{Measure: vrs.MeasurePersons, Filters: F{vrs.DimNationality: many}},
			map[string]string{"filters.nationality": "field.stats_filter_too_many"}},
		{"ErrFilterNotACountry", vrs.StatQuery{Measure: vrs.MeasurePersons, Filters: F{vrs.DimNationality: {"MM", "XX"}}},
			map[string]string{"filters.nationality": "field.stats_filter_value_unknown"}},
		{"ErrFilterLowerCaseCountry", vrs.StatQuery{Measure: vrs.MeasurePersons, Filters: F{vrs.DimOrigin: {"mm"}}},
			map[string]string{"filters.origin_country": "field.stats_filter_value_unknown"}},
		{"ErrFilterNotASex", vrs.StatQuery{Measure: vrs.MeasurePersons, Filters: F{vrs.DimSex: {"F"}}},
			map[string]string{"filters.sex": "field.stats_filter_value_unknown"}},
		{"ErrFilterNotAnExploitation", vrs.StatQuery{Measure: vrs.MeasurePersons, Filters: F{vrs.DimExploitation: {"sex"}}},
			map[string]string{"filters.exploitation_form": "field.stats_filter_value_unknown"}},
		{"ErrFilterNotAType", vrs.StatQuery{Measure: vrs.MeasureIncidents, Filters: F{vrs.DimType: {"smuggling"}}},
			map[string]string{"filters.incident_type": "field.stats_filter_value_unknown"}},
		{"ErrFilterMonth13", vrs.StatQuery{Measure: vrs.MeasureIncidents, Filters: F{vrs.DimMonth: {"2025-13"}}},
			map[string]string{"filters.period.month": "field.stats_filter_value_unknown"}},
		{"ErrFilterMonthAsDay", vrs.StatQuery{Measure: vrs.MeasureIncidents, Filters: F{vrs.DimMonth: {"2025-03-01"}}},
			map[string]string{"filters.period.month": "field.stats_filter_value_unknown"}},
		{"ErrFilterQuarter5", vrs.StatQuery{Measure: vrs.MeasureIncidents, Filters: F{vrs.DimQuarter: {"2025-Q5"}}},
			map[string]string{"filters.period.quarter": "field.stats_filter_value_unknown"}},
		{"ErrFilterYearFar", vrs.StatQuery{Measure: vrs.MeasureIncidents, Filters: F{vrs.DimYear: {"9999"}}},
			map[string]string{"filters.period.year": "field.stats_filter_value_unknown"}},
		{"ErrFilterDayFeb30", vrs.StatQuery{Measure: vrs.MeasureIncidents, Filters: F{vrs.DimDay: {"2025-02-30"}}},
			map[string]string{"filters.period.day": "field.stats_filter_value_unknown"}},
		{"ErrFilterAgencyNotANumber", vrs.StatQuery{Measure: vrs.MeasureIncidents, Filters: F{vrs.DimAgency: {"police"}}},
			map[string]string{"filters.agency": "field.stats_filter_value_unknown"}},
		{"ErrFilterAgencyZero", vrs.StatQuery{Measure: vrs.MeasureIncidents, Filters: F{vrs.DimAgency: {"007"}}},
			map[string]string{"filters.agency": "field.stats_filter_value_unknown"}},
		{"ErrFeesSumNoCurrency", vrs.StatQuery{Measure: vrs.MeasureFeesSum, Rows: D{vrs.DimOrigin}},
			map[string]string{"measure": "field.stats_fees_sum_currency"}},
		{"ErrFeesSumTwoCurrencies", vrs.StatQuery{Measure: vrs.MeasureFeesSum, Filters: F{vrs.DimCurrency: {"THB", "USD"}}},
			map[string]string{"measure": "field.stats_fees_sum_currency"}},
		{"ErrFromMalformed", vrs.StatQuery{Measure: vrs.MeasureIncidents, From: "01/03/2025"},
			map[string]string{"from": "field.stats_date_malformed"}},
		{"ErrToNotADay", vrs.StatQuery{Measure: vrs.MeasureIncidents, To: "2025-02-29"},
			map[string]string{"to": "field.stats_date_malformed"}},
		{"ErrFromTooEarly", vrs.StatQuery{Measure: vrs.MeasureIncidents, From: "1899-12-31"},
			map[string]string{"from": "field.stats_date_out_of_range"}},
		{"ErrToTooLate", vrs.StatQuery{Measure: vrs.MeasureIncidents, To: "2101-01-01"},
			map[string]string{"to": "field.stats_date_out_of_range"}},
		{"ErrReversed", vrs.StatQuery{Measure: vrs.MeasureIncidents, From: "2025-03-02", To: "2025-03-01"},
			map[string]string{"to": "field.stats_period_reversed"}},
		{"ErrSeveral", vrs.StatQuery{Measure: "x", Rows: D{"y"}, From: "z"},
			map[string]string{"measure": "field.stats_measure_unknown", "rows[0]": "field.stats_dimension_unknown", "from": "field.stats_date_malformed"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.q.Validate(refdata.Checker{})
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate = %v %v", err, vrs.AsError(err).Fields)
				}
				return
			}
			if vrs.ErrorCode(err) != vrs.EINVALID || !maps.Equal(vrs.AsError(err).Fields, tc.want) {
				t.Fatalf("Validate = %v %v, want %v", err, vrs.AsError(err).Fields, tc.want)
			}
		})
	}
}

// TestStatDimensions: every dimension has a level, its values' code list
// exists, and the lists and maps agree.
func TestStatDimensions(t *testing.T) {
	for _, d := range vrs.StatDimensions {
		if !d.Valid() {
			t.Errorf("%s not valid", d)
		}
		if l := d.CodeList(); l != "" {
			if _, ok := refdata.LookupCodeList(l); !ok {
				t.Errorf("%s: code list %q does not exist", d, l)
			}
		} else if !strings.HasPrefix(string(d), "period.") && d != vrs.DimAgency {
			t.Errorf("%s has no code list", d)
		}
	}
	for _, m := range vrs.StatMeasures {
		if !m.Valid() {
			t.Errorf("%s not valid", m)
		}
	}
	for _, code := range []string{vrs.PersonDeceased, vrs.PersonMissing} {
		if !refdata.HasCode("person_status", code) {
			t.Errorf("person status %q is not in the code list", code)
		}
	}
	for _, p := range []string{"smuggling_fee", "recruitment_fee"} {
		if !vrs.IsFee(p) || !refdata.HasCode("payment_purpose", p) {
			t.Errorf("purpose %q", p)
		}
	}
}

func TestPeriodKey(t *testing.T) {
	cases := []struct {
		d          vrs.StatDimension
		date, want string
	}{
		{vrs.DimDay, "2025-03-02", "2025-03-02"},
		{vrs.DimMonth, "2025-03-02", "2025-03"},
		{vrs.DimQuarter, "2025-03-31", "2025-Q1"},
		{vrs.DimQuarter, "2025-04-01", "2025-Q2"},
		{vrs.DimQuarter, "2025-12-31", "2025-Q4"},
		{vrs.DimYear, "2025-03-02", "2025"},
		{vrs.DimYear, "", ""},
		{vrs.DimQuarter, "2025-xx-01", ""},
		{vrs.DimSex, "2025-03-02", ""},
	}
	for _, tc := range cases {
		t.Run(string(tc.d)+"/"+tc.date, func(t *testing.T) {
			if got := vrs.PeriodKey(tc.d, tc.date); got != tc.want {
				t.Errorf("PeriodKey = %q, want %q", got, tc.want)
			}
		})
	}
}

// FuzzStatQueryValidate: whatever a query string makes of a query,
// Validate answers without panicking, and what it accepts has known
// dimensions and well-formed dates.
func FuzzStatQueryValidate(f *testing.F) {
	f.Add("persons", "nationality", "sex", "MM", "2025-01-01", "2025-12-31")
	f.Add("fees_sum", "currency", "period.quarter", "2025-Q1", "", "")
	f.Fuzz(func(t *testing.T, m, row, col, fv, from, to string) {
		q := vrs.StatQuery{Measure: vrs.StatMeasure(m), Rows: []vrs.StatDimension{vrs.StatDimension(row)},
			Cols: []vrs.StatDimension{vrs.StatDimension(col)}, Filters: map[vrs.StatDimension][]string{vrs.StatDimension(col): {fv}},
			From: from, To: to}
		if q.Validate(refdata.Checker{}) != nil {
			return
		}
		if !q.Measure.Valid() || !vrs.StatDimension(row).Valid() || row == col || from != "" && len(from) != 10 || from > to && to != "" {
			t.Fatalf("accepted %+v", q)
		}
	})
}
