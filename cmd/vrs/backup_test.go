package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"vrs/store"
)

func TestBackupRestore(t *testing.T) {
	src := newInstallation(t, "sqlite")
	src.withWorld(t)
	backup := filepath.Join(t.TempDir(), "backup.db")
	out := must(t, "", src.cmd("backup", "--out", backup)...)
	if !strings.Contains(out, backup) {
		t.Errorf("backup said %q", out)
	}
	users := must(t, "", src.cmd("user list")...)

	dst := newInstallation(t, "sqlite")
	// The key file is not in the backup: the operator brings it along.
	os.MkdirAll(dst.dir, 0o700)
	copyFile(t, filepath.Join(src.dir, KeyFile), filepath.Join(dst.dir, KeyFile))
	// dst's store, for the checks that a refused restore changed nothing.
	unchanged := func(t *testing.T) {
		t.Helper()
		if got := must(t, "", dst.cmd("user list")...); got != users {
			t.Errorf("users after a refused restore:\n%s\nwant:\n%s", got, users)
		}
		entries, _ := os.ReadDir(dst.dir)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if !slices.Equal(names, []string{"vrs.db", "vrs.key", "vrs.lock", "vrs.use.lock"}) {
			t.Errorf("data directory holds %v", names)
		}
	}
	broken := filepath.Join(t.TempDir(), "broken.db")
	copyFile(t, backup, broken)
	func() {
		db, err := store.Open(context.Background(), broken)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.SQL().Exec(`UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 3`); err != nil {
			t.Fatal(err)
		}
	}()
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("not a database at all, just some text that is long enough"), 0o600)
	empty := filepath.Join(t.TempDir(), "empty.db")
	func() {
		db, err := sql.Open("sqlite", empty)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`CREATE TABLE notes (x TEXT)`); err != nil {
			t.Fatal(err)
		}
	}()

	steps := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
		check  func(t *testing.T)
	}{
		{"ErrBackupExists", src.cmd("backup", "--out", backup), 1, "", "already exists", nil},
		{"Restore", dst.cmd("restore", "--from", backup), 0, "audit log intact", "", func(t *testing.T) {
			if got := must(t, "", dst.cmd("user list")...); got != users {
				t.Errorf("users after restore:\n%s\nwant:\n%s", got, users)
			}
			if out := must(t, "", dst.cmd("audit verify")...); !strings.HasPrefix(out, "audit log intact: 5 entries") {
				t.Errorf("restored audit log: %q", out) // two agencies, a user, the backup, the restore
			}
		}},
		{"ErrExistsWithoutForce", dst.cmd("restore", "--from", backup), 1, "", "add --force", unchanged},
		{"ErrNotSQLite", dst.cmd("restore", "--from", junk, "--force"), 1, "", "is not a VRS store", unchanged},
		{"ErrNotVRS", dst.cmd("restore", "--from", empty, "--force"), 1, "", "is not a VRS store", unchanged},
		{"ErrBrokenAudit", dst.cmd("restore", "--from", broken, "--force"), 1, "", "is broken at entry 3 (edited); refusing", unchanged},
		{"ErrMissingFile", dst.cmd("restore", "--from", filepath.Join(t.TempDir(), "nope.db"), "--force"), 1, "", "no such file", unchanged},
		{"Force", dst.cmd("restore", "--from", backup, "--force"), 0, "Restored", "", func(t *testing.T) {
			must(t, "", dst.cmd("audit verify")...)
		}},
		{"ErrBackupPostgres", []string{"backup", "--db", "postgres://vrs@localhost/vrs", "--out", "x.db"}, 1, "", "pg_dump", nil},
		{"ErrRestorePostgres", []string{"restore", "--db", "postgres://vrs@localhost/vrs", "--from", backup}, 1, "", "pg_restore", nil},
		{"ErrNoOut", src.cmd("backup"), 2, "", "--out is required", nil},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			r := vrsRun(t, "", s.args...)
			if r.code != s.code || !strings.Contains(r.stdout, s.stdout) || !strings.Contains(r.stderr, s.stderr) {
				t.Fatalf("exit %d stdout %q stderr %q; want %d %q %q", r.code, r.stdout, r.stderr, s.code, s.stdout, s.stderr)
			}
			if s.check != nil {
				s.check(t)
			}
		})
	}
}

// TestRestoreRefusedWhileServing: restore needs the lock that serve holds.
func TestRestoreRefusedWhileServing(t *testing.T) {
	in := newInstallation(t, "sqlite")
	in.withWorld(t)
	backup := filepath.Join(t.TempDir(), "backup.db")
	must(t, "", in.cmd("backup", "--out", backup)...)

	s := start(t, in.cmd("serve", "--addr", "127.0.0.1:0")...)
	r := vrsRun(t, "", in.cmd("restore", "--from", backup, "--force")...)
	if r.code != 1 || !strings.Contains(r.stderr, "A running VRS server (or a restore) is using "+in.dir) {
		t.Errorf("restore while serving: exit %d stderr %q", r.code, r.stderr)
	}
	s.stop(t)
	must(t, "", in.cmd("restore", "--from", backup, "--force")...)

	t.Run("LockHeldDirectly", func(t *testing.T) {
		lock, err := lockFile(filepath.Join(in.dir, "vrs.lock"))
		if err != nil {
			t.Fatal(err)
		}
		defer lock.Unlock()
		if r := vrsRun(t, "", in.cmd("restore", "--from", backup, "--force")...); r.code != 1 || !strings.Contains(r.stderr, "Stop it and try again") {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
	})
	// An administration command holds the use lock while its store is
	// open: a restore must wait for it, not swap the file underneath.
	t.Run("CommandRunning", func(t *testing.T) {
		m := NewMain(Config{DataDir: in.dir}, slog.New(slog.NewTextHandler(io.Discard, nil)), catalog)
		if err := m.OpenStore(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		r := vrsRun(t, "", in.cmd("restore", "--from", backup, "--force")...)
		m.Close()
		if r.code != 1 || !strings.Contains(r.stderr, "Stop it and try again") {
			t.Errorf("restore during a command: exit %d stderr %q", r.code, r.stderr)
		}
		must(t, "", in.cmd("restore", "--from", backup, "--force")...)
	})
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
