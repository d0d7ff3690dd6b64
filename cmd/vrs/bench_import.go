package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"vrs"
)

// benchImportHeader is the file's layout: VRS's own column names (the
// irregular migration template's), one person per row.
var benchImportHeader = []string{"reference", "type", "reported_on", "detected_on", "place.country",
	"persons[].role", "persons[].sex", "persons[].age", "persons[].nationalities", "persons[].name"}

// Targets of issue 4, for 1,000,000 rows; scaled to the rows measured.
const (
	targetDry      = 10 * time.Second
	targetSQLite   = 20 * time.Second
	targetPostgres = 15 * time.Second
	targetRSSKiB   = 300 * 1000 // 300 MB
	targetRows     = 1_000_000
)

func cmdBenchImport(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("bench import", "[--rows N] [--persons-per-incident N] [--data-dir DIR | --db postgres://...] [--file F] [--keep] [--steps S] [--step-timeout D] [--cpuprofile P]", `
Measures 'vrs import' on a large flat file against the raw load of the
same file. Writes a CSV file in VRS's own layout (the template's column
names, 10 columns, one person per row, --persons-per-incident consecutive
rows per incident, all valid; the same file for the same --seed), or uses
--file when it exists. Then, each in a child process whose peak memory
(maximum resident set size) is read from the system:

  dry     the dry run (as 'vrs import' without --commit), in a new store
  commit  the commit, in another new store with the same agency
  again   the commit of the same file again into that store (all unchanged)
  raw     the raw load: sqlite3's .import into a bare table, or for
          PostgreSQL COPY ... FROM STDIN (FORMAT csv, HEADER) into a bare
          table of 10 text columns

Stores are SQLite in new data directories under --data-dir (default: a new
temporary directory, removed at the end unless --keep; a --data-dir given
stays, with its stores replaced on the next run), or with --db, new
schemas of that PostgreSQL database (dropped at the end unless --keep):
give a scratch database, not one that tests use. For PostgreSQL the peak
memory is the client's; the server's is not counted.

Prints per step the time of the import itself, the child's whole run
(start, store opening), rows per second, the ratio to the raw load, the
peak memory and the load average before and after; then the targets of
issue 4 (scaled to --rows) and the machine. --cpuprofile P writes the CPU
profiles of the import steps to P-dry.pprof, P-commit.pprof and
P-again.pprof (go tool pprof -top vrs P-commit.pprof).`)
	rows := fs.Int("rows", targetRows, "rows (persons) of the generated file")
	per := fs.Int("persons-per-incident", 4, "consecutive rows that share a reference")
	seed := fs.Int64("seed", 1, "seed of the generated file")
	dataDir := fs.String("data-dir", "", "directory for the file and the SQLite stores (default: a new temporary directory)")
	dsn := fs.String("db", "", "a postgres:// URL: measure PostgreSQL, in new schemas of that database")
	file := fs.String("file", "", "the CSV file: used as it is when it exists, else generated there and kept")
	keep := fs.Bool("keep", false, "keep the stores (and the generated file) after the run")
	chunk := fs.Int("chunk", 0, "incidents per transaction (default: the importer's)")
	profile := fs.String("cpuprofile", "", "write the import steps' CPU profiles to `P`-<step>.pprof")
	stepList := fs.String("steps", "raw,dry,commit,again", "the steps to run, of raw, dry, commit and again (which needs commit)")
	timeout := fs.Duration("step-timeout", 0, "stop a step that runs longer and report the rows it had done (0: no limit)")
	// The child processes run this command again with --step.
	step := fs.String("step", "", "internal: run one step in this process (dry, commit, raw-pg) and print its figures as JSON")
	agency := fs.String("agency", "", "internal: the agency of --step")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *step != "" {
		return c.benchImportStep(ctx, *step, benchStepArgs{dataDir: *dataDir, dsn: *dsn, file: *file, agency: *agency,
			chunk: *chunk, profile: *profile})
	}
	switch {
	case *rows < 1:
		return usagef("--rows must be at least 1")
	case *per < 1:
		return usagef("--persons-per-incident must be at least 1")
	case *chunk < 0:
		return usagef("--chunk must not be negative")
	case *timeout < 0:
		return usagef("--step-timeout must not be negative")
	case *dsn != "" && !strings.HasPrefix(*dsn, "postgres://") && !strings.HasPrefix(*dsn, "postgresql://"):
		return usagef("--db must be a postgres:// URL (SQLite stores go under --data-dir)")
	}
	steps, err := benchImportSteps(*stepList)
	if err != nil {
		return err
	}
	b := &benchImport{c: c, dsn: *dsn, chunk: *chunk, profile: *profile, keep: *keep, timeout: *timeout}
	if *dataDir == "" {
		dir, err := os.MkdirTemp("", "vrs-bench-import-")
		if err != nil {
			return err
		}
		if !*keep {
			defer os.RemoveAll(dir)
		}
		*dataDir = dir
	} else if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return err
	}
	b.dir = *dataDir
	if *dsn != "" {
		defer b.dropSchemas()
	}
	b.file = *file
	if b.file == "" {
		b.file = filepath.Join(b.dir, "bench-import.csv")
	}
	if _, err := os.Stat(b.file); err == nil {
		fmt.Fprintf(c.stderr, "bench import: using %s as it is\n", b.file)
		if b.rows, err = countCSVRows(b.file); err != nil {
			return err
		}
	} else {
		start := time.Now()
		if err := writeBenchImportFile(b.file, *rows, *per, *seed); err != nil {
			return err
		}
		b.rows = *rows
		if *file == "" && *keep {
			fmt.Fprintf(c.stderr, "bench import: wrote %s in %.1fs\n", b.file, time.Since(start).Seconds())
		}
	}
	fi, err := os.Stat(b.file)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "File: %s, %d rows, %.1f MB, %s store\n\n", b.file, b.rows, float64(fi.Size())/1e6, b.dialect())

	results := map[string]*benchStep{}
	// The raw load first: the file is then as warm in the page cache for
	// every step.
	for _, name := range steps {
		if name == "again" && results["commit"].timedOut {
			continue
		}
		fmt.Fprintf(c.stderr, "bench import: %s...\n", name)
		r, err := b.run(ctx, name)
		if err != nil {
			return fmt.Errorf("bench import: %s: %w", name, err)
		}
		results[name] = r
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return b.report(steps, results)
}

// benchImportSteps parses --steps into the order the steps run in.
func benchImportSteps(list string) ([]string, error) {
	want := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		switch s {
		case "raw", "dry", "commit", "again":
			want[s] = true
		case "":
		default:
			return nil, usagef("--steps: unknown step %q: give raw, dry, commit or again", s)
		}
	}
	if want["again"] && !want["commit"] {
		return nil, usagef("--steps: again needs commit")
	}
	var out []string
	for _, s := range []string{"raw", "dry", "commit", "again"} {
		if want[s] {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, usagef("--steps: give at least one step")
	}
	return out, nil
}

// benchImport is one run of the benchmark.
type benchImport struct {
	c       *cli
	dir     string // holds the file and the stores' data directories
	dsn     string // PostgreSQL: the database the schemas go in
	file    string
	rows    int
	chunk   int
	profile string
	keep    bool
	timeout time.Duration
	schemas []string
	// commitStore is the store the commit step wrote, for the step again.
	commitStore [2]string
}

func (b *benchImport) dialect() string {
	if b.dsn != "" {
		return "postgres"
	}
	return "sqlite"
}

// benchStep is what one step measured. The child prints the first part.
type benchStep struct {
	Seconds   float64 `json:"seconds"` // the import (or load) itself
	Rows      int     `json:"rows"`
	Created   int     `json:"created"`
	Updated   int     `json:"updated"`
	Unchanged int     `json:"unchanged"`
	Rejected  int     `json:"rejected"`

	wall       time.Duration // the child process, start to exit
	rssKiB     int64
	loadBefore string
	loadAfter  string
	sizeMB     float64 // the store after the step (commit)
	timedOut   bool    // stopped after --step-timeout; Rows are those done by then
}

// benchImportChild returns the command that runs args as a child vrs
// process: this executable again (tests replace it).
var benchImportChild = func(ctx context.Context, args []string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return exec.CommandContext(ctx, exe, args...), nil
}

// run measures one step in a fresh store (the step again: the commit's).
func (b *benchImport) run(ctx context.Context, name string) (*benchStep, error) {
	var cmd *exec.Cmd
	var err error
	res := &benchStep{}
	stepCtx := ctx
	if b.timeout > 0 {
		var cancel context.CancelFunc
		stepCtx, cancel = context.WithTimeout(ctx, b.timeout)
		defer cancel()
	}
	var dataDir, dsn string
	switch {
	case name == "raw" && b.dsn == "":
		db := filepath.Join(b.dir, "raw.db")
		os.Remove(db)
		cmd = exec.CommandContext(stepCtx, "sqlite3", "-bail", db)
		// Without a table, .import creates one of text columns named by
		// the header; the shell wraps the load in one transaction.
		cmd.Stdin = strings.NewReader(".import --csv " + sqliteQuote(b.file) + " raw\n")
	case name == "raw":
		dsn, err := b.newSchema(ctx)
		if err != nil {
			return nil, err
		}
		cmd, err = benchImportChild(stepCtx, []string{"bench", "import", "--step", "raw-pg", "--db", dsn, "--file", b.file})
		if err != nil {
			return nil, err
		}
	default:
		dataDir, dsn = b.commitStore[0], b.commitStore[1]
		if name != "again" {
			if dataDir, dsn, err = b.newStore(ctx, name); err != nil {
				return nil, err
			}
			if name == "commit" {
				b.commitStore = [2]string{dataDir, dsn}
			}
		}
		agency, err := b.agency(ctx, dataDir, dsn)
		if err != nil {
			return nil, err
		}
		step := "dry"
		if name != "dry" {
			step = "commit"
		}
		args := []string{"bench", "import", "--step", step, "--data-dir", dataDir, "--agency", strconv.FormatInt(agency, 10),
			"--file", b.file, "--chunk", strconv.Itoa(b.chunk)}
		if dsn != "" {
			args = append(args, "--db", dsn)
		}
		if b.profile != "" {
			args = append(args, "--cpuprofile", b.profile+"-"+name+".pprof")
		}
		if cmd, err = benchImportChild(stepCtx, args); err != nil {
			return nil, err
		}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, b.c.stderr
	res.loadBefore = loadAverage()
	start := time.Now()
	err = cmd.Run()
	res.wall = time.Since(start)
	res.loadAfter = loadAverage()
	if err != nil && stepCtx.Err() != nil && ctx.Err() == nil && name != "raw" {
		// Killed at the time limit: how far it got is in its job.
		res.timedOut, res.Seconds, res.rssKiB = true, b.timeout.Seconds(), maxRSSKiB(cmd.ProcessState)
		if res.Rows, err = b.rowsDone(ctx, dataDir, dsn); err != nil {
			return nil, err
		}
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), err, out.String())
	}
	res.rssKiB = maxRSSKiB(cmd.ProcessState)
	if name == "raw" && b.dsn == "" {
		res.Seconds, res.Rows = res.wall.Seconds(), b.rows
		n, err := exec.CommandContext(ctx, "sqlite3", filepath.Join(b.dir, "raw.db"), "SELECT COUNT(*) FROM raw").Output()
		if err != nil {
			return nil, fmt.Errorf("sqlite3: %w", err)
		}
		if got := strings.TrimSpace(string(n)); got != strconv.Itoa(b.rows) {
			return nil, fmt.Errorf("sqlite3 loaded %s rows, want %d", got, b.rows)
		}
		return res, nil
	}
	if err := json.Unmarshal(lastLine(out.Bytes()), res); err != nil {
		return nil, fmt.Errorf("the child's figures: %w: %q", err, out.String())
	}
	if res.Rows != b.rows {
		return nil, fmt.Errorf("%d rows read, want %d", res.Rows, b.rows)
	}
	if res.Rejected > 0 {
		return nil, fmt.Errorf("%d incidents rejected: the file should be all valid", res.Rejected)
	}
	if name == "commit" || name == "again" {
		res.sizeMB = b.storeSize(ctx, b.commitStore[0], b.commitStore[1])
	}
	return res, nil
}

// rowsDone is how many rows the last import job of a store had done.
func (b *benchImport) rowsDone(ctx context.Context, dataDir, dsn string) (int, error) {
	m := b.c.benchMain(Config{DataDir: dataDir, DB: dsn})
	defer m.Close()
	if err := m.OpenStore(ctx, false); err != nil {
		return 0, err
	}
	var n int
	err := m.DB.SQL().QueryRowContext(ctx, `SELECT rows_done FROM import_jobs ORDER BY id DESC LIMIT 1`).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil // stopped before its job began
	}
	return n, err
}

// newStore makes a new, empty store: a data directory, and for
// PostgreSQL a schema of its own.
func (b *benchImport) newStore(ctx context.Context, name string) (dataDir, dsn string, err error) {
	dataDir = filepath.Join(b.dir, name)
	if err := os.RemoveAll(dataDir); err != nil {
		return "", "", err
	}
	if b.dsn != "" {
		if dsn, err = b.newSchema(ctx); err != nil {
			return "", "", err
		}
	}
	return dataDir, dsn, nil
}

// agency adds the benchmark's agency to a store (the step again finds
// the one the commit added) and returns its id.
func (b *benchImport) agency(ctx context.Context, dataDir, dsn string) (int64, error) {
	m := b.c.benchMain(Config{DataDir: dataDir, DB: dsn})
	defer m.Close()
	if err := m.OpenStore(ctx, true); err != nil {
		return 0, err
	}
	sys := system(ctx)
	const name = "VRS import benchmark"
	if id, err := findAgency(sys, m.DB, name); err == nil {
		return id, nil
	}
	a := &vrs.Agency{Country: "TH", Name: name, Kind: vrs.KindPolice}
	if err := m.DB.CreateAgency(sys, a); err != nil {
		return 0, err
	}
	return a.ID, m.Close()
}

// newSchema creates a schema in the --db database and returns the URL
// that works in it.
func (b *benchImport) newSchema(ctx context.Context) (string, error) {
	suffix := make([]byte, 4)
	crand.Read(suffix)
	schema := "bench_import_" + hex.EncodeToString(suffix)
	conn, err := pgx.Connect(ctx, b.dsn)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		return "", err
	}
	b.schemas = append(b.schemas, schema)
	u, err := url.Parse(b.dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (b *benchImport) dropSchemas() {
	if b.keep {
		if len(b.schemas) > 0 {
			fmt.Fprintf(b.c.stderr, "bench import: kept the schemas %s\n", strings.Join(b.schemas, ", "))
		}
		return
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.dsn)
	if err != nil {
		fmt.Fprintf(b.c.stderr, "bench import: the schemas %s stay: %v\n", strings.Join(b.schemas, ", "), err)
		return
	}
	defer conn.Close(ctx)
	for _, s := range b.schemas {
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+s+` CASCADE`); err != nil {
			fmt.Fprintf(b.c.stderr, "bench import: drop schema %s: %v\n", s, err)
		}
	}
}

// storeSize is the size of a store in MB: the SQLite file and its WAL,
// or the PostgreSQL schema's tables with their indexes and TOAST.
func (b *benchImport) storeSize(ctx context.Context, dataDir, dsn string) float64 {
	if dsn == "" {
		var n int64
		for _, suffix := range []string{"", "-wal"} {
			if fi, err := os.Stat(filepath.Join(dataDir, DBFile) + suffix); err == nil {
				n += fi.Size()
			}
		}
		return float64(n) / 1e6
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0
	}
	defer conn.Close(ctx)
	var n int64
	conn.QueryRow(ctx, `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c
		JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = current_schema() AND c.relkind = 'r'`).Scan(&n)
	return float64(n) / 1e6
}

// report prints the table, the targets and the machine.
func (b *benchImport) report(steps []string, res map[string]*benchStep) error {
	w := b.c.stdout
	raw := 0.0
	if r := res["raw"]; r != nil {
		raw = r.Seconds
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tSECONDS\tWALL\tROWS/S\tX RAW\tPEAK RSS\tCREATED\tUNCHANGED\tSTORE\tLOAD BEFORE\tLOAD AFTER\t")
	for _, name := range []string{"dry", "commit", "again", "raw"} {
		r := res[name]
		if r == nil {
			continue
		}
		secs, ratio, created, unchanged, size := fmt.Sprintf("%.2f", r.Seconds), "-", "-", "-", "-"
		if raw > 0 {
			ratio = fmt.Sprintf("%.1f", r.Seconds/raw)
		}
		switch {
		case r.timedOut:
			secs = fmt.Sprintf(">%.0f (stopped at %d rows)", r.Seconds, r.Rows)
		case name != "raw":
			created, unchanged = strconv.Itoa(r.Created), strconv.Itoa(r.Unchanged)
		}
		if r.sizeMB > 0 {
			size = fmt.Sprintf("%.0f MB", r.sizeMB)
		}
		rate := "-"
		if r.Seconds > 0 {
			rate = fmt.Sprintf("%.0f", float64(r.Rows)/r.Seconds)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%s\t%s\t%.0f MB\t%s\t%s\t%s\t%s\t%s\t\n", name, secs, r.wall.Seconds(),
			rate, ratio, float64(r.rssKiB)/1000, created, unchanged, size, r.loadBefore, r.loadAfter)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	scale := float64(b.rows) / targetRows
	commitTarget := targetSQLite
	if b.dsn != "" {
		commitTarget = targetPostgres
	}
	fmt.Fprintf(w, "\nTargets of issue 4 (for %d rows: the 1,000,000-row targets times %.3g):\n", b.rows, scale)
	verdict := func(label string, r *benchStep, got, want float64, unit string) {
		v := "met"
		switch {
		case r != nil && r.timedOut:
			v = "MISSED (did not finish)"
		case got > want:
			v = "MISSED"
		}
		fmt.Fprintf(w, "  %-28s %8.2f %-2s (at most %.2f %s): %s\n", label, got, unit, want, unit, v)
	}
	if r := res["dry"]; r != nil {
		verdict("dry run", r, r.Seconds, targetDry.Seconds()*scale, "s")
	}
	if r := res["commit"]; r != nil {
		verdict("commit into "+b.dialect(), r, r.Seconds, commitTarget.Seconds()*scale, "s")
	}
	peak := int64(-1)
	for _, name := range []string{"dry", "commit", "again"} {
		if r := res[name]; r != nil {
			peak = max(peak, r.rssKiB)
		}
	}
	if peak >= 0 {
		verdict("peak memory of the imports", nil, float64(peak)/1000, targetRSSKiB/1000, "MB")
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, machineHeader)
	fmt.Fprintln(tw, machine())
	return tw.Flush()
}
