package pivot

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"vrs"
	"vrs/suppress"
)

func TestQueryRoundTrip(t *testing.T) {
	cases := []vrs.StatQuery{
		{Measure: vrs.MeasureIncidents},
		{Rows: []vrs.StatDimension{vrs.DimCountry}, Cols: []vrs.StatDimension{vrs.DimYear, vrs.DimSex}, Measure: vrs.MeasureVictims,
			Filters: map[vrs.StatDimension][]string{vrs.DimNationality: {"AF", "MM"}, vrs.DimSex: {""}}, From: "2024-01-01", To: "2024-12-31"},
	}
	for _, q := range cases {
		t.Run(string(q.Measure), func(t *testing.T) {
			got := ParseQuery(Values(q))
			if !reflect.DeepEqual(got, q) {
				t.Errorf("round trip: %+v, want %+v", got, q)
			}
			back, err := url.ParseQuery(Values(q).Encode())
			if err != nil || !reflect.DeepEqual(ParseQuery(back), q) {
				t.Errorf("through the URL: %+v %v", ParseQuery(back), err)
			}
		})
	}
}

func TestMayIncludeForeign(t *testing.T) {
	th := &vrs.User{Country: "TH"}
	only := func(c ...string) vrs.StatQuery {
		return vrs.StatQuery{Filters: map[vrs.StatDimension][]string{vrs.DimCountry: c}}
	}
	for _, c := range []struct {
		name string
		u    *vrs.User
		q    vrs.StatQuery
		want bool
	}{
		{"unfiltered", th, vrs.StatQuery{}, true},
		{"own country", th, only("TH"), false},
		{"another", th, only("VN"), true},
		{"two", th, only("TH", "VN"), true},
		{"no country", &vrs.User{}, only(""), true},
		{"installation", &vrs.User{System: true}, vrs.StatQuery{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := MayIncludeForeign(c.u, c.q); got != c.want {
				t.Errorf("got %v", got)
			}
		})
	}
}

func cell(v float64, k ...string) vrs.StatCell { return vrs.StatCell{Keys: k, Value: v} }

func TestBuild(t *testing.T) {
	q2 := vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimCountry}, Cols: []vrs.StatDimension{vrs.DimSex}, Measure: vrs.MeasurePersons}
	two := &vrs.StatResult{Query: q2,
		Cells:     []vrs.StatCell{cell(2, "TH", "female"), cell(10, "TH", "male"), cell(20, "VN", "female"), cell(30, "VN", "male")},
		RowTotals: []vrs.StatCell{cell(12, "TH"), cell(50, "VN")}, ColTotals: []vrs.StatCell{cell(22, "female"), cell(40, "male")}, Total: 62}
	q1 := vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimCountry}, Measure: vrs.MeasureIncidents}
	one := &vrs.StatResult{Query: q1, Cells: []vrs.StatCell{cell(3, "LA"), cell(9, "TH"), cell(40, "VN")},
		RowTotals: []vrs.StatCell{cell(3, "LA"), cell(9, "TH"), cell(40, "VN")}, Total: 52}
	q0 := vrs.StatQuery{Measure: vrs.MeasureIncidents}
	zero := &vrs.StatResult{Query: q0, Cells: []vrs.StatCell{cell(4)}, Total: 4}
	t.Run("2-D protected", func(t *testing.T) {
		tb, err := Build(two, two, true, 5)
		if err != nil {
			t.Fatal(err)
		}
		if tb.Cells[0][0].Withheld != suppress.Primary {
			t.Errorf("TH female: %v", tb.Cells[0][0].Withheld)
		}
		for _, e := range []Entry{tb.Cells[0][1], tb.Cells[1][0], tb.Cells[1][1]} {
			if e.Withheld != suppress.Secondary {
				t.Errorf("partner %+v not secondary", e)
			}
		}
		if tb.Total.Withheld.Suppressed() || tb.RowTotals[0].Withheld.Suppressed() {
			t.Errorf("margins withheld: %+v %+v", tb.Total, tb.RowTotals[0])
		}
		var b bytes.Buffer
		if err := tb.WriteCSV(&b); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(recs[1], ","); got != "TH,female,,primary" {
			t.Errorf("first cell %q", got)
		}
		if got := strings.Join(recs[len(recs)-1], ","); got != "_T,_T,62," {
			t.Errorf("total %q", got)
		}
		if strings.Contains(b.String(), ",2,") || strings.Contains(b.String(), ",10,") {
			t.Errorf("withheld value written:\n%s", b.String())
		}
	})
	t.Run("2-D unprotected", func(t *testing.T) {
		tb, err := Build(two, two, false, 5)
		if err != nil {
			t.Fatal(err)
		}
		if v, ok := tb.Cells[0][0].Shown(); !ok || v != 2 {
			t.Errorf("got %v %v", v, ok)
		}
	})
	t.Run("1-D", func(t *testing.T) {
		tb, err := Build(one, one, true, 5)
		if err != nil {
			t.Fatal(err)
		}
		if tb.Cells[0][0].Withheld != suppress.Primary || tb.RowTotals[0].Withheld != suppress.Primary {
			t.Errorf("LA: %+v %+v", tb.Cells[0][0], tb.RowTotals[0])
		}
		if tb.Cells[1][0].Withheld != suppress.Secondary {
			t.Errorf("TH, the smallest partner: %+v", tb.Cells[1][0])
		}
		j := tb.JSON()
		if j.Total == nil || *j.Total != 52 || len(j.Cells) != 3 || j.Cells[0].Value != nil {
			t.Errorf("JSON %+v", j)
		}
	})
	t.Run("total alone", func(t *testing.T) {
		tb, err := Build(zero, zero, true, 5)
		if err != nil {
			t.Fatal(err)
		}
		if tb.Total.Withheld != suppress.Primary {
			t.Errorf("total of 4: %+v", tb.Total)
		}
	})
	t.Run("margin smaller than its cells", func(t *testing.T) {
		// Two persons each with two nationalities: cells 2 and 2, total 2.
		r := &vrs.StatResult{Query: vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimNationality}, Measure: vrs.MeasurePersons},
			Cells: []vrs.StatCell{cell(2, "AF"), cell(2, "MM"), cell(9, "TH")}, Total: 11}
		r.RowTotals = r.Cells
		r.Total = 4
		tb, err := Build(r, r, true, 5)
		if err != nil {
			t.Fatal(err)
		}
		if !tb.Total.Withheld.Suppressed() {
			t.Errorf("total 4 published")
		}
	})
}

func TestMinCell(t *testing.T) {
	for _, c := range []struct {
		set  map[string]string
		want int64
	}{
		{nil, 5},
		{map[string]string{vrs.SettingStatsMinCell: "10"}, 10},
		{map[string]string{vrs.SettingStatsMinCell: "0"}, DefaultMinCell},
		{map[string]string{vrs.SettingStatsMinCell: "x"}, DefaultMinCell},
	} {
		if got := MinCell(c.set); got != c.want {
			t.Errorf("%v: %d, want %d", c.set, got, c.want)
		}
	}
}

// FuzzParseQuery: any query string parses without panic, and a query that
// validates survives the round trip through its permalink.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"measure=incidents&rows=country", "rows=a,b&cols=&filter.sex=female,&filter.sex=male&from=2025-01-01",
		"filter.=x&filter.country=TH,,VN", "measure=fees_sum&rows=currency&to=2100-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		q := ParseQuery(v)
		if q.Validate(refdataStub{}) != nil {
			return
		}
		if back := ParseQuery(Values(q)); !reflect.DeepEqual(back, q) {
			t.Errorf("%q: %+v, back %+v", s, q, back)
		}
	})
}

// refdataStub accepts every code: the round trip does not depend on lists.
type refdataStub struct{}

func (refdataStub) HasCode(list, code string) bool { return true }
func (refdataStub) InCountryBounds(string, float64, float64, float64) (bool, bool) {
	return true, true
}
