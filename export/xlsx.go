package export

import (
	"io"

	"vrs"
)

// xlsxWriter writes the tables as the sheets of one workbook, in the
// order of tables (see Workbook for the limits of a sheet and a cell).
type xlsxWriter struct {
	*Workbook
}

// NewXLSX returns a writer of an XLSX workbook.
func NewXLSX(w io.Writer) (Writer, error) { return newXLSX(w, MaxSheetRows) }

func newXLSX(w io.Writer, maxRows int) (*xlsxWriter, error) {
	x := &xlsxWriter{NewWorkbook(w)}
	x.maxRows = maxRows
	for _, t := range tables {
		if _, err := x.AddSheet(t.name, t.header); err != nil {
			x.Discard()
			return nil, err
		}
	}
	return x, nil
}

func (x *xlsxWriter) Write(inc *vrs.Incident) error {
	for i, t := range tables {
		if err := t.rows(inc, func(row []any) error { return x.Row(i, row) }); err != nil {
			return err
		}
	}
	return nil
}
