package export

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"vrs"
)

// narrativeSheet writes one incident with that narrative and returns
// the raw XML of the incidents sheet and the cell as excelize and the
// plain reader read it.
func narrativeSheet(t *testing.T, narrative string) (raw []byte, viaExcelize, plain string) {
	t.Helper()
	inc := sample()[1]
	inc.Narrative = narrative
	b := write(t, XLSX, []*vrs.Incident{inc})
	parts, _ := zipParts(t, b)
	raw = parts["xl/worksheets/sheet1.xml"]
	tabs, _ := readXLSXPlain(t, b)
	col := slices.Index(tabs["incidents"][0], "narrative")
	if row := tabs["incidents"][1]; col < len(row) {
		plain = row[col]
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if viaExcelize, err = f.GetCellValue("incidents", colName(col)+"2", excelize.Options{RawCellValue: true}); err != nil {
		t.Fatal(err)
	}
	return raw, viaExcelize, plain
}

// TestXLSXText: characters that XML 1.0 forbids are written as OOXML's
// _xHHHH_ escapes (never raw, which would make the file unreadable) and
// read back as they were; text that looks like an escape, XML's own
// characters, CR and edge white space survive too.
func TestXLSXText(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		xml            string // in the raw sheet
	}{
		{"ControlCharacters", "a\x00b\x01c\x08d\x0be\x0cf\x1bg\x1fh", "a\x00b\x01c\x08d\x0be\x0cf\x1bg\x1fh", "a_x0000_b_x0001_c_x0008_d_x000B_e_x000C_f_x001B_g_x001F_h"},
		{"TabNewlineReturn", "a\tb\nc\rd\r\ne", "a\tb\nc\rd\r\ne", "a\tb\nc&#13;d&#13;\ne"},
		{"XMLCharacters", `<b>&amp; "q" 'a'</b> ]]>`, `<b>&amp; "q" 'a'</b> ]]>`, "&lt;b&gt;&amp;amp;"},
		{"LooksLikeEscape", "_x0041_ and _x005f_ and _x00 and _xZZZZ_", "_x0041_ and _x005f_ and _x00 and _xZZZZ_", "_x005F_x0041_ and _x005F_x005f_ and _x00 "},
		{"EscapeBeforeControl", "_x0000\x1f", "_x0000\x1f", "_x005F_x0000_x001F_"},
		{"NonCharacters", "a\uFFFEb\uFFFFc", "a\uFFFEb\uFFFFc", "a_xFFFE_b_xFFFF_c"},
		{"NotUTF8", "a\xffb\xc3", "a\uFFFDb\uFFFD", "a\uFFFDb\uFFFD"},
		{"EdgeSpaces", "  two spaces  ", "  two spaces  ", `<t xml:space="preserve">  two spaces  </t>`},
		{"LeadingNewline", "\nline", "\nline", `<t xml:space="preserve">`},
		{"Scripts", "ผู้เสียหาย Nguyễn 🙂", "ผู้เสียหาย Nguyễn 🙂", "ผู้เสียหาย Nguyễn 🙂"},
		{"Formula", "=1+2", "'=1+2", "<t>'=1+2</t>"},
		{"ControlThenFormula", "\x01=1", "\x01=1", "_x0001_=1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, ex, plain := narrativeSheet(t, tc.in)
			for i, c := range raw {
				if c < 0x20 && c != '\t' && c != '\n' {
					t.Fatalf("raw byte %#x at %d", c, i)
				}
			}
			if !bytes.Contains(raw, []byte(tc.xml)) {
				t.Errorf("sheet XML lacks %q", tc.xml)
			}
			if ex != tc.want {
				t.Errorf("excelize reads %q, want %q", ex, tc.want)
			}
			if plain != tc.want {
				t.Errorf("encoding/xml reads %q, want %q", plain, tc.want)
			}
		})
	}
}

// TestXLSXCut: text beyond Excel's 32,767 characters (UTF-16 units) is
// cut at a character boundary and ends with the marker; text up to the
// limit is whole.
func TestXLSXCut(t *testing.T) {
	emoji := "🙂" // two UTF-16 units
	for _, tc := range []struct {
		name, in string
		cut      bool
	}{
		{"AtLimit", strings.Repeat("a", MaxCellChars), false},
		{"OneOver", strings.Repeat("a", MaxCellChars+1), true},
		{"PairsAtLimit", strings.Repeat(emoji, MaxCellChars/2) + "a", false},
		{"PairsOver", strings.Repeat(emoji, MaxCellChars/2+1), true},
		{"ThaiOver", strings.Repeat("ก", MaxCellChars+1), true},
		{"Long", strings.Repeat("x&<", 40000), true},
		{"FormulaOver", "=" + strings.Repeat("1", MaxCellChars), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got, plain := narrativeSheet(t, tc.in)
			if plain != got {
				t.Errorf("the readers differ: %d and %d bytes", len(plain), len(got))
			}
			if n := utf16Len(got); n > MaxCellChars {
				t.Errorf("%d characters in the cell", n)
			}
			if !utf8.ValidString(got) {
				t.Error("cut inside a character")
			}
			want := Neutralise(tc.in)
			if !tc.cut {
				if got != want {
					t.Errorf("text of %d characters changed", utf16Len(tc.in))
				}
				return
			}
			body, ok := strings.CutSuffix(got, cutMarker)
			if !ok || !strings.HasPrefix(want, body) {
				t.Fatalf("cut text %q... does not end with the marker or is not a prefix", got[:20])
			}
			if n := utf16Len(got); n < MaxCellChars-1 {
				t.Errorf("cut to %d characters, more than needed", n)
			}
		})
	}
}

// manyIncidents returns n small incidents, one person each.
func manyIncidents(n int, name func(i int) string) func(yield func(*vrs.Incident) bool) {
	return func(yield func(*vrs.Incident) bool) {
		for i := 1; i <= n; i++ {
			inc := sample()[1]
			inc.ID, inc.Reference = int64(i), fmt.Sprintf("VN-%07d", i)
			inc.Persons[0].Name = name(i)
			if !yield(inc) {
				return
			}
		}
	}
}

// TestXLSXContinuation: a table longer than a sheet goes on in "name (2)"
// and on, each with the header; joined again, the tables give back every
// incident.
func TestXLSXContinuation(t *testing.T) {
	in := sample()
	for inc := range manyIncidents(4, func(i int) string { return fmt.Sprint("P", i) }) {
		inc.ID += 100
		in = append(in, inc)
	}
	var buf bytes.Buffer
	x, err := newXLSX(&buf, 3) // the header and two rows a sheet
	if err != nil {
		t.Fatal(err)
	}
	for _, inc := range in {
		if err := x.Write(inc); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	tabs := readXLSX(t, buf.Bytes())
	plain, names := readXLSXPlain(t, buf.Bytes())
	want := []string{"incidents", "incidents (2)", "incidents (3)", "persons", "persons (2)", "persons (3)", "persons (4)", "identifiers",
		"legs", "transactions", "organisations", "vehicles", "documents", "counts"}
	if !slices.Equal(names, want) {
		t.Fatalf("sheets %v, want %v", names, want)
	}
	joined := map[string][][]string{}
	for _, name := range names {
		rows := tabs[name]
		if len(rows) == 0 || len(rows) > 3 {
			t.Fatalf("sheet %s: %d rows", name, len(rows))
		}
		if g, w := jsonOf(t, plain[name]), jsonOf(t, rows); g != w {
			t.Errorf("sheet %s: the readers differ", name)
		}
		base, _, more := strings.Cut(name, " (")
		if !more {
			joined[base] = rows
			continue
		}
		if !slices.Equal(rows[0], joined[base][0]) {
			t.Errorf("sheet %s: header %v", name, rows[0])
		}
		joined[base] = append(joined[base], rows[1:]...)
	}
	got := rebuild(t, joined)
	if len(got) != len(in) {
		t.Fatalf("%d incidents read back, want %d", len(got), len(in))
	}
	for i := range in {
		if g, w := jsonOf(t, got[i]), jsonOf(t, in[i]); g != w {
			t.Errorf("incident %d read back:\n%s\nwant\n%s", i, g, w)
		}
	}
}

// heapPeak keeps the largest live heap seen, measured after a collection
// so that only what the writer holds counts, never garbage not yet
// collected nor the speed of the machine.
type heapPeak struct{ base, peak uint64 }

func (h *heapPeak) sample() {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if h.base == 0 {
		h.base = m.HeapAlloc
	} else if m.HeapAlloc > h.base && m.HeapAlloc-h.base > h.peak {
		h.peak = m.HeapAlloc - h.base
	}
}

// sampling measures the heap every few megabytes written out (in Close).
type sampling struct {
	w io.Writer
	h *heapPeak
	n int
}

func (s *sampling) Write(p []byte) (int, error) {
	if s.n += len(p); s.n > 4<<20 {
		s.n = 0
		s.h.sample()
	}
	return s.w.Write(p)
}

// countRows counts the rows of a sheet without holding it.
func countRows(t *testing.T, f *zip.File) int {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tag := []byte("<row ")
	buf := make([]byte, 64<<10)
	n, carry := 0, 0
	for {
		k, err := rc.Read(buf[carry:])
		data := buf[:carry+k]
		n += bytes.Count(data, tag)
		// The tail that could start a tag split by the read goes on.
		keep := min(len(tag)-1, len(data))
		if i := bytes.LastIndexByte(data[len(data)-keep:], '<'); i >= 0 {
			carry = copy(buf, data[len(data)-keep+i:])
		} else {
			carry = 0
		}
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
	}
}

// TestXLSXMemory: 100,000 rows in two tables, and the live heap stays
// within a bound that does not grow with the rows (excelize's stream
// writer alone kept up to 16 MiB a sheet).
func TestXLSXMemory(t *testing.T) {
	const n, bound = 100_000, 32 << 20
	out, err := os.Create(filepath.Join(t.TempDir(), "big.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	h := &heapPeak{}
	h.sample()
	x, err := NewXLSX(&sampling{w: out, h: h})
	if err != nil {
		t.Fatal(err)
	}
	defer Discard(x)
	i := 0
	for inc := range manyIncidents(n, func(i int) string { return fmt.Sprintf("Person %d Nguyễn", i) }) {
		if err := x.Write(inc); err != nil {
			t.Fatal(err)
		}
		if i++; i%10_000 == 0 {
			h.sample()
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	h.sample()
	t.Logf("live heap at most %.1f MiB above the start", float64(h.peak)/(1<<20))
	if h.peak > bound {
		t.Errorf("live heap grew by %d MiB writing %d rows, bound %d MiB", h.peak>>20, n, bound>>20)
	}
	fi, err := out.Stat()
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(out, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" || f.Name == "xl/worksheets/sheet2.xml" {
			if got := countRows(t, f); got != n+1 {
				t.Errorf("%s: %d rows, want %d", f.Name, got, n+1)
			}
		}
	}
}
