package importer

import (
	"archive/zip"
	"io"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"

	"vrs"
)

// Default limits of the XLSX reader, checked on the zip directory before
// the workbook is opened.
const (
	DefaultMaxUnpackedBytes = 256 << 20 // all parts of the workbook unpacked, held in memory while read
	DefaultMaxRatio         = 100       // unpacked:packed, for large parts
	ratioCheckBytes         = 1 << 20   // parts smaller than this are not checked for ratio
)

// XLSXOptions configure an XLSXReader. Zero values mean defaults.
type XLSXOptions struct {
	Sheet            string // sheet name; "": the first sheet of the workbook
	MaxFileBytes     int64  // largest file; default DefaultMaxFileBytes
	MaxUnpackedBytes int64  // largest total of unpacked parts; default DefaultMaxUnpackedBytes
	MaxRatio         int64  // highest unpacked:packed ratio of a part over 1 MiB; default DefaultMaxRatio
	MaxFieldBytes    int    // longest cell; default DefaultMaxFieldBytes
	// Formatted asks for cell values as the spreadsheet shows them (number
	// and date formats applied). By default values are raw: numbers as
	// stored, dates as serial day numbers (1 is 1900-01-01).
	Formatted bool
}

// XLSXReader is a streaming RowReader of one sheet of an XLSX workbook. The
// sheet is read row by row with excelize's Rows iterator, not loaded whole.
//
// Formulas are never evaluated: a formula cell gives the value the
// spreadsheet program cached when it last saved the file (the <v> element),
// or "" when there is none; the formula text itself is not returned.
type XLSXReader struct {
	f      *excelize.File
	rows   *excelize.Rows
	opts   XLSXOptions
	sheet  string
	header []string
	n      int   // number of the current row
	err    error // final error, returned by every later Next
}

var _ RowReader = (*XLSXReader)(nil)

// OpenXLSX checks the workbook at path (size, zip bomb), opens it and reads
// its header row: the first row of the sheet with a non-empty cell. The
// caller must Close the reader.
func OpenXLSX(path string, opts XLSXOptions) (*XLSXReader, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, vrs.Errorf(vrs.EINVALID, "import.error.file_read")
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, vrs.Errorf(vrs.EINVALID, "import.error.file_read")
	}
	return newXLSXReader(fh, fi.Size(), opts, func(o excelize.Options) (*excelize.File, error) {
		return excelize.OpenFile(path, o)
	})
}

// ReadXLSX is OpenXLSX for a workbook that is not a file. excelize holds
// the packed workbook in memory.
func ReadXLSX(r io.ReaderAt, size int64, opts XLSXOptions) (*XLSXReader, error) {
	return newXLSXReader(r, size, opts, func(o excelize.Options) (*excelize.File, error) {
		return excelize.OpenReader(io.NewSectionReader(r, 0, size), o)
	})
}

func newXLSXReader(r io.ReaderAt, size int64, opts XLSXOptions, open func(excelize.Options) (*excelize.File, error)) (x *XLSXReader, err error) {
	if opts.MaxFileBytes <= 0 {
		opts.MaxFileBytes = DefaultMaxFileBytes
	}
	if opts.MaxUnpackedBytes <= 0 {
		opts.MaxUnpackedBytes = DefaultMaxUnpackedBytes
	}
	if opts.MaxRatio <= 0 {
		opts.MaxRatio = DefaultMaxRatio
	}
	if opts.MaxFieldBytes <= 0 {
		opts.MaxFieldBytes = DefaultMaxFieldBytes
	}
	if size > opts.MaxFileBytes {
		return nil, vrs.Errorf(vrs.ETOOLARGE, "import.error.file_too_large", opts.MaxFileBytes)
	}
	if err := checkZip(r, size, opts); err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			if x != nil {
				x.Close()
			}
			x, err = nil, corrupt()
		}
	}()
	f, err := open(excelize.Options{
		RawCellValue:   !opts.Formatted,
		UnzipSizeLimit: opts.MaxUnpackedBytes,
		// Worksheets stay in memory, within the unpacked limit: above
		// UnzipXMLSizeLimit excelize would unpack them to plain temporary
		// files, and they hold personal data.
		UnzipXMLSizeLimit: opts.MaxUnpackedBytes,
	})
	if err != nil {
		return nil, corrupt()
	}
	x = &XLSXReader{f: f, opts: opts}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		x.Close()
		return nil, vrs.Errorf(vrs.EINVALID, "import.error.xlsx_no_sheets")
	}
	x.sheet = sheets[0]
	if opts.Sheet != "" {
		x.sheet = ""
		for _, s := range sheets {
			if s == opts.Sheet {
				x.sheet = s
			}
		}
		if x.sheet == "" {
			x.Close()
			return nil, vrs.Errorf(vrs.EINVALID, "import.error.xlsx_no_sheet", opts.Sheet, strings.Join(sheets, ", "))
		}
	}
	if x.rows, err = f.Rows(x.sheet); err != nil {
		x.Close()
		return nil, corrupt()
	}
	for {
		cells, err := x.next()
		if err != nil {
			x.Close()
			if err == io.EOF {
				return nil, vrs.Errorf(vrs.EINVALID, "import.error.file_empty")
			}
			return nil, err
		}
		if !blank(cells) {
			for len(cells) > 0 && cells[len(cells)-1] == "" {
				cells = cells[:len(cells)-1]
			}
			x.header = cells
			return x, nil
		}
	}
}

func corrupt() error { return vrs.Errorf(vrs.EINVALID, "import.error.xlsx_corrupt") }

// checkZip refuses a workbook whose zip directory announces more unpacked
// bytes than the limit, or a large part packed more tightly than
// spreadsheets are. archive/zip (which excelize uses) fails when a part
// unpacks to more than its directory entry says, so the sizes checked here
// cannot be exceeded by lying in the directory.
func checkZip(r io.ReaderAt, size int64, opts XLSXOptions) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return corrupt()
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(opts.MaxUnpackedBytes) {
			return vrs.Errorf(vrs.ETOOLARGE, "import.error.xlsx_too_large", opts.MaxUnpackedBytes)
		}
		if f.UncompressedSize64 >= ratioCheckBytes && f.UncompressedSize64 > f.CompressedSize64*uint64(opts.MaxRatio) {
			ratio := f.UncompressedSize64 / max(f.CompressedSize64, 1)
			return vrs.Errorf(vrs.ETOOLARGE, "import.error.xlsx_zip_bomb", f.Name, ratio, opts.MaxRatio)
		}
	}
	return nil
}

// Header returns the cells of the header row, without trailing empty cells.
func (x *XLSXReader) Header() []string { return x.header }

// Sheet returns the name of the sheet being read.
func (x *XLSXReader) Sheet() string { return x.sheet }

// Next returns the next row with a non-empty cell, with as many cells as
// the header. A value to the right of the header's last column is returned
// with an error naming its cell; the caller may go on reading.
func (x *XLSXReader) Next() (*Row, error) {
	for {
		cells, err := x.next()
		if err != nil {
			return nil, err
		}
		if blank(cells) {
			continue
		}
		row := &Row{Number: x.n}
		for i := len(x.header); i < len(cells); i++ {
			if cells[i] != "" {
				col, _ := excelize.ColumnNumberToName(i + 1)
				row.Cells = cells
				return row, vrs.Errorf(vrs.EINVALID, "import.error.file_extra_cells", x.n, col)
			}
		}
		row.Cells = make([]string, len(x.header))
		copy(row.Cells, cells)
		return row, nil
	}
}

// next returns the cells of the next row of the sheet, empty or not.
func (x *XLSXReader) next() (cells []string, err error) {
	if x.err != nil {
		return nil, x.err
	}
	defer func() {
		if p := recover(); p != nil {
			cells, err = nil, corrupt()
		}
		if err != nil {
			x.err = err
		}
	}()
	if !x.rows.Next() {
		if x.rows.Error() != nil {
			return nil, corrupt()
		}
		return nil, io.EOF
	}
	x.n++
	cells, err = x.rows.Columns()
	if err != nil {
		return nil, corrupt()
	}
	for i, c := range cells {
		if len(c) > x.opts.MaxFieldBytes {
			col, _ := excelize.ColumnNumberToName(i + 1)
			return nil, vrs.Errorf(vrs.EINVALID, "import.error.xlsx_field_too_long", x.n, col, x.opts.MaxFieldBytes)
		}
	}
	return cells, nil
}

// Close releases the workbook and its temporary files.
func (x *XLSXReader) Close() error {
	if x.rows != nil {
		x.rows.Close()
		x.rows = nil
	}
	if x.f != nil {
		err := x.f.Close()
		x.f = nil
		return err
	}
	return nil
}
