package importer

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"vrs"
	"vrs/refdata"
)

// CellError is one cell the mapping could not take: the column's name in
// the file, the value as found, and a catalogue key saying why.
type CellError struct {
	Column  string `json:"column"`
	Value   string `json:"value"`
	Message string `json:"message"`
}

// MaxCellLen bounds the length of one cell's text (bytes); longer cells
// are refused rather than carried into a record.
const MaxCellLen = 32 << 10

// Applier applies a mapping to the rows of one file, its columns already
// matched to the file's header.
type Applier struct {
	m       *Mapping
	cols    []boundColumn
	sep     string
	decimal string
	layouts []string
	// defaults are the mapping's defaults, checked: field path, value.
	defaults [][2]string
}

type boundColumn struct {
	index  int    // cell index in the row
	name   string // header name as in the file
	field  Field
	values map[string]string // source value -> target, as saved
	folded map[string]string // normHeader(source value) -> target
}

// Bind validates the mapping and matches its columns to a header row.
// Header names match ignoring case and surrounding or repeated space. A
// mapped column that the header lacks is an error; header columns the
// mapping does not name are ignored.
func (m *Mapping) Bind(header []string) (*Applier, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	pos := make(map[string]int, len(header))
	for i, h := range header {
		k := normHeader(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := pos[k]; !dup {
			pos[k] = i
		}
	}
	a := &Applier{m: m, sep: m.multiSeparator(), decimal: m.decimal(), layouts: m.dateFormats()}
	fe := map[string]string{}
	for i, c := range m.Columns {
		if c.Field == "" {
			continue
		}
		j, ok := pos[normHeader(c.Source)]
		if !ok {
			fe[fmt.Sprintf("columns[%d].source", i)] = "import.mapping_source_missing"
			continue
		}
		f, _ := LookupField(c.Field)
		bc := boundColumn{index: j, name: header[j], field: f, values: c.Values}
		if len(c.Values) > 0 {
			bc.folded = make(map[string]string, len(c.Values))
			for from, to := range c.Values {
				bc.folded[normHeader(from)] = to // Validate: no conflicts
			}
		}
		a.cols = append(a.cols, bc)
	}
	for path, v := range m.Defaults {
		f, ok := LookupField(path)
		if !ok {
			fe["defaults."+path] = "import.mapping_field_unknown"
			continue
		}
		got, key := a.value(boundColumn{name: path, field: f}, v)
		if key != "" {
			fe["defaults."+path] = key
			continue
		}
		if got != "" {
			a.defaults = append(a.defaults, [2]string{path, got})
		}
	}
	if len(fe) > 0 {
		return nil, vrs.FieldErrors(fe)
	}
	return a, nil
}

// Apply maps one row's cells: it returns the normalised values of each
// mapped field (codes checked, dates as YYYY-MM-DD, numbers with a "."),
// and one error per cell it could not take. Empty cells give no value. A
// short row reads as if padded with empty cells; extra cells are ignored.
// Values of a multi-valued field keep the column order, without repeats.
func (a *Applier) Apply(cells []string) (map[string][]string, []CellError) {
	out := make(map[string][]string, len(a.cols))
	// Single values share one backing array: two allocations a row, not
	// one a field.
	single := make([]string, len(a.cols))
	var errs []CellError
	for i, c := range a.cols {
		var raw string
		if c.index < len(cells) {
			raw = cells[c.index]
		}
		if !utf8.ValidString(raw) {
			errs = append(errs, CellError{Column: c.name, Value: truncate(strings.ToValidUTF8(raw, "\uFFFD"), 80), Message: "import.value_encoding"})
			continue
		}
		if len(raw) > MaxCellLen {
			errs = append(errs, CellError{Column: c.name, Value: truncate(raw, 80), Message: "import.value_too_long"})
			continue
		}
		parts := []string{raw}
		if c.field.Multi && c.field.Path != "narrative" {
			parts = strings.Split(raw, a.sep)
			if len(parts) > vrs.MaxListValues && countNonBlank(parts) > vrs.MaxListValues {
				errs = append(errs, CellError{Column: c.name, Value: truncate(raw, 80), Message: "import.value_too_many"})
				continue
			}
		}
		for _, p := range parts {
			v, key := a.value(c, p)
			if key != "" {
				errs = append(errs, CellError{Column: c.name, Value: strings.TrimSpace(p), Message: key})
				continue
			}
			if v == "" {
				continue
			}
			if c.field.Multi {
				if c.field.Path == "narrative" && len(out[c.field.Path]) > 0 {
					out[c.field.Path][0] += "\n\n" + v
					continue
				}
				if contains(out[c.field.Path], v) {
					continue
				}
			}
			if !c.field.Multi {
				single[i] = v
				out[c.field.Path] = single[i : i+1 : i+1]
				continue
			}
			out[c.field.Path] = append(out[c.field.Path], v)
		}
	}
	for _, d := range a.defaults {
		if len(out[d[0]]) == 0 {
			out[d[0]] = []string{d[1]}
		}
	}
	return out, errs
}

// ApplyRow binds the mapping to header and applies it to cells: a
// convenience for one row; bind once for a file.
func (m *Mapping) ApplyRow(header, cells []string) (map[string][]string, []CellError, error) {
	a, err := m.Bind(header)
	if err != nil {
		return nil, nil, err
	}
	vals, errs := a.Apply(cells)
	return vals, errs, nil
}

// value maps and normalises one value; key is a catalogue key when the
// value cannot be taken.
func (a *Applier) value(c boundColumn, raw string) (v, key string) {
	v = strings.TrimSpace(unquote(raw))
	if v == "" {
		return "", ""
	}
	if c.values != nil {
		if to, ok := c.values[v]; ok {
			v = strings.TrimSpace(to)
		} else if to, ok := c.folded[normHeader(v)]; ok {
			v = strings.TrimSpace(to)
		}
		if v == "" {
			return "", ""
		}
	}
	switch c.field.Kind {
	case KindCode:
		if code, ok := exactCode(c.field.List, v); ok {
			return code, ""
		}
		return "", "import.value_unknown_code"
	case KindDate:
		return a.date(v)
	case KindInt:
		n, err := strconv.Atoi(strings.TrimPrefix(v, "+"))
		if err != nil {
			if f, ferr := a.number(v); ferr == "" && f == math.Trunc(f) && math.Abs(f) < 1e9 {
				return strconv.Itoa(int(f)), ""
			}
			return "", "import.value_integer"
		}
		return strconv.Itoa(n), ""
	case KindDecimal:
		f, key := a.number(v)
		if key != "" {
			return "", key
		}
		return strconv.FormatFloat(f, 'f', -1, 64), ""
	}
	if strings.ContainsAny(v, "\r\n") && c.field.Path != "narrative" {
		v = strings.Join(strings.Fields(v), " ")
	}
	return v, ""
}

// number reads a decimal number written with the mapping's separator. A
// number written with the other separator is refused with its own
// message, since reading "1,5" as 15 or "1.5" as 15 would corrupt data.
func (a *Applier) number(v string) (float64, string) {
	other := ","
	if a.decimal == "," {
		other = "."
	}
	if strings.Contains(v, other) {
		return 0, "import.value_decimal_separator"
	}
	s := strings.Replace(v, a.decimal, ".", 1)
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+') {
			return 0, "import.value_number"
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, "import.value_number"
	}
	return f, ""
}

// excelEpoch is day 0 of spreadsheet serial dates (1900 date system, with
// its fictitious 1900-02-29 absorbed: valid from serial 61, 1900-03-01).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

func (a *Applier) date(v string) (string, string) {
	if d, key := a.dateOnly(v); key == "" {
		return d, ""
	}
	// A date with a time of day ("2025-03-31 14:05", "2025-03-31T14:05:00Z",
	// as spreadsheets and databases export them): the date part.
	if i := strings.IndexAny(v, " T"); i > 0 {
		if d, key := a.dateOnly(v[:i]); key == "" && validTime(v[i+1:]) {
			return d, ""
		}
	}
	return "", "import.value_date"
}

// validTime reports whether s looks like a time of day, optionally with
// seconds, fraction and zone: "14:05", "14:05:00.5Z", "2:05 PM".
func validTime(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 4 || len(s) > 40 || s[0] < '0' || s[0] > '9' || !strings.Contains(s, ":") {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || strings.ContainsRune(":.+-Z AaPpMm", r)) {
			return false
		}
	}
	return true
}

func (a *Applier) dateOnly(v string) (string, string) {
	for _, l := range a.layouts {
		if l == DateExcel {
			if d, ok := excelDate(v, a.decimal); ok {
				return d, ""
			}
			continue
		}
		t, err := time.Parse(l, v)
		if err != nil {
			continue
		}
		if t.Year() < 1 || t.Year() > 9999 {
			continue
		}
		return t.Format(time.DateOnly), ""
	}
	return "", "import.value_date"
}

// excelDate reads a spreadsheet serial date; a fraction (time of day) is
// dropped.
func excelDate(v, decimal string) (string, bool) {
	if decimal == "," {
		v = strings.Replace(v, ",", ".", 1)
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r == '.') {
			return "", false
		}
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 61 || f >= 2958466 { // 1900-03-01 .. 9999-12-31
		return "", false
	}
	return excelEpoch.AddDate(0, 0, int(f)).Format(time.DateOnly), true
}

// exactCode finds the code a value certainly means in a list: the code
// itself in any case, for countries their alpha-3 or numeric code, or a
// label written exactly (ignoring case, accents and spacing). Anything
// looser is a suggestion (see SuggestCodes), for a person to confirm in
// the mapping's value map.
func exactCode(list, v string) (string, bool) {
	if hasCode(list, v) {
		return v, true
	}
	if list == "country" {
		if c, ok := refdata.LookupCountry(v); ok {
			return c.Alpha2, true
		}
	}
	idx := listIndex(list)
	if idx == nil {
		return "", false
	}
	n := normalize(v)
	if code, ok := idx.byCode[n]; ok {
		return code, true
	}
	if codes := idx.byName[n]; len(codes) == 1 {
		return codes[0], true
	}
	return "", false
}

func hasCode(list, code string) bool { return refdata.HasCode(list, code) }

func countNonBlank(s []string) int {
	n := 0
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			n++
		}
	}
	return n
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// unquote undoes the quote that exports and error reports put before a
// text a spreadsheet would take for a formula ('=..., '-..., '@...), so
// that a file VRS wrote imports as the values it held.
func unquote(s string) string {
	if len(s) > 1 && s[0] == '\'' {
		switch s[1] {
		case '=', '+', '-', '@', '\t', '\r':
			return s[1:]
		}
	}
	return s
}
