package pivot

import (
	"context"
	"net/url"
	"reflect"
	"slices"
	"testing"

	"vrs"
	"vrs/access"
	"vrs/refdata"
	"vrs/suppress"
)

func TestViewMinCell(t *testing.T) {
	countries := []*vrs.Country{{Alpha2: "TH", StatsMinCell: 10}, {Alpha2: "VN"}, {Alpha2: "LA", StatsMinCell: 5}}
	only := func(c ...string) vrs.StatQuery {
		return vrs.StatQuery{Filters: map[vrs.StatDimension][]string{vrs.DimCountry: c}}
	}
	for _, c := range []struct {
		name      string
		settings  map[string]string
		countries []*vrs.Country
		q         vrs.StatQuery
		want      int64
	}{
		{"InstallationDefault", nil, nil, vrs.StatQuery{}, DefaultMinCell},
		{"InstallationSetting", map[string]string{vrs.SettingStatsMinCell: "3"}, nil, vrs.StatQuery{}, 3},
		{"RaisedByAnyCountry", nil, countries, vrs.StatQuery{}, 10},
		{"NeverLowered", map[string]string{vrs.SettingStatsMinCell: "20"}, countries, vrs.StatQuery{}, 20},
		{"RaisedAboveThree", map[string]string{vrs.SettingStatsMinCell: "3"}, countries, only("LA"), 5},
		{"FilterLeavesRaiserOut", nil, countries, only("VN", "LA"), 5},
		{"FilterKeepsRaiser", nil, countries, only("VN", "TH"), 10},
		{"OtherFilterDoesNotNarrow", nil, countries, vrs.StatQuery{Filters: map[vrs.StatDimension][]string{vrs.DimOrigin: {"VN"}}}, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ViewMinCell(c.settings, c.countries, c.q); got != c.want {
				t.Errorf("k = %d, want %d", got, c.want)
			}
		})
	}
}

// TestRunPublic: a published view is protected even where a signed-in
// user's view of the same query would not be (their own country alone).
func TestRunPublic(t *testing.T) {
	q := vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimYear}, Measure: vrs.MeasureIncidents,
		Filters: map[vrs.StatDimension][]string{vrs.DimCountry: {"TH"}}}
	res := &vrs.StatResult{Query: q, Cells: []vrs.StatCell{cell(3, "2024"), cell(40, "2025")},
		RowTotals: []vrs.StatCell{cell(3, "2024"), cell(40, "2025")}, Total: 43}
	calls := 0
	count := func(_ context.Context, got vrs.StatQuery) (*vrs.StatResult, error) {
		calls++
		return res, nil
	}
	own, err := run(context.Background(), count, q, MayIncludeForeign(&vrs.User{Country: "TH"}, q), 5)
	if err != nil || own.Protected || own.Cells[0][0].Withheld.Suppressed() {
		t.Fatalf("own country's view: %+v %v", own, err)
	}
	pub, err := RunPublic(context.Background(), count, q, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Protected || pub.MinCell != 5 || pub.Cells[0][0].Withheld != suppress.Primary {
		t.Errorf("public view: protected %v k %d, 2024 %v", pub.Protected, pub.MinCell, pub.Cells[0][0].Withheld)
	}
	if pub.Cells[1][0].Withheld != suppress.Secondary {
		t.Errorf("2025 %v: the total less 2025 gives 2024", pub.Cells[1][0].Withheld)
	}
	if calls != 2 {
		t.Errorf("%d counts", calls)
	}
}

// TestRunPublicOneLayout: however the two dimensions are asked, the table
// is laid out, and protected, one way.
func TestRunPublicOneLayout(t *testing.T) {
	year, sex := []vrs.StatDimension{vrs.DimYear}, []vrs.StatDimension{vrs.DimSex}
	both := []vrs.StatDimension{vrs.DimSex, vrs.DimYear}
	canonical := vrs.StatQuery{Measure: vrs.MeasurePersons, Rows: year, Cols: sex}
	var asked []vrs.StatQuery
	count := func(_ context.Context, q vrs.StatQuery) (*vrs.StatResult, error) {
		asked = append(asked, q)
		return &vrs.StatResult{Query: q, Cells: []vrs.StatCell{cell(3, "2024", "female"), cell(40, "2024", "male"),
			cell(22, "2025", "female"), cell(31, "2025", "male")},
			RowTotals: []vrs.StatCell{cell(43, "2024"), cell(53, "2025")}, ColTotals: []vrs.StatCell{cell(25, "female"), cell(71, "male")},
			Total: 96}, nil
	}
	var first *Table
	for _, q := range []vrs.StatQuery{
		canonical,
		{Measure: vrs.MeasurePersons, Rows: sex, Cols: year},
		{Measure: vrs.MeasurePersons, Rows: both},
		{Measure: vrs.MeasurePersons, Cols: both},
	} {
		tb, err := RunPublic(context.Background(), count, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		if got := asked[len(asked)-1]; !reflect.DeepEqual(got, canonical) || !reflect.DeepEqual(tb.Query, canonical) {
			t.Errorf("%v by %v: counted %+v, laid out %+v", q.Rows, q.Cols, got, tb.Query)
		}
		if first == nil {
			first = tb
		} else if !reflect.DeepEqual(tb, first) {
			t.Errorf("%v by %v: another table", q.Rows, q.Cols)
		}
	}
	if one := CanonicalPublic(vrs.StatQuery{Cols: sex}); !reflect.DeepEqual(one.Rows, sex) || one.Cols != nil {
		t.Errorf("one dimension in the columns: %+v", one)
	}
}

// FuzzPublicQuery: whatever the address of the public page, reading it
// never panics, and a view a public page accepts keeps being accepted,
// with the same dimensions, once laid out its one way.
func FuzzPublicQuery(f *testing.F) {
	for _, s := range []string{"measure=incidents&rows=period.year&cols=country", "measure=persons&rows=sex,period.year",
		"measure=victims&cols=exploitation_form", "measure=migrants&rows=period.quarter&cols=period.year",
		"measure=incidents&rows=agency", "measure=incidents&filter.country=TH", "rows=,&cols=,,&measure="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q := ParseQuery(v)
		if q.Validate(refdata.Checker{}) != nil || access.PublicQuery(q) != nil {
			return
		}
		c := CanonicalPublic(q)
		if err := c.Validate(refdata.Checker{}); err != nil {
			t.Fatalf("%q: laid out %+v, refused: %v", raw, c, err)
		}
		if err := access.PublicQuery(c); err != nil {
			t.Fatalf("%q: laid out %+v, refused publicly: %v", raw, c, err)
		}
		a, b := q.Dimensions(), c.Dimensions()
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) || len(b) > 0 && len(c.Rows) != 1 {
			t.Fatalf("%q: %v laid out as %v by %v", raw, q.Dimensions(), c.Rows, c.Cols)
		}
	})
}
