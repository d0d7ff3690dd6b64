package main

// The child processes of bench import, the file it generates and the
// figures it reads from the system.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"reflect"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"vrs"
	"vrs/importer"
)

// benchStepArgs are the flags of a child step.
type benchStepArgs struct {
	dataDir, dsn, file, agency, profile string
	chunk                               int
}

// benchImportStep runs one step in this process and prints its figures
// as one JSON line.
func (c *cli) benchImportStep(ctx context.Context, step string, a benchStepArgs) error {
	limitImportMemory()
	if a.file == "" {
		return usagef("--step needs --file")
	}
	f, err := os.Open(a.file)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if a.profile != "" {
		pf, err := os.Create(a.profile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var res benchStep
	switch step {
	case "raw-pg":
		if res, err = benchCopy(ctx, a.dsn, f); err != nil {
			return err
		}
	case "dry", "commit":
		m := c.benchMain(Config{DataDir: a.dataDir, DB: a.dsn})
		defer m.Close()
		if err := m.OpenStore(ctx, false); err != nil {
			return err
		}
		sys := system(ctx)
		id, err := strconv.ParseInt(a.agency, 10, 64)
		if err != nil {
			return usagef("--agency: %v", err)
		}
		start := time.Now()
		job := &vrs.ImportJob{AgencyID: id, FileName: a.file, Format: importer.FormatCSV, Commit: step == "commit", RecordStatus: vrs.StatusDraft}
		if err := m.DB.CreateImportJob(sys, job); err != nil {
			return err
		}
		r := &importer.Runner{Store: m.DB, Chunk: a.chunk}
		if err := r.Run(sys, job, importer.Source{Format: importer.FormatCSV, File: f, Size: fi.Size()}); err != nil {
			return err
		}
		res.Seconds = time.Since(start).Seconds()
		n := job.Counts
		res.Rows, res.Created, res.Updated, res.Unchanged, res.Rejected = job.RowsDone, n.Created, n.Updated, n.Unchanged, n.Rejected
	default:
		return usagef("--step must be dry, commit or raw-pg")
	}
	line, err := json.Marshal(res)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(c.stdout, "%s\n", line)
	return err
}

// benchCopy loads a CSV file into a bare table of text columns, one per
// header column, with COPY: PostgreSQL's own fastest path.
func benchCopy(ctx context.Context, dsn string, f *os.File) (benchStep, error) {
	header, err := csv.NewReader(bufio.NewReader(f)).Read()
	if err != nil {
		return benchStep{}, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return benchStep{}, err
	}
	cols := make([]string, len(header))
	for i := range header {
		cols[i] = fmt.Sprintf("c%d text", i+1)
	}
	start := time.Now()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return benchStep{}, err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE TABLE raw (`+strings.Join(cols, ", ")+`)`); err != nil {
		return benchStep{}, err
	}
	tag, err := conn.PgConn().CopyFrom(ctx, f, `COPY raw FROM STDIN (FORMAT csv, HEADER true)`)
	if err != nil {
		return benchStep{}, err
	}
	return benchStep{Seconds: time.Since(start).Seconds(), Rows: int(tag.RowsAffected())}, nil
}

// writeBenchImportFile writes rows valid flat rows, per to an incident,
// the same for the same seed.
func writeBenchImportFile(path string, rows, per int, seed int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed))
	countries := []string{"TH", "TH", "TH", "MY", "KH", "LA"}
	nationalities := []string{"MM", "MM", "KH", "LA", "VN", "BD", "CN", "NP", "LK", "ID"}
	sexes := []string{"male", "female", "male", "female", "unknown"}
	syl := []string{"aung", "min", "khin", "myat", "tun", "noy", "som", "chai", "lin", "thu", "hla", "phon", "vong", "sok", "dara", "kim"}
	name := func() string {
		var b strings.Builder
		for part := range 2 {
			if part > 0 {
				b.WriteByte(' ')
			}
			for k := range 1 + r.IntN(2) {
				s := syl[r.IntN(len(syl))]
				if k == 0 {
					s = strings.ToUpper(s[:1]) + s[1:]
				}
				b.WriteString(s)
			}
		}
		return b.String()
	}
	base := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	w.WriteString(strings.Join(benchImportHeader, ",") + "\n")
	var detected, reported, country string
	for i := range rows {
		if i%per == 0 {
			d := base.AddDate(0, 0, r.IntN(2000))
			detected, reported = d.Format(time.DateOnly), d.AddDate(0, 0, r.IntN(10)).Format(time.DateOnly)
			country = countries[r.IntN(len(countries))]
		}
		fmt.Fprintf(w, "BI-%08d,irregular_migration,%s,%s,%s,migrant,%s,%d,%s,%s\n", i/per, reported, detected, country,
			sexes[r.IntN(len(sexes))], 1+r.IntN(70), nationalities[r.IntN(len(nationalities))], name())
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// countCSVRows counts the data rows of a file made of single-line rows.
func countCSVRows(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	buf := make([]byte, 1<<16)
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if errors.Is(err, io.EOF) {
			return n - 1, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

func sqliteQuote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func lastLine(b []byte) []byte {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// loadAverage is the 1-, 5- and 15-minute load average, "-" where the
// system does not say.
func loadAverage() string {
	la, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "-"
	}
	f := strings.Fields(string(la))
	if len(f) < 3 {
		return "-"
	}
	return strings.Join(f[:3], " ")
}

// maxRSSKiB is a finished process's peak resident set size in KiB, 0
// where the system does not report it. Rusage differs between systems
// (there is none on Windows), hence reflection rather than a field.
func maxRSSKiB(ps *os.ProcessState) int64 {
	if ps == nil {
		return 0
	}
	v := reflect.ValueOf(ps.SysUsage())
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return 0
	}
	f := v.FieldByName("Maxrss")
	if !f.IsValid() || !f.CanInt() {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return f.Int() / 1024 // bytes there
	}
	return f.Int()
}
