package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The XLSX is read here a second way, with nothing but archive/zip and
// encoding/xml, so that what excelize forgives (and Excel may not) shows.

type xPane struct {
	YSplit      string `xml:"ySplit,attr"`
	TopLeftCell string `xml:"topLeftCell,attr"`
	ActivePane  string `xml:"activePane,attr"`
	State       string `xml:"state,attr"`
}

type xCell struct {
	R string `xml:"r,attr"`
	T string `xml:"t,attr"`
	S string `xml:"s,attr"`
	V string `xml:"v"`
	// Inline text: its xml:space and its characters.
	IS *struct {
		T struct {
			Space string `xml:"http://www.w3.org/XML/1998/namespace space,attr"`
			Text  string `xml:",chardata"`
		} `xml:"t"`
	} `xml:"is"`
}

type xSheet struct {
	Panes []xPane `xml:"sheetViews>sheetView>pane"`
	Rows  []struct {
		R     int     `xml:"r,attr"`
		Cells []xCell `xml:"c"`
	} `xml:"sheetData>row"`
}

type xRels struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

var bstr = regexp.MustCompile(`_x[0-9A-Fa-f]{4}_`)

// unescapeX undoes OOXML's _xHHHH_ escapes, as Excel does on reading.
func unescapeX(s string) string {
	return bstr.ReplaceAllStringFunc(s, func(m string) string {
		n, _ := strconv.ParseUint(m[2:6], 16, 32)
		return string(rune(n))
	})
}

// strictXML parses a part to its end: any character XML 1.0 forbids, a
// tag left open, an entity unknown, fails it.
func strictXML(t *testing.T, name string, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err == io.EOF {
			return
		} else if err != nil {
			t.Fatalf("%s does not parse: %v", name, err)
		}
	}
}

// zipParts reads every part of an archive, checking each one's CRC.
func zipParts(t *testing.T, b []byte) (map[string][]byte, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string][]byte{}
	var order []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		parts[f.Name] = data
		order = append(order, f.Name)
	}
	return parts, order
}

// readXLSXPlain reads every sheet as readXLSX does (raw values, rows cut
// after their last cell), checking the package's structure on the way:
// content types, relationships, the frozen bold header, row and cell
// references.
func readXLSXPlain(t *testing.T, b []byte) (map[string][][]string, []string) {
	t.Helper()
	parts, order := zipParts(t, b)
	for name, data := range parts {
		strictXML(t, name, data)
	}
	if order[0] != "[Content_Types].xml" {
		t.Errorf("first part %s, want [Content_Types].xml", order[0])
	}
	var types struct {
		Overrides []struct {
			Part string `xml:"PartName,attr"`
			Type string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.Unmarshal(parts["[Content_Types].xml"], &types); err != nil {
		t.Fatal(err)
	}
	typed := map[string]string{}
	for _, o := range types.Overrides {
		if _, ok := parts[strings.TrimPrefix(o.Part, "/")]; !ok {
			t.Errorf("content type for %s, which is not in the archive", o.Part)
		}
		typed[strings.TrimPrefix(o.Part, "/")] = o.Type
	}
	var root xRels
	if err := xml.Unmarshal(parts["_rels/.rels"], &root); err != nil || len(root.Rels) != 1 || root.Rels[0].Target != "xl/workbook.xml" {
		t.Fatalf("_rels/.rels: %+v %v", root, err)
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(parts["xl/workbook.xml"], &wb); err != nil {
		t.Fatal(err)
	}
	var rels xRels
	if err := xml.Unmarshal(parts["xl/_rels/workbook.xml.rels"], &rels); err != nil {
		t.Fatal(err)
	}
	target := map[string]string{}
	for _, r := range rels.Rels {
		target[r.ID] = "xl/" + r.Target
		if strings.HasSuffix(r.Type, "/styles") && r.Target != "styles.xml" {
			t.Errorf("styles at %s", r.Target)
		}
	}
	if !strings.Contains(typed["xl/styles.xml"], "styles") {
		t.Error("no content type for the styles")
	}
	checkBold(t, parts["xl/styles.xml"])

	out := map[string][][]string{}
	var names []string
	for _, s := range wb.Sheets {
		part := target[s.ID]
		if !strings.HasSuffix(typed[part], "worksheet+xml") {
			t.Errorf("sheet %s: part %q typed %q", s.Name, part, typed[part])
		}
		var sh xSheet
		if err := xml.Unmarshal(parts[part], &sh); err != nil {
			t.Fatalf("%s: %v", part, err)
		}
		if len(sh.Panes) != 1 || sh.Panes[0] != (xPane{"1", "A2", "bottomLeft", "frozen"}) {
			t.Errorf("sheet %s: panes %+v, want the header row frozen", s.Name, sh.Panes)
		}
		var rows [][]string
		for i, r := range sh.Rows {
			if r.R != i+1 {
				t.Fatalf("sheet %s: row %d numbered %d", s.Name, i+1, r.R)
			}
			var row []string
			for _, c := range r.Cells {
				k := column(t, c.R, r.R)
				if k < len(row) {
					t.Fatalf("sheet %s: cell %s out of order", s.Name, c.R)
				}
				for len(row) < k {
					row = append(row, "")
				}
				if bold := c.S == "1"; bold != (r.R == 1) {
					t.Errorf("sheet %s: cell %s style %q", s.Name, c.R, c.S)
				}
				row = append(row, cellValue(t, c))
			}
			rows = append(rows, row)
		}
		out[s.Name] = rows
		names = append(names, s.Name)
	}
	return out, names
}

// column returns the column index of a cell reference on row r.
func column(t *testing.T, ref string, r int) int {
	t.Helper()
	i := strings.IndexAny(ref, "0123456789")
	if i <= 0 || ref[i:] != strconv.Itoa(r) {
		t.Fatalf("cell %q on row %d", ref, r)
	}
	k := 0
	for _, c := range ref[:i] {
		k = k*26 + int(c-'A'+1)
	}
	return k - 1
}

func cellValue(t *testing.T, c xCell) string {
	t.Helper()
	switch c.T {
	case "inlineStr":
		if c.IS == nil {
			t.Fatalf("cell %s: inline string without <is>", c.R)
		}
		s := c.IS.T.Text
		if s != strings.Trim(s, " \t\n\r") && c.IS.T.Space != "preserve" {
			t.Errorf("cell %s: %q loses its white space without xml:space", c.R, s)
		}
		return unescapeX(s)
	case "b":
		if c.V != "0" && c.V != "1" {
			t.Errorf("cell %s: boolean %q", c.R, c.V)
		}
		return c.V
	case "":
		if _, err := strconv.ParseFloat(c.V, 64); err != nil {
			t.Errorf("cell %s: number %q: %v", c.R, c.V, err)
		}
		return c.V
	}
	t.Fatalf("cell %s: type %q", c.R, c.T)
	return ""
}

// checkBold: cell format 1, which the header uses, has a bold font.
func checkBold(t *testing.T, b []byte) {
	t.Helper()
	var st struct {
		Fonts []struct {
			B *struct{} `xml:"b"`
		} `xml:"fonts>font"`
		Xfs []struct {
			FontID int `xml:"fontId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := xml.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	if len(st.Xfs) < 2 || st.Xfs[1].FontID >= len(st.Fonts) || st.Fonts[st.Xfs[1].FontID].B == nil || st.Fonts[st.Xfs[0].FontID].B != nil {
		t.Errorf("styles: format 1 is not bold or format 0 is: %s", b)
	}
}

// TestXLSXPlainReader: the second reader sees the very tables excelize
// sees, and the package is well formed.
func TestXLSXPlainReader(t *testing.T) {
	b := write(t, XLSX, sample())
	plain, names := readXLSXPlain(t, b)
	want := []string{"incidents", "persons", "identifiers", "legs", "transactions", "organisations", "vehicles", "documents", "counts"}
	if !slices.Equal(names, want) {
		t.Errorf("sheets %v, want %v", names, want)
	}
	viaExcelize := readXLSX(t, b)
	for _, name := range want {
		if g, w := jsonOf(t, plain[name]), jsonOf(t, viaExcelize[name]); g != w {
			t.Errorf("sheet %s:\nplain    %s\nexcelize %s", name, g, w)
		}
	}
}

// FuzzXLSXText: whatever the text, the XML parses and gives it back (bytes
// that are not UTF-8 as U+FFFD).
func FuzzXLSXText(f *testing.F) {
	for _, s := range []string{"", "a&b<c>", "\x00\x0b\x1f", "\r\n", "_x0041_", "_x005F_x0041_", "\uFFFE\uFFFF", "a\xffb", "  x  ", "]]>", "_x0000\x1f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc := append(appendText([]byte("<t>"), s), "</t>"...)
		var got struct {
			Text string `xml:",chardata"`
		}
		if err := xml.Unmarshal(doc, &got); err != nil {
			t.Fatalf("%q: %q does not parse: %v", s, doc, err)
		}
		if g, w := unescapeX(got.Text), validUTF8(s); g != w {
			t.Fatalf("%q read back as %q, want %q", s, g, w)
		}
	})
}

// validUTF8 replaces each byte that is not UTF-8 with U+FFFD.
func validUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		i += n
	}
	return b.String()
}
