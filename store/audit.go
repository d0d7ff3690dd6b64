package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"iter"
	"strings"

	"vrs"
	"vrs/access"
)

// audit appends e to the chain inside the transaction, so that the entry
// exists exactly when the change it describes does. Actor and client come
// from the transaction's context unless e names them.
func (t *tx) audit(e *vrs.AuditEntry) error {
	if u := vrs.UserFromContext(t.ctx); u != nil && e.ActorName == "" {
		e.ActorID, e.ActorName = u.ID, u.Name
	}
	meta := vrs.MetaFromContext(t.ctx)
	if e.ClientIP == "" {
		e.ClientIP = meta.ClientIP
	}
	if e.Via == "" {
		e.Via = meta.Via
	}
	e.At = t.now
	if err := t.lockAudit(); err != nil {
		return err
	}
	e.PrevHash = vrs.GenesisHash
	err := t.queryRow(auditHeadSQL).Scan(&e.Seq, &e.PrevHash)
	if err != nil && err != sql.ErrNoRows {
		return err
	}
	e.Seq++
	e.Hash = e.ComputeHash()
	_, err = t.exec(auditInsertSQL,
		e.Seq, micros(e.At), e.ActorID, e.ActorName, e.Action, e.ObjectType, e.ObjectID, e.Country, e.Detail, e.ClientIP, e.Via, e.PrevHash, e.Hash)
	return err
}

const (
	auditHeadSQL   = `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`
	auditInsertSQL = `INSERT INTO audit_log (seq, at, actor_id, actor_name, action, object_type, object_id, country, detail, client_ip, via, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`
)

func init() { hotWrites = append(hotWrites, auditHeadSQL, auditInsertSQL) }

// detail encodes audit detail as JSON; callers pass field names and codes,
// never personal data.
func detail(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// AppendAudit records an event that is not itself a store write.
func (db *DB) AppendAudit(ctx context.Context, e *vrs.AuditEntry) error {
	return db.write(ctx, func(t *tx) error { return t.audit(e) })
}

const auditColumns = `seq, at, actor_id, actor_name, action, object_type, object_id, country, detail, client_ip, via, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (*vrs.AuditEntry, error) {
	e := &vrs.AuditEntry{}
	var at int64
	err := sc.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.Action, &e.ObjectType, &e.ObjectID, &e.Country, &e.Detail, &e.ClientIP, &e.Via, &e.PrevHash, &e.Hash)
	e.At = fromMicros(at)
	return e, err
}

// MaxAuditPage bounds one page of the audit log.
const MaxAuditPage = 500

// ListAudit returns entries newest first, within the caller's reach.
func (db *DB) ListAudit(ctx context.Context, f vrs.AuditFilter) ([]*vrs.AuditEntry, error) {
	country, err := access.ReadAuditCountry(vrs.UserFromContext(ctx))
	if err != nil {
		return nil, err
	}
	if country != "" {
		f.Country = country
	}
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+itoa(len(args))))
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			add("action LIKE ?", f.Action+"%")
		} else {
			add("action = ?", f.Action)
		}
	}
	if f.ActorName != "" {
		add("actor_name = ?", f.ActorName)
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if f.Country != "" {
		add("country = ?", f.Country)
	}
	if !f.Since.IsZero() {
		add("at >= ?", micros(f.Since))
	}
	if !f.Until.IsZero() {
		add("at < ?", micros(f.Until))
	}
	if f.BeforeSeq > 0 {
		add("seq < ?", f.BeforeSeq)
	}
	if f.Limit <= 0 || f.Limit > MaxAuditPage {
		f.Limit = MaxAuditPage
	}
	q := `SELECT ` + auditColumns + ` FROM audit_log`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY seq DESC LIMIT ` + itoa(f.Limit)
	rows, err := db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vrs.AuditEntry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// VerifyAudit walks the whole chain in order, streaming.
func (db *DB) VerifyAudit(ctx context.Context) (*vrs.AuditVerification, error) {
	if err := access.ManageInstallation(vrs.UserFromContext(ctx)); err != nil {
		return nil, err
	}
	return vrs.VerifyAuditChain(db.auditEntries(ctx))
}

func (db *DB) auditEntries(ctx context.Context) iter.Seq2[*vrs.AuditEntry, error] {
	return func(yield func(*vrs.AuditEntry, error) bool) {
		rows, err := db.reader.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`)
		if err != nil {
			yield(nil, err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			e, err := scanAudit(rows)
			if !yield(e, err) || err != nil {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, err)
		}
	}
}
