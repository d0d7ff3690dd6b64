package store

import (
	"context"
	"fmt"

	"vrs"
	"vrs/access"
)

// ResealResult counts what ResealIncidents re-encrypted.
type ResealResult struct {
	Current, Versions int
	// Secrets counts second-factor secrets (enrolled or pending).
	Secrets int
}

// resealBatch bounds each transaction, so that a large store is resealed
// in steps that each commit: a crash leaves every row readable (under its
// old key or the new one) and running again finishes the job.
const resealBatch = 500

// ResealIncidents re-encrypts every personal-data blob that is not under
// the active data key, so that a retired key may later be destroyed.
// Administrators only; idempotent and resumable.
func (db *DB) ResealIncidents(ctx context.Context) (ResealResult, error) {
	var res ResealResult
	u, err := signedIn(ctx)
	if err != nil {
		return res, err
	}
	if err := access.ManageInstallation(u); err != nil {
		return res, err
	}
	kr, err := db.Keyring()
	if err != nil {
		return res, err
	}
	active := kr.ActiveKeyID()
	for _, table := range []struct {
		name, key, version string
		count              *int
	}{
		{"incidents", "id", "version", &res.Current},
		{"incident_versions", "incident_id", "version", &res.Versions},
	} {
		for {
			n := 0
			err := db.write(ctx, func(t *tx) error {
				rows, err := t.QueryContext(t.ctx, `SELECT `+table.key+`, `+table.version+`, key_id, personal FROM `+table.name+`
					WHERE personal IS NOT NULL AND key_id <> $1 LIMIT `+itoa(resealBatch), active)
				if err != nil {
					return err
				}
				type row struct {
					id      int64
					version int
					keyID   int64
					ct      []byte
				}
				var batch []row
				for rows.Next() {
					var r row
					if err := rows.Scan(&r.id, &r.version, &r.keyID, &r.ct); err != nil {
						rows.Close()
						return err
					}
					batch = append(batch, r)
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
				for _, r := range batch {
					keyID, ct, err := kr.Reseal(r.keyID, incidentAAD(r.id, r.version), r.ct)
					if err != nil {
						return fmt.Errorf("%s %d v%d: %w", table.name, r.id, r.version, err)
					}
					if _, err := t.exec(`UPDATE `+table.name+` SET personal = $1, key_id = $2 WHERE `+table.key+` = $3 AND `+table.version+` = $4`,
						ct, keyID, r.id, r.version); err != nil {
						return err
					}
				}
				n = len(batch)
				if n == 0 {
					return nil
				}
				return t.audit(&vrs.AuditEntry{Action: vrs.ActIncidentReseal, ObjectType: "incident",
					Detail: detail(map[string]any{"table": table.name, "count": n, "key_id": active})})
			})
			if err != nil {
				return res, err
			}
			*table.count += n
			if n < resealBatch {
				break
			}
		}
	}
	res.Secrets, err = db.sealSecrets(ctx, true)
	return res, err
}
