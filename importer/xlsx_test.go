package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"vrs"
)

// formula is a formula cell with the value cached by the last calculation.
type formula struct {
	text   string
	cached int
}

// makeXLSX builds a workbook: cells maps a sheet name to its cells by
// reference ("A1": value).
func makeXLSX(t testing.TB, sheets []string, cells map[string]map[string]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			f.SetSheetName("Sheet1", s)
		} else if _, err := f.NewSheet(s); err != nil {
			t.Fatal(err)
		}
		for ref, v := range cells[s] {
			if fm, ok := v.(formula); ok {
				f.SetCellValue(s, ref, fm.cached)
				if err := f.SetCellFormula(s, ref, fm.text); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := f.SetCellValue(s, ref, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestXLSXReader(t *testing.T) {
	book := makeXLSX(t, []string{"Cases", "Persons"}, map[string]map[string]any{
		"Cases": {
			"A3": "id", "B3": "name", "C3": "age", "D3": "formula", "E3": "text",
			"A4": 1, "B4": "Nguyễn", "C4": 31.5, "D4": formula{"1+1", 5}, "E4": "=not a formula",
			// row 5 is absent; row 6 has a gap and fewer cells
			"A6": 2, "C6": 40,
			"A7": "", // an empty row is skipped
		},
		"Persons": {"A1": "person", "A2": "Ana"},
	})
	cases := []struct {
		name   string
		opts   XLSXOptions
		sheet  string
		header []string
		rows   []Row
	}{
		{"FirstSheet", XLSXOptions{}, "Cases", []string{"id", "name", "age", "formula", "text"}, []Row{
			{4, []string{"1", "Nguyễn", "31.5", "5", "=not a formula"}},
			{6, []string{"2", "", "40", "", ""}},
		}},
		{"SheetByName", XLSXOptions{Sheet: "Persons"}, "Persons", []string{"person"}, []Row{{2, []string{"Ana"}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x, err := ReadXLSX(bytes.NewReader(book), int64(len(book)), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			if x.Sheet() != tc.sheet || !reflect.DeepEqual(x.Header(), tc.header) {
				t.Errorf("sheet %q header %q, want %q %q", x.Sheet(), x.Header(), tc.sheet, tc.header)
			}
			rows, rowErrs, err := readAllRows(x)
			if err != nil || rowErrs != nil {
				t.Fatal(err, rowErrs)
			}
			if !reflect.DeepEqual(rows, tc.rows) {
				t.Errorf("rows %v, want %v", rows, tc.rows)
			}
		})
	}
}

// zipOf makes a zip holding name with content.
func zipOf(t testing.TB, name string, content []byte) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	fw, err := w.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(content)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestXLSXReaderErrors(t *testing.T) {
	good := makeXLSX(t, []string{"S"}, map[string]map[string]any{"S": {"A1": "a", "A2": "x"}})
	extra := makeXLSX(t, []string{"S"}, map[string]map[string]any{"S": {"A1": "a", "B1": "b", "A2": "1", "C2": "stray", "A3": "2"}})
	empty := makeXLSX(t, []string{"S"}, nil)
	long := makeXLSX(t, []string{"S"}, map[string]map[string]any{"S": {"A1": "a", "A2": strings.Repeat("x", 100)}})
	cases := []struct {
		name   string
		in     []byte
		opts   XLSXOptions
		code   string
		key    string
		args   []any
		atOpen bool
		rowErr bool
	}{
		{name: "Truncated", in: good[:len(good)/2], code: vrs.EINVALID, key: "import.error.xlsx_corrupt", atOpen: true},
		{name: "LastByteMissing", in: good[:len(good)-1], code: vrs.EINVALID, key: "import.error.xlsx_corrupt", atOpen: true},
		{name: "NotZip", in: []byte("a,b\n1,2\n"), code: vrs.EINVALID, key: "import.error.xlsx_corrupt", atOpen: true},
		{name: "ZipNotWorkbook", in: zipOf(t, "hello.txt", []byte("hi")), code: vrs.EINVALID, key: "import.error.xlsx_corrupt", atOpen: true},
		{name: "Empty", in: nil, code: vrs.EINVALID, key: "import.error.xlsx_corrupt", atOpen: true},
		{name: "ZipBomb", in: zipOf(t, "xl/worksheets/sheet1.xml", make([]byte, 20<<20)), code: vrs.ETOOLARGE, key: "import.error.xlsx_zip_bomb", atOpen: true},
		{name: "TooLargeUnpacked", in: good, opts: XLSXOptions{MaxUnpackedBytes: 1000}, code: vrs.ETOOLARGE, key: "import.error.xlsx_too_large", args: []any{int64(1000)}, atOpen: true},
		{name: "FileTooLarge", in: good, opts: XLSXOptions{MaxFileBytes: 100}, code: vrs.ETOOLARGE, key: "import.error.file_too_large", args: []any{int64(100)}, atOpen: true},
		{name: "NoSuchSheet", in: good, opts: XLSXOptions{Sheet: "Cases"}, code: vrs.EINVALID, key: "import.error.xlsx_no_sheet", args: []any{"Cases", "S"}, atOpen: true},
		{name: "NoRows", in: empty, code: vrs.EINVALID, key: "import.error.file_empty", atOpen: true},
		{name: "ExtraCells", in: extra, code: vrs.EINVALID, key: "import.error.file_extra_cells", args: []any{2, "C"}, rowErr: true},
		{name: "FieldTooLong", in: long, opts: XLSXOptions{MaxFieldBytes: 10}, code: vrs.EINVALID, key: "import.error.xlsx_field_too_long", args: []any{2, "A", 10}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x, err := ReadXLSX(bytes.NewReader(tc.in), int64(len(tc.in)), tc.opts)
			var rowErrs []error
			if err == nil {
				defer x.Close()
				if tc.atOpen {
					t.Fatal("no error at open")
				}
				_, rowErrs, err = readAllRows(x)
			}
			if tc.rowErr {
				if err != nil || len(rowErrs) != 1 {
					t.Fatalf("err %v, row errors %v", err, rowErrs)
				}
				err = rowErrs[0]
			}
			var e *vrs.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not a *vrs.Error", err)
			}
			if e.Code != tc.code || e.Message != tc.key || (tc.args != nil && !reflect.DeepEqual(e.Args, tc.args)) {
				t.Errorf("error %v, want %s %s %v", e, tc.code, tc.key, tc.args)
			}
		})
	}
}

// TestXLSXHTCDS reads the HTCDS standard's own templates, real third-party
// workbooks: field names in row 1, labels in row 2, numbered rows after.
func TestXLSXHTCDS(t *testing.T) {
	files, _ := filepath.Glob("../../shared/data/htcds/*.xlsx")
	if len(files) == 0 {
		t.Skip("no HTCDS templates in ../../shared/data/htcds")
	}
	for _, p := range files {
		t.Run(filepath.Base(p), func(t *testing.T) {
			x, err := OpenXLSX(p, XLSXOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			h := x.Header()
			if len(h) < 5 {
				t.Fatalf("header %q", h)
			}
			if strings.HasPrefix(filepath.Base(p), "HTCDS Excel") && (!slicesContains(h, "cas_CaseOwner") || !slicesContains(h, "prs_FirstName")) {
				t.Errorf("header %q lacks HTCDS field names", h)
			}
			row, err := x.Next()
			if err != nil {
				t.Fatal(err)
			}
			if row.Number != 2 || len(row.Cells) != len(h) {
				t.Errorf("row %d with %d cells", row.Number, len(row.Cells))
			}
			n := 1
			for {
				_, err := x.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				n++
			}
			t.Logf("sheet %q: %d columns, %d rows", x.Sheet(), len(h), n)
		})
	}
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func FuzzXLSXReader(f *testing.F) {
	f.Add(makeXLSX(f, []string{"S"}, map[string]map[string]any{"S": {"A1": "a", "B1": "b", "A2": 1, "B2": formula{"1+1", 2}, "C3": "x"}}))
	f.Add(makeXLSX(f, []string{"S", "T"}, map[string]map[string]any{"S": {"B2": "h"}, "T": {"A1": "t"}}))
	f.Add(zipOf(f, "xl/workbook.xml", []byte("<workbook/>")))
	files, _ := filepath.Glob("testdata/*.xlsx")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		x, err := ReadXLSX(bytes.NewReader(in), int64(len(in)), XLSXOptions{MaxUnpackedBytes: 4 << 20})
		if err != nil {
			if vrs.ErrorCode(err) == vrs.EINTERNAL {
				t.Fatalf("error is not a *vrs.Error: %v", err)
			}
			return
		}
		defer x.Close()
		for range 10000 {
			row, err := x.Next()
			if err == io.EOF {
				return
			}
			if vrs.ErrorCode(err) == vrs.EINTERNAL {
				t.Fatalf("error is not a *vrs.Error: %v", err)
			}
			if row == nil {
				return
			}
		}
	})
}

func TestXLSXFixture(t *testing.T) {
	x, err := OpenXLSX("testdata/cases.xlsx", XLSXOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, rowErrs, err := readAllRows(x)
	if err != nil || rowErrs != nil {
		t.Fatal(err, rowErrs)
	}
	want := []Row{{2, []string{"X-1", "45292", "VNM", "3"}}, {3, []string{"X-2", "", "สมชาย", ""}}}
	if x.Sheet() != "Cases" || !reflect.DeepEqual(rows, want) {
		t.Errorf("sheet %q rows %v, want %v", x.Sheet(), rows, want)
	}
	// Formatted values show the date as the spreadsheet does.
	y, err := OpenXLSX("testdata/cases.xlsx", XLSXOptions{Sheet: "Persons", Formatted: true})
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if r, err := y.Next(); err != nil || r.Cells[1] != "Ana" {
		t.Errorf("Persons: %v %v", r, err)
	}
}

// TestXLSXReaderBoundedMemory: a sheet of 200,000 rows is read row by row
// with the worksheet held in memory, never unpacked to a plain temporary
// file (it holds personal data): the live heap stays within the unpacked
// sheet plus a little, and TMPDIR stays empty.
func TestXLSXReaderBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 200,000 rows")
	}
	path := filepath.Join(t.TempDir(), "big.xlsx")
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"id", "name", "nationality", "age", "note"})
	const n = 200000
	for i := 2; i <= n+1; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		if err := sw.SetRow(cell, []any{i, "Nguyễn Văn " + strings.Repeat("x", i%7), "VNM", 18 + i%50, "=not evaluated"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var unpacked uint64
	for _, zf := range zr.File {
		unpacked += zf.UncompressedSize64
	}
	zr.Close()
	x, err := OpenXLSX(path, XLSXOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var ms runtime.MemStats
	var peak uint64
	rows := 0
	for {
		row, err := x.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows++
		if row.Number != rows+1 || row.Cells[4] != "=not evaluated" {
			t.Fatalf("row %d: %q", row.Number, row.Cells)
		}
		if rows%40000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Fatalf("the reader wrote %s to TMPDIR", left[0].Name())
			}
		}
	}
	fi, _ := os.Stat(path)
	t.Logf("%d rows, file %d KB, unpacked %d KB, peak live heap %d KB", rows, fi.Size()>>10, unpacked>>10, peak>>10)
	if rows != n {
		t.Errorf("read %d rows, want %d", rows, n)
	}
	if peak > unpacked+16<<20 {
		t.Errorf("live heap reached %d bytes, more than the unpacked workbook (%d) and 16 MiB", peak, unpacked)
	}
}
