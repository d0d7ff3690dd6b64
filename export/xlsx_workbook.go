package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Workbook writes an XLSX file of our own making, sheet by sheet and row
// by row (SpreadsheetML with inline strings, so that no table of shared
// strings grows in memory): each sheet's rows go to an encrypted spool as
// they come (see sheetSpool), and Close assembles the archive from them.
// Memory holds one row at a time and, per sheet being written, a deflater
// and a chunk of its spool, whatever the number of rows; nothing lies in
// clear on disk. Every sheet has its header row in bold, frozen in view.
//
// A sheet longer than Excel allows (MaxSheetRows, the header included)
// goes on in a sheet of its own right after it, "persons (2)",
// "persons (3)", each with the header again: nothing is lost, and a
// reader that joins the sheets takes the rows of "persons" and of its
// continuations in that order. (Refusing the export instead would deny
// all of it for want of one sheet; the CSV form has no such limit.) Text
// longer than a cell is cut, visibly (see cutText).
type Workbook struct {
	w       io.Writer
	maxRows int // rows of a sheet, the header included
	sheets  []*bookSheet
	buf     []byte // the row being written
	closed  bool
}

// bookSheet is one sheet as added, with the continuations it needed.
type bookSheet struct {
	name   string
	header []string
	parts  []*sheetSpool // the sheet and its continuations, in order
}

// NewWorkbook returns a workbook written to w on Close (which does not
// close w). Close or Discard must be called, even after an error, to
// remove the spools.
func NewWorkbook(w io.Writer) *Workbook { return &Workbook{w: w, maxRows: MaxSheetRows} }

// AddSheet adds a sheet after those already added and returns its index
// for Row. The name must be one Excel takes: 1 to 31 characters, none of
// : \ / ? * [ ], not starting or ending with ', unique whatever the case.
func (b *Workbook) AddSheet(name string, header []string) (int, error) {
	if err := sheetNameError(name); err != nil {
		return 0, err
	}
	for _, s := range b.sheets {
		if strings.EqualFold(s.name, name) {
			return 0, fmt.Errorf("export: two sheets named %q", name)
		}
	}
	s := &bookSheet{name: name, header: header}
	b.sheets = append(b.sheets, s)
	if err := b.startPart(s); err != nil {
		return 0, err
	}
	return len(b.sheets) - 1, nil
}

func sheetNameError(name string) error {
	switch {
	case name == "" || utf8.RuneCountInString(name) > 31:
		return fmt.Errorf("export: sheet name %q: 1 to 31 characters", name)
	case strings.ContainsAny(name, `:\/?*[]`):
		return fmt.Errorf("export: sheet name %q holds one of : \\ / ? * [ ]", name)
	case name[0] == '\'' || name[len(name)-1] == '\'':
		return fmt.Errorf("export: sheet name %q starts or ends with '", name)
	}
	return nil
}

// partName names the nth part (from 1) of a sheet: its own name, then
// "name (n)", the name cut so that the whole stays within 31 characters.
func partName(name string, n int) string {
	if n == 1 {
		return name
	}
	suffix := " (" + strconv.Itoa(n) + ")"
	if r := []rune(name); len(r)+len(suffix) > 31 {
		name = string(r[:31-len(suffix)])
	}
	return name + suffix
}

// startPart starts the sheet's next part, with the header in bold.
func (b *Workbook) startPart(s *bookSheet) error {
	sp, err := newSheetSpool(partName(s.name, len(s.parts)+1))
	if err != nil {
		return err
	}
	s.parts = append(s.parts, sp)
	buf := append(b.buf[:0], sheetHead...)
	buf = append(buf, `<row r="1">`...)
	for k, h := range s.header {
		buf = appendCell(buf, colName(k), 1, h, false, styleBold)
	}
	b.buf = append(buf, "</row>"...)
	sp.rows = 1
	return sp.write(b.buf)
}

// Row appends a row to the sheet of that index, on a new part if the
// current one is full. A cell is string (text, neutralised against
// formulas: see Neutralise), int, int64, float64 (a number), bool, or nil
// (empty); any other type panics.
func (b *Workbook) Row(sheet int, cells []any) error {
	if b.closed {
		return fmt.Errorf("export: row written to a closed workbook")
	}
	s := b.sheets[sheet]
	sp := s.parts[len(s.parts)-1]
	if sp.rows >= b.maxRows {
		if err := sp.finish(); err != nil {
			return err
		}
		if err := b.startPart(s); err != nil {
			return err
		}
		sp = s.parts[len(s.parts)-1]
	}
	sp.rows++
	buf := append(b.buf[:0], `<row r="`...)
	buf = strconv.AppendInt(buf, int64(sp.rows), 10)
	buf = append(buf, `">`...)
	for k, v := range cells {
		buf = appendCell(buf, colName(k), sp.rows, v, true, 0)
	}
	b.buf = append(buf, "</row>"...)
	return sp.write(b.buf)
}

// Discard removes the spools without writing the file (see export.Discard).
func (b *Workbook) Discard() {
	b.closed = true
	b.discard()
}

func (b *Workbook) discard() {
	for _, s := range b.sheets {
		for _, sp := range s.parts {
			sp.remove()
		}
	}
}

// Close writes the workbook to w and removes the spools.
func (b *Workbook) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	defer b.discard()
	var names []string
	for _, s := range b.sheets {
		for _, sp := range s.parts {
			if err := sp.finish(); err != nil {
				return err
			}
			names = append(names, sp.name)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("export: a workbook needs a sheet")
	}
	now := time.Now()
	zw := zip.NewWriter(b.w)
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
	for _, s := range b.sheets {
		for _, sp := range s.parts {
			n++
			if err := sp.copyTo(zw, sheetPart(n), now); err != nil {
				return err
			}
			sp.remove() // the disk space comes back sheet by sheet
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
