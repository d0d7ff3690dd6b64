package importer

import (
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"vrs"
	"vrs/refdata"
)

// Sheet names of the XLSX template. The data sheet comes first, so that
// the reader's default sheet is the one filled in.
const (
	TemplateDataSheet         = "Data"
	TemplateInstructionsSheet = "Instructions"
	TemplateListsSheet        = "Lists"
)

// TemplateRows is how many data rows carry drop-downs and formats; rows
// below still import, without the help.
const TemplateRows = 5000

// WriteTemplateXLSX writes the XLSX template of a type: the Data sheet
// (bold frozen header, drop-downs for every code column, dates formatted),
// the Instructions sheet and the hidden Lists sheet that the drop-downs
// read (a list typed into a validation is limited to 255 characters, less
// than the country list).
func WriteTemplateXLSX(w io.Writer, t vrs.IncidentType, tr Translate) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", TemplateDataSheet); err != nil {
		return err
	}
	cols := TemplateColumns(t)
	lists, err := writeLists(f, cols)
	if err != nil {
		return err
	}
	if err := writeDataSheet(f, cols, lists, tr); err != nil {
		return err
	}
	if err := writeInstructions(f, t, cols, tr); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	if err := f.SetSheetVisible(TemplateListsSheet, false); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// writeLists puts the codes of each list the columns use in a column of
// the Lists sheet and returns each list's range ("Lists!$A$2:$A$250").
func writeLists(f *excelize.File, cols []TemplateColumn) (map[string]string, error) {
	if _, err := f.NewSheet(TemplateListsSheet); err != nil {
		return nil, err
	}
	ranges := map[string]string{}
	n := 0
	for _, c := range cols {
		name := c.Field.List
		if c.Field.Kind != KindCode || ranges[name] != "" {
			continue
		}
		l, ok := refdata.LookupCodeList(name)
		if !ok || len(l.Entries) == 0 {
			continue
		}
		n++
		col, _ := excelize.ColumnNumberToName(n)
		if err := f.SetCellStr(TemplateListsSheet, col+"1", name); err != nil {
			return nil, err
		}
		// Codes are written as text: "02041" keeps its zero and "50+"
		// is not read as a formula.
		for i, e := range l.Entries {
			if err := f.SetCellStr(TemplateListsSheet, col+itoa(i+2), e.Code); err != nil {
				return nil, err
			}
		}
		ranges[name] = "'" + TemplateListsSheet + "'!$" + col + "$2:$" + col + "$" + itoa(len(l.Entries)+1)
	}
	return ranges, nil
}

func writeDataSheet(f *excelize.File, cols []TemplateColumn, lists map[string]string, tr Translate) error {
	const sheet = TemplateDataSheet
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": typed codes stay text ("0-11" is not a date)
	if err != nil {
		return err
	}
	dateFmt := "yyyy-mm-dd"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49,
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE5F0"}},
		Border: []excelize.Border{{Type: "bottom", Color: "7F8FA6", Style: 1}}})
	if err != nil {
		return err
	}
	last := itoa(TemplateRows + 1)
	for i, c := range cols {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetCellStr(sheet, col+"1", c.Field.Path); err != nil {
			return err
		}
		width := float64(len(c.Field.Path)) + 4
		switch c.Field.Kind {
		case KindDate:
			width = max(width, 13)
			if err := f.SetColStyle(sheet, col, date); err != nil {
				return err
			}
		case KindCode, KindText:
			if err := f.SetColStyle(sheet, col, text); err != nil {
				return err
			}
		}
		if c.Field.Path == "narrative" {
			width = 40
		}
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
		rng := col + "2:" + col + last
		switch {
		case c.Field.Kind == KindCode && lists[c.Field.List] != "":
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(rng)
			dv.SetSqrefDropList(lists[c.Field.List])
			if c.Field.Multi {
				// Several codes joined by ";" are not an entry of the
				// list: the drop-down helps, Excel must not refuse.
				dv.SetInput(c.Field.Path, tr("import.template.xlsx.multi_prompt", DefaultMultiSeparator))
			} else {
				dv.SetError(excelize.DataValidationErrorStyleStop, c.Field.Path, tr("import.template.xlsx.code_error", c.Field.List))
			}
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return err
			}
		case c.Field.Kind == KindDate:
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(rng)
			dv.SetInput(c.Field.Path, tr("import.template.fmt.date"))
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return err
			}
		}
	}
	lastCol, _ := excelize.ColumnNumberToName(len(cols))
	if err := f.SetCellStyle(sheet, "A1", lastCol+"1", head); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func writeInstructions(f *excelize.File, t vrs.IncidentType, cols []TemplateColumn, tr Translate) error {
	const sheet = TemplateInstructionsSheet
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	r := 1
	put := func(cells ...string) error {
		for i, s := range cells {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetCellStr(sheet, col+itoa(r), s); err != nil {
				return err
			}
		}
		r++
		return nil
	}
	if err := put(tr("import.template.title", refdata.CodeLabel("incident_type", string(t)))); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", title); err != nil {
		return err
	}
	notes := []string{tr("import.template.note.rows"), tr("import.template.note.payments"), tr("import.template.note.codes"),
		tr("import.template.note.dates"), tr("import.template.note.multi", DefaultMultiSeparator), tr("import.template.note.type."+string(t), string(t))}
	for _, n := range notes {
		if err := put(n); err != nil {
			return err
		}
	}
	r++
	if err := put(tr("import.template.h.column"), tr("import.template.h.meaning"), tr("import.template.h.required"), tr("import.template.h.values")); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A"+itoa(r-1), "D"+itoa(r-1), bold); err != nil {
		return err
	}
	first := r
	for _, c := range cols {
		if err := put(c.Field.Path, tr(columnKey(c.Field.Path)), c.RequirementText(tr, t), c.ValuesText(tr)); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, "A"+itoa(first), "D"+itoa(r-1), wrap); err != nil {
		return err
	}
	for col, w := range map[string]float64{"A": 32, "B": 60, "C": 34, "D": 60} {
		if err := f.SetColWidth(sheet, col, col, w); err != nil {
			return err
		}
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }
