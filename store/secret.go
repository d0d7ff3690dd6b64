package store

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

// Second-factor secrets are sealed like personal data: whoever reads the
// database (or a backup) without the key-encryption key cannot mint codes.
// A stored value reads "sealed:<key id>:<base64>"; a value without the
// prefix is from before encryption and is sealed on its next write.
const sealedPrefix = "sealed:"

func totpAAD(userID int64) []byte { return []byte("user-totp:" + strconv.FormatInt(userID, 10)) }

func pendingTOTPAAD(sessionID string) []byte { return []byte("pending-totp:" + sessionID) }

// sealSecret encrypts a short secret for storage; "" stays "".
func (db *DB) sealSecret(aad []byte, secret string) (string, error) {
	if secret == "" {
		return "", nil
	}
	kr, err := db.Keyring()
	if err != nil {
		return "", err
	}
	keyID, ct, err := kr.Seal(aad, []byte(secret))
	if err != nil {
		return "", err
	}
	return sealedPrefix + strconv.FormatInt(keyID, 10) + ":" + base64.RawStdEncoding.EncodeToString(ct), nil
}

// openSecret decrypts what sealSecret stored.
func (db *DB) openSecret(aad []byte, stored string) (string, error) {
	rest, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return stored, nil
	}
	idText, b64, ok := strings.Cut(rest, ":")
	keyID, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil {
		return "", fmt.Errorf("sealed secret: malformed")
	}
	ct, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil {
		return "", fmt.Errorf("sealed secret: %w", err)
	}
	kr, err := db.Keyring()
	if err != nil {
		return "", err
	}
	plain, err := kr.Open(keyID, aad, ct)
	if err != nil {
		return "", err
	}
	return string(plain), nil
}

// sealSecrets seals second-factor secrets stored in clear (from before
// encryption) and, with again, re-seals those under a retired data key.
// It returns how many it changed.
func (db *DB) sealSecrets(ctx context.Context, again bool) (int, error) {
	kr, err := db.Keyring()
	if err != nil {
		return 0, err
	}
	current := sealedPrefix + strconv.FormatInt(kr.ActiveKeyID(), 10) + ":"
	n := 0
	for _, tbl := range []struct {
		query, update string
		aad           func(id string) []byte
	}{
		{`SELECT CAST(id AS TEXT), totp_secret FROM users WHERE totp_secret <> ''`, `UPDATE users SET totp_secret = $1 WHERE CAST(id AS TEXT) = $2 AND totp_secret = $3`,
			func(id string) []byte { return []byte("user-totp:" + id) }},
		{`SELECT id, pending_totp FROM sessions WHERE pending_totp <> ''`, `UPDATE sessions SET pending_totp = $1 WHERE id = $2 AND pending_totp = $3`,
			func(id string) []byte { return pendingTOTPAAD(id) }},
	} {
		err := db.write(ctx, func(t *tx) error {
			rows, err := t.QueryContext(t.ctx, tbl.query)
			if err != nil {
				return err
			}
			type row struct{ id, stored string }
			var todo []row
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.stored); err != nil {
					rows.Close()
					return err
				}
				if !strings.HasPrefix(r.stored, sealedPrefix) || again && !strings.HasPrefix(r.stored, current) {
					todo = append(todo, r)
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, r := range todo {
				plain, err := db.openSecret(tbl.aad(r.id), r.stored)
				if err != nil {
					return err
				}
				sealed, err := db.sealSecret(tbl.aad(r.id), plain)
				if err != nil {
					return err
				}
				if _, err := t.exec(tbl.update, sealed, r.id, r.stored); err != nil {
					return err
				}
			}
			n += len(todo)
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
