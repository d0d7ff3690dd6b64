package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

const (
	// tokenBytes of randomness make every token unguessable (256 bits).
	tokenBytes = 32
	// APITokenPrefix marks VRS API tokens, so that secret scanners and
	// people can recognise one that leaked into a log or a repository.
	APITokenPrefix = "vrs_"
	// apiTokenShown is how much of a token lists show, enough for a person
	// to tell their tokens apart and far too little to guess the rest.
	apiTokenShown = 12
)

func randomToken() string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(tokenBytes))
}

// NewAPIToken returns a new API token, the prefix that lists show, and the
// hash that is stored. The plain token is shown once and never stored.
func NewAPIToken() (plain, prefix, hash string) {
	plain = APITokenPrefix + randomToken()
	return plain, plain[:apiTokenShown], HashToken(plain)
}

// HashToken returns the stored form of a token: SHA-256 in hex. A slow
// password hash would add nothing here, because a token has 256 random bits
// and cannot be guessed however fast each guess is; a fast hash keeps the
// look-up on every API request cheap and lets it be an indexed equality.
func HashToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// NewSessionToken returns a session cookie value and the session's ID, its
// hash: the store keeps only the ID, so that a leaked database or backup
// holds no cookie that signs anyone in.
func NewSessionToken() (plain, id string) {
	plain = randomToken()
	return plain, HashToken(plain)
}

// NewCSRFToken returns a token for the forms of one session.
func NewCSRFToken() string { return randomToken() }

// EqualTokens compares secrets in time that does not depend on where they
// differ, so that an attacker cannot find a token byte by byte by timing.
// (Only the length, which is public, can show.) An empty token equals
// nothing, so that a missing cookie cannot match a missing form field.
func EqualTokens(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
