package htcds

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"vrs"
	"vrs/export"
)

// Export formats, registered with package export.
const (
	FormatCSV  = "htcds-csv"
	FormatXLSX = "htcds-xlsx"
)

func init() {
	export.Register(export.Format{Name: FormatCSV, ContentType: "text/csv; charset=utf-8", Ext: ".csv",
		New: func(w io.Writer) (export.Writer, error) { return NewCSV(w) }})
	export.Register(export.Format{Name: FormatXLSX, ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Ext: ".xlsx",
		New: func(w io.Writer) (export.Writer, error) { return NewXLSX(w) }})
}

// Header is the header row the writers write: the names of Fields.
func Header() []string {
	h := make([]string, len(Fields))
	for i, f := range Fields {
		h[i] = f.Name
	}
	return h
}

// Writer writes trafficking cases in the HTCDS layout: one row per person
// (one row for a case recorded by counts only), columns named as Fields
// names them, values as HTCDS names them. Incidents of other types are
// skipped. Text cells are neutralised against formula injection.
type Writer struct {
	row   func([]string) error
	close func() error
	err   error
}

var _ export.Writer = (*Writer)(nil)

// NewCSV returns a Writer of UTF-8 CSV (with a byte-order mark, for Excel).
func NewCSV(w io.Writer) (*Writer, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	wr := &Writer{
		row: func(cells []string) error { return cw.Write(cells) },
		close: func() error {
			cw.Flush()
			return cw.Error()
		},
	}
	if err := wr.row(Header()); err != nil {
		return nil, err
	}
	return wr, nil
}

// SheetName is the sheet of the XLSX form, named as in the standard's
// template with validation.
const SheetName = "Case Sheet"

// NewXLSX returns a Writer of an XLSX workbook; rows are streamed to a
// temporary file by excelize and the workbook written to w on Close.
func NewXLSX(w io.Writer) (*Writer, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		f.Close()
		return nil, err
	}
	n := 0
	wr := &Writer{
		row: func(cells []string) error {
			n++
			vals := make([]any, len(cells))
			for i, c := range cells {
				vals[i] = c
			}
			cell, _ := excelize.CoordinatesToCellName(1, n)
			return sw.SetRow(cell, vals)
		},
		close: func() error {
			defer f.Close()
			if err := sw.Flush(); err != nil {
				return err
			}
			_, err := f.WriteTo(w)
			return err
		},
	}
	if err := wr.row(Header()); err != nil {
		f.Close()
		return nil, err
	}
	return wr, nil
}

// Write adds the rows of one incident; other types than trafficking are
// skipped.
func (w *Writer) Write(inc *vrs.Incident) error {
	if w.err != nil {
		return w.err
	}
	if inc.Type != vrs.TypeTrafficking {
		return nil
	}
	persons := inc.Persons
	if len(persons) == 0 {
		persons = []vrs.Person{{}}
	}
	for i := range persons {
		if err := w.row(Row(inc, &persons[i])); err != nil {
			w.err = err
			return err
		}
	}
	return nil
}

// Close finishes the file; it does not close the underlying writer.
func (w *Writer) Close() error {
	err := w.close()
	if w.err != nil {
		return w.err
	}
	return err
}

// Row is the row of one person of a trafficking incident, in the order of
// Fields; p may be an empty person for a case without persons.
func Row(inc *vrs.Incident, p *vrs.Person) []string {
	out := make([]string, len(Fields))
	for i, f := range Fields {
		v := value(inc, p, f)
		if textFields[f.Name] {
			// Codes, dates and numbers are checked values; free text
			// may begin like a formula.
			v = export.Neutralise(v)
		}
		out[i] = v
	}
	return out
}

var textFields = map[string]bool{"prs_FirstName": true, "hte_State": true, "hte_City": true, "hte_Description": true, "vrs_Reference": true}

func value(inc *vrs.Incident, p *vrs.Person, f Field) string {
	names := func(codes []string) string {
		var out []string
		for _, c := range codes {
			if n := ValueName(f.List, c); n != "" {
				out = append(out, n)
			}
		}
		return strings.Join(out, ";")
	}
	floatStr := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	switch f.Name {
	case "prs_FirstName":
		return p.Name
	case "prs_Birthdate":
		return p.DateOfBirth
	case "prs_Gender":
		return ValueName(f.List, p.Sex)
	case "prs_Citizenship":
		return strings.Join(p.Nationalities, ";")
	case "prs_Deceased":
		if p.Status == "deceased" {
			return "true"
		}
		return ""
	case "vic_TraffickingStatus":
		return ValueName(f.List, p.TraffickingStatus)
	case "vic_AgeWhenTrafficked":
		if p.Age == nil {
			return ""
		}
		return strconv.Itoa(*p.Age)
	case "vic_MethodOfRecruitment":
		return names(p.RecruitmentMethods)
	case "vic_MethodsOfControl":
		return names(p.ControlMethods)
	case "vic_TypeOfExploitation":
		return names(p.Exploitation)
	case "vic_ForcedLabourIndustry":
		return ValueName(f.List, p.LabourSector)
	case "vic_TypeOfSexExploitation":
		return names(p.SexExploitation)
	case "per_RoleInProcess":
		return names(p.PerpetratorRoles)
	case "hte_Date":
		return inc.OccurredOn
	case "hte_Country":
		return inc.Place.Country
	case "hte_State":
		return inc.Place.AdminArea
	case "hte_City":
		return inc.Place.Name
	case "hte_Latitude":
		return floatStr(inc.Place.Lat)
	case "hte_Longitude":
		return floatStr(inc.Place.Lon)
	case "hte_Description":
		return inc.Narrative
	case "vrs_Reference":
		return inc.Reference
	case "vrs_DetectedOn":
		return inc.DetectedOn
	case "vrs_ReportedOn":
		return inc.ReportedOn
	case "vrs_PersonKey":
		return p.Key
	case "vrs_PersonRole":
		return p.Role
	case "vrs_AgeGroup":
		return p.AgeGroup
	case "vrs_PersonStatus":
		return p.Status
	}
	return "" // cco_CaseComment: the narrative goes to hte_Description
}
