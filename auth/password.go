// Package auth holds the credential primitives of VRS: password hashing,
// the TOTP second factor and recovery codes, sign-in throttling and random
// tokens. It knows nothing of HTTP or SQL, so that the web, api and store
// packages share one implementation of each rule.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"vrs"
)

// Params are the argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over memory
	Threads uint8
}

var (
	// DefaultParams follow RFC 9106's second recommendation scaled to a
	// 2-core server: 64 MiB keeps one hash near 50–100 ms there while still
	// costing an attacker's GPU dearly.
	DefaultParams = Params{Memory: 64 * 1024, Time: 1, Threads: 2}
	// TestParams are cheap, so that the tests of other packages can create
	// users by the hundred. Never use them in production.
	TestParams = Params{Memory: 1024, Time: 1, Threads: 1}
)

const (
	saltLen = 16
	keyLen  = 32

	// Bounds on what a stored hash may ask for. A hash string comes from the
	// database, but a corrupted or planted one must not make one sign-in
	// allocate gigabytes or spin for minutes.
	maxMemory  = 1 << 20 // KiB, 1 GiB
	maxTime    = 10
	maxThreads = 16
	minBytes   = 8
	maxBytes   = 64

	// DefaultMaxConcurrent suits a 2-core server: each hash uses both cores
	// and 64 MiB, so more in parallel only queues in the scheduler and
	// multiplies memory.
	DefaultMaxConcurrent = 2
)

// ErrMalformedHash is returned by Verify for a stored hash it does not
// accept. It means corrupt data, not a wrong password.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// Hasher hashes and verifies passwords. Argon2id is memory-hard on purpose,
// so the Hasher bounds how many hashes run at once: without the bound a
// flood of sign-in attempts would allocate Memory KiB each and exhaust the
// server. Callers beyond the bound wait for a slot or for their context.
type Hasher struct {
	params Params
	sem    chan struct{}
	// dummySalt serves VerifyDummy, which hashes with the hasher's own
	// params: those are what real users' hashes have after any rehash.
	dummySalt []byte
	// inSlot, when set by a test, runs while a slot is held.
	inSlot func()
}

// NewHasher returns a Hasher that hashes with p (DefaultParams when p is the
// zero value) and runs at most maxConcurrent hashes at once
// (DefaultMaxConcurrent when maxConcurrent < 1). It panics on params outside
// the bounds that Verify accepts, since its hashes could never be verified.
func NewHasher(p Params, maxConcurrent int) *Hasher {
	if p == (Params{}) {
		p = DefaultParams
	}
	if !p.valid() {
		panic(fmt.Sprintf("auth: argon2 params %+v out of bounds", p))
	}
	if maxConcurrent < 1 {
		maxConcurrent = DefaultMaxConcurrent
	}
	return &Hasher{
		params:    p,
		sem:       make(chan struct{}, maxConcurrent),
		dummySalt: randomBytes(saltLen),
	}
}

func (p Params) valid() bool {
	return p.Time >= 1 && p.Time <= maxTime &&
		p.Threads >= 1 && p.Threads <= maxThreads &&
		p.Memory >= 8*uint32(p.Threads) && p.Memory <= maxMemory
}

// Params returns the parameters new hashes get.
func (h *Hasher) Params() Params { return h.params }

// Hash returns the PHC string of password with a fresh random salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := randomBytes(saltLen)
	key, err := h.derive(ctx, password, salt, h.params, keyLen)
	if err != nil {
		return "", err
	}
	return phc{params: h.params, salt: salt, key: key}.String(), nil
}

// Verify reports whether password matches the stored PHC string, and
// whether the stored hash should be replaced by a new one because it was
// made with other parameters (reported only for a matching password, since
// only then can the caller rehash). A malformed stored hash is an error
// wrapping ErrMalformedHash.
func (h *Hasher) Verify(ctx context.Context, password, stored string) (ok, needsRehash bool, err error) {
	p, err := parsePHC(stored)
	if err != nil {
		return false, false, err
	}
	key, err := h.derive(ctx, password, p.salt, p.params, uint32(len(p.key)))
	if err != nil {
		return false, false, err
	}
	if subtle.ConstantTimeCompare(key, p.key) != 1 {
		return false, false, nil
	}
	rehash := p.params != h.params || len(p.salt) != saltLen || len(p.key) != keyLen
	return true, rehash, nil
}

// VerifyDummy does the work of a Verify against a hash that no password
// matches. Sign-in calls it when the user name is unknown, so that the
// answer takes as long as for a known name with a wrong password and its
// timing does not tell which names exist.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) {
	key, err := h.derive(ctx, password, h.dummySalt, h.params, keyLen)
	if err == nil {
		// Compare as Verify does; the result is meaningless.
		subtle.ConstantTimeCompare(key, make([]byte, keyLen))
	}
}

// derive runs argon2id once a slot is free.
func (h *Hasher) derive(ctx context.Context, password string, salt []byte, p Params, n uint32) ([]byte, error) {
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("auth: waiting to hash: %w", ctx.Err())
	}
	defer func() { <-h.sem }()
	if h.inSlot != nil {
		h.inSlot()
	}
	// The wait may have ended together with the context; a cancelled
	// request should not still spend a slot's worth of work.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("auth: waiting to hash: %w", err)
	}
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, n), nil
}

// phc is a parsed argon2id PHC string.
type phc struct {
	params Params
	salt   []byte
	key    []byte
}

var b64 = base64.RawStdEncoding.Strict()

func (p phc) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.params.Memory, p.params.Time, p.params.Threads,
		b64.EncodeToString(p.salt), b64.EncodeToString(p.key))
}

// parsePHC accepts exactly the strings that String produces, within the
// bounds above. Being strict means a stored hash has one spelling, and an
// odd one is reported instead of being silently reinterpreted.
func parsePHC(s string) (phc, error) {
	bad := func(why string) (phc, error) {
		return phc{}, fmt.Errorf("%w: %s", ErrMalformedHash, why)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("not a PHC string")
	}
	if parts[1] != "argon2id" {
		return bad("algorithm is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("unsupported version")
	}
	var p phc
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return bad("parameters")
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return bad("parameters")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return bad("parameters")
		}
		vals[i] = n
	}
	// Bound the threads before narrowing to uint8, which would wrap.
	if vals[2] > maxThreads {
		return bad("parameters out of bounds")
	}
	p.params = Params{Memory: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2])}
	if !p.params.valid() {
		return bad("parameters out of bounds")
	}
	var err error
	if p.salt, err = b64.DecodeString(parts[4]); err != nil {
		return bad("salt encoding")
	}
	if p.key, err = b64.DecodeString(parts[5]); err != nil {
		return bad("hash encoding")
	}
	if len(p.salt) < minBytes || len(p.salt) > maxBytes || len(p.key) < minBytes || len(p.key) > maxBytes {
		return bad("salt or hash length")
	}
	// ParseUint takes leading zeros and base64 skips newlines; requiring
	// the canonical form rejects every such second spelling at once.
	if p.String() != s {
		return bad("not in canonical form")
	}
	return p, nil
}

// randomBytes returns n bytes from crypto/rand, which never fails (it
// crashes the program instead of returning predictable bytes).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

const (
	minPasswordRunes = 12
	// maxPasswordBytes bounds the work an attacker can make argon2's
	// initial BLAKE2b pass and the request parser do; no real passphrase
	// needs more.
	maxPasswordBytes = 256
)

// ValidatePassword checks a new password for userName. Length is counted in
// characters (runes) so that a passphrase in any script gets the same rule;
// the upper bound is in bytes because that is what costs.
func ValidatePassword(password, userName string) error {
	key := ""
	switch {
	case !utf8.ValidString(password):
		key = "field.utf8"
	case len(password) > maxPasswordBytes:
		key = "field.password_long"
	case utf8.RuneCountInString(password) < minPasswordRunes:
		key = "field.password_short"
	case userName != "" && strings.EqualFold(password, userName):
		key = "field.password_is_name"
	}
	if key == "" {
		return nil
	}
	return vrs.FieldErrors(map[string]string{"password": key})
}
