package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	"vrs"
	"vrs/access"
)

// Backup writes a consistent copy of a SQLite store to out while the store
// stays online (VACUUM INTO reads one snapshot). PostgreSQL installations
// back up with pg_dump instead.
func (db *DB) Backup(ctx context.Context, out string) error {
	if err := access.ManageInstallation(vrs.UserFromContext(ctx)); err != nil {
		return err
	}
	if db.dialect != sqliteDialect {
		return vrs.Errorf(vrs.EINVALID, "error.backup_postgres")
	}
	if _, err := os.Stat(out); err == nil {
		return vrs.Errorf(vrs.ECONFLICT, "error.file_exists", out)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := db.AppendAudit(ctx, &vrs.AuditEntry{Action: vrs.ActBackup, ObjectType: "installation", Detail: detail(map[string]string{"out": out})}); err != nil {
		return err
	}
	// Its own connection: the readers are query-only and the writer must
	// stay free for the running server.
	conn, err := sql.Open("sqlite", "file:"+db.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO $1`, out); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
