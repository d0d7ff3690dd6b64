package export

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// Excel's limits (specifications and limits of Excel since 2007).
const (
	// MaxCellChars is the most characters a cell holds, counted as Excel
	// counts them: in UTF-16 code units.
	MaxCellChars = 32767
	// MaxSheetRows is the most rows a sheet holds, the header included.
	MaxSheetRows = 1048576
)

// cutMarker ends a text cut to MaxCellChars. A longer cell would make
// Excel refuse the whole workbook ("We found a problem with some
// content"), and failing the export for one long narrative would deny
// the rest; so the text is cut, visibly, and the JSON Lines and CSV forms,
// which have no such limit, carry it whole.
const cutMarker = "… [cut: Excel holds at most 32,767 characters in a cell; the CSV and JSON Lines exports hold the whole text]"

// cutText returns s cut to MaxCellChars UTF-16 code units, the marker
// included, at a character boundary. Bytes that are not UTF-8 count as
// one unit each, as the U+FFFD that replaces them.
func cutText(s string) string {
	// A UTF-8 string never holds more UTF-16 units than bytes.
	if len(s) <= MaxCellChars {
		return s
	}
	budget := MaxCellChars - utf16Len(cutMarker)
	units, end := 0, -1
	for i, r := range s {
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if end < 0 && units+n > budget {
			end = i
		}
		if units += n; units > MaxCellChars {
			return s[:end] + cutMarker
		}
	}
	return s
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// appendText appends s as the content of an XML text node that every
// conforming parser accepts and that Excel (and excelize) read back as s:
//   - & < > are escaped; CR is written as a character reference, since
//     XML parsers turn a literal CR (and CRLF) into LF;
//   - characters that XML 1.0 forbids (C0 controls but tab, LF and CR;
//     U+FFFE, U+FFFF) are written in OOXML's own escape _xHHHH_ (ECMA-376
//     Part 1, ST_Xstring), as Excel itself writes them; Excel, LibreOffice
//     and excelize decode it back to the character, so the cell keeps its
//     content instead of losing it or failing to open (a reader that does
//     not decode, such as openpyxl, shows the escape: still no broken file);
//   - text that looks like the start of such an escape has its underscore
//     escaped (_x005F_), or a reader would decode it;
//   - bytes that are not UTF-8 become U+FFFD, as nothing else can stand
//     for them.
func appendText(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				b = append(b, "&amp;"...)
			case c == '<':
				b = append(b, "&lt;"...)
			case c == '>':
				b = append(b, "&gt;"...)
			case c == '\r':
				b = append(b, "&#13;"...)
			case c == '\t' || c == '\n':
				b = append(b, c)
			case c < 0x20:
				b = appendEscape(b, rune(c))
			case c == '_' && looksEscaped(s[i:]):
				b = append(b, "_x005F"...)
				b = append(b, c)
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, "\uFFFD"...)
		case r == 0xFFFE || r == 0xFFFF:
			b = appendEscape(b, r)
		default:
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return b
}

const hexDigits = "0123456789ABCDEF"

func appendEscape(b []byte, r rune) []byte {
	return append(b, '_', 'x', hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF], '_')
}

// looksEscaped tells whether s starts with _xHHHH, which the underscore
// that follows, in s or in an escape of the next character, would make
// an escape.
func looksEscaped(s string) bool {
	if len(s) < 6 || s[1] != 'x' {
		return false
	}
	for _, c := range []byte(s[2:6]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// needsPreserve tells whether s starts or ends with white space, which
// a spreadsheet drops unless the cell says xml:space="preserve".
func needsPreserve(s string) bool {
	if s == "" {
		return false
	}
	space := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	return space(s[0]) || space(s[len(s)-1])
}

// colName is the letters of column i (from 0): A, ..., Z, AA, ...
func colName(i int) string {
	if i < len(colNames) {
		return colNames[i]
	}
	return letters(i)
}

func letters(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// colNames holds the letters of the columns any table has, so that a
// row's cells are written without an allocation each.
var colNames = func() []string {
	var names []string
	for i := range 128 {
		names = append(names, letters(i))
	}
	return names
}()

// appendCell appends one cell of row r in column col. Empty cells (nil
// or "") are left out: a sheet holds only the cells that have a value.
// Text is neutralised when neutral is set (rows of data; not the header)
// and cut to MaxCellChars; numbers are numeric cells; style 1 is bold.
func appendCell(b []byte, col string, r int, v any, neutral bool, style int) []byte {
	if v == nil || v == "" {
		return b
	}
	b = append(b, `<c r="`...)
	b = append(b, col...)
	b = strconv.AppendInt(b, int64(r), 10)
	b = append(b, '"')
	if style != 0 {
		b = append(b, ` s="`...)
		b = strconv.AppendInt(b, int64(style), 10)
		b = append(b, '"')
	}
	switch v := v.(type) {
	case string:
		return appendInline(b, v, neutral)
	case int:
		b = append(b, "><v>"...)
		b = strconv.AppendInt(b, int64(v), 10)
	case int64:
		b = append(b, "><v>"...)
		b = strconv.AppendInt(b, v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			// A spreadsheet has no number for these: text, as CSV writes it.
			return appendInline(b, strconv.FormatFloat(v, 'f', -1, 64), neutral)
		}
		b = append(b, "><v>"...)
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
	case bool:
		b = append(b, ` t="b"><v>`...)
		if v {
			b = append(b, '1')
		} else {
			b = append(b, '0')
		}
	default:
		panic("export: cell of unexpected type")
	}
	return append(b, "</v></c>"...)
}

// appendInline ends a cell opened by appendCell with s as inline text.
func appendInline(b []byte, s string, neutral bool) []byte {
	if neutral {
		s = Neutralise(s)
	}
	s = cutText(s)
	b = append(b, ` t="inlineStr"><is><t`...)
	if needsPreserve(s) {
		b = append(b, ` xml:space="preserve"`...)
	}
	b = append(b, '>')
	b = appendText(b, s)
	return append(b, "</t></is></c>"...)
}
