package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"vrs"
	"vrs/store"
)

func cmdRestore(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("restore", "--from FILE [--force] [--data-dir DIR] [--db FILE]", `
Replaces a SQLite store with a backup made by 'vrs backup'. The server must
be stopped: restore takes the data directory's lock and refuses while a
server holds it. The backup must open as a VRS store and its audit log
must verify; only then is it copied in (to a temporary file in the same
directory, synced, then renamed over the store), so that a failed restore
changes nothing. An existing store is replaced only with --force.
PostgreSQL stores are restored with pg_restore.

The key-encryption key is not in the backup: the restored store opens
with the key file (or VRS_KEK) that was in use when the backup was made;
the next start names the key it needs if another one is found.`)
	var cfg Config
	c.storeFlags(fs, &cfg)
	from := fs.String("from", "", "the backup file")
	force := fs.Bool("force", false, "replace an existing store")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := need([2]string{"from", *from}); err != nil {
		return err
	}
	if cfg.Postgres() {
		return vrs.Errorf(vrs.EINVALID, "cli.restore_postgres")
	}
	target, err := filepath.Abs(cfg.DSN())
	if err != nil {
		return err
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, p := range []string{lockPath(target), useLockPath(target)} {
		lock, err := lockExclusive(p)
		if errors.Is(err, errLocked) {
			return vrs.Errorf(vrs.ECONFLICT, "cli.locked", dir)
		} else if err != nil {
			return err
		}
		defer lock.Unlock()
	}
	if _, err := os.Stat(target); err == nil && !*force {
		return vrs.Errorf(vrs.ECONFLICT, "cli.restore_exists", target)
	}

	tmp, err := copyToTemp(*from, dir)
	if err != nil {
		return err
	}
	defer removeSQLite(tmp) // a no-op once renamed
	users, entries, err := c.checkBackup(ctx, *from, tmp)
	if err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		return err
	}
	// A stale WAL would be replayed into the new file, so it goes; but fold
	// it into the old file first, so that a crash before the rename leaves
	// the old store whole, last transactions included.
	if err := checkpoint(target); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(target + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return err
	}
	if err := syncFile(dir); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Restored %s into %s: %d users, audit log intact (%d entries).\n", *from, target, users, entries)
	return nil
}

// checkBackup opens the copy as a VRS store (applying any migrations a
// newer VRS brings), verifies its audit chain and records the restore in
// it. It returns the number of users and of audit entries.
func (c *cli) checkBackup(ctx context.Context, from, path string) (users int, entries int64, err error) {
	if err := looksLikeVRS(path); err != nil {
		return 0, 0, vrs.Errorf(vrs.EINVALID, "cli.restore_not_vrs", from)
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return 0, 0, vrs.Errorf(vrs.EINVALID, "cli.restore_not_vrs", from)
	}
	users, entries, err = verifyAndMark(ctx, db, from)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return users, entries, err
}

func verifyAndMark(ctx context.Context, db *store.DB, from string) (users int, entries int64, err error) {
	sys := system(ctx)
	v, err := db.VerifyAudit(sys)
	if err != nil {
		return 0, 0, err
	}
	if p := v.Problem; p != nil {
		return 0, 0, vrs.Errorf(vrs.EINVALID, "cli.restore_audit_broken", from, p.Seq, p.Kind)
	}
	list, err := db.ListUsers(sys, vrs.UserFilter{})
	if err != nil {
		return 0, 0, err
	}
	if err := db.AppendAudit(sys, &vrs.AuditEntry{Action: vrs.ActRestore, ObjectType: "installation",
		Detail: fmt.Sprintf(`{"entries":%d}`, v.Entries)}); err != nil {
		return 0, 0, err
	}
	return len(list), v.Entries + 1, nil
}

// looksLikeVRS checks, before store.Open would create them, that the file
// is SQLite and already has VRS's tables.
func looksLikeVRS(path string) error {
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table'
		AND name IN ('migrations', 'audit_log', 'users', 'agencies')`).Scan(&n); err != nil {
		return err
	}
	if n != 4 {
		return errors.New("not a VRS store")
	}
	return nil
}

// copyToTemp copies src to a new temporary file in dir.
func copyToTemp(src, dir string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(dir, ".vrs-restore-*.db")
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", err
	}
	if err := out.Close(); err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

// syncFile flushes a file or directory to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// removeSQLite removes a SQLite file with its WAL and shared-memory files.
func removeSQLite(path string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// checkpoint folds an existing SQLite store's WAL into its main file.
func checkpoint(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	conn, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	var busy, logged, done int
	if err := conn.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint %s: the store is in use", path)
	}
	return nil
}
