package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"time"

	"vrs"
)

// xlsxWriter writes the tables as the sheets of one workbook, an XLSX
// file of our own making (SpreadsheetML with inline strings, so that no
// table of shared strings grows in memory): each sheet's rows go to an
// encrypted spool as the incidents come (see sheetSpool), and Close
// assembles the archive from them. Memory holds one row at a time and, per
// sheet, a deflater and a chunk of the spool, whatever the number of
// incidents.
//
// A table longer than a sheet (MaxSheetRows, the header included) goes on
// in a sheet of its own after it, "persons (2)", "persons (3)", each with
// the header again: nothing is lost, and a reader that joins the tables
// takes the rows of "persons" and of its continuations in that order.
// Text longer than a cell is cut, visibly (see cutText).
type xlsxWriter struct {
	w       io.Writer
	maxRows int             // rows of a sheet, the header included
	sheets  [][]*sheetSpool // per table: its sheet and continuations, in order
	buf     []byte          // the row being written
	closed  bool
}

// NewXLSX returns a writer of an XLSX workbook.
func NewXLSX(w io.Writer) (Writer, error) { return newXLSX(w, MaxSheetRows) }

func newXLSX(w io.Writer, maxRows int) (*xlsxWriter, error) {
	x := &xlsxWriter{w: w, maxRows: maxRows, sheets: make([][]*sheetSpool, len(tables))}
	for i := range tables {
		if err := x.addSheet(i); err != nil {
			x.Discard()
			return nil, err
		}
	}
	return x, nil
}

// addSheet starts table i's next sheet, with the header in bold.
func (x *xlsxWriter) addSheet(i int) error {
	t := tables[i]
	name := t.name
	if n := len(x.sheets[i]); n > 0 {
		name += " (" + strconv.Itoa(n+1) + ")"
	}
	s, err := newSheetSpool(name)
	if err != nil {
		return err
	}
	x.sheets[i] = append(x.sheets[i], s)
	b := append(x.buf[:0], sheetHead...)
	b = append(b, `<row r="1">`...)
	for k, h := range t.header {
		b = appendCell(b, colName(k), 1, h, false, styleBold)
	}
	x.buf = append(b, "</row>"...)
	s.rows = 1
	return s.write(x.buf)
}

func (x *xlsxWriter) Write(inc *vrs.Incident) error {
	for i, t := range tables {
		if err := t.rows(inc, func(row []any) error { return x.row(i, row) }); err != nil {
			return err
		}
	}
	return nil
}

// row appends one row to table i, on a new sheet if the current one is full.
func (x *xlsxWriter) row(i int, row []any) error {
	s := x.sheets[i][len(x.sheets[i])-1]
	if s.rows >= x.maxRows {
		if err := s.finish(); err != nil {
			return err
		}
		if err := x.addSheet(i); err != nil {
			return err
		}
		s = x.sheets[i][len(x.sheets[i])-1]
	}
	s.rows++
	b := append(x.buf[:0], `<row r="`...)
	b = strconv.AppendInt(b, int64(s.rows), 10)
	b = append(b, `">`...)
	for k, v := range row {
		b = appendCell(b, colName(k), s.rows, v, true, 0)
	}
	x.buf = append(b, "</row>"...)
	return s.write(x.buf)
}

// Discard frees the spooled sheets (see export.Discard).
func (x *xlsxWriter) Discard() {
	x.closed = true
	x.discard()
}

func (x *xlsxWriter) discard() {
	for _, ss := range x.sheets {
		for _, s := range ss {
			s.remove()
		}
	}
}

func (x *xlsxWriter) Close() error {
	if x.closed {
		return nil
	}
	x.closed = true
	defer x.discard()
	var names []string
	for _, ss := range x.sheets {
		for _, s := range ss {
			if err := s.finish(); err != nil {
				return err
			}
			names = append(names, s.name)
		}
	}
	now := time.Now()
	zw := zip.NewWriter(x.w)
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes(len(names))},
		{"_rels/.rels", rootRels},
		{"xl/workbook.xml", workbook(names)},
		{"xl/_rels/workbook.xml.rels", workbookRels(len(names))},
		{"xl/styles.xml", styles},
	} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: now})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			return err
		}
	}
	n := 0
	for _, ss := range x.sheets {
		for _, s := range ss {
			n++
			if err := s.copyTo(zw, sheetPart(n), now); err != nil {
				return err
			}
			s.remove() // the disk space comes back sheet by sheet
		}
	}
	return zw.Close()
}

func sheetPart(n int) string { return "xl/worksheets/sheet" + strconv.Itoa(n) + ".xml" }

const xmlDecl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

func contentTypes(sheets int) string {
	var b bytes.Buffer
	b.WriteString(xmlDecl + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	for n := 1; n <= sheets; n++ {
		b.WriteString(`<Override PartName="/` + sheetPart(n) + `" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`)
	}
	b.WriteString(`</Types>`)
	return b.String()
}

const rootRels = xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

func workbook(names []string) string {
	var b bytes.Buffer
	b.WriteString(xmlDecl + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<bookViews><workbookView/></bookViews><sheets>`)
	for k, name := range names {
		n := strconv.Itoa(k + 1)
		b.WriteString(`<sheet name="`)
		xml.EscapeText(&b, []byte(name))
		b.WriteString(`" sheetId="` + n + `" r:id="rId` + n + `"/>`)
	}
	b.WriteString(`</sheets></workbook>`)
	return b.String()
}

// workbookRels: rId1..rIdN are the sheets, rIdN+1 the styles.
func workbookRels(sheets int) string {
	var b bytes.Buffer
	b.WriteString(xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for n := 1; n <= sheets; n++ {
		b.WriteString(`<Relationship Id="rId` + strconv.Itoa(n) + `" ` +
			`Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet` + strconv.Itoa(n) + `.xml"/>`)
	}
	b.WriteString(`<Relationship Id="rId` + strconv.Itoa(sheets+1) + `" ` +
		`Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`)
	return b.String()
}

// styleBold is the cell format of the header (cellXfs index 1: font 1).
const styleBold = 1

// styles is the least stylesheet Excel accepts: the two fills it
// requires, one border, a default font and its bold twin. Dates are
// written as ISO 8601 text, so no number format is needed.
const styles = xmlDecl + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
	`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`
