package main

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"vrs"
	"vrs/demo"
)

// sharingStore answers the store's own agreement and group methods when it
// has them. Until it does (they are being written), directSharing writes
// the rows straight into the sharing tables, without the checks and the
// audit entries of the real methods, so that the demo and the benchmark
// have agreements and groups to read.
func sharingStore(m *Main) demo.SharingStore {
	if st, ok := any(m.DB).(demo.SharingStore); ok {
		return st
	}
	return directSharing{m.DB.SQL()}
}

type directSharing struct{ db *sql.DB }

func nowMicros() int64 { return time.Now().UnixMicro() }

func (d directSharing) CreateSharingGroup(ctx context.Context, g *vrs.SharingGroup) error {
	g.Normalize()
	if err := g.Validate(); err != nil {
		return err
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := nowMicros()
	err = tx.QueryRowContext(ctx, `INSERT INTO sharing_groups (name, releasability, owner, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, 0, $4, $4) RETURNING id`, g.Name, g.Releasability, g.Owner, now).Scan(&g.ID)
	if err != nil {
		return err
	}
	for _, c := range g.Countries {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sharing_group_members (group_id, country, agency_id) VALUES ($1, $2, 0)`, g.ID, c); err != nil {
			return err
		}
	}
	for _, a := range g.AgencyIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sharing_group_members (group_id, country, agency_id) VALUES ($1, '', $2)`, g.ID, a); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (d directSharing) ProposeAgreement(ctx context.Context, a *vrs.SharingAgreement) error {
	a.Normalize()
	if err := a.Validate(); err != nil {
		return err
	}
	types := make([]string, len(a.Types))
	for i, t := range a.Types {
		types[i] = string(t)
	}
	a.Status = vrs.AgreementProposed
	return d.db.QueryRowContext(ctx, `INSERT INTO sharing_agreements (proposer, partner, types, granularity, data_from, data_to, starts, ends,
			status, note, proposed_by, proposed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11) RETURNING id`,
		a.Proposer, a.Partner, strings.Join(types, ","), int(a.Granularity), a.DataFrom, a.DataTo, a.Starts, a.Ends,
		string(a.Status), a.Note, nowMicros()).Scan(&a.ID)
}

func (d directSharing) DecideAgreement(ctx context.Context, id int64, accept bool, reason string) (*vrs.SharingAgreement, error) {
	status := vrs.AgreementDeclined
	if accept {
		status = vrs.AgreementActive
	}
	_, err := d.db.ExecContext(ctx, `UPDATE sharing_agreements SET status = $1, reason = $2, decided_at = $3 WHERE id = $4`,
		string(status), reason, nowMicros(), id)
	return &vrs.SharingAgreement{ID: id, Status: status, Reason: reason}, err
}

func (d directSharing) RevokeAgreement(ctx context.Context, id int64, reason string) (*vrs.SharingAgreement, error) {
	_, err := d.db.ExecContext(ctx, `UPDATE sharing_agreements SET status = 'revoked', reason = $1, revoked_at = $2 WHERE id = $3`,
		reason, nowMicros(), id)
	return &vrs.SharingAgreement{ID: id, Status: vrs.AgreementRevoked, Reason: reason}, err
}
