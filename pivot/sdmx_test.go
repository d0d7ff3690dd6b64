package pivot

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"

	"vrs"
)

func TestWriteSDMX(t *testing.T) {
	q := vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimYear}, Cols: []vrs.StatDimension{vrs.DimSex}, Measure: vrs.MeasureVictims,
		Filters: map[vrs.StatDimension][]string{vrs.DimCountry: {"TH"}, vrs.DimStatus: {"validated"}}}
	r := &vrs.StatResult{Query: q,
		Cells:     []vrs.StatCell{cell(2, "2024", "female"), cell(10, "2024", "male"), cell(20, "2025", "female"), cell(30, "2025", ""), cell(7, "2025", "male")},
		RowTotals: []vrs.StatCell{cell(12, "2024"), cell(57, "2025")}, ColTotals: []vrs.StatCell{cell(22, "female"), cell(17, "male"), cell(30, "")}, Total: 69}
	tb, err := Build(r, r, true, 5)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := tb.WriteSDMX(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int { return slices.Index(recs[0], name) }
	area, role, sex, period, value, conf := col("REF_AREA"), col("PERSON_ROLE"), col("SEX"), col("TIME_PERIOD"), col("OBS_VALUE"), col("CONF_STATUS")
	confs := map[string]int{}
	for _, rec := range recs[1:] {
		if rec[area] != "THA" || rec[role] != "victim" {
			t.Errorf("fixed dimensions: area %s role %s", rec[area], rec[role])
		}
		if rec[period] == "" {
			t.Errorf("no period: %v", rec)
		}
		confs[rec[conf]]++
		if rec[conf] != "F" && rec[value] != "" {
			t.Errorf("confidential value written: %v", rec)
		}
		if rec[period] == "2024" && rec[sex] == "F" && rec[value] != "" {
			t.Errorf("2 women in 2024 published: %v", rec)
		}
	}
	if confs["A"] == 0 || confs["D"] == 0 || confs["F"] == 0 {
		t.Errorf("CONF_STATUS counts %v", confs)
	}
	for _, c := range []struct {
		name string
		q    vrs.StatQuery
	}{
		{"dead and missing", vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimYear}, Measure: vrs.MeasureDeadMissing}},
		{"agency", vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimAgency, vrs.DimYear}, Measure: vrs.MeasureIncidents}},
		{"drafts", vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimYear}, Measure: vrs.MeasureIncidents, Filters: map[vrs.StatDimension][]string{vrs.DimStatus: {"draft"}}}},
		{"two values", vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimYear}, Measure: vrs.MeasureIncidents, Filters: map[vrs.StatDimension][]string{vrs.DimSex: {"female", "male"}}}},
		{"role twice", vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimYear, vrs.DimRole}, Measure: vrs.MeasureVictims}},
		{"no period", vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimCountry}, Measure: vrs.MeasureIncidents}},
		{"two periods", vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimYear, vrs.DimMonth}, Measure: vrs.MeasureIncidents}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb, err := Build(&vrs.StatResult{Query: c.q}, &vrs.StatResult{Query: c.q}, true, 5)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			err = tb.WriteSDMX(&b)
			if vrs.ErrorCode(err) != vrs.EINVALID || b.Len() != 0 {
				t.Errorf("got %v, wrote %q", err, b.String())
			}
		})
	}
	t.Run("one period filtered", func(t *testing.T) {
		q := vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimCountry}, Measure: vrs.MeasureIncidents,
			Filters: map[vrs.StatDimension][]string{vrs.DimQuarter: {"2025-Q2"}}}
		r := &vrs.StatResult{Query: q, Cells: []vrs.StatCell{cell(9, "TH")}, RowTotals: []vrs.StatCell{cell(9, "TH")}, Total: 9}
		tb, _ := Build(r, r, false, 5)
		var b bytes.Buffer
		if err := tb.WriteSDMX(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b.Bytes(), []byte(",Q,")) || !bytes.Contains(b.Bytes(), []byte("2025-Q2")) {
			t.Errorf("not quarterly:\n%s", b.String())
		}
	})
	t.Run("bounded period", func(t *testing.T) {
		q := vrs.StatQuery{Rows: []vrs.StatDimension{vrs.DimCountry}, Measure: vrs.MeasureIncidents, From: "2025-01-01", To: "2025-12-31"}
		r := &vrs.StatResult{Query: q, Cells: []vrs.StatCell{cell(9, "TH")}, RowTotals: []vrs.StatCell{cell(9, "TH")}, Total: 9}
		tb, _ := Build(r, r, false, 5)
		var b bytes.Buffer
		if err := tb.WriteSDMX(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b.Bytes(), []byte("2025-01-01/P1Y")) {
			t.Errorf("no range period:\n%s", b.String())
		}
	})
}
