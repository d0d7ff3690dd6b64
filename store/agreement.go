package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"vrs"
	"vrs/access"
)

// lockAgreements serialises changes to agreements, so that two overlapping
// proposals made at the same moment cannot both pass the overlap check.
// SQLite already has one writer; PostgreSQL takes a transaction-scoped
// advisory lock (an advisory lock rather than row locks on countries, which
// every insert referring to a country would then wait for).
func (t *tx) lockAgreements() error {
	if t.db.dialect != postgresDialect {
		return nil
	}
	_, err := t.exec(`SELECT pg_advisory_xact_lock(7262003)`)
	return err
}

const agreementColumns = `id, proposer, partner, types, granularity, data_from, data_to, starts, ends, status, note, reason,
	proposed_by, proposed_at, decided_by, decided_at, revoked_by, revoked_at`

func scanAgreement(sc scanner) (*vrs.SharingAgreement, error) {
	a := &vrs.SharingAgreement{}
	var types, status string
	var proposed, decided, revoked int64
	err := sc.Scan(&a.ID, &a.Proposer, &a.Partner, &types, &a.Granularity, &a.DataFrom, &a.DataTo, &a.Starts, &a.Ends,
		&status, &a.Note, &a.Reason, &a.ProposedBy, &proposed, &a.DecidedBy, &decided, &a.RevokedBy, &revoked)
	if err != nil {
		return nil, err
	}
	for _, t := range splitList(types) {
		a.Types = append(a.Types, vrs.IncidentType(t))
	}
	a.Status = vrs.AgreementStatus(status)
	a.ProposedAt, a.DecidedAt, a.RevokedAt = orZero(proposed), orZero(decided), orZero(revoked)
	return a, nil
}

// orZero reads a time stored as microseconds, 0 for none.
func orZero(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return fromMicros(us)
}

func typeList(ts []vrs.IncidentType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return joinList(s)
}

// agreementEntries are the audit entries of an event on an agreement, one
// per party country, so that each party's focal points read the
// agreement's whole history in their own audit view.
func (t *tx) auditAgreement(action string, a *vrs.SharingAgreement, from vrs.AgreementStatus) error {
	d := map[string]any{
		"proposer": a.Proposer, "partner": a.Partner, "types": a.Types, "granularity": a.Granularity.String(),
		"data_from": a.DataFrom, "data_to": a.DataTo, "starts": a.Starts, "ends": a.Ends, "status": a.Status,
	}
	if from != "" {
		d["from"] = from
	}
	if a.Reason != "" {
		d["reason"] = a.Reason
	}
	for _, c := range []string{a.Proposer, a.Partner} {
		err := t.audit(&vrs.AuditEntry{Action: action, ObjectType: "agreement", ObjectID: strconv.FormatInt(a.ID, 10), Country: c, Detail: detail(d)})
		if err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) findAgreement(id int64) (*vrs.SharingAgreement, error) {
	a, err := scanAgreement(t.queryRow(`SELECT `+agreementColumns+` FROM sharing_agreements WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, vrs.NotFound("agreement")
	}
	return a, err
}

// overlapping returns the first agreement between a's two countries, other
// than a, that overlaps it and is in one of the states.
func (t *tx) overlapping(a *vrs.SharingAgreement, today string, states ...vrs.AgreementStatus) (*vrs.SharingAgreement, error) {
	rows, err := t.QueryContext(t.ctx, `SELECT `+agreementColumns+` FROM sharing_agreements
		WHERE (proposer = $1 AND partner = $2 OR proposer = $2 AND partner = $1) AND id <> $3 AND status IN ('proposed', 'active')
		ORDER BY id`, a.Proposer, a.Partner, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		b, err := scanAgreement(rows)
		if err != nil {
			return nil, err
		}
		if slices.Contains(states, b.Status) && b.Live(today) && a.Overlaps(b) {
			return b, nil
		}
	}
	return nil, rows.Err()
}

func overlapError(b *vrs.SharingAgreement) error {
	return &vrs.Error{Code: vrs.ECONFLICT, Message: "error.agreement_overlap", Args: []any{b.ID}}
}

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > vrs.MaxNoteLen {
		return "", vrs.FieldErrors(map[string]string{"reason": "field.too_long"})
	}
	return reason, nil
}

// ProposeAgreement proposes an agreement from the focal point's country
// (the installation names the proposer) to another country.
func (db *DB) ProposeAgreement(ctx context.Context, a *vrs.SharingAgreement) error {
	u, err := signedIn(ctx)
	if err != nil {
		return err
	}
	a.Normalize()
	if !u.System {
		a.Proposer = u.Country
	} else if a.Proposer == "" {
		return vrs.FieldErrors(map[string]string{"proposer": "field.required"})
	}
	if err := access.ManageSharing(u, a.Proposer); err != nil {
		return err
	}
	today := db.Now().UTC().Format(time.DateOnly)
	if a.Starts == "" {
		a.Starts = today
	}
	if err := a.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		if err := t.lockAgreements(); err != nil {
			return err
		}
		var proposer, partner int
		err := t.queryRow(`SELECT COUNT(CASE WHEN alpha2 = $1 THEN 1 END), COUNT(CASE WHEN alpha2 = $2 THEN 1 END)
			FROM countries WHERE alpha2 IN ($1, $2)`, a.Proposer, a.Partner).Scan(&proposer, &partner)
		if err != nil {
			return err
		}
		f := map[string]string{}
		if proposer == 0 {
			f["proposer"] = "field.country_unknown"
		}
		if partner == 0 {
			f["partner"] = "field.country_unknown"
		}
		if len(f) > 0 {
			return vrs.FieldErrors(f)
		}
		if b, err := t.overlapping(a, today, vrs.AgreementProposed, vrs.AgreementActive); err != nil || b != nil {
			if err != nil {
				return err
			}
			return overlapError(b)
		}
		a.Status, a.ProposedBy, a.ProposedAt = vrs.AgreementProposed, u.ID, t.now
		a.DecidedBy, a.DecidedAt, a.RevokedBy, a.RevokedAt, a.Reason = 0, time.Time{}, 0, time.Time{}, ""
		err = t.queryRow(`INSERT INTO sharing_agreements (proposer, partner, types, granularity, data_from, data_to, starts, ends,
				status, note, proposed_by, proposed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			a.Proposer, a.Partner, typeList(a.Types), int(a.Granularity), a.DataFrom, a.DataTo, a.Starts, a.Ends,
			string(a.Status), a.Note, u.ID, micros(t.now)).Scan(&a.ID)
		if err != nil {
			return err
		}
		return t.auditAgreement(vrs.ActAgreementPropose, a, "")
	})
}

// DecideAgreement accepts or declines a proposal addressed to the user's
// country.
func (db *DB) DecideAgreement(ctx context.Context, id int64, accept bool, reason string) (*vrs.SharingAgreement, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if reason, err = checkReason(reason); err != nil {
		return nil, err
	}
	var a *vrs.SharingAgreement
	err = db.write(ctx, func(t *tx) error {
		if err := t.lockAgreements(); err != nil {
			return err
		}
		if a, err = t.findAgreement(id); err != nil {
			return err
		}
		if err := access.DecideAgreement(u, a); err != nil {
			return err
		}
		if a.Status != vrs.AgreementProposed {
			return vrs.Errorf(vrs.ECONFLICT, "error.agreement_not_proposed", string(a.Status))
		}
		today := t.now.Format(time.DateOnly)
		action, to := vrs.ActAgreementDecline, vrs.AgreementDeclined
		if accept {
			if a.Ends != "" && a.Ends < today {
				return vrs.Errorf(vrs.ECONFLICT, "error.agreement_ended", a.Ends)
			}
			// Proposals count in the check made when this one was
			// proposed; an agreement about to be active must not meet
			// another that is (agreements made before that check, or
			// written around it).
			b, err := t.overlapping(a, today, vrs.AgreementActive)
			if err != nil {
				return err
			}
			if b != nil {
				return overlapError(b)
			}
			action, to, reason = vrs.ActAgreementAccept, vrs.AgreementActive, ""
		}
		from := a.Status
		a.Status, a.DecidedBy, a.DecidedAt, a.Reason = to, u.ID, t.now, reason
		_, err := t.exec(`UPDATE sharing_agreements SET status = $1, decided_by = $2, decided_at = $3, reason = $4 WHERE id = $5`,
			string(a.Status), u.ID, micros(t.now), a.Reason, a.ID)
		if err != nil {
			return err
		}
		return t.auditAgreement(action, a, from)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// RevokeAgreement ends an active agreement (with a reason, which the other
// party reads) or withdraws a proposal. The access rule reads agreements
// on every request, so the next request of anyone is already without it.
func (db *DB) RevokeAgreement(ctx context.Context, id int64, reason string) (*vrs.SharingAgreement, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if reason, err = checkReason(reason); err != nil {
		return nil, err
	}
	var a *vrs.SharingAgreement
	err = db.write(ctx, func(t *tx) error {
		if err := t.lockAgreements(); err != nil {
			return err
		}
		if a, err = t.findAgreement(id); err != nil {
			return err
		}
		if err := access.RevokeAgreement(u, a); err != nil {
			return err
		}
		switch a.Status {
		case vrs.AgreementActive:
			if reason == "" {
				return vrs.FieldErrors(map[string]string{"reason": "field.revoke_reason"})
			}
		case vrs.AgreementProposed:
		default:
			return vrs.Errorf(vrs.ECONFLICT, "error.agreement_not_revocable", string(a.Status))
		}
		from := a.Status
		a.Status, a.RevokedBy, a.RevokedAt, a.Reason = vrs.AgreementRevoked, u.ID, t.now, reason
		_, err := t.exec(`UPDATE sharing_agreements SET status = $1, revoked_by = $2, revoked_at = $3, reason = $4 WHERE id = $5`,
			string(a.Status), u.ID, micros(t.now), a.Reason, a.ID)
		if err != nil {
			return err
		}
		return t.auditAgreement(vrs.ActAgreementRevoke, a, from)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// FindAgreement returns an agreement the user may read.
func (db *DB) FindAgreement(ctx context.Context, id int64) (*vrs.SharingAgreement, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	a, err := scanAgreement(db.reader.QueryRowContext(ctx, `SELECT `+agreementColumns+` FROM sharing_agreements WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, vrs.NotFound("agreement")
	}
	if err != nil {
		return nil, err
	}
	if err := access.ReadAgreement(u, a); err != nil {
		return nil, err
	}
	return a, nil
}

// ListAgreements returns the agreements of the user's country, both those
// it proposed and those addressed to it (administrators: every country's),
// newest first.
func (db *DB) ListAgreements(ctx context.Context, f vrs.AgreementFilter) ([]*vrs.SharingAgreement, error) {
	own, ok, err := access.ListAgreementsCountry(vrs.UserFromContext(ctx))
	if err != nil || !ok {
		return nil, err
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+agreementColumns+` FROM sharing_agreements
		WHERE ($1 = '' OR proposer = $1 OR partner = $1) AND ($2 = '' OR proposer = $2 OR partner = $2) AND ($3 = '' OR status = $3)
		ORDER BY proposed_at DESC, id DESC`, own, strings.ToUpper(strings.TrimSpace(f.Country)), string(f.Status))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vrs.SharingAgreement
	for rows.Next() {
		a, err := scanAgreement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
