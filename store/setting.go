package store

import (
	"context"

	"vrs"
	"vrs/access"
)

// Settings returns every installation setting that has been set.
func (db *DB) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := db.reader.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

// SetSetting changes one installation setting.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	if err := access.ManageInstallation(vrs.UserFromContext(ctx)); err != nil {
		return err
	}
	value, err := vrs.ValidateSetting(key, value)
	if err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		var old string
		err := t.queryRow(`SELECT value FROM settings WHERE key = $1`, key).Scan(&old)
		if err == nil && old == value {
			return nil
		}
		if _, err := t.exec(`INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, micros(t.now)); err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActSetting, ObjectType: "setting", ObjectID: key, Detail: detail(map[string]string{"old": old, "new": value})})
	})
}
