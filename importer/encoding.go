package importer

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unicode/utf8"

	"vrs"
)

// Encoding names a text encoding of an imported file.
type Encoding string

// The encodings the importer reads. EncodingAuto asks for detection.
const (
	EncodingAuto Encoding = ""
	UTF8         Encoding = "utf-8"
	UTF16LE      Encoding = "utf-16le"
	UTF16BE      Encoding = "utf-16be"
	Windows1252  Encoding = "windows-1252"
	TIS620       Encoding = "tis-620"
)

// Encodings lists the encodings a user may choose.
var Encodings = []Encoding{UTF8, UTF16LE, UTF16BE, Windows1252, TIS620}

// ParseEncoding accepts an encoding name as users and tools write it
// ("UTF-8", "utf8", "cp1252", "latin1", "TIS620", "windows-874" ...); ""
// and "auto" mean detection.
func ParseEncoding(name string) (Encoding, error) {
	n := strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(name)))
	switch n {
	case "", "auto":
		return EncodingAuto, nil
	case "utf8", "utf8bom":
		return UTF8, nil
	case "utf16", "utf16le", "ucs2", "ucs2le", "unicode":
		return UTF16LE, nil
	case "utf16be", "ucs2be", "unicodebe":
		return UTF16BE, nil
	case "windows1252", "cp1252", "latin1", "iso88591", "l1", "ansi":
		// Windows-1252 is a superset of the printable part of Latin-1, and
		// what files labelled Latin-1 hold in practice.
		return Windows1252, nil
	case "tis620", "iso885911", "windows874", "cp874", "thai":
		return TIS620, nil
	}
	return "", vrs.Errorf(vrs.EINVALID, "import.error.encoding_unknown", name)
}

// sniffSize is how much of a file detection looks at.
const sniffSize = 64 << 10

// Decode returns a reader of r's text in UTF-8. With enc EncodingAuto it
// detects the encoding from the first 64 KiB; it returns the encoding used.
// A byte-order mark is removed. Bytes that are not valid in the encoding
// become U+FFFD. The reader streams: memory does not grow with the input.
func Decode(r io.Reader, enc Encoding) (io.Reader, Encoding, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	sample, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", err
	}
	atEOF := err == io.EOF
	bomEnc, bomLen := detectBOM(sample)
	switch {
	case enc == EncodingAuto && bomEnc != "":
		enc = bomEnc
	case enc == EncodingAuto:
		enc = detect(sample, atEOF)
	case bomEnc != enc:
		bomLen = 0 // not this encoding's mark: leave the bytes as they are
	}
	if bomLen > 0 {
		br.Discard(bomLen)
	}
	var fn decodeFunc
	switch enc {
	case UTF8:
		fn = decodeUTF8
	case UTF16LE:
		fn = func(dst, src []byte, atEOF bool) (int, int) { return decodeUTF16(dst, src, atEOF, false) }
	case UTF16BE:
		fn = func(dst, src []byte, atEOF bool) (int, int) { return decodeUTF16(dst, src, atEOF, true) }
	case Windows1252:
		fn = windows1252.decode
	case TIS620:
		fn = tis620.decode
	default:
		return nil, "", vrs.Errorf(vrs.EINVALID, "import.error.encoding_unknown", string(enc))
	}
	return newDecodeReader(br, fn), enc, nil
}

// DetectEncoding guesses the encoding of a file from its first bytes; atEOF
// says that sample is the whole file. Byte-order marks decide first; then a
// NUL-byte pattern typical of UTF-16; then valid UTF-8; then text whose high
// bytes are mostly Thai letters is TIS-620; anything else is Windows-1252.
func DetectEncoding(sample []byte, atEOF bool) Encoding {
	if e, _ := detectBOM(sample); e != "" {
		return e
	}
	return detect(sample, atEOF)
}

func detectBOM(b []byte) (Encoding, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return UTF8, 3
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return UTF16LE, 2
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return UTF16BE, 2
	}
	return "", 0
}

func detect(b []byte, atEOF bool) Encoding {
	if e := detectUTF16(b); e != "" {
		return e
	}
	if validUTF8Prefix(b, atEOF) {
		return UTF8
	}
	var high, thai, letters int
	for _, c := range b {
		switch {
		case c == 0x80 || c == 0x85 || (c >= 0x91 && c <= 0x97):
			// Punctuation of both Windows-874 and Windows-1252: no clue.
		case c >= 0x80:
			high++
			if isTIS620Letter(c) {
				thai++
			}
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z':
			letters++
		}
	}
	// Thai text is written almost wholly in high bytes, all in TIS-620's
	// ranges; Latin text in Windows-1252 has a few accented letters among
	// many ASCII ones, and often bytes TIS-620 leaves undefined.
	if high > 0 && thai*100 >= high*95 && high*100 >= (high+letters)*30 {
		return TIS620
	}
	return Windows1252
}

// detectUTF16 looks for UTF-16 without a byte-order mark: text that is
// mostly ASCII has a NUL in every other byte.
func detectUTF16(b []byte) Encoding {
	n := len(b) &^ 1
	if n < 4 {
		return ""
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if b[i] == 0 {
			even++
		}
		if b[i+1] == 0 {
			odd++
		}
	}
	pairs := n / 2
	switch {
	case odd*10 >= pairs*4 && even*10 < pairs:
		return UTF16LE
	case even*10 >= pairs*4 && odd*10 < pairs:
		return UTF16BE
	}
	return ""
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing a sequence cut
// at its end when b is not the whole file.
func validUTF8Prefix(b []byte, atEOF bool) bool {
	if !atEOF {
		// Drop an incomplete last sequence (at most 3 bytes).
		for i := len(b) - 1; i >= 0 && i >= len(b)-3; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}

func isTIS620Letter(c byte) bool {
	return (c >= 0xA1 && c <= 0xDA) || (c >= 0xDF && c <= 0xFB)
}

// decodeFunc decodes src into dst, which has room for 3 bytes per source
// byte plus 4. Unless atEOF it may leave an incomplete sequence of at most 3
// bytes at the end of src unconsumed; atEOF it consumes everything.
type decodeFunc func(dst, src []byte, atEOF bool) (nDst, nSrc int)

type decodeReader struct {
	r        io.Reader
	fn       decodeFunc
	src, dst []byte
	s1       int // src[:s1] is undecoded input
	d0, d1   int // dst[d0:d1] is decoded output not yet read
	err      error
}

const decodeChunk = 32 << 10

func newDecodeReader(r io.Reader, fn decodeFunc) *decodeReader {
	return &decodeReader{r: r, fn: fn, src: make([]byte, decodeChunk), dst: make([]byte, 3*decodeChunk+4)}
}

func (d *decodeReader) Read(p []byte) (int, error) {
	for {
		if d.d0 < d.d1 {
			n := copy(p, d.dst[d.d0:d.d1])
			d.d0 += n
			return n, nil
		}
		if d.err != nil {
			return 0, d.err
		}
		n, err := d.r.Read(d.src[d.s1:])
		d.s1 += n
		d.err = err
		nd, ns := d.fn(d.dst, d.src[:d.s1], err != nil)
		d.s1 = copy(d.src, d.src[ns:d.s1])
		d.d0, d.d1 = 0, nd
	}
}

func decodeUTF8(dst, src []byte, atEOF bool) (int, int) {
	if utf8.Valid(src) {
		return copy(dst, src), len(src)
	}
	nd, i := 0, 0
	for i < len(src) {
		c := src[i]
		if c < utf8.RuneSelf {
			dst[nd] = c
			nd++
			i++
			continue
		}
		if !atEOF && !utf8.FullRune(src[i:]) {
			break
		}
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size == 1 {
			nd += utf8.EncodeRune(dst[nd:], utf8.RuneError)
		} else {
			nd += copy(dst[nd:], src[i:i+size])
		}
		i += size
	}
	return nd, i
}

func decodeUTF16(dst, src []byte, atEOF, bigEndian bool) (int, int) {
	unit := func(i int) rune {
		if bigEndian {
			return rune(src[i])<<8 | rune(src[i+1])
		}
		return rune(src[i+1])<<8 | rune(src[i])
	}
	nd, i := 0, 0
	for i+1 < len(src) {
		r := unit(i)
		switch {
		case r >= 0xD800 && r < 0xDC00: // high surrogate
			if i+3 >= len(src) {
				if !atEOF {
					return nd, i
				}
				r, i = utf8.RuneError, i+2
				break
			}
			r2 := unit(i + 2)
			if r2 >= 0xDC00 && r2 < 0xE000 {
				r, i = 0x10000+(r-0xD800)<<10+(r2-0xDC00), i+4
			} else {
				r, i = utf8.RuneError, i+2
			}
		case r >= 0xDC00 && r < 0xE000: // lone low surrogate
			r, i = utf8.RuneError, i+2
		default:
			i += 2
		}
		nd += utf8.EncodeRune(dst[nd:], r)
	}
	if atEOF && i < len(src) { // an odd last byte
		nd += utf8.EncodeRune(dst[nd:], utf8.RuneError)
		i = len(src)
	}
	return nd, i
}

// singleByte is a single-byte encoding: one rune per byte.
type singleByte [256]rune

func (t *singleByte) decode(dst, src []byte, _ bool) (int, int) {
	nd := 0
	for _, c := range src {
		if c < utf8.RuneSelf {
			dst[nd] = c
			nd++
			continue
		}
		nd += utf8.EncodeRune(dst[nd:], t[c])
	}
	return nd, len(src)
}

var windows1252, tis620 singleByte

// cp1252High is Windows-1252 at 0x80–0x9F. The five bytes the code page
// leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 controls of
// the same value, as the WHATWG Encoding Standard does.
var cp1252High = [32]rune{
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
}

func init() {
	for i := range 256 {
		windows1252[i] = rune(i) // ASCII and Latin-1 at 0xA0–0xFF
		tis620[i] = rune(i)
		if i >= 0x80 {
			tis620[i] = utf8.RuneError
		}
	}
	for i, r := range cp1252High {
		windows1252[0x80+i] = r
	}
	// TIS-620: 0xA1–0xDA are U+0E01–U+0E3A and 0xDF–0xFB are U+0E3F–U+0E5B
	// (both at offset 0x0D60); 0xA0 is the no-break space of ISO-8859-11;
	// 0xDB–0xDE and 0xFC–0xFF are undefined. In 0x80–0x9F, undefined in
	// TIS-620, we read the punctuation of Windows-874 (Thai Windows, a
	// superset that Thai spreadsheets are saved in): € … ‘ ’ “ ” • – —.
	tis620[0xA0] = 0x00A0
	for _, c := range []byte{0x80, 0x85, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97} {
		tis620[c] = windows1252[c]
	}
	for c := 0xA1; c <= 0xFB; c++ {
		if isTIS620Letter(byte(c)) {
			tis620[c] = rune(c) + 0x0D60
		}
	}
}
