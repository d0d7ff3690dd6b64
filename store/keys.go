package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"vrs"
	"vrs/access"
	"vrs/crypt"
)

// Personal data is sealed with data keys (package crypt). The keys live in
// data_keys, each wrapped under the key-encryption key (KEK), which is kept
// outside the database; UseKEK unwraps them into a crypt.Keyring held in
// memory, and RotateKEK moves them to a new KEK.

// DataKey describes one stored key, never its material.
type DataKey struct {
	ID        int64
	Purpose   string // crypt.PurposeData or crypt.PurposeIndex
	KEKID     string // the ID of the KEK that wraps it
	CreatedAt time.Time
	RetiredAt *time.Time // set on data keys that no longer seal new data
}

// RotateResult is what RotateKEK did.
type RotateResult struct {
	OldKEKID, NewKEKID string
	// Rewrapped counts the keys moved to the new KEK (the new key aside).
	Rewrapped int
	// RetiredKeyID is the data key that was active; ActiveKeyID the new one.
	RetiredKeyID, ActiveKeyID int64
}

// keyRow is a data_keys row.
type keyRow struct {
	DataKey
	wrapped []byte
}

// wrapAAD binds a wrapped key to its id and purpose, so that rows cannot
// be swapped.
func wrapAAD(id int64, purpose string) string {
	return "vrs-data-key:" + strconv.FormatInt(id, 10) + ":" + purpose
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func keyRows(ctx context.Context, q querier) ([]keyRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, purpose, wrapped, kek_id, created_at, retired_at FROM data_keys ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("data keys: %w", err)
	}
	defer rows.Close()
	var out []keyRow
	for rows.Next() {
		var r keyRow
		var created int64
		var retired sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Purpose, &r.wrapped, &r.KEKID, &created, &retired); err != nil {
			return nil, fmt.Errorf("data keys: %w", err)
		}
		r.CreatedAt, r.RetiredAt = fromMicros(created), fromNullMicros(retired)
		out = append(out, r)
	}
	return out, rows.Err()
}

// lockKeys serialises key creation and rotation across processes. SQLite
// already has one writer; PostgreSQL takes a transaction-scoped advisory
// lock.
func (t *tx) lockKeys() error {
	if t.db.dialect != postgresDialect {
		return nil
	}
	_, err := t.exec(`SELECT pg_advisory_xact_lock(7262002)`)
	return err
}

// ListDataKeys lists the stored keys, oldest first, without their material.
func (db *DB) ListDataKeys(ctx context.Context) ([]DataKey, error) {
	rows, err := keyRows(ctx, db.reader)
	if err != nil {
		return nil, err
	}
	out := make([]DataKey, len(rows))
	for i, r := range rows {
		out[i] = r.DataKey
	}
	return out, nil
}

// UseKEK unwraps the store's keys with kek and keeps them for Keyring. A
// store without keys gets its first data key and its index key, wrapped
// under kek, in one transaction. A KEK that does not open the stored keys
// is refused (EINVALID, naming the KEK expected and the one given): UseKEK
// never starts new keys beside old ones.
func (db *DB) UseKEK(ctx context.Context, kek crypt.KEK) error {
	rows, err := keyRows(ctx, db.reader)
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		err := db.write(ctx, func(t *tx) error {
			if err := t.lockKeys(); err != nil {
				return err
			}
			// Another process may have been first.
			if rows, err = keyRows(t.ctx, t); err != nil || len(rows) > 0 {
				return err
			}
			for i, purpose := range []string{crypt.PurposeData, crypt.PurposeIndex} {
				if err := t.insertKey(kek, int64(i+1), purpose); err != nil {
					return err
				}
			}
			rows, err = keyRows(t.ctx, t)
			return err
		})
		if err != nil {
			return err
		}
	}
	kr, err := unwrapKeys(kek, rows)
	if err != nil {
		return err
	}
	db.keys.Store(kr)
	// Secrets written before they were encrypted are sealed now.
	if _, err := db.sealSecrets(ctx, false); err != nil {
		return fmt.Errorf("seal second-factor secrets: %w", err)
	}
	return nil
}

// insertKey adds a new random key with the given id, wrapped under kek.
func (t *tx) insertKey(kek crypt.KEK, id int64, purpose string) error {
	secret, err := crypt.NewKey()
	if err != nil {
		return err
	}
	defer clear(secret)
	wrapped, err := crypt.Wrap(kek, secret, wrapAAD(id, purpose))
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO data_keys (id, purpose, wrapped, kek_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
		id, purpose, wrapped, kek.ID(), micros(t.now))
	return err
}

// unwrapKeys opens every row with kek and builds the keyring.
func unwrapKeys(kek crypt.KEK, rows []keyRow) (*crypt.Keyring, error) {
	keys := make([]crypt.Key, 0, len(rows))
	for _, r := range rows {
		if r.KEKID != kek.ID() {
			return nil, vrs.Errorf(vrs.EINVALID, "error.keys_wrong_kek", r.KEKID, kek.ID())
		}
		secret, err := crypt.Unwrap(kek, r.wrapped, wrapAAD(r.ID, r.Purpose))
		if err != nil {
			return nil, vrs.Errorf(vrs.EINVALID, "error.keys_unwrap", r.ID, kek.ID())
		}
		keys = append(keys, crypt.Key{ID: r.ID, Purpose: r.Purpose, Secret: secret, Retired: r.RetiredAt != nil})
	}
	kr, err := crypt.NewKeyring(kek.ID(), keys)
	for _, k := range keys {
		clear(k.Secret)
	}
	if err != nil {
		return nil, fmt.Errorf("data keys: %w", err)
	}
	return kr, nil
}

// Keyring returns the keys UseKEK loaded, or EINTERNAL before UseKEK.
func (db *DB) Keyring() (*crypt.Keyring, error) {
	if kr := db.keys.Load(); kr != nil {
		return kr, nil
	}
	return nil, vrs.Errorf(vrs.EINTERNAL, "error.keys_not_loaded")
}

// ActiveDataKeyID is the id of the data key that seals new data, 0 before
// UseKEK. Records sealed under another id are due for re-encryption
// (crypt.Keyring.Reseal) after a rotation.
func (db *DB) ActiveDataKeyID() int64 {
	if kr := db.keys.Load(); kr != nil {
		return kr.ActiveKeyID()
	}
	return 0
}

// RotateKEK moves the store to newKEK in one transaction: every key is
// re-wrapped under it, the active data key is retired and a new one made
// active (new writes use it; older records stay readable under the
// retired key), and the rotation is audited. Then the in-memory keyring is
// swapped. The index key stays (blind indexes keep working); the caller
// must make newKEK durable before relying on it, and other processes need
// it to open the store from now on. Only the installation may rotate.
func (db *DB) RotateKEK(ctx context.Context, newKEK crypt.KEK) (RotateResult, error) {
	if err := access.ManageInstallation(vrs.UserFromContext(ctx)); err != nil {
		return RotateResult{}, err
	}
	cur, err := db.Keyring()
	if err != nil {
		return RotateResult{}, err
	}
	if newKEK.ID() == cur.KEKID() {
		return RotateResult{}, vrs.Errorf(vrs.EINVALID, "error.keys_same_kek")
	}
	res := RotateResult{OldKEKID: cur.KEKID(), NewKEKID: newKEK.ID(), RetiredKeyID: cur.ActiveKeyID()}
	var next *crypt.Keyring
	err = db.write(ctx, func(t *tx) error {
		if err := t.lockKeys(); err != nil {
			return err
		}
		rows, err := keyRows(t.ctx, t)
		if err != nil {
			return err
		}
		// The keys must be the ones this process holds: another process
		// may have rotated since.
		ids := make([]int64, len(rows))
		for i, r := range rows {
			if r.KEKID != cur.KEKID() {
				return vrs.Errorf(vrs.ECONFLICT, "error.keys_changed")
			}
			ids[i] = r.ID
		}
		if !slices.Equal(ids, cur.KeyIDs()) {
			return vrs.Errorf(vrs.ECONFLICT, "error.keys_changed")
		}
		for _, r := range rows {
			w, err := cur.Rewrap(r.ID, newKEK, wrapAAD(r.ID, r.Purpose))
			if err != nil {
				return err
			}
			if _, err := t.exec(`UPDATE data_keys SET wrapped = $1, kek_id = $2 WHERE id = $3`, w, newKEK.ID(), r.ID); err != nil {
				return err
			}
			res.Rewrapped++
		}
		if _, err := t.exec(`UPDATE data_keys SET retired_at = $1 WHERE id = $2`, micros(t.now), res.RetiredKeyID); err != nil {
			return err
		}
		res.ActiveKeyID = ids[len(ids)-1] + 1
		if err := t.insertKey(newKEK, res.ActiveKeyID, crypt.PurposeData); err != nil {
			return err
		}
		// Build the new keyring from what is about to be committed, so
		// that a key that does not open fails the rotation, not a later start.
		if rows, err = keyRows(t.ctx, t); err != nil {
			return err
		}
		if next, err = unwrapKeys(newKEK, rows); err != nil {
			return err
		}
		if next.ActiveKeyID() != res.ActiveKeyID {
			return fmt.Errorf("data keys: active key %d after rotation, want %d", next.ActiveKeyID(), res.ActiveKeyID)
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActKeysRotate, ObjectType: "installation",
			Detail: detail(map[string]any{"old_kek": res.OldKEKID, "new_kek": res.NewKEKID,
				"retired_key": res.RetiredKeyID, "active_key": res.ActiveKeyID, "rewrapped": res.Rewrapped})})
	})
	if err != nil {
		return RotateResult{}, err
	}
	db.keys.Store(next)
	return res, nil
}
