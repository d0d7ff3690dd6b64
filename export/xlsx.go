package export

import (
	"archive/zip"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"vrs"
)

// xlsxWriter writes the tables as the sheets of one workbook through
// excelize's StreamWriter, which keeps each sheet's rows in a buffer of
// bounded size and moves the rest to a temporary file: memory stays the
// same whatever the number of incidents.
type xlsxWriter struct {
	w       io.Writer
	f       *excelize.File
	streams []*excelize.StreamWriter
	next    []int // the next row of each sheet
	row     []any
	closed  bool
}

// NewXLSX returns a writer of an XLSX workbook.
func NewXLSX(w io.Writer) (Writer, error) {
	x := &xlsxWriter{w: w, f: excelize.NewFile()}
	// excelize's Write assembles the whole workbook in a buffer before it
	// writes it out; a ZIP writer of our own sends each part straight to
	// w instead, and the buffer stays empty.
	x.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	for i, t := range tables {
		if i == 0 {
			if err := x.f.SetSheetName("Sheet1", t.name); err != nil {
				return nil, x.fail(err)
			}
		} else if _, err := x.f.NewSheet(t.name); err != nil {
			return nil, x.fail(err)
		}
		sw, err := x.f.NewStreamWriter(t.name)
		if err != nil {
			return nil, x.fail(err)
		}
		// The header stays in view while scrolling.
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, x.fail(err)
		}
		header := make([]any, len(t.header))
		for k, h := range t.header {
			header[k] = h
		}
		if err := sw.SetRow("A1", header); err != nil {
			return nil, x.fail(err)
		}
		x.streams, x.next = append(x.streams, sw), append(x.next, 2)
	}
	return x, nil
}

func (x *xlsxWriter) fail(err error) error {
	x.f.Close()
	return err
}

func (x *xlsxWriter) Write(inc *vrs.Incident) error {
	for i, t := range tables {
		err := t.rows(inc, func(row []any) error {
			if x.next[i] > excelize.TotalRows {
				return fmt.Errorf("export: sheet %s: more than %d rows, the most a sheet holds (export as CSV)", t.name, excelize.TotalRows)
			}
			x.row = x.row[:0]
			for _, v := range row {
				if s, ok := v.(string); ok {
					v = Neutralise(s)
				}
				x.row = append(x.row, v)
			}
			cell, err := excelize.CoordinatesToCellName(1, x.next[i])
			if err != nil {
				return err
			}
			x.next[i]++
			return x.streams[i].SetRow(cell, x.row)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Discard frees the sheets' temporary files (see export.Discard).
func (x *xlsxWriter) Discard() {
	if !x.closed {
		x.closed = true
		x.f.Close()
	}
}

func (x *xlsxWriter) Close() error {
	if x.closed {
		return nil
	}
	x.closed = true
	defer x.f.Close() // removes the temporary files
	for _, sw := range x.streams {
		if err := sw.Flush(); err != nil {
			return err
		}
	}
	return x.f.Write(x.w)
}
