package importer

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// Sample files as their bytes, with the text each holds.
var encodingCases = []struct {
	name string
	in   []byte
	enc  Encoding // what detection must find
	want string
}{
	{"UTF8", []byte("name;city\nNguyễn;Zürich\n"), UTF8, "name;city\nNguyễn;Zürich\n"},
	{"UTF8BOM", []byte("\xEF\xBB\xBFname\nJosé\n"), UTF8, "name\nJosé\n"},
	{"ASCII", []byte("a,b\n1,2\n"), UTF8, "a,b\n1,2\n"},
	{"Empty", nil, UTF8, ""},
	{"UTF16LEBOM", []byte{0xFF, 0xFE, 'A', 0, 0xE9, 0, ',', 0, 0x2A, 0x0E, '\n', 0}, UTF16LE, "Aé,ส\n"},
	{"UTF16BEBOM", []byte{0xFE, 0xFF, 0, 'A', 0, 0xE9, 0, ',', 0x0E, 0x2A, 0, '\n'}, UTF16BE, "Aé,ส\n"},
	{"UTF16LENoBOM", []byte{'a', 0, 'b', 0, ',', 0, 'c', 0, '\n', 0, '1', 0, ',', 0, '2', 0}, UTF16LE, "ab,c\n1,2"},
	{"UTF16BENoBOM", []byte{0, 'a', 0, 'b', 0, ',', 0, 'c', 0, '\n', 0, '1', 0, ',', 0, '2'}, UTF16BE, "ab,c\n1,2"},
	{"UTF16Surrogates", []byte{0xFF, 0xFE, 0x3D, 0xD8, 0x00, 0xDE, 'x', 0}, UTF16LE, "😀x"},
	{"UTF16LoneSurrogate", []byte{0xFF, 0xFE, 0x00, 0xDE, 'x', 0, 'y'}, UTF16LE, "\uFFFDx\uFFFD"},
	// "Café €5 “x” Œuvre" as Windows-1252.
	{"Windows1252", []byte{'C', 'a', 'f', 0xE9, ' ', 0x80, '5', ' ', 0x93, 'x', 0x94, ' ', 0x8C, 'u', 'v', 'r', 'e'}, Windows1252, "Café €5 “x” Œuvre"},
	{"Latin1", []byte("Se\xF1or,S\xE3o Paulo,M\xFCller\n"), Windows1252, "Señor,São Paulo,Müller\n"},
	// "ชื่อ,สวัสดี กรุงเทพ ฿๑" as TIS-620.
	{"TIS620", []byte{0xAA, 0xD7, 0xE8, 0xCD, ',', 0xCA, 0xC7, 0xD1, 0xCA, 0xB4, 0xD5, ' ', 0xA1, 0xC3, 0xD8, 0xA7, 0xE0, 0xB7, 0xBE, ' ', 0xDF, 0xF1}, TIS620, "ชื่อ,สวัสดี กรุงเทพ ฿๑"},
	{"Windows874", []byte{'"', 0x93, 0xCA, 0xC7, 0xD1, 0xCA, 0xB4, 0xD5, 0x94, ' ', 0x85}, TIS620, "\"“สวัสดี” …"},
	{"Windows1252Quotes", []byte{0x93, 'H', 'i', 0x94, ' ', 0x96, ' ', 'c', 'a', 'f', 0xE9}, Windows1252, "“Hi” – café"},
	{"TIS620WithASCII", []byte("id,name\n1,\xCA\xC1\xAA\xD2\xC2\n2,\xBA\xD8\xAD\xC1\xD5\n"), TIS620, "id,name\n1,สมชาย\n2,บุญมี\n"},
}

func TestDetectAndDecode(t *testing.T) {
	for _, tc := range encodingCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := DetectEncoding(tc.in, true); got != tc.enc {
				t.Errorf("DetectEncoding = %q, want %q", got, tc.enc)
			}
			for _, wrap := range []struct {
				name string
				fn   func(io.Reader) io.Reader
			}{{"Whole", func(r io.Reader) io.Reader { return r }}, {"OneByte", iotest.OneByteReader}, {"Half", iotest.HalfReader}} {
				r, enc, err := Decode(wrap.fn(bytes.NewReader(tc.in)), EncodingAuto)
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(r)
				if err != nil {
					t.Fatal(err)
				}
				if enc != tc.enc || string(b) != tc.want {
					t.Errorf("%s: Decode = %q %q, want %q %q", wrap.name, enc, b, tc.enc, tc.want)
				}
			}
			// Given explicitly, the same encoding gives the same text.
			r, _, err := Decode(bytes.NewReader(tc.in), tc.enc)
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := io.ReadAll(r); string(b) != tc.want {
				t.Errorf("Decode(%s) = %q, want %q", tc.enc, b, tc.want)
			}
		})
	}
}

func TestDecodeGiven(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		enc  Encoding
		want string
	}{
		// Valid UTF-8 read as Windows-1252 when the user says so.
		{"ForcedWindows1252", []byte("é"), Windows1252, "Ã©"},
		{"InvalidUTF8Replaced", []byte("a\xFFb\xE2\x82"), UTF8, "a\uFFFDb\uFFFD\uFFFD"},
		{"UTF8BOMWhenGivenUTF8", []byte("\xEF\xBB\xBFx"), UTF8, "x"},
		{"TIS620Undefined", []byte{0x81, 0xDB, 0xFC, 0xA0}, TIS620, "\uFFFD\uFFFD\uFFFD\u00A0"},
		{"Windows874Punctuation", []byte{0x93, 0xCA, 0x94, 0x80, 0x85}, TIS620, "“ส”€…"},
		{"Windows1252Undefined", []byte{0x81, 0x9F}, Windows1252, "\u0081Ÿ"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, _, err := Decode(iotest.OneByteReader(bytes.NewReader(tc.in)), tc.enc)
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := io.ReadAll(r); string(b) != tc.want {
				t.Errorf("got %q, want %q", b, tc.want)
			}
		})
	}
}

func TestTIS620Table(t *testing.T) {
	// The two ranges map linearly to the Thai block; check the ends.
	for c, want := range map[byte]rune{0xA1: 'ก', 0xDA: '\u0E3A', 0xDF: '฿', 0xE0: 'เ', 0xF0: '๐', 0xF9: '๙', 0xFB: '๛'} {
		if tis620[c] != want {
			t.Errorf("tis620[%#x] = %U, want %U", c, tis620[c], want)
		}
	}
}

func TestParseEncoding(t *testing.T) {
	cases := map[string]Encoding{"": EncodingAuto, "auto": EncodingAuto, "UTF-8": UTF8, "utf8": UTF8, "UTF-16": UTF16LE, "utf-16be": UTF16BE, "CP1252": Windows1252, "latin1": Windows1252, "TIS-620": TIS620, "windows-874": TIS620}
	for in, want := range cases {
		if got, err := ParseEncoding(in); err != nil || got != want {
			t.Errorf("ParseEncoding(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseEncoding("ebcdic"); !hasKey(err, "import.error.encoding_unknown") {
		t.Errorf("ParseEncoding(ebcdic) = %v", err)
	}
}

// TestDecodeLarge: a long stream decodes the same whole and in pieces,
// including multi-byte sequences that straddle chunk boundaries.
func TestDecodeLarge(t *testing.T) {
	text := strings.Repeat("สวัสดี Zürich 😀,", 20000)
	r, enc, err := Decode(iotest.HalfReader(strings.NewReader(text)), EncodingAuto)
	if err != nil || enc != UTF8 {
		t.Fatal(enc, err)
	}
	b, _ := io.ReadAll(r)
	if string(b) != text {
		t.Error("UTF-8 stream changed")
	}
	var le []byte
	for _, r := range text {
		if r > 0xFFFF {
			r -= 0x10000
			hi, lo := 0xD800+(r>>10), 0xDC00+(r&0x3FF)
			le = append(le, byte(hi), byte(hi>>8), byte(lo), byte(lo>>8))
			continue
		}
		le = append(le, byte(r), byte(r>>8))
	}
	r, _, _ = Decode(iotest.HalfReader(bytes.NewReader(le)), UTF16LE)
	b, _ = io.ReadAll(r)
	if string(b) != text {
		t.Error("UTF-16 stream differs")
	}
}

func FuzzDecode(f *testing.F) {
	for _, tc := range encodingCases {
		f.Add(tc.in, 0)
	}
	f.Fuzz(func(t *testing.T, in []byte, e int) {
		encs := append([]Encoding{EncodingAuto}, Encodings...)
		enc := encs[uint(e)%uint(len(encs))]
		r, got, err := Decode(iotest.HalfReader(bytes.NewReader(in)), enc)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(b) {
			t.Errorf("%s output is not valid UTF-8: %q", got, b)
		}
		if len(b) > 3*len(in)+4 {
			t.Errorf("output %d bytes from %d", len(b), len(in))
		}
	})
}
