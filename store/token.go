package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"vrs"
)

// ListTokens returns a user's tokens, newest first: the user's own, or any
// user's for the system.
func (db *DB) ListTokens(ctx context.Context, userID int64) ([]*vrs.APIToken, error) {
	actor, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if !actor.System && actor.ID != userID {
		return nil, vrs.NotFound("token")
	}
	rows, err := db.reader.QueryContext(ctx, `SELECT `+tokenColumns+` FROM api_tokens t WHERE t.user_id = $1 ORDER BY t.id DESC`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vrs.APIToken
	for rows.Next() {
		tok := &vrs.APIToken{}
		var created int64
		var used, expires, revoked sql.NullInt64
		if err := rows.Scan(tokenDest(tok, &created, &used, &expires, &revoked)...); err != nil {
			return nil, err
		}
		tok.CreatedAt, tok.LastUsedAt, tok.ExpiresAt, tok.RevokedAt = fromMicros(created), fromNullMicros(used), fromNullMicros(expires), fromNullMicros(revoked)
		out = append(out, tok)
	}
	return out, rows.Err()
}

// RevokeToken ends a token at once; the user's own, or any for the system.
func (db *DB) RevokeToken(ctx context.Context, userID, tokenID int64) error {
	actor, err := signedIn(ctx)
	if err != nil {
		return err
	}
	if !actor.System && actor.ID != userID {
		return vrs.NotFound("token")
	}
	return db.write(ctx, func(t *tx) error {
		var country string
		err := t.queryRow(`SELECT a.country FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN agencies a ON a.id = u.agency_id
			WHERE t.id = $1 AND t.user_id = $2 AND t.revoked_at IS NULL`, tokenID, userID).Scan(&country)
		if err == sql.ErrNoRows {
			return vrs.NotFound("token")
		}
		if err != nil {
			return err
		}
		if _, err := t.exec(`UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, micros(t.now), tokenID); err != nil {
			return err
		}
		return t.audit(&vrs.AuditEntry{Action: vrs.ActTokenRevoke, ObjectType: "token", ObjectID: strconv.FormatInt(tokenID, 10), Country: country,
			Detail: detail(map[string]int64{"user_id": userID})})
	})
}

// TouchToken records when a token was last used.
func (db *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	return db.write(ctx, func(t *tx) error {
		_, err := t.exec(`UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, micros(at), id)
		return err
	})
}
