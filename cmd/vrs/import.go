package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"

	"vrs"
	"vrs/htcds"
	"vrs/i18n"
	"vrs/importer"
)

func cmdImport(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("import", "--agency A FILE [--mapping M] [--commit] [--status S] [--data-dir DIR] [--db DSN]", `
Imports incidents from FILE (CSV, XLSX or JSON Lines, by its extension, or
--format) into agency A (its id or its exact name). Without --commit it is
a dry run: every row is checked and the summary says what the import would
create, update, leave unchanged or reject, with each rejected row's number,
column, value and reason. With --commit the valid incidents are written,
in chunks; running the same file again changes nothing, so an interrupted
import is finished by running it again. Records are keyed by the agency's
reference: a changed row becomes a new version of its record.

CSV and XLSX files use VRS's column names (download a template) unless
--mapping names a mapping file (JSON; save one from the import page).
Exits with status 1 when rows were rejected.`)
	var cfg Config
	c.storeFlags(fs, &cfg)
	agency := fs.String("agency", "", "the agency that owns the records: its id or exact name")
	mappingPath := fs.String("mapping", "", `a column and value mapping (JSON), or "htcds" for a file in HTCDS 2.0's field names`)
	commit := fs.Bool("commit", false, "write the records (without it: a dry run)")
	format := fs.String("format", "", "csv, xlsx or jsonl (default: from the file's extension)")
	status := fs.String("status", "draft", "status of new records: draft, submitted, or validated (records another system already reviewed)")
	chunk := fs.Int("chunk", 0, "incidents per transaction (default 500)")
	path, err := parseWithFile(fs, args)
	if err != nil {
		return err
	}
	limitImportMemory()
	if err := need([2]string{"agency", *agency}); err != nil {
		return err
	}
	if *format == "" {
		*format = importer.FormatOf(path)
	}
	if *format == "" {
		return usagef("cannot tell the format of %s from its name: give --format csv, xlsx or jsonl", path)
	}
	var mapping *importer.Mapping
	if *mappingPath != "" && *mappingPath != "htcds" {
		f, err := os.Open(*mappingPath)
		if err != nil {
			return usagef("--mapping: %v", err)
		}
		mapping, err = importer.LoadMapping(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	file, err := os.Open(path)
	if err != nil {
		return usagef("%v", err)
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return err
	}
	if fi.Size() > importer.DefaultMaxFileBytes {
		return vrs.Errorf(vrs.ETOOLARGE, "import.error.file_too_large", int64(importer.DefaultMaxFileBytes))
	}
	if *mappingPath == "htcds" {
		if mapping, err = htcdsMapping(c, importer.Source{Format: *format, File: file, Size: fi.Size()}); err != nil {
			return err
		}
	}
	m, err := c.openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer m.Close()
	sys := system(ctx)
	agencyID, err := findAgency(sys, m.DB, *agency)
	if err != nil {
		return err
	}
	job := &vrs.ImportJob{AgencyID: agencyID, FileName: path, Format: *format, Commit: *commit, RecordStatus: vrs.IncidentStatus(*status)}
	if mapping != nil {
		var b strings.Builder
		if err := mapping.Save(&b); err != nil {
			return err
		}
		job.Mapping = b.String()
	}
	if err := m.DB.CreateImportJob(sys, job); err != nil {
		return err
	}
	var problems []importer.Problem
	const shown = 200
	rejected := 0
	r := &importer.Runner{Store: m.DB, Chunk: *chunk, Rejected: func(e *importer.Entry) error {
		rejected++
		for _, p := range e.Problems() {
			if len(problems) < shown {
				problems = append(problems, p)
			}
		}
		return nil
	}}
	src := importer.Source{Format: *format, File: file, Size: fi.Size(), Mapping: mapping}
	if err := r.Run(sys, job, src); err != nil {
		return err
	}
	writeImportSummary(c.stdout, c.cat, job, problems)
	if job.Counts.Rejected > 0 {
		return errFailed
	}
	return nil
}

// importMemoryLimit is where the garbage collector of an import process
// starts working harder (unless GOMEMLIMIT says otherwise): what an
// import holds grows only with the references it has seen (tens of bytes
// each), and the collector's default headroom doubles that.
const importMemoryLimit = 200 << 20

func limitImportMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(importMemoryLimit)
	}
}

// htcdsMapping maps a file shaped like HTCDS 2.0 (its field names as
// columns): its rows are trafficking cases and, unless a column says
// otherwise, their persons victims. It names the columns VRS does not
// carry, so that nothing is dropped silently.
func htcdsMapping(c *cli, src importer.Source) (*importer.Mapping, error) {
	header, err := src.Header()
	if err != nil {
		return nil, err
	}
	m := htcds.ImportMapping(header)
	if cols := htcds.Unmapped(header); len(cols) > 0 {
		fmt.Fprintln(c.stdout, c.cat.T(i18n.Fallback, "import.summary.not_carried", strings.Join(cols, ", ")))
	}
	return m, nil
}

// parseWithFile parses flags before and after one FILE argument.
func parseWithFile(fs *flag.FlagSet, args []string) (string, error) {
	var files []string
	for {
		usage := fs.Usage
		fs.Usage = func() {}
		err := fs.Parse(args)
		fs.Usage = usage
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return "", err
		}
		if err != nil {
			return "", &usageError{}
		}
		if fs.NArg() == 0 {
			break
		}
		files, args = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if len(files) != 1 {
		return "", usagef("give exactly one FILE")
	}
	return files[0], nil
}

// findAgency takes an agency's id or exact name.
func findAgency(ctx context.Context, s vrs.AgencyService, v string) (int64, error) {
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		return id, nil
	}
	agencies, err := s.ListAgencies(ctx, vrs.AgencyFilter{})
	if err != nil {
		return 0, err
	}
	for _, a := range agencies {
		if a.Name == v {
			return a.ID, nil
		}
	}
	return 0, usagef("no agency is named %q: give its id or exact name (vrs agency list)", v)
}

// writeImportSummary prints what the web page shows after a run.
func writeImportSummary(w io.Writer, cat *i18n.Catalog, job *vrs.ImportJob, problems []importer.Problem) {
	t := func(key string, args ...any) string { return cat.T(i18n.Fallback, key, args...) }
	c := job.Counts
	verb := "import.summary.dry"
	if job.Commit {
		verb = "import.summary.committed"
	}
	fmt.Fprintln(w, t(verb, job.FileName, job.RowsDone))
	fmt.Fprintln(w, "  "+t(pick(job.Commit, "import.summary.created", "import.summary.would_create"), c.Created))
	fmt.Fprintln(w, "  "+t(pick(job.Commit, "import.summary.updated", "import.summary.would_update"), c.Updated))
	fmt.Fprintln(w, "  "+t("import.summary.unchanged", c.Unchanged))
	fmt.Fprintln(w, "  "+t("import.summary.rejected", c.Rejected, c.RejectedRows))
	for _, p := range problems {
		fmt.Fprintln(w, "  "+importer.ProblemText(cat, i18n.Fallback, p))
	}
	if n := c.Rejected; n > 0 && len(problems) >= 200 {
		fmt.Fprintln(w, "  "+t("import.summary.more_problems"))
	}
}

func pick(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}
