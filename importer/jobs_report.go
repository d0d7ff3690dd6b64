package importer

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"

	"vrs"
	"vrs/crypt"
	"vrs/export"
	"vrs/i18n"
)

// eachProblem calls fn with every problem a job recorded, in file order.
func (m *Manager) eachProblem(job *vrs.ImportJob, fn func(Problem) error) error {
	f, err := os.Open(m.problemsPath(job.ID))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() == 0 {
		return nil // the job has not finished writing them
	}
	r, err := crypt.OpenSpool(f, fi.Size(), job.FileKey)
	if err != nil {
		return nil // still being written: no problems to show yet
	}
	dec := json.NewDecoder(bufio.NewReader(r))
	for {
		var p Problem
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
	}
}

// Problems returns problems [offset, offset+limit) of a job of the user's,
// and how many there are.
func (m *Manager) Problems(ctx context.Context, id int64, offset, limit int) ([]Problem, int, error) {
	job, err := m.store.FindImportJob(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	var out []Problem
	n := 0
	err = m.eachProblem(job, func(p Problem) error {
		if n >= offset && len(out) < limit {
			out = append(out, p)
		}
		n++
		return nil
	})
	return out, n, err
}

// ErrorReport writes the rejected rows as the file had them, with an
// "errors" column saying what to fix, as "csv" or "xlsx": the user fixes
// them there and imports the report again (the extra column is ignored).
// For JSON Lines files it lists one problem per row.
func (m *Manager) ErrorReport(ctx context.Context, id int64, format string, cat *i18n.Catalog, lang string, w io.Writer) error {
	if format != FormatCSV && format != FormatXLSX {
		return vrs.Errorf(vrs.EINVALID, "import.error.report_format")
	}
	job, err := m.store.FindImportJob(ctx, id)
	if err != nil {
		return err
	}
	byRow := map[int][]string{}
	var order []Problem
	if err := m.eachProblem(job, func(p Problem) error {
		byRow[p.Row] = append(byRow[p.Row], ProblemText(cat, lang, p))
		if job.Format == FormatJSONL {
			order = append(order, p)
		}
		return nil
	}); err != nil {
		return err
	}
	out, err := newReportWriter(format, w)
	if err != nil {
		return err
	}
	// Not translated: importing the fixed report again skips it by name.
	errorsColumn := ReportColumn
	if job.Format == FormatJSONL {
		if err := out.row([]string{cat.T(lang, "import.report.line_column"), errorsColumn}); err != nil {
			return err
		}
		for _, p := range order {
			if err := out.row([]string{strconv.Itoa(p.Row), ProblemText(cat, lang, p)}); err != nil {
				return err
			}
		}
		return out.close()
	}
	mapping, err := MappingOf(job)
	if err != nil {
		return err
	}
	rr, closeFn, err := m.rows(job, mapping)
	if err != nil {
		return err
	}
	defer closeFn()
	header := append(append([]string{}, rr.Header()...), errorsColumn)
	if err := out.row(header); err != nil {
		return err
	}
	for len(byRow) > 0 {
		row, err := rr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if row == nil {
			return err
		}
		msgs, ok := byRow[row.Number]
		if !ok {
			continue
		}
		delete(byRow, row.Number)
		cells := append(append(make([]string, 0, len(header)), row.Cells...), strings.Join(msgs, "\n"))
		for len(cells) < len(header) {
			cells = append(cells[:len(cells)-1], "", cells[len(cells)-1])
		}
		if err := out.row(cells); err != nil {
			return err
		}
	}
	return out.close()
}

// rows opens a job's uploaded table with its mapping's reading options.
func (m *Manager) rows(job *vrs.ImportJob, mapping *Mapping) (RowReader, func() error, error) {
	r, closeFile, err := m.openUpload(job)
	if err != nil {
		return nil, nil, err
	}
	src := Source{Format: job.Format, File: r, Size: r.Size(), Mapping: mapping}
	rr, closeRows, err := src.rowReader()
	if err != nil {
		closeFile()
		return nil, nil, err
	}
	return rr, func() error { closeRows(); return closeFile() }, nil
}

// Preview returns the header and up to n rows of a job's uploaded table.
func (m *Manager) Preview(ctx context.Context, id int64, mapping *Mapping, n int) ([]string, [][]string, error) {
	job, err := m.store.FindImportJob(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if job.Format == FormatJSONL {
		return nil, nil, vrs.Errorf(vrs.EINVALID, "import.error.preview_jsonl")
	}
	rr, closeFn, err := m.rows(job, mapping)
	if err != nil {
		return nil, nil, err
	}
	defer closeFn()
	var out [][]string
	for len(out) < n {
		row, err := rr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if row == nil {
			return nil, nil, err
		}
		out = append(out, row.Cells)
	}
	return rr.Header(), out, nil
}

// reportWriter writes the rows of an error report.
type reportWriter struct {
	row   func([]string) error
	close func() error
}

func newReportWriter(format string, w io.Writer) (*reportWriter, error) {
	if format == FormatCSV {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
		cw := csv.NewWriter(w)
		return &reportWriter{
			row: func(cells []string) error {
				safe := make([]string, len(cells))
				for i, c := range cells {
					safe[i] = export.Neutralise(c)
				}
				return cw.Write(safe)
			},
			close: func() error { cw.Flush(); return cw.Error() },
		}, nil
	}
	// Sheets spool through encrypted files: rejected rows hold personal data.
	var wb *export.Workbook
	sheet := -1
	return &reportWriter{
		row: func(cells []string) error {
			if wb == nil {
				wb = export.NewWorkbook(w)
				var err error
				if sheet, err = wb.AddSheet("errors", cells); err != nil {
					return err
				}
				return nil
			}
			vals := make([]any, len(cells))
			for i, c := range cells {
				vals[i] = c
			}
			return wb.Row(sheet, vals)
		},
		close: func() error {
			if wb == nil {
				return nil
			}
			return wb.Close()
		},
	}, nil
}
