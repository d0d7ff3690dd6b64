package importer

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"

	"vrs"
)

// Default limits of the file readers.
const (
	DefaultMaxFieldBytes = 64 << 10 // one cell, in UTF-8
	DefaultMaxRowBytes   = 1 << 20  // one row, in UTF-8
	DefaultMaxFileBytes  = 1 << 30  // the file as uploaded: 10 million rows of 10 columns
)

// CSVOptions configure a CSVReader. Zero values mean detection or defaults.
type CSVOptions struct {
	Encoding      Encoding // EncodingAuto: detect (see DetectEncoding)
	Delimiter     rune     // ',', ';' or '\t'; 0: detect from the first lines
	MaxFieldBytes int      // longest cell; default DefaultMaxFieldBytes
	MaxRowBytes   int      // longest row; default DefaultMaxRowBytes
	MaxFileBytes  int64    // largest file; default DefaultMaxFileBytes
}

// CSVReader is a streaming RowReader of delimited text. Cells are kept as
// text exactly as written: a cell such as "=1+1" or "@SUM(A1)" is a string,
// never a formula. Memory does not grow with the file: limits on the size of
// a cell, a row and the file are enforced while reading.
type CSVReader struct {
	r      *csv.Reader
	header []string
	enc    Encoding
	delim  rune
	err    error // final error, returned by every later Next
}

var _ RowReader = (*CSVReader)(nil)

// NewCSVReader reads the header row of r and returns a reader of the rows
// after it. An empty file is an error.
func NewCSVReader(r io.Reader, opts CSVOptions) (*CSVReader, error) {
	if opts.MaxFieldBytes <= 0 {
		opts.MaxFieldBytes = DefaultMaxFieldBytes
	}
	if opts.MaxRowBytes <= 0 {
		opts.MaxRowBytes = DefaultMaxRowBytes
	}
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	switch opts.Delimiter {
	case 0, ',', ';', '\t':
	default:
		return nil, vrs.Errorf(vrs.EINVALID, "import.error.csv_delimiter", string(opts.Delimiter))
	}
	dec, enc, err := Decode(&sizeLimiter{r: r, max: opts.MaxFileBytes}, opts.Encoding)
	if err != nil {
		return nil, readError(err)
	}
	br := bufio.NewReaderSize(dec, sniffSize)
	delim := opts.Delimiter
	if delim == 0 {
		sample, err := br.Peek(sniffSize)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return nil, readError(err)
		}
		delim = DetectDelimiter(sample, err == io.EOF)
	}
	g := &fieldGuard{r: br, delim: byte(delim), maxField: opts.MaxFieldBytes, maxRow: opts.MaxRowBytes, line: 1, rowLine: 1, fieldStart: true}
	cr := csv.NewReader(g)
	cr.Comma = delim
	cr.FieldsPerRecord = -1 // ragged rows are reported by Next
	c := &CSVReader{r: cr, enc: enc, delim: delim}
	h, err := cr.Read()
	if err == io.EOF {
		return nil, vrs.Errorf(vrs.EINVALID, "import.error.file_empty")
	}
	if err != nil {
		return nil, c.translate(err)
	}
	c.header = h
	return c, nil
}

// Header returns the cells of the first row.
func (c *CSVReader) Header() []string { return c.header }

// Encoding returns the encoding the file was read in.
func (c *CSVReader) Encoding() Encoding { return c.enc }

// Delimiter returns the delimiter the file was read with.
func (c *CSVReader) Delimiter() rune { return c.delim }

// Next returns the next row that has a non-empty cell. A row with another
// number of cells than the header is returned with an error naming it; the
// caller may go on reading.
func (c *CSVReader) Next() (*Row, error) {
	for {
		if c.err != nil {
			return nil, c.err
		}
		rec, err := c.r.Read()
		if err == io.EOF {
			c.err = io.EOF
			return nil, io.EOF
		}
		if err != nil {
			c.err = c.translate(err)
			return nil, c.err
		}
		if blank(rec) {
			continue
		}
		line, _ := c.r.FieldPos(0)
		row := &Row{Number: line, Cells: rec}
		if len(rec) != len(c.header) {
			return row, vrs.Errorf(vrs.EINVALID, "import.error.file_ragged_row", line, len(c.header), len(rec))
		}
		return row, nil
	}
}

func blank(cells []string) bool {
	for _, s := range cells {
		if s != "" {
			return false
		}
	}
	return true
}

// translate turns an error of encoding/csv or of the readers below it into
// an *vrs.Error.
func (c *CSVReader) translate(err error) error {
	var ve *vrs.Error
	if errors.As(err, &ve) {
		return ve
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			return vrs.Errorf(vrs.EINVALID, "import.error.csv_bare_quote", pe.Line, pe.Column)
		case errors.Is(pe.Err, csv.ErrQuote):
			return vrs.Errorf(vrs.EINVALID, "import.error.csv_quote", pe.Line, pe.Column)
		}
		return vrs.Errorf(vrs.EINVALID, "import.error.csv_syntax", pe.Line, pe.Column)
	}
	return readError(err)
}

func readError(err error) error {
	var ve *vrs.Error
	if errors.As(err, &ve) {
		return ve
	}
	return vrs.Errorf(vrs.EINVALID, "import.error.file_read")
}

// DetectDelimiter chooses among comma, semicolon and tab the delimiter that
// appears in the first line and the same number of times in most of the
// next lines (up to 20, outside quotes); atEOF says sample is the whole
// text. A text with none of them has one column: comma.
func DetectDelimiter(sample []byte, atEOF bool) rune {
	cands := []byte{',', ';', '\t'}
	var lines [][3]int
	var cur [3]int
	inQuotes := false
	for _, b := range sample {
		if b == '"' {
			inQuotes = !inQuotes
			continue
		}
		if inQuotes {
			continue
		}
		if b == '\n' {
			lines = append(lines, cur)
			cur = [3]int{}
			if len(lines) == 20 {
				break
			}
			continue
		}
		for i, c := range cands {
			if b == c {
				cur[i]++
			}
		}
	}
	if atEOF && len(lines) < 20 && cur != [3]int{} {
		lines = append(lines, cur)
	}
	if len(lines) == 0 && cur != [3]int{} { // one long partial line
		lines = append(lines, cur)
	}
	best, bestSame, bestN := rune(','), 0, 0
	for i, c := range cands {
		if len(lines) == 0 || lines[0][i] == 0 {
			continue
		}
		n, same := lines[0][i], 0
		for _, l := range lines {
			if l[i] == n {
				same++
			}
		}
		if same > bestSame || (same == bestSame && n > bestN) {
			best, bestSame, bestN = rune(c), same, n
		}
	}
	return best
}

// sizeLimiter fails once more than max bytes have been read.
type sizeLimiter struct {
	r   io.Reader
	n   int64
	max int64
}

func (s *sizeLimiter) Read(p []byte) (int, error) {
	if s.n > s.max {
		return 0, vrs.Errorf(vrs.ETOOLARGE, "import.error.file_too_large", s.max)
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	if s.n > s.max {
		// Give the bytes up to the limit; the error comes next.
		return n - int(s.n-s.max), nil
	}
	return n, err
}

// fieldGuard follows the CSV syntax (as encoding/csv reads it, without
// LazyQuotes) over the decoded text before encoding/csv sees it, and fails
// as soon as a cell or a row is longer than its limit: encoding/csv itself
// would hold a whole record in memory, however long.
type fieldGuard struct {
	r                io.Reader
	delim            byte
	maxField, maxRow int
	fieldLen, rowLen int
	col              int // 0-based column of the current cell
	line, rowLine    int // current line, line where the row began
	inQuotes, afterQ bool
	fieldStart       bool
	err              error
}

func (g *fieldGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		if g.inQuotes {
			if g.afterQ {
				g.afterQ = false
				if c == '"' { // a doubled quote inside a quoted cell
					g.fieldLen++
					g.rowLen++
					if g.check() {
						return i, nil
					}
					continue
				}
				g.inQuotes = false // the closing quote; c is outside
			} else {
				if c == '"' {
					g.afterQ = true
					continue
				}
				if c == '\n' {
					g.line++
				}
				g.fieldLen++
				g.rowLen++
				if g.check() {
					return i, nil
				}
				continue
			}
		}
		switch c {
		case g.delim:
			g.col++
			g.fieldLen = 0
			g.fieldStart = true
			g.rowLen++
		case '\n':
			g.line++
			g.rowLine = g.line
			g.col, g.fieldLen, g.rowLen = 0, 0, 0
			g.fieldStart = true
			continue
		case '"':
			if g.fieldStart {
				g.inQuotes = true
				g.fieldStart = false
				continue
			}
			g.fieldLen++
			g.rowLen++
		default:
			g.fieldStart = false
			g.fieldLen++
			g.rowLen++
		}
		if g.check() {
			return i, nil // the bytes before the error; the error comes next
		}
	}
	return n, err
}

func (g *fieldGuard) check() bool {
	switch {
	case g.fieldLen > g.maxField:
		g.err = vrs.Errorf(vrs.EINVALID, "import.error.file_field_too_long", g.rowLine, g.col+1, g.maxField)
	case g.rowLen > g.maxRow:
		g.err = vrs.Errorf(vrs.EINVALID, "import.error.file_row_too_long", g.rowLine, g.maxRow)
	}
	return g.err != nil
}
