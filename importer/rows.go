// Package importer reads files that agencies bring (CSV and XLSX in the
// encodings they use) as rows of text cells, maps them to VRS fields and
// imports them.
//
// The readers in this package know nothing of fields: they turn a file into
// a header and a stream of rows, in constant memory, and refuse bad files
// (too large, zip bombs, corrupt, ragged) with errors a user can act on.
package importer

// Row is one data row of an imported file.
type Row struct {
	// Number is the 1-based number of the row as a user sees it in the
	// file: the header is row 1. For CSV it is the line on which the record
	// starts (a quoted field may span lines); for XLSX the sheet's row.
	Number int
	// Cells holds one string per header column, as text: nothing is
	// evaluated or converted.
	Cells []string
}

// RowReader reads the rows of one table.
//
// Next returns io.EOF after the last row. Errors are *vrs.Error values with
// catalogue keys under "import.error."; they name the row (and the column
// where that applies). An error about one row (such as a ragged row) is
// returned together with that row, and the caller may call Next again to go
// on; any other error is final and every later call returns it again.
type RowReader interface {
	Header() []string
	Next() (*Row, error)
}
