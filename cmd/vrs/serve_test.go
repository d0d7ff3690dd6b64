package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vrs"
	"vrs/auth"
	"vrs/store"
	"vrs/storetest"
)

func TestServe(t *testing.T) {
	for _, dialect := range storetest.Dialects() {
		t.Run(dialect, func(t *testing.T) {
			in := newInstallation(t, dialect)
			s := start(t, in.cmd("serve", "--addr", "127.0.0.1:0")...)
			code, hdr, body := s.get(t, "http", "/healthz", "")
			if code != http.StatusOK || body != "ok\n" {
				t.Errorf("GET /healthz: %d %q", code, body)
			}
			if hdr.Get("Content-Security-Policy") == "" {
				t.Errorf("no security headers: the web middleware is not wired in")
			}
			if code, _, _ := s.get(t, "http", "/api/v1/me", ""); code != http.StatusUnauthorized {
				t.Errorf("GET /api/v1/me anonymously: %d, want 401 from the mounted API", code)
			}
			log := s.stderr.String()
			if !strings.Contains(log, "msg=listening") || !strings.Contains(log, "store="+dialect) {
				t.Errorf("log lacks the listening line with the dialect:\n%s", log)
			}
			if in.dsn != "" && strings.Contains(log, in.dsn) {
				t.Errorf("log shows the database URL:\n%s", log)
			}
			s.stop(t)
			if !strings.Contains(s.stderr.String(), "shutting down") {
				t.Errorf("no shutdown line:\n%s", s.stderr)
			}
			if dialect == "sqlite" {
				fi, err := os.Stat(in.dir)
				if err != nil || fi.Mode().Perm() != 0o700 {
					t.Errorf("data directory: %v, mode %v", err, fi.Mode().Perm())
				}
			}
		})
	}
}

func TestServeErrors(t *testing.T) {
	in := newInstallation(t, "sqlite")
	s := start(t, in.cmd("serve", "--addr", "127.0.0.1:0")...)
	cases := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"ErrLocked", in.cmd("serve", "--addr", "127.0.0.1:0"), "A running VRS server (or a restore) is using"},
		{"ErrAddrInUse", newInstallation(t, "sqlite").cmd("serve", "--addr", s.addr), "address already in use"},
		{"ErrTLSFiles", newInstallation(t, "sqlite").cmd("serve", "--addr", "127.0.0.1:0", "--tls-cert", "/nonexistent/c.pem", "--tls-key", "/nonexistent/k.pem"), "TLS certificate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := vrsRun(t, "", tc.args...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d stderr %q", r.code, r.stderr)
			}
		})
	}
}

func TestServeEnvironment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "env-data")
	env := map[string]string{"VRS_ADDR": "127.0.0.1:0", "VRS_DATA_DIR": dir}
	c, _, errOut := newCLI("")
	c.getenv = func(k string) string { return env[k] }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- c.run(ctx, []string{"serve"}) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errOut.String(), "msg=listening") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 || !strings.Contains(errOut.String(), "addr=127.0.0.1:") {
		t.Fatalf("exit %d, log:\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, DBFile)); err != nil {
		t.Errorf("VRS_DATA_DIR not used: %v", err)
	}
}

func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeSelfSigned(t, cert, key)
	in := newInstallation(t, "sqlite")
	s := start(t, in.cmd("serve", "--addr", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key)...)
	if !strings.Contains(s.stderr.String(), "url=https://") {
		t.Errorf("log does not show an https URL:\n%s", s.stderr)
	}
	code, hdr, _ := s.get(t, "https", "/healthz", "")
	if code != http.StatusOK || hdr.Get("Strict-Transport-Security") == "" {
		t.Errorf("GET https /healthz: %d, HSTS %q", code, hdr.Get("Strict-Transport-Security"))
	}
}

// TestSessionSweeper: the server deletes sessions past their absolute expiry.
func TestSessionSweeper(t *testing.T) {
	in := newInstallation(t, "sqlite")
	in.withWorld(t)
	var old, fresh string
	in.with(t, func(db *store.DB) {
		u, err := db.FindUserByName(context.Background(), "th.analyst")
		if err != nil {
			t.Fatal(err)
		}
		for _, age := range []time.Duration{SessionMax + time.Hour, 0} {
			db.Now = func() time.Time { return time.Now().Add(-age) }
			_, id := auth.NewSessionToken()
			if err := db.CreateSession(context.Background(), &vrs.Session{ID: id, UserID: u.ID, CSRFToken: "x"}); err != nil {
				t.Fatal(err)
			}
			if age > 0 {
				old = id
			} else {
				fresh = id
			}
		}
	})
	c, _, errOut := newCLI("")
	c.sweep = 10 * time.Millisecond
	m := c.newMain(Config{Addr: "127.0.0.1:0", DataDir: in.dir})
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, _, errOld := m.DB.FindSession(context.Background(), old)
		if vrs.ErrorCode(errOld) == vrs.ENOTFOUND {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("expired session still there after 5 s; log:\n%s", errOut)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, _, err := m.DB.FindSession(context.Background(), fresh); err != nil {
		t.Errorf("fresh session deleted: %v", err)
	}
}

func writeSelfSigned(t *testing.T, certFile, keyFile string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
}

// BenchmarkServeReady: from Main start on an empty SQLite data directory
// until /healthz answers 200 (target: under 1 s).
func BenchmarkServeReady(b *testing.B) {
	c, _, _ := newCLI("")
	client := &http.Client{Timeout: 5 * time.Second}
	for b.Loop() {
		b.StopTimer()
		dir := filepath.Join(b.TempDir(), "data")
		b.StartTimer()
		m := c.newMain(Config{Addr: "127.0.0.1:0", DataDir: dir})
		if err := m.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		for {
			resp, err := client.Get("http://" + m.Addr() + "/healthz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			time.Sleep(time.Millisecond)
		}
		b.StopTimer()
		if err := m.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
