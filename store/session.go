package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"vrs"
)

// CreateSession stores a new browser session.
func (db *DB) CreateSession(ctx context.Context, s *vrs.Session) error {
	return db.write(ctx, func(t *tx) error {
		s.CreatedAt, s.LastSeenAt = t.now, t.now
		_, err := t.exec(`INSERT INTO sessions (id, user_id, csrf_token, mfa_passed, created_at, last_seen_at, client_ip, user_agent)
			VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`, s.ID, s.UserID, s.CSRFToken, s.MFAPassed, micros(t.now), s.ClientIP, s.UserAgent)
		return err
	})
}

// FindSession returns a session and its enabled user.
func (db *DB) FindSession(ctx context.Context, id string) (*vrs.Session, *vrs.User, error) {
	s := &vrs.Session{ID: id}
	var created, seen int64
	u, err := scanUser(db.readRow(ctx, `SELECT `+userColumns+`, s.user_id, s.csrf_token, s.mfa_passed, s.created_at, s.last_seen_at, s.client_ip, s.user_agent, s.pending_totp
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN agencies a ON a.id = u.agency_id
		WHERE s.id = $1 AND u.disabled = FALSE`, id),
		&s.UserID, &s.CSRFToken, &s.MFAPassed, &created, &seen, &s.ClientIP, &s.UserAgent, &s.PendingTOTP)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, vrs.Errorf(vrs.ENOTFOUND, "error.session_expired")
	}
	if err != nil {
		return nil, nil, err
	}
	s.CreatedAt, s.LastSeenAt = fromMicros(created), fromMicros(seen)
	if u.TOTPSecret, err = db.openSecret(totpAAD(u.ID), u.TOTPSecret); err != nil {
		return nil, nil, fmt.Errorf("user %d: second-factor secret: %w", u.ID, err)
	}
	if s.PendingTOTP, err = db.openSecret(pendingTOTPAAD(id), s.PendingTOTP); err != nil {
		return nil, nil, fmt.Errorf("session: pending second-factor secret: %w", err)
	}
	return s, u, nil
}

// TouchSession records activity, for the idle timeout.
func (db *DB) TouchSession(ctx context.Context, id string, at time.Time) error {
	return db.write(ctx, func(t *tx) error {
		_, err := t.exec(`UPDATE sessions SET last_seen_at = $1 WHERE id = $2`, micros(at), id)
		return err
	})
}

// RenewSession replaces one session by another in one transaction.
func (db *DB) RenewSession(ctx context.Context, oldID string, s *vrs.Session) error {
	return db.write(ctx, func(t *tx) error {
		if _, err := t.exec(`DELETE FROM sessions WHERE id = $1`, oldID); err != nil {
			return err
		}
		s.CreatedAt, s.LastSeenAt = t.now, t.now
		_, err := t.exec(`INSERT INTO sessions (id, user_id, csrf_token, mfa_passed, created_at, last_seen_at, client_ip, user_agent)
			VALUES ($1, $2, $3, $4, $5, $5, $6, $7)`, s.ID, s.UserID, s.CSRFToken, s.MFAPassed, micros(t.now), s.ClientIP, s.UserAgent)
		return err
	})
}

// SetSessionTOTP keeps the second-factor secret offered to this session.
func (db *DB) SetSessionTOTP(ctx context.Context, id, secret string) error {
	sealed, err := db.sealSecret(pendingTOTPAAD(id), secret)
	if err != nil {
		return err
	}
	return db.write(ctx, func(t *tx) error {
		_, err := t.exec(`UPDATE sessions SET pending_totp = $1 WHERE id = $2`, sealed, id)
		return err
	})
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	return db.write(ctx, func(t *tx) error {
		_, err := t.exec(`DELETE FROM sessions WHERE id = $1`, id)
		return err
	})
}

// DeleteExpiredSessions removes sessions past their idle or absolute expiry.
func (db *DB) DeleteExpiredSessions(ctx context.Context, idleBefore, createdBefore time.Time) (int64, error) {
	var n int64
	err := db.write(ctx, func(t *tx) error {
		res, err := t.exec(`DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2`, micros(idleBefore), micros(createdBefore))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// CreateToken stores a new API token (its hash) for the acting user, or for
// any user when the actor is the system (the command line).
func (db *DB) CreateToken(ctx context.Context, tok *vrs.APIToken) error {
	actor, err := signedIn(ctx)
	if err != nil {
		return err
	}
	if !actor.System && actor.ID != tok.UserID {
		return vrs.Forbidden()
	}
	u, err := db.findUser(ctx, `u.id = $1`, tok.UserID)
	if err != nil {
		return err
	}
	if msg := validTokenName(tok.Name); msg != "" {
		return vrs.FieldErrors(map[string]string{"name": msg})
	}
	return db.write(ctx, func(t *tx) error {
		tok.CreatedAt = t.now
		var expires sql.NullInt64
		if tok.ExpiresAt != nil {
			expires = sql.NullInt64{Int64: micros(*tok.ExpiresAt), Valid: true}
		}
		if err := t.queryRow(`INSERT INTO api_tokens (user_id, name, prefix, hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			tok.UserID, tok.Name, tok.Prefix, tok.Hash, micros(t.now), expires).Scan(&tok.ID); err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActTokenCreate, ObjectType: "token", ObjectID: strconv.FormatInt(tok.ID, 10), Country: u.Country,
			Detail: detail(map[string]any{"user_id": tok.UserID, "prefix": tok.Prefix})})
	})
}

func validTokenName(name string) string {
	a := vrs.Agency{Name: name, Country: "XX", Kind: vrs.KindPolice}
	if err := a.Validate(); err != nil {
		return vrs.AsError(err).Fields["name"]
	}
	return ""
}

const tokenColumns = `t.id, t.user_id, t.name, t.prefix, t.hash, t.created_at, t.last_used_at, t.expires_at, t.revoked_at`

func tokenDest(tok *vrs.APIToken, created *int64, used, expires, revoked *sql.NullInt64) []any {
	return []any{&tok.ID, &tok.UserID, &tok.Name, &tok.Prefix, &tok.Hash, created, used, expires, revoked}
}

// FindTokenUser returns a live token and its enabled user. API tokens
// never meet a second factor: the user's secret stays sealed.
func (db *DB) FindTokenUser(ctx context.Context, hash string) (*vrs.APIToken, *vrs.User, error) {
	tok := &vrs.APIToken{}
	var created int64
	var used, expires, revoked sql.NullInt64
	u, err := scanUser(db.readRow(ctx, `SELECT `+userColumns+`, `+tokenColumns+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN agencies a ON a.id = u.agency_id
		WHERE t.hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND u.disabled = FALSE`,
		hash, micros(db.Now())), tokenDest(tok, &created, &used, &expires, &revoked)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, vrs.Errorf(vrs.EUNAUTHORIZED, "error.token_invalid")
	}
	if err != nil {
		return nil, nil, err
	}
	tok.CreatedAt, tok.LastUsedAt, tok.ExpiresAt, tok.RevokedAt = fromMicros(created), fromNullMicros(used), fromNullMicros(expires), fromNullMicros(revoked)
	return tok, u, nil
}
