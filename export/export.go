// Package export writes streams of incidents as files: JSON Lines (the
// lossless form, one API representation per line, that an import takes
// back), a ZIP of related CSV tables, and an XLSX workbook with the same
// tables as sheets. Every writer holds at most one incident at a time;
// the tables of the CSV and XLSX forms are spooled to temporary files
// until Close assembles them.
package export

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"

	"vrs"
)

// Writer writes incidents to a file format. Close finishes the file (and
// must be called once, even after an error, to free what it spooled); it
// does not close the underlying io.Writer.
type Writer interface {
	Write(*vrs.Incident) error
	Close() error
}

// Format describes one format of export.
type Format struct {
	Name        string // as asked for: "jsonl", "csv", "xlsx"
	ContentType string
	Ext         string // of the file name, with its dot
	New         func(w io.Writer) (Writer, error)
}

// Formats built in.
const (
	JSONL = "jsonl"
	CSV   = "csv"
	XLSX  = "xlsx"
)

var (
	mu         sync.RWMutex
	registered = map[string]Format{}
)

// Register adds a format that another package writes: package htcds
// registers "htcds-csv" and "htcds-xlsx" this way, so that this package
// does not depend on it (it depends on this one for Writer).
func Register(f Format) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registered[f.Name]; dup || builtin(f.Name) {
		panic("export: format " + f.Name + " registered twice")
	}
	registered[f.Name] = f
}

func builtin(name string) bool { return name == JSONL || name == CSV || name == XLSX }

// Lookup returns the format of that name.
func Lookup(name string) (Format, bool) {
	switch name {
	case JSONL:
		return Format{Name: JSONL, ContentType: "application/x-ndjson; charset=utf-8", Ext: ".jsonl", New: NewJSONL}, true
	case CSV:
		return Format{Name: CSV, ContentType: "application/zip", Ext: ".zip", New: NewCSV}, true
	case XLSX:
		return Format{Name: XLSX, ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Ext: ".xlsx", New: NewXLSX}, true
	}
	// "htcds-csv", "htcds-xlsx": written by package htcds, which registers
	// them (Register) when the program imports it.
	mu.RLock()
	defer mu.RUnlock()
	f, ok := registered[name]
	return f, ok
}

// Names lists the formats known, the built-in ones first.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	var more []string
	for n := range registered {
		more = append(more, n)
	}
	sort.Strings(more)
	return slices.Concat([]string{JSONL, CSV, XLSX}, more)
}

// New returns a writer of the named format to w.
func New(format string, w io.Writer) (Writer, error) {
	f, ok := Lookup(format)
	if !ok {
		return nil, fmt.Errorf("export: unknown format %q", format)
	}
	return f.New(w)
}

// Discard frees what w spooled without finishing the file: after an
// error, when no file must come out. A writer that spools implements
// Discard(); one that does not needs nothing.
func Discard(w Writer) {
	if d, ok := w.(interface{ Discard() }); ok {
		d.Discard()
	}
}

// Neutralise defuses a text cell that a spreadsheet would read as a
// formula (= + - @) or that begins with a tab or carriage return (which
// some applications skip before looking for one): a leading single quote
// makes it text. Numbers are written as numbers and never pass here.
//
// A text that is a plain number ("-12.5", a coordinate in a report of the
// cells as a file had them) is left as it is: a spreadsheet reads it as
// that number, and a quote would change it on the way back in.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if plainNumber(s) {
			return s
		}
		return "'" + s
	}
	return s
}

// plainNumber: an optional sign, digits, at most one point, more digits.
func plainNumber(s string) bool {
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	digits, point := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !point:
			point = true
		default:
			return false
		}
	}
	return digits > 0
}
