package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"vrs/auth"
	"vrs/i18n"
	"vrs/store"
	"vrs/storetest"
)

// testPassword passes auth.ValidatePassword.
const testPassword = "correct horse battery staple"

// newCLI returns an invocation with cheap hashing, an empty environment
// (the developer's VRS_* variables must not leak in) and buffers.
func newCLI(stdin string) (*cli, *syncBuffer, *syncBuffer) {
	out, errOut := &syncBuffer{}, &syncBuffer{}
	return &cli{
		stdin:      strings.NewReader(stdin),
		stdout:     out,
		stderr:     errOut,
		getenv:     func(string) string { return "" },
		cat:        catalog,
		hashParams: auth.TestParams,
	}, out, errOut
}

var catalog = i18n.MustLoad()

// result is what one command did.
type result struct {
	code           int
	stdout, stderr string
}

// vrsRun runs one command in-process and returns its exit status and output.
func vrsRun(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	c, out, errOut := newCLI(stdin)
	code := c.run(context.Background(), args)
	return result{code, out.String(), errOut.String()}
}

// must runs a command that must succeed, and returns its standard output.
func must(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	r := vrsRun(t, stdin, args...)
	if r.code != 0 {
		t.Fatalf("vrs %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// installation is a data directory, and for PostgreSQL its database.
type installation struct {
	dialect string
	dir     string
	dsn     string // "" for the default SQLite file
}

// newInstallation returns an empty installation of the dialect.
func newInstallation(t testing.TB, dialect string) *installation {
	t.Helper()
	in := &installation{dialect: dialect, dir: filepath.Join(t.TempDir(), "data")}
	if dialect == "postgres" {
		in.dsn = storetest.DSN(t, "postgres")
	}
	return in
}

// args returns the store flags followed by more.
func (in *installation) args(more ...string) []string {
	a := []string{"--data-dir", in.dir}
	if in.dsn != "" {
		a = append(a, "--db", in.dsn)
	}
	return append(a, more...)
}

// cmd returns the words of a command followed by the store flags and more.
func (in *installation) cmd(words string, more ...string) []string {
	return append(strings.Fields(words), in.args(more...)...)
}

// dsnOrFile is the store's address.
func (in *installation) dsnOrFile() string {
	if in.dsn != "" {
		return in.dsn
	}
	return filepath.Join(in.dir, DBFile)
}

// with opens the installation's store directly, for checks and
// tampering, runs fn and closes it again.
func (in *installation) with(t testing.TB, fn func(db *store.DB)) {
	t.Helper()
	db, err := store.Open(context.Background(), in.dsnOrFile())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fn(db)
}

// withWorld adds two agencies and one user to the installation.
func (in *installation) withWorld(t testing.TB) {
	t.Helper()
	must(t, "", in.cmd("agency add", "--country", "TH", "--name", "Royal Thai Police", "--kind", "police")...)
	must(t, "", in.cmd("agency add", "--country", "VN", "--name", "Border Guard Command", "--kind", "border_guard")...)
	must(t, testPassword+"\n", in.cmd("user add", "--country", "TH", "--agency", "Royal Thai Police", "--role", "analyst",
		"--name", "th.analyst", "--full-name", "Kittipong Chaiyasit", "--password-stdin")...)
}

// server is a command (serve or demo) running in the background.
type server struct {
	stdout, stderr *syncBuffer
	addr           string
	cancel         context.CancelFunc
	done           chan int
	stopped        bool
}

var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// start runs a serving command in-process and waits until it logs that it
// listens, which it does only once the listener is bound.
func start(t testing.TB, args ...string) *server {
	t.Helper()
	c, out, errOut := newCLI("")
	ctx, cancel := context.WithCancel(context.Background())
	s := &server{stdout: out, stderr: errOut, cancel: cancel, done: make(chan int, 1)}
	go func() { s.done <- c.run(ctx, args) }()
	t.Cleanup(func() { s.stop(t) })
	deadline := time.After(20 * time.Second)
	for {
		if m := listeningRE.FindStringSubmatch(errOut.String()); m != nil {
			s.addr = m[1]
			return s
		}
		select {
		case code := <-s.done:
			s.done <- code
			t.Fatalf("vrs %s: exit %d before listening\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
		case <-deadline:
			t.Fatalf("vrs %s: not listening after 20 s\nstderr: %s", strings.Join(args, " "), errOut)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// stop signals the command to stop (as SIGINT does) and checks that it
// shuts down cleanly; calling it again is harmless.
func (s *server) stop(t testing.TB) {
	t.Helper()
	if s.stopped {
		return
	}
	s.stopped = true
	s.cancel()
	select {
	case code := <-s.done:
		if code != 0 {
			t.Errorf("exit %d after stop\nstderr: %s", code, s.stderr)
		}
	case <-time.After(15 * time.Second):
		t.Errorf("still running 15 s after stop")
	}
}

// waitStdout waits until the command has printed want.
func (s *server) waitStdout(t testing.TB, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.stdout.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("stdout lacks %q after 10 s:\n%s", want, s.stdout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// get fetches path from the server, with an optional bearer token.
func (s *server) get(t testing.TB, scheme, path, token string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", scheme+"://"+s.addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// syncBuffer is a bytes.Buffer that a running server may write to while
// the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
