package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"vrs"
	"vrs/auth"
)

func cmdBenchCreate(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("bench create", "[--clients N] [--duration D] [--db DSN] [--cpuprofile FILE]", `
Measures incident creation through the JSON API on this machine. Starts a
server in this process, as 'vrs serve' does, on 127.0.0.1 (a free port),
with a new SQLite store in a temporary directory, or with the store --db
names (a postgres:// URL or a SQLite file). Adds one agency, one reporter
and one API token, then POSTs distinct valid incidents to
/api/v1/incidents from --clients keep-alive connections: each a migrant
smuggling case with 5 persons (names, nationalities, a phone or document
number each), 3 route legs and a fee, with a unique reference. Warms up
for 1 s, measures for --duration, and prints one table: incidents created
per second, latency percentiles, errors and the machine.

The load generator runs in the same process and shares the CPUs with the
server. With --db, use a scratch database (for PostgreSQL, a fresh
schema: ...?search_path=bench): everything created stays in it. Exits 1
if any request failed.`)
	var cfg Config
	fs.StringVar(&cfg.DB, "db", "", "store: a postgres:// URL or a SQLite file (default: a new SQLite store in a temporary directory)")
	clients := fs.Int("clients", 32, "connections creating incidents at once")
	dur := fs.Duration("duration", 20*time.Second, "how long to measure, after 1 s of warm-up")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measured phase (server and load generator) to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *clients < 1 {
		return usagef("--clients must be at least 1")
	}
	if *dur <= 0 {
		return usagef("--duration must be positive")
	}
	tmp, err := os.MkdirTemp("", "vrs-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cfg.Addr, cfg.DataDir = "127.0.0.1:0", filepath.Join(tmp, "data")

	m := c.benchMain(cfg)
	defer m.Close()
	if err := m.Run(ctx); err != nil {
		return err
	}
	token, agencyID, runID, err := benchReporter(ctx, m)
	if err != nil {
		return err
	}
	gen, err := newIncidentBodies(agencyID, runID)
	if err != nil {
		return err
	}
	load := &createLoad{url: m.URL() + "api/v1/incidents", token: token, clients: *clients, bodies: gen}
	if _, err := load.run(ctx, benchWarmup); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	res, err := load.run(ctx, *dur)
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STORE\tCLIENTS\tDURATION\tCREATED\tERRORS\tINCIDENTS/S\tP50\tP95\tP99\tMAX\t"+machineHeader)
	fmt.Fprintf(tw, "%s\t%d\t%.1fs\t%d\t%d\t%.0f\t%s\t%s\t%s\t%s\t%s\n", m.DB.Dialect(), *clients, res.elapsed.Seconds(),
		len(res.latencies), res.errors, float64(len(res.latencies))/res.elapsed.Seconds(),
		ms(res.pct(0.50)), ms(res.pct(0.95)), ms(res.pct(0.99)), ms(res.pct(1)), machine())
	if err := tw.Flush(); err != nil {
		return err
	}
	if res.errors > 0 {
		fmt.Fprintf(c.stderr, "vrs bench create: %d of %d requests failed; the first: %s\n", res.errors, res.errors+len(res.latencies), res.firstError)
		return errFailed
	}
	return nil
}

// benchReporter adds an agency, a reporter and the reporter's API token,
// as the installation itself, with names unique to this run.
func benchReporter(ctx context.Context, m *Main) (token string, agencyID int64, runID string, err error) {
	sys := system(ctx)
	suffix := make([]byte, 4)
	rand.Read(suffix)
	runID = hex.EncodeToString(suffix)
	a := &vrs.Agency{Country: "TH", Name: "VRS benchmark " + runID, Kind: vrs.KindImmigration}
	if err := m.DB.CreateAgency(sys, a); err != nil {
		return "", 0, "", err
	}
	password := make([]byte, 24)
	rand.Read(password)
	u := &vrs.User{Name: "bench.reporter." + runID, FullName: "VRS benchmark", AgencyID: a.ID, Roles: []vrs.Role{vrs.RoleReporter}}
	if u.PasswordHash, err = m.Hasher.Hash(ctx, hex.EncodeToString(password)); err != nil {
		return "", 0, "", err
	}
	if err := m.DB.CreateUser(sys, u); err != nil {
		return "", 0, "", err
	}
	plain, prefix, hash := auth.NewAPIToken()
	if err := m.DB.CreateToken(sys, &vrs.APIToken{UserID: u.ID, Name: "bench", Prefix: prefix, Hash: hash}); err != nil {
		return "", 0, "", err
	}
	return plain, a.ID, runID, nil
}

// incidentBodies makes distinct valid incident bodies cheaply: a template
// encoded once, with the reference and personal values varied by number.
type incidentBodies struct {
	parts [][]byte // the template cut at each placeholder
	run   string
	next  atomic.Int64
}

// benchPlaceholder marks where the number goes in the template.
const benchPlaceholder = "\x00N\x00"

func newIncidentBodies(agencyID int64, run string) (*incidentBodies, error) {
	age := func(n int) *int { return &n }
	lat, lon := 6.63, 100.42
	n := benchPlaceholder
	inc := vrs.Incident{
		AgencyID: agencyID, Reference: "BENCH-" + run + "-" + n, Type: vrs.TypeMigrantSmuggling,
		OccurredOn: "2025-03-01", DetectedOn: "2025-03-02", ReportedOn: "2025-03-03",
		Place:  vrs.Place{Country: "TH", AdminArea: "Songkhla", Name: "Sadao checkpoint", Kind: "border_crossing", Lat: &lat, Lon: &lon},
		Source: "border_check", OffenceCodes: []string{"08051"},
		Narrative: "Pickup truck stopped at the checkpoint during a routine check; four passengers without travel documents, the driver arranged the journey.",
		Persons: []vrs.Person{
			{Role: "migrant", Sex: "male", Age: age(24), Nationalities: []string{"MM"}, Status: "intercepted", Name: "Aung Min " + n,
				Identifiers: []vrs.Identifier{{Kind: "document_number", Value: "MB" + n, Country: "MM"}}},
			{Role: "migrant", Sex: "female", Age: age(19), Nationalities: []string{"MM"}, Status: "intercepted", Name: "Khin Myat " + n},
			{Role: "migrant", Sex: "male", Age: age(31), Nationalities: []string{"BD"}, Status: "intercepted", Name: "Rahim Uddin " + n,
				Identifiers: []vrs.Identifier{{Kind: "phone", Value: "+880 17" + n}}},
			{Role: "migrant", Sex: "female", Age: age(16), Nationalities: []string{"MM"}, Status: "intercepted", Name: "Thida " + n},
			{Role: "suspect", PerpetratorRoles: []string{"transporter"}, Sex: "male", Age: age(42), Nationalities: []string{"TH"}, Status: "detained",
				Name: "Somchai " + n, Aliases: []string{"Ko Chai " + n}, Identifiers: []vrs.Identifier{{Kind: "phone", Value: "+66 81" + n}}},
		},
		Legs: []vrs.RouteLeg{
			{Country: "MM", Place: "Myawaddy", Role: "origin", Mode: "foot", DepartedOn: "2025-02-25"},
			{Country: "TH", Place: "Mae Sot", Role: "transit", Mode: "bus", DepartedOn: "2025-02-27"},
			{Country: "TH", Place: "Sadao", Role: "interception", Mode: "car", ArrivedOn: "2025-03-01"},
		},
		Transactions: []vrs.Transaction{{PayerKey: "p1", PayeeKey: "p5", Amount: 45000, Currency: "THB", Method: "cash", Purpose: "smuggling_fee"}},
	}
	b, err := json.Marshal(inc)
	if err != nil {
		return nil, err
	}
	// encoding/json writes the NUL bytes as \u0000.
	return &incidentBodies{parts: bytes.Split(b, []byte(`\u0000N\u0000`)), run: run}, nil
}

// body returns the next distinct incident.
func (g *incidentBodies) body() []byte {
	num := strconv.FormatInt(g.next.Add(1), 10)
	var b bytes.Buffer
	b.Grow(2048)
	for i, p := range g.parts {
		if i > 0 {
			b.WriteString(num)
		}
		b.Write(p)
	}
	return b.Bytes()
}

// createLoad POSTs incidents from keep-alive connections.
type createLoad struct {
	url, token string
	clients    int
	bodies     *incidentBodies
}

type createResult struct {
	latencies  []time.Duration // sorted, successful requests only
	errors     int
	firstError string
	elapsed    time.Duration
}

func (r *createResult) pct(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
}

func (l *createLoad) run(ctx context.Context, d time.Duration) (*createResult, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	transport := &http.Transport{MaxIdleConnsPerHost: l.clients, MaxConnsPerHost: l.clients, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	res := &createResult{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for range l.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			errs, first := 0, ""
			for ctx.Err() == nil {
				req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.url, bytes.NewReader(l.bodies.body()))
				if err != nil {
					return
				}
				req.Header.Set("Authorization", "Bearer "+l.token)
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						errs++
						if first == "" {
							first = err.Error()
						}
					}
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					errs++
					if first == "" {
						first = fmt.Sprintf("%d %s", resp.StatusCode, bytes.TrimSpace(body))
					}
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			res.latencies = append(res.latencies, local...)
			res.errors += errs
			if res.firstError == "" {
				res.firstError = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.latencies)
	if len(res.latencies) == 0 {
		return res, fmt.Errorf("no incident created (%d errors; the first: %s)", res.errors, res.firstError)
	}
	return res, nil
}
