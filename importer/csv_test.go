package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"vrs"
)

// readAllRows reads every row of rr; it stops at the first final error and
// collects the errors of single rows.
func readAllRows(rr RowReader) (rows []Row, rowErrs []error, err error) {
	for {
		r, err := rr.Next()
		if err == io.EOF {
			return rows, rowErrs, nil
		}
		if err != nil && r == nil {
			return rows, rowErrs, err
		}
		if err != nil {
			rowErrs = append(rowErrs, err)
		}
		rows = append(rows, *r)
	}
}

func TestCSVReader(t *testing.T) {
	cases := []struct {
		name   string
		in     string
		opts   CSVOptions
		delim  rune
		header []string
		rows   []Row
	}{
		{"Comma", "a,b\n1,2\n3,4\n", CSVOptions{}, ',', []string{"a", "b"}, []Row{{2, []string{"1", "2"}}, {3, []string{"3", "4"}}}},
		{"Semicolon", "name;amount\nAna;1,5\nBo;2,25\n", CSVOptions{}, ';', []string{"name", "amount"}, []Row{{2, []string{"Ana", "1,5"}}, {3, []string{"Bo", "2,25"}}}},
		{"Tab", "a\tb\tc\n1\t2\t3\n", CSVOptions{}, '\t', []string{"a", "b", "c"}, []Row{{2, []string{"1", "2", "3"}}}},
		{"GivenDelimiter", "a;b,c\n1;2,3\n", CSVOptions{Delimiter: ','}, ',', []string{"a;b", "c"}, []Row{{2, []string{"1;2", "3"}}}},
		{"OneColumn", "name\nAna\n", CSVOptions{}, ',', []string{"name"}, []Row{{2, []string{"Ana"}}}},
		{"HeaderOnly", "a,b\n", CSVOptions{}, ',', []string{"a", "b"}, nil},
		{"NoFinalNewline", "a,b\r\n1,2", CSVOptions{}, ',', []string{"a", "b"}, []Row{{2, []string{"1", "2"}}}},
		{"QuotedDelimiterAndNewline", "a;b\n\"x;y\";\"two\nlines\"\n3;4\n", CSVOptions{}, ';', []string{"a", "b"}, []Row{{2, []string{"x;y", "two\nlines"}}, {4, []string{"3", "4"}}}},
		{"BlankRowsSkipped", "a,b\n\n1,2\n,\n3,4\n", CSVOptions{}, ',', []string{"a", "b"}, []Row{{3, []string{"1", "2"}}, {5, []string{"3", "4"}}}},
		{"FormulasStayText", "a,b,c,d\n=1+1,+SUM(A1),-2+3,@cmd\n", CSVOptions{}, ',', []string{"a", "b", "c", "d"}, []Row{{2, []string{"=1+1", "+SUM(A1)", "-2+3", "@cmd"}}}},
		{"BOM", "\xEF\xBB\xBFid,name\n1,Zoë\n", CSVOptions{}, ',', []string{"id", "name"}, []Row{{2, []string{"1", "Zoë"}}}},
		{"Windows1252", "id;name\n1;Jos\xE9\n", CSVOptions{}, ';', []string{"id", "name"}, []Row{{2, []string{"1", "José"}}}},
		{"TIS620", "id,name\n1,\xCA\xC1\xAA\xD2\xC2\n", CSVOptions{}, ',', []string{"id", "name"}, []Row{{2, []string{"1", "สมชาย"}}}},
		{"UTF16", "\xFF\xFEa\x00,\x00b\x00\n\x001\x00,\x002\x00", CSVOptions{}, ',', []string{"a", "b"}, []Row{{2, []string{"1", "2"}}}},
		{"FieldAtLimit", "a\n" + strings.Repeat("x", 10) + "\n", CSVOptions{MaxFieldBytes: 10}, ',', []string{"a"}, []Row{{2, []string{strings.Repeat("x", 10)}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewCSVReader(iotest.HalfReader(strings.NewReader(tc.in)), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if r.Delimiter() != tc.delim {
				t.Errorf("delimiter %q, want %q", r.Delimiter(), tc.delim)
			}
			if !reflect.DeepEqual(r.Header(), tc.header) {
				t.Errorf("header %q, want %q", r.Header(), tc.header)
			}
			rows, rowErrs, err := readAllRows(r)
			if err != nil || rowErrs != nil {
				t.Fatal(err, rowErrs)
			}
			if !reflect.DeepEqual(rows, tc.rows) {
				t.Errorf("rows %v, want %v", rows, tc.rows)
			}
			if _, err := r.Next(); err != io.EOF {
				t.Errorf("Next after the end = %v", err)
			}
		})
	}
}

func TestCSVReaderErrors(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		opts    CSVOptions
		code    string
		key     string
		args    []any
		atOpen  bool
		rowErr  bool // a row error: reading goes on
		rowsNum []int
	}{
		{name: "Empty", in: "", code: vrs.EINVALID, key: "import.error.file_empty", atOpen: true},
		{name: "BadDelimiter", in: "a|b\n", opts: CSVOptions{Delimiter: '|'}, code: vrs.EINVALID, key: "import.error.csv_delimiter", atOpen: true},
		{name: "RaggedShort", in: "a,b,c\n1,2,3\n4,5\n6,7,8\n", code: vrs.EINVALID, key: "import.error.file_ragged_row", args: []any{3, 3, 2}, rowErr: true, rowsNum: []int{2, 3, 4}},
		{name: "RaggedLong", in: "a,b\n1,2,3\n", code: vrs.EINVALID, key: "import.error.file_ragged_row", args: []any{2, 2, 3}, rowErr: true, rowsNum: []int{2}},
		{name: "FieldTooLong", in: "a,b\n1,2\n3," + strings.Repeat("x", 11) + "\n", opts: CSVOptions{MaxFieldBytes: 10}, code: vrs.EINVALID, key: "import.error.file_field_too_long", args: []any{3, 2, 10}, rowsNum: []int{2}},
		{name: "QuotedFieldTooLong", in: "a,b\n1,\"" + strings.Repeat("x\n", 6) + "\"\n", opts: CSVOptions{MaxFieldBytes: 10}, code: vrs.EINVALID, key: "import.error.file_field_too_long", args: []any{2, 2, 10}},
		{name: "UnclosedQuote", in: "a,b\n1,\"open\n" + strings.Repeat("2,3\n", 100), opts: CSVOptions{MaxFieldBytes: 100}, code: vrs.EINVALID, key: "import.error.file_field_too_long", args: []any{2, 2, 100}},
		{name: "RowTooLong", in: "a\n" + strings.Repeat("x,", 100) + "\n", opts: CSVOptions{MaxRowBytes: 50}, code: vrs.EINVALID, key: "import.error.file_row_too_long", args: []any{2, 50}},
		{name: "FileTooLarge", in: "a,b\n" + strings.Repeat("1,2\n", 1000), opts: CSVOptions{MaxFileBytes: 1000}, code: vrs.ETOOLARGE, key: "import.error.file_too_large", args: []any{int64(1000)}},
		{name: "FileTooLargeAtOpen", in: "a,b\n" + strings.Repeat("1,2\n", 1000), opts: CSVOptions{MaxFileBytes: 10}, code: vrs.ETOOLARGE, key: "import.error.file_too_large", args: []any{int64(10)}, atOpen: true},
		{name: "BareQuote", in: "a,b\n1,x\"y\n", code: vrs.EINVALID, key: "import.error.csv_bare_quote", args: []any{2, 4}},
		{name: "TextAfterQuote", in: "a,b\n1,\"x\"y\n", code: vrs.EINVALID, key: "import.error.csv_quote", args: []any{2, 5}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewCSVReader(strings.NewReader(tc.in), tc.opts)
			var rows []Row
			var rowErrs []error
			if err == nil {
				if tc.atOpen {
					t.Fatal("no error at open")
				}
				rows, rowErrs, err = readAllRows(r)
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
			var nums []int
			for _, r := range rows {
				nums = append(nums, r.Number)
			}
			if !reflect.DeepEqual(nums, tc.rowsNum) {
				t.Errorf("rows read %v, want %v", nums, tc.rowsNum)
			}
			if r != nil && !tc.rowErr {
				if _, err2 := r.Next(); err2 != e {
					t.Errorf("error not final: next %v", err2)
				}
			}
		})
	}
}

// genCSV generates a CSV of about size bytes without holding it.
type genCSV struct {
	size, n int64
	row     int
	buf     []byte
}

func (g *genCSV) Read(p []byte) (int, error) {
	if len(g.buf) == 0 {
		if g.n >= g.size {
			return 0, io.EOF
		}
		if g.row == 0 {
			g.buf = []byte("id;name;nationality;sex;age;date;place;route;amount;note\n")
		} else {
			g.buf = fmt.Appendf(g.buf[:0], "%d;Nguyễn Văn %d;VNM;M;%d;2024-03-%02d;Mae Sot;\"THA;MYS\";1,5;\"=HYPERLINK(\"\"x\"\")\"\n", g.row, g.row, 18+g.row%50, 1+g.row%28)
		}
		g.row++
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	g.n += int64(n)
	return n, nil
}

// TestCSVReaderBoundedMemory: a 50 MB file is read with the live heap
// staying small (sampled after a collection) whatever the file size.
func TestCSVReaderBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 50 MB")
	}
	g := &genCSV{size: 50 << 20}
	r, err := NewCSVReader(g, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	var peak uint64
	n := 0
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(row.Cells) != 10 || row.Cells[9] != `=HYPERLINK("x")` {
			t.Fatalf("row %d: %q", row.Number, row.Cells)
		}
		n++
		if n%100000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	if g.n < 50<<20 || n < 400000 {
		t.Fatalf("read %d bytes, %d rows", g.n, n)
	}
	t.Logf("%d rows, %d MB, peak live heap %d KB", n, g.n>>20, peak>>10)
	if peak > 8<<20 {
		t.Errorf("live heap reached %d bytes reading %d", peak, g.n)
	}
}

func FuzzCSVReader(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"), 0)
	f.Add([]byte("a;b\n\"x;\"\"y\";2\n3\n"), 0)
	f.Add([]byte("\xFF\xFEa\x00\t\x00b\x00"), 2)
	f.Add([]byte("id,name\n1,\xCA\xC1\xAA\n"), 0)
	files, _ := filepath.Glob("testdata/*.csv")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, 0)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte, d int) {
		delims := []rune{0, ',', ';', '\t'}
		r, err := NewCSVReader(bytes.NewReader(in), CSVOptions{Delimiter: delims[uint(d)%4], MaxFieldBytes: 64, MaxRowBytes: 256})
		if err != nil {
			if vrs.ErrorCode(err) == vrs.EINTERNAL {
				t.Fatalf("error is not a *vrs.Error: %v", err)
			}
			return
		}
		last := 1
		for {
			row, err := r.Next()
			if err == io.EOF {
				return
			}
			if vrs.ErrorCode(err) == vrs.EINTERNAL {
				t.Fatalf("error is not a *vrs.Error: %v", err)
			}
			if row == nil {
				if err == nil {
					t.Fatal("nil row without error")
				}
				if _, err2 := r.Next(); err2 != err {
					t.Fatalf("final error changed: %v then %v", err, err2)
				}
				return
			}
			if row.Number <= last {
				t.Fatalf("row number %d after %d", row.Number, last)
			}
			last = row.Number
			for _, c := range row.Cells {
				if len(c) > 64 {
					t.Fatalf("cell of %d bytes", len(c))
				}
			}
		}
	})
}

// TestCSVFixtures reads the sample files in testdata, one per encoding and
// delimiter, as an agency would send them.
func TestCSVFixtures(t *testing.T) {
	cases := []struct {
		file    string
		enc     Encoding
		delim   rune
		header  []string
		rows    []Row
		rowErrs int
	}{
		{"utf8_bom_comma.csv", UTF8, ',', []string{"agency_reference", "nationality", "age", "note"}, []Row{
			{2, []string{"A-1", "VNM", "31", `Hà Nội, "north"`}}, {3, []string{"A-2", "THA", "", "=1+1"}}}, 0},
		{"windows1252_semicolon.csv", Windows1252, ';', []string{"référence", "pays", "âge"}, []Row{
			{2, []string{"B-1", "Côte d'Ivoire", "25"}}, {3, []string{"B-2", "São Tomé", "€ 40"}}}, 0},
		{"tis620_tab.csv", TIS620, '\t', []string{"ref", "ชื่อ"}, []Row{
			{2, []string{"T-1", "สมชาย"}}, {3, []string{"T-2", "บุญมี"}}}, 0},
		{"utf16le.csv", UTF16LE, ',', []string{"ref", "name"}, []Row{
			{2, []string{"U-1", "Nguyễn Thị"}}, {3, []string{"U-2", "😀"}}}, 0},
		{"utf16be_nobom.csv", UTF16BE, ';', []string{"ref", "name"}, []Row{{2, []string{"U-1", "Zoë"}}}, 0},
		{"ragged.csv", UTF8, ',', []string{"a", "b", "c"}, []Row{
			{2, []string{"1", "2", "3"}}, {3, []string{"4", "5"}}, {4, []string{"6", "7", "8", "9"}}}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			fh, err := os.Open(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			r, err := NewCSVReader(fh, CSVOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if r.Encoding() != tc.enc || r.Delimiter() != tc.delim || !reflect.DeepEqual(r.Header(), tc.header) {
				t.Errorf("read %s %q %q, want %s %q %q", r.Encoding(), r.Delimiter(), r.Header(), tc.enc, tc.delim, tc.header)
			}
			rows, rowErrs, err := readAllRows(r)
			if err != nil || len(rowErrs) != tc.rowErrs {
				t.Fatalf("err %v, row errors %v", err, rowErrs)
			}
			if !reflect.DeepEqual(rows, tc.rows) {
				t.Errorf("rows %v, want %v", rows, tc.rows)
			}
		})
	}
}
