package store

import (
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
