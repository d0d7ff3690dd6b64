package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"text/tabwriter"

	"vrs"
	"vrs/crypt"
	"vrs/store"
)

// Personal data in the store is encrypted with data keys, which the store
// keeps wrapped under a key-encryption key (KEK) that lives outside it: in
// VRS_KEK (base64), or else in the key file (--key-file, VRS_KEY_FILE,
// default <data-dir>/vrs.key), which the first start creates. Backups of
// the store do not contain the KEK.
//
// Rotation is crash-safe: the new KEK is written to <key file>.new (synced),
// the store is rotated in one transaction, then <key file>.new is renamed
// over the key file. A start that finds <key file>.new uses whichever of
// the two keys opens the store and finishes (or undoes) the rename.

// keyFlags adds --key-file and reads VRS_KEK.
func keyFlags(c *cli, fs *flag.FlagSet, cfg *Config) {
	cfg.KEK = c.getenv("VRS_KEK")
	fs.StringVar(&cfg.KeyFile, "key-file", c.env("VRS_KEY_FILE", ""),
		"key-encryption key file, created on first start; not part of backups (default <data-dir>/vrs.key) (env VRS_KEY_FILE; VRS_KEK replaces it)")
}

// newKeySuffix names the key file of a rotation in progress.
const newKeySuffix = ".new"

// loadKEK loads the KEK and with it the store's keys, right after the
// store opens. A store that already has keys never gets a new KEK: a
// missing key file is an error.
func (m *Main) loadKEK(ctx context.Context, db *store.DB) error {
	if m.Config.KEK != "" {
		kek, err := crypt.ParseKEK(m.Config.KEK)
		if err != nil {
			return fmt.Errorf("VRS_KEK: %w", err)
		}
		return db.UseKEK(ctx, kek)
	}
	path, err := filepath.Abs(m.Config.KeyPath())
	if err != nil {
		return err
	}
	if _, err := os.Lstat(path + newKeySuffix); err == nil {
		return m.finishRotation(ctx, db, path)
	}
	kek, err := crypt.LoadKEK(path)
	if errors.Is(err, fs.ErrNotExist) {
		keys, lerr := db.ListDataKeys(ctx)
		if lerr != nil {
			return lerr
		}
		if len(keys) > 0 {
			return vrs.Errorf(vrs.EINVALID, "cli.key_file_missing", path, keys[0].KEKID)
		}
		kek, err = crypt.CreateKEKFile(path)
		if errors.Is(err, fs.ErrExist) {
			// Another process created it first.
			kek, err = crypt.LoadKEK(path)
		} else if err == nil {
			m.Logger.Info("created a key-encryption key file; keep a copy apart from the backups", "path", path, "kek", kek.ID())
		}
	}
	if err != nil {
		return err
	}
	return db.UseKEK(ctx, kek)
}

// keyLock takes the lock that rotation holds while the key file and
// <key file>.new change. Where file locks are unsupported it returns nil.
func keyLock(path string) (*fileLock, error) {
	lock, err := lockExclusive(path + ".lock")
	switch {
	case errors.Is(err, errLocked):
		return nil, vrs.Errorf(vrs.ECONFLICT, "cli.keys_rotating", path)
	case errors.Is(err, errLockUnsupported):
		return nil, nil
	}
	return lock, err
}

// finishRotation settles a rotation that stopped between writing
// <key file>.new and renaming it: if the store's keys are under the new
// KEK the rename is done, if under the old one the new file goes.
func (m *Main) finishRotation(ctx context.Context, db *store.DB, path string) error {
	lock, err := keyLock(path)
	if err != nil {
		return err
	}
	if lock != nil {
		defer lock.Unlock()
	}
	newPath := path + newKeySuffix
	newKEK, newErr := crypt.LoadKEK(newPath)
	if errors.Is(newErr, fs.ErrNotExist) {
		// A rotation finished while we waited for the lock.
		kek, err := crypt.LoadKEK(path)
		if err != nil {
			return err
		}
		return db.UseKEK(ctx, kek)
	}
	oldKEK, oldErr := crypt.LoadKEK(path)
	keys, err := db.ListDataKeys(ctx)
	if err != nil {
		return err
	}
	stored := ""
	if len(keys) > 0 {
		stored = keys[0].KEKID
	}
	switch {
	case newErr == nil && (stored == newKEK.ID() || stored == "" && oldErr != nil):
		// The store was rotated: finish the rename.
		if err := db.UseKEK(ctx, newKEK); err != nil {
			return err
		}
		if err := os.Rename(newPath, path); err != nil {
			return err
		}
		if err := crypt.SyncDir(filepath.Dir(path)); err != nil {
			return err
		}
		m.Logger.Warn("finished an interrupted key rotation", "path", path, "kek", newKEK.ID())
		return nil
	case oldErr == nil && (stored == oldKEK.ID() || stored == ""):
		// The rotation never reached the store: drop the new key.
		if err := db.UseKEK(ctx, oldKEK); err != nil {
			return err
		}
		if err := os.Remove(newPath); err != nil {
			return err
		}
		if err := crypt.SyncDir(filepath.Dir(path)); err != nil {
			return err
		}
		m.Logger.Warn("undid an interrupted key rotation", "path", path, "kek", oldKEK.ID())
		return nil
	case oldErr == nil:
		return db.UseKEK(ctx, oldKEK) // refused, naming the KEK the store needs
	case errors.Is(oldErr, fs.ErrNotExist):
		return vrs.Errorf(vrs.EINVALID, "cli.key_file_missing", path, stored)
	case oldErr != nil:
		return oldErr
	}
	return newErr
}

// lockAlone takes the server lock and the use lock exclusively, for a
// SQLite store: no server or command may hold the old keys while they
// change. PostgreSQL servers are the operator's to stop.
func (m *Main) lockAlone() error {
	path, err := m.sqlitePath()
	if err != nil || path == "" {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return vrs.Errorf(vrs.ENOTFOUND, "cli.no_store", path)
	}
	m.lock, err = lockExclusive(lockPath(path))
	if err == nil {
		m.use, err = lockExclusive(useLockPath(path))
	}
	return m.lockError(err, path)
}

func cmdKeysRotate(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("keys rotate", "[--data-dir DIR] [--db DSN] [--key-file FILE] [--reencrypt]", `
Moves the store's data keys to a new key-encryption key (KEK) in one
transaction: every key is re-wrapped under the new KEK, the active data key
is retired and a new one seals new data (older records stay readable and
are moved to it over time), and the rotation is recorded in the audit log.

With a key file, the new KEK is first written to <key file>.new, then the
store is rotated, then the new file replaces the old one; a start after a
crash in between finishes or undoes the rotation. With VRS_KEK set, the new
KEK is printed once on standard output and no file is written: store it
and set VRS_KEK to it before the next start.

Stop the servers first: a SQLite store is locked for the rotation, and
servers of a PostgreSQL store must restart with the new KEK. Backups made
before the rotation need the old KEK: keep it as long as those backups.

With --reencrypt, every record's personal data is then re-encrypted under
the new data key, in batches that each commit: an interrupted run leaves
every record readable, and running "vrs keys rotate --reencrypt" again (or
the re-encryption alone, by a later rotation) finishes it.`)
	var cfg Config
	c.storeFlags(fs, &cfg)
	reencrypt := fs.Bool("reencrypt", false, "re-encrypt all personal data under the new data key")
	if err := parse(fs, args); err != nil {
		return err
	}
	m := c.newMain(cfg)
	defer m.Close()
	if err := m.lockAlone(); err != nil {
		return err
	}
	if err := m.OpenStore(ctx, false); err != nil {
		return err
	}
	newKEK, err := crypt.GenerateKEK()
	if err != nil {
		return err
	}
	sys := system(ctx)
	if cfg.KEK != "" {
		// Printed before the rotation, so that a crash cannot leave the
		// store under a key nobody has seen.
		fmt.Fprintf(c.stdout, "New key-encryption key %s; store it now and set VRS_KEK to it before the next start:\n%s\n", newKEK.ID(), newKEK.Encode())
		res, err := m.DB.RotateKEK(sys, newKEK)
		if err != nil {
			if rotatedTo(ctx, m.DB, newKEK) {
				fmt.Fprintf(c.stderr, "vrs keys rotate: %s; the store is nevertheless under the new key.\n", c.message(err))
				return errFailed
			}
			fmt.Fprintln(c.stderr, "The key printed above was NOT put in use; keep VRS_KEK as it is.")
			return err
		}
		c.rotated(res, "")
		return c.reencrypt(sys, m.DB, *reencrypt)
	}

	path, err := filepath.Abs(cfg.KeyPath())
	if err != nil {
		return err
	}
	lock, err := keyLock(path)
	if err != nil {
		return err
	}
	if lock != nil {
		defer lock.Unlock()
	}
	newPath := path + newKeySuffix
	if err := crypt.WriteKEKFile(newPath, newKEK); errors.Is(err, os.ErrExist) {
		return vrs.Errorf(vrs.ECONFLICT, "cli.keys_rotating", path)
	} else if err != nil {
		return err
	}
	res, err := m.DB.RotateKEK(sys, newKEK)
	if err != nil {
		// Keep the new key if the store took it after all (a commit whose
		// answer was lost); drop it only when it certainly did not.
		if !rotatedTo(ctx, m.DB, newKEK) {
			if _, lerr := m.DB.ListDataKeys(ctx); lerr == nil {
				os.Remove(newPath)
				crypt.SyncDir(filepath.Dir(path))
			}
			return err
		}
	}
	if err := os.Rename(newPath, path); err != nil {
		return fmt.Errorf("the store is rotated but %s could not replace %s (the next start finishes this): %w", newPath, path, err)
	}
	if err := crypt.SyncDir(filepath.Dir(path)); err != nil {
		return err
	}
	c.rotated(res, path)
	return c.reencrypt(sys, m.DB, *reencrypt)
}

// reencrypt moves personal data sealed under retired data keys to the
// active one, when asked.
func (c *cli) reencrypt(ctx context.Context, db *store.DB, asked bool) error {
	if !asked {
		return nil
	}
	res, err := db.ResealIncidents(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Re-encrypted the personal data of %d incidents and %d earlier versions under data key %d.\n",
		res.Current, res.Versions, db.ActiveDataKeyID())
	fmt.Fprintf(c.stdout, "Re-encrypted %d second-factor secrets.\n", res.Secrets)
	return nil
}

// rotatedTo reports whether the store's keys are wrapped under kek.
func rotatedTo(ctx context.Context, db *store.DB, kek crypt.KEK) bool {
	keys, err := db.ListDataKeys(ctx)
	return err == nil && len(keys) > 0 && keys[0].KEKID == kek.ID()
}

func (c *cli) rotated(res store.RotateResult, path string) {
	if res.NewKEKID == "" {
		fmt.Fprintln(c.stdout, "Rotated: the store's keys are under the new key-encryption key.")
		return
	}
	fmt.Fprintf(c.stdout, "Rotated: key-encryption key %s replaces %s; %d keys re-wrapped; data key %d retired, data key %d now seals new data.\n",
		res.NewKEKID, res.OldKEKID, res.Rewrapped, res.RetiredKeyID, res.ActiveKeyID)
	if path != "" {
		fmt.Fprintf(c.stdout, "%s holds the new key; copy it to where you keep the old one, apart from the backups.\n", path)
	}
}

func cmdKeysStatus(ctx context.Context, c *cli, args []string) error {
	fs := c.flagSet("keys status", "[--data-dir DIR] [--db DSN] [--key-file FILE]", `
Prints the id of the key-encryption key (KEK) in use and, for each data key,
its id, purpose (data: seals records; index: blind indexes for exact
search), the KEK that wraps it, when it was created and when it was retired.
No key material is shown. The KEK is not part of backups: keep the key
file (or VRS_KEK) apart from them, for as long as the backups.`)
	var cfg Config
	c.storeFlags(fs, &cfg)
	if err := parse(fs, args); err != nil {
		return err
	}
	m, err := c.openStore(ctx, cfg, false)
	if err != nil {
		return err
	}
	defer m.Close()
	kr, err := m.DB.Keyring()
	if err != nil {
		return err
	}
	source := "VRS_KEK"
	if cfg.KEK == "" {
		path, _ := filepath.Abs(cfg.KeyPath())
		source = "key file " + path
	}
	fmt.Fprintf(c.stdout, "Key-encryption key: %s (%s)\n\n", kr.KEKID(), source)
	keys, err := m.DB.ListDataKeys(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPURPOSE\tKEK\tCREATED\tRETIRED")
	for _, k := range keys {
		retired := "-"
		if k.RetiredAt != nil {
			retired = k.RetiredAt.Format("2006-01-02 15:04:05Z")
		}
		purpose := k.Purpose
		if k.ID == kr.ActiveKeyID() {
			purpose += " (active)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", k.ID, purpose, k.KEKID, k.CreatedAt.Format("2006-01-02 15:04:05Z"), retired)
	}
	return tw.Flush()
}
