package sdmx

import (
	"bytes"
	"encoding/csv"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"

	"vrs"
)

func ptr(v float64) *float64 { return &v }

// readCSV parses an SDMX-CSV message back and checks every row has the
// header's width.
func readCSV(t *testing.T, data []byte, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	if comma != 0 {
		r.Comma = comma
	}
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, data)
	}
	return rows
}

func vrsFlow(t testing.TB) Dataflow {
	t.Helper()
	df, err := VRSDataflow()
	if err != nil {
		t.Fatal(err)
	}
	return df
}

func mustKey(t *testing.T, df Dataflow, m map[string]string) []string {
	t.Helper()
	k, err := df.Key(m)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var structureIDRE = regexp.MustCompile(`^[A-Za-z0-9_@$-]+:[A-Za-z0-9_@$-]+\([0-9]+(\.[0-9]+)*\)$`)

func TestWriteCSVVRS(t *testing.T) {
	df := vrsFlow(t)
	persons := map[string]string{"REF_AREA": "TH", "MEASURE": "PERSONS", "PERSON_ROLE": "victim",
		"SEX": "female", "AGE": "50+", "NATIONALITY": "MM", "CURRENCY": NotApplicable}
	small := map[string]string{"REF_AREA": "TH", "MEASURE": "PERSONS", "PERSON_ROLE": "victim",
		"SEX": "unknown", "AGE": "18-24", "NATIONALITY": "KH", "CURRENCY": NotApplicable}
	fees := map[string]string{"REF_AREA": "MY", "MEASURE": "FEE_MEDIAN_USD", "CURRENCY": "MYR", "OFFENCE": "0204"}
	obs := []Observation{
		{Keys: mustKey(t, df, persons), Period: "2024-Q1", Value: ptr(12)},
		{Keys: mustKey(t, df, small), Period: "2024-Q1", Conf: ConfSmallCount},
		{Keys: mustKey(t, df, small), Period: "2024-Q2", Conf: ConfSecondary},
		{Keys: mustKey(t, df, fees), Period: "2023-01-01/P2Y", Value: ptr(1234.5), Status: StatusProvisional},
		{Keys: mustKey(t, df, fees), Period: "2024-03-15", Status: StatusMissing},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, df, slices.Values(obs), Options{}); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes(), 0)
	if len(rows) != len(obs)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(obs)+1)
	}
	wantHeader := []string{"STRUCTURE", "STRUCTURE_ID", "ACTION", "FREQ"}
	for _, d := range df.Dimensions {
		wantHeader = append(wantHeader, d.ID)
	}
	wantHeader = append(wantHeader, "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "CONF_STATUS")
	if !slices.Equal(rows[0], wantHeader) {
		t.Fatalf("header\n got %q\nwant %q", rows[0], wantHeader)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	// want lists, per row, the columns that must hold a given value; every
	// dimension not named must be _T.
	want := []map[string]string{
		{"FREQ": "Q", "REF_AREA": "THA", "MEASURE": "PERSONS", "PERSON_ROLE": "victim", "SEX": "F", "AGE": "Y_GE50",
			"NATIONALITY": "MMR", "CURRENCY": "_Z", "TIME_PERIOD": "2024-Q1", "OBS_VALUE": "12", "OBS_STATUS": "A", "CONF_STATUS": "F"},
		{"FREQ": "Q", "REF_AREA": "THA", "MEASURE": "PERSONS", "PERSON_ROLE": "victim", "SEX": "_U", "AGE": "Y18T24",
			"NATIONALITY": "KHM", "CURRENCY": "_Z", "TIME_PERIOD": "2024-Q1", "OBS_VALUE": "", "OBS_STATUS": "Q", "CONF_STATUS": "A"},
		{"FREQ": "Q", "REF_AREA": "THA", "MEASURE": "PERSONS", "PERSON_ROLE": "victim", "SEX": "_U", "AGE": "Y18T24",
			"NATIONALITY": "KHM", "CURRENCY": "_Z", "TIME_PERIOD": "2024-Q2", "OBS_VALUE": "", "OBS_STATUS": "Q", "CONF_STATUS": "D"},
		{"FREQ": "_Z", "REF_AREA": "MYS", "MEASURE": "FEE_MEDIAN_USD", "CURRENCY": "MYR", "OFFENCE": "0204",
			"TIME_PERIOD": "2023-01-01/P2Y", "OBS_VALUE": "1234.5", "OBS_STATUS": "P", "CONF_STATUS": "F"},
		{"FREQ": "D", "REF_AREA": "MYS", "MEASURE": "FEE_MEDIAN_USD", "CURRENCY": "MYR", "OFFENCE": "0204",
			"TIME_PERIOD": "2024-03-15", "OBS_VALUE": "", "OBS_STATUS": "O", "CONF_STATUS": "F"},
	}
	for i, w := range want {
		row := rows[i+1]
		if len(row) != len(wantHeader) {
			t.Fatalf("row %d has %d fields", i+1, len(row))
		}
		if row[0] != "dataflow" || row[1] != "VRS:DF_VRS_SOM_TIP(1.0)" || row[2] != "I" {
			t.Errorf("row %d: structure columns %q", i+1, row[:3])
		}
		if !structureIDRE.MatchString(row[1]) {
			t.Errorf("row %d: STRUCTURE_ID %q is not AGENCY:ID(VERSION)", i+1, row[1])
		}
		for _, d := range df.Dimensions {
			if _, named := w[d.ID]; !named {
				w[d.ID] = Total
			}
		}
		for c, v := range w {
			if got := row[col[c]]; got != v {
				t.Errorf("row %d column %s = %q, want %q", i+1, c, got, v)
			}
		}
	}
}

func TestWriteCSVLabels(t *testing.T) {
	df := vrsFlow(t)
	k := mustKey(t, df, map[string]string{"REF_AREA": "TH", "MEASURE": "INCIDENTS", "PERSON_ROLE": NotApplicable, "CURRENCY": NotApplicable})
	obs := []Observation{{Keys: k, Period: "2024", Value: ptr(3)}, {Keys: k, Period: "2025", Conf: ConfSmallCount}}
	tests := []struct {
		name  string
		opts  Options
		check func(t *testing.T, rows [][]string)
	}{
		{"Both", Options{Labels: LabelsBoth}, func(t *testing.T, rows [][]string) {
			if rows[0][3] != "FREQ: Frequency" || rows[0][4] != "REF_AREA: Reporting country" {
				t.Errorf("header %q", rows[0][:5])
			}
			if !strings.HasPrefix(rows[1][1], "VRS:DF_VRS_SOM_TIP(1.0): ") {
				t.Errorf("STRUCTURE_ID %q", rows[1][1])
			}
			if rows[1][3] != "A: Annual" || rows[1][4] != "THA: Thailand" || rows[1][6] != "_Z: Not applicable" {
				t.Errorf("row %q", rows[1][:7])
			}
			n := len(rows[1])
			if rows[1][n-4] != "2024" || rows[1][n-3] != "3" || rows[1][n-2] != "A: Normal value" {
				t.Errorf("time, value, status %q", rows[1][n-4:])
			}
			if rows[2][n-3] != "" || rows[2][n-1] != "A: Primary confidentiality due to small counts" {
				t.Errorf("suppressed row %q", rows[2][n-4:])
			}
		}},
		{"Name", Options{Labels: LabelsName}, func(t *testing.T, rows [][]string) {
			if !slices.Equal(rows[0][:6], []string{"STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "FREQ", "Frequency"}) {
				t.Errorf("header %q", rows[0][:6])
			}
			if rows[1][2] != df.Name || rows[1][4] != "A" || rows[1][5] != "Annual" || rows[1][6] != "THA" || rows[1][7] != "Thailand" {
				t.Errorf("row %q", rows[1][:8])
			}
			n := len(rows[1])
			if len(rows[0]) != n || rows[1][n-6] != "3" || rows[1][n-5] != "" {
				t.Errorf("value and its empty name column %q", rows[1][n-8:])
			}
		}},
		{"SemicolonAppend", Options{Comma: ';', Action: "A"}, func(t *testing.T, rows [][]string) {
			if rows[1][2] != "A" || rows[1][4] != "THA" {
				t.Errorf("row %q", rows[1][:5])
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCSV(&buf, df, slices.Values(obs), tt.opts); err != nil {
				t.Fatal(err)
			}
			rows := readCSV(t, buf.Bytes(), tt.opts.Comma)
			if len(rows) != 3 {
				t.Fatalf("%d rows", len(rows))
			}
			for _, r := range rows {
				if len(r) != len(rows[0]) {
					t.Fatalf("ragged row %q", r)
				}
			}
			tt.check(t, rows)
		})
	}
}

// awkwardFlow has names and codes that need CSV quoting.
func awkwardFlow(name string) Dataflow {
	cl := &CodeList{Agency: "TEST", ID: "CL_X", Version: "1.0", Name: "X", Codes: []Code{
		{ID: "a_b", Name: name, Source: "a.b"},
		{ID: Total, Name: "Total"},
	}}
	return Dataflow{Agency: "TEST", ID: "DF_X", Version: "1.0", Name: `Flow, "quoted"`,
		Dimensions: []Dimension{{ID: "X", Name: "X, the dimension", Codes: cl}}}
}

func TestWriteCSVEscaping(t *testing.T) {
	for _, name := range []string{`Comma, inside`, `Say "hi"`, "Two\nlines", `;semi;`, " padded "} {
		t.Run(name, func(t *testing.T) {
			for _, comma := range []rune{',', ';'} {
				var buf bytes.Buffer
				obs := []Observation{{Keys: []string{"a.b"}, Period: "2024-02", Value: ptr(-0.25)}}
				if err := WriteCSV(&buf, awkwardFlow(name), slices.Values(obs), Options{Labels: LabelsBoth, Comma: comma}); err != nil {
					t.Fatal(err)
				}
				rows := readCSV(t, buf.Bytes(), comma)
				if rows[0][4] != "X: X, the dimension" || rows[1][1] != `TEST:DF_X(1.0): Flow, "quoted"` ||
					rows[1][4] != "a_b: "+name || rows[1][6] != "-0.25" {
					t.Errorf("round trip lost text: %q / %q", rows[0], rows[1])
				}
			}
		})
	}
}

func TestWriteCSVErrors(t *testing.T) {
	df := vrsFlow(t)
	good := mustKey(t, df, map[string]string{"REF_AREA": "TH", "MEASURE": "PERSONS"})
	unknownCode := slices.Clone(good)
	unknownCode[0] = "ZZ"
	tests := []struct {
		name string
		obs  Observation
		opts Options
	}{
		{"ErrKeyCount", Observation{Keys: good[:3], Period: "2024", Value: ptr(1)}, Options{}},
		{"ErrUnknownCode", Observation{Keys: unknownCode, Period: "2024", Value: ptr(1)}, Options{}},
		{"ErrValueMarkedConfidential", Observation{Keys: good, Period: "2024", Value: ptr(3), Conf: ConfSmallCount}, Options{}},
		{"ErrValueMarkedMissing", Observation{Keys: good, Period: "2024", Value: ptr(3), Status: StatusSuppressed}, Options{}},
		{"ErrNoValueNoReason", Observation{Keys: good, Period: "2024"}, Options{}},
		{"ErrSuppressedButFree", Observation{Keys: good, Period: "2024", Status: StatusSuppressed, Conf: ConfFree}, Options{}},
		{"ErrNoValueNormalStatus", Observation{Keys: good, Period: "2024", Status: StatusNormal, Conf: ConfSmallCount}, Options{}},
		{"ErrNaN", Observation{Keys: good, Period: "2024", Value: ptr(math.NaN())}, Options{}},
		{"ErrInf", Observation{Keys: good, Period: "2024", Value: ptr(math.Inf(1))}, Options{}},
		{"ErrPeriod", Observation{Keys: good, Period: "2024-13", Value: ptr(1)}, Options{}},
		{"ErrConfCode", Observation{Keys: good, Period: "2024", Conf: "Z"}, Options{}},
		{"ErrStatusCode", Observation{Keys: good, Period: "2024", Value: ptr(1), Status: "Z"}, Options{}},
		{"ErrAction", Observation{Keys: good, Period: "2024", Value: ptr(1)}, Options{Action: "D"}},
		{"ErrComma", Observation{Keys: good, Period: "2024", Value: ptr(1)}, Options{Comma: '\t'}},
		{"ErrLabels", Observation{Keys: good, Period: "2024", Value: ptr(1)}, Options{Labels: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			ok := Observation{Keys: good, Period: "2023", Value: ptr(1)}
			err := WriteCSV(&buf, df, slices.Values([]Observation{ok, tt.obs}), tt.opts)
			if err == nil {
				t.Fatalf("no error; wrote\n%s", buf.String())
			}
			if strings.Contains(buf.String(), ",2024,") {
				t.Errorf("the bad observation was written:\n%s", buf.String())
			}
		})
	}
	t.Run("ErrInvalidDataflow", func(t *testing.T) {
		bad := awkwardFlow("x")
		bad.Dimensions[0].ID = "TIME_PERIOD"
		if err := WriteCSV(&bytes.Buffer{}, bad, slices.Values([]Observation{}), Options{}); err == nil {
			t.Error("a dimension named TIME_PERIOD was accepted")
		}
	})
}

func TestKey(t *testing.T) {
	df := vrsFlow(t)
	k, err := df.Key(map[string]string{"SEX": "male"})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range df.Dimensions {
		want := Total
		if d.ID == "SEX" {
			want = "male"
		}
		if k[i] != want {
			t.Errorf("%s = %q, want %q", d.ID, k[i], want)
		}
	}
	_, err = df.Key(map[string]string{"SEX": "male", "AGENCY": "x"})
	if vrs.ErrorCode(err) != vrs.EINVALID {
		t.Errorf("unknown dimension: %v, want %s", err, vrs.EINVALID)
	}
}

// FuzzWriteCSV checks that any code name survives SDMX-CSV quoting: the
// name read back is the name written.
func FuzzWriteCSV(f *testing.F) {
	for _, s := range []string{"plain", `a "b", c`, "x\ny", "\r\n", `"`, ";"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if strings.TrimSpace(name) == "" || strings.ContainsRune(name, '\r') || !utf8Valid(name) {
			t.Skip() // names are trimmed UTF-8; encoding/csv reads \r\n as \n
		}
		var buf bytes.Buffer
		obs := []Observation{{Keys: []string{"a.b"}, Period: "2024", Value: ptr(1)}}
		if err := WriteCSV(&buf, awkwardFlow(name), slices.Values(obs), Options{Labels: LabelsName}); err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, buf.Bytes(), 0)
		if len(rows) != 2 || rows[1][7] != name {
			t.Fatalf("name %q came back as %q", name, rows)
		}
	})
}
