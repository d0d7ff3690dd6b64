package main

import (
	"context"
	"fmt"
	"path/filepath"

	"vrs"
)

func cmdBackup(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("backup", "--out FILE [--data-dir DIR] [--db DSN]", `
Writes a consistent copy of a SQLite store to FILE, which must not exist
yet. The server may keep running: the copy is one snapshot. Restore it
with 'vrs restore'. PostgreSQL stores are backed up with pg_dump.

The key-encryption key (the key file <data-dir>/vrs.key, or VRS_KEK) is
NOT in the backup: without it the personal data in the backup cannot be
read. Keep it, apart from the backups, as long as the backups.`)
	var cfg Config
	c.storeFlags(fs, &cfg)
	out := fs.String("out", "", "the backup file to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := need([2]string{"out", *out}); err != nil {
		return err
	}
	if cfg.Postgres() {
		return vrs.Errorf(vrs.EINVALID, "error.backup_postgres")
	}
	abs, err := filepath.Abs(*out)
	if err != nil {
		return err
	}
	m, err := c.openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.DB.Backup(system(ctx), abs); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Backup written to %s.\n", abs)
	return nil
}
