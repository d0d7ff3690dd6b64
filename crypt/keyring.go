package crypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"slices"
)

// KeySize is the size of a data key and of the index key in bytes.
const KeySize = 32

// Key purposes, as the store records them.
const (
	PurposeData  = "data"
	PurposeIndex = "index"
)

// BlindIndexSize is the length of a blind index in bytes.
const BlindIndexSize = 16

// NewKey returns a new random data or index key.
func NewKey() ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := io.ReadFull(rand.Reader, k); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return k, nil
}

// wrapNonce is the GCM nonce size used throughout: 96 bits.
const nonceSize = 12

func newGCM(key []byte) (cipher.AEAD, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("key is %d bytes, want %d", len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal encrypts with a random nonce, which it prepends.
func seal(aead cipher.AEAD, aad, plaintext []byte) ([]byte, error) {
	out := make([]byte, nonceSize, nonceSize+len(plaintext)+aead.Overhead())
	if _, err := io.ReadFull(rand.Reader, out); err != nil {
		return nil, fmt.Errorf("nonce: %w", err)
	}
	return aead.Seal(out, out, plaintext, aad), nil
}

func open(aead cipher.AEAD, aad, ciphertext []byte) ([]byte, error) {
	if len(ciphertext) < nonceSize+aead.Overhead() {
		return nil, errors.New("too short")
	}
	return aead.Open(nil, ciphertext[:nonceSize], ciphertext[nonceSize:], aad)
}

// Wrap encrypts a data key under the KEK with AES-256-GCM; aad binds the
// wrapped key to its place (for example "vrs-data-key:3:data").
func Wrap(kek KEK, dek []byte, aad string) ([]byte, error) {
	aead, err := newGCM(kek[:])
	if err != nil {
		return nil, err
	}
	return seal(aead, []byte(aad), dek)
}

// ErrUnwrap is the error of Unwrap: the KEK is not the one that wrapped the
// key, the AAD differs, or the wrapped key is damaged.
var ErrUnwrap = errors.New("crypt: cannot unwrap key: wrong key-encryption key, or the wrapped key is damaged")

// Unwrap reverses Wrap.
func Unwrap(kek KEK, wrapped []byte, aad string) ([]byte, error) {
	aead, err := newGCM(kek[:])
	if err != nil {
		return nil, err
	}
	dek, err := open(aead, []byte(aad), wrapped)
	if err != nil {
		return nil, ErrUnwrap
	}
	return dek, nil
}

// Key is one unwrapped key, as NewKeyring takes it.
type Key struct {
	ID      int64
	Purpose string // PurposeData or PurposeIndex
	Secret  []byte // KeySize bytes
	Retired bool   // a retired data key only opens older records
}

// Keyring holds the unwrapped data keys by id, which of them is active, and
// the blind-index key. It never changes once built (rotation builds a new
// one), so it is safe for concurrent use.
type Keyring struct {
	kekID   string
	active  int64
	indexID int64
	index   []byte
	aeads   map[int64]cipher.AEAD
	secrets map[int64][]byte // for Rewrap
	ids     []int64
}

// NewKeyring builds a keyring from unwrapped keys: exactly one index key and
// at least one data key that is not retired; the active data key is the
// newest (highest id) of those. kekID names the KEK the keys were unwrapped
// with (KEK.ID), for Rewrap's callers and for status displays.
func NewKeyring(kekID string, keys []Key) (*Keyring, error) {
	kr := &Keyring{kekID: kekID, aeads: map[int64]cipher.AEAD{}, secrets: map[int64][]byte{}}
	for _, k := range keys {
		if _, dup := kr.secrets[k.ID]; dup {
			return nil, fmt.Errorf("crypt: key %d given twice", k.ID)
		}
		if len(k.Secret) != KeySize {
			return nil, fmt.Errorf("crypt: key %d is %d bytes, want %d", k.ID, len(k.Secret), KeySize)
		}
		secret := slices.Clone(k.Secret)
		switch k.Purpose {
		case PurposeIndex:
			if kr.index != nil {
				return nil, fmt.Errorf("crypt: two index keys (%d and %d)", kr.indexID, k.ID)
			}
			kr.index, kr.indexID = secret, k.ID
		case PurposeData:
			aead, err := newGCM(secret)
			if err != nil {
				return nil, fmt.Errorf("crypt: key %d: %w", k.ID, err)
			}
			kr.aeads[k.ID] = aead
			if !k.Retired && k.ID > kr.active {
				kr.active = k.ID
			}
		default:
			return nil, fmt.Errorf("crypt: key %d has unknown purpose %q", k.ID, k.Purpose)
		}
		kr.secrets[k.ID] = secret
		kr.ids = append(kr.ids, k.ID)
	}
	if kr.index == nil {
		return nil, errors.New("crypt: no index key")
	}
	if kr.active == 0 {
		return nil, errors.New("crypt: no active data key")
	}
	slices.Sort(kr.ids)
	return kr, nil
}

// KEKID is the ID of the KEK the keyring's keys were unwrapped with.
func (kr *Keyring) KEKID() string { return kr.kekID }

// ActiveKeyID is the id of the data key that Seal uses.
func (kr *Keyring) ActiveKeyID() int64 { return kr.active }

// IndexKeyID is the id of the blind-index key.
func (kr *Keyring) IndexKeyID() int64 { return kr.indexID }

// KeyIDs lists the ids of every key held, data and index, in order.
func (kr *Keyring) KeyIDs() []int64 { return slices.Clone(kr.ids) }

// Seal encrypts plaintext with the active data key: a random 96-bit nonce
// followed by the AES-256-GCM ciphertext and tag. aad binds the ciphertext
// to its place (for example "incident:42"): Open with another aad fails.
// It returns the id of the key used, which the caller stores with the
// ciphertext.
func (kr *Keyring) Seal(aad, plaintext []byte) (keyID int64, ciphertext []byte, err error) {
	ct, err := seal(kr.aeads[kr.active], aad, plaintext)
	if err != nil {
		return 0, nil, fmt.Errorf("crypt: seal: %w", err)
	}
	return kr.active, ct, nil
}

// ErrOpen is the error of Open for a ciphertext that does not open: wrong
// key id, wrong aad, or altered ciphertext. It says nothing of the content.
var ErrOpen = errors.New("crypt: cannot open ciphertext: wrong key or context, or altered data")

// Open decrypts a ciphertext made by Seal with data key keyID and the same
// aad. Errors never contain any part of the plaintext.
func (kr *Keyring) Open(keyID int64, aad, ciphertext []byte) ([]byte, error) {
	aead := kr.aeads[keyID]
	if aead == nil {
		return nil, fmt.Errorf("crypt: no data key %d in the keyring", keyID)
	}
	pt, err := open(aead, aad, ciphertext)
	if err != nil {
		return nil, fmt.Errorf("%w (data key %d)", ErrOpen, keyID)
	}
	return pt, nil
}

// Reseal re-encrypts a ciphertext of key keyID under the active data key,
// keeping aad. It returns the ciphertext as it is when keyID is already
// the active key. The incident store uses it to move old records off
// retired keys.
func (kr *Keyring) Reseal(keyID int64, aad, ciphertext []byte) (newKeyID int64, newCiphertext []byte, err error) {
	if keyID == kr.active {
		return keyID, ciphertext, nil
	}
	pt, err := kr.Open(keyID, aad, ciphertext)
	if err != nil {
		return 0, nil, err
	}
	defer clear(pt)
	return kr.Seal(aad, pt)
}

// Rewrap wraps the key with the given id (data or index) under kek, for
// rotating the KEK without the key material leaving this package.
func (kr *Keyring) Rewrap(id int64, kek KEK, aad string) ([]byte, error) {
	secret := kr.secrets[id]
	if secret == nil {
		return nil, fmt.Errorf("crypt: no key %d in the keyring", id)
	}
	return Wrap(kek, secret, aad)
}

// BlindIndex returns HMAC-SHA256(index key, kind + "\x00" + Normalize(kind,
// value)) truncated to BlindIndexSize bytes: equal for values that
// normalise alike, different across kinds, and meaningless without the
// index key. An empty normalised value has no index: nil.
func (kr *Keyring) BlindIndex(kind, value string) []byte {
	n := Normalize(kind, value)
	if n == "" {
		return nil
	}
	m := hmac.New(sha256.New, kr.index)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(n))
	return m.Sum(nil)[:BlindIndexSize]
}

// Pseudonym returns a stable pseudonym of a personal value within a scope
// (one per sharing agreement): "P-" and 12 base-32 characters of
// HMAC-SHA256(HMAC(index key, scope), kind + Normalize(kind, value)).
// Values that normalise alike get the same pseudonym in one scope, so
// that records can be linked without being read; across scopes they
// differ, so that two recipients cannot join what each was given. An
// empty value stays empty.
func (kr *Keyring) Pseudonym(scope, kind, value string) string {
	n := Normalize(kind, value)
	if n == "" {
		return ""
	}
	k := hmac.New(sha256.New, kr.index)
	k.Write([]byte("vrs-pseudonym-v1\x00" + scope))
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(n))
	return "P-" + pseudonymEncoding.EncodeToString(m.Sum(nil)[:8])[:12]
}

var pseudonymEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// ContentDigest returns HMAC-SHA256(index key, "vrs-content-v1" + content)
// truncated to 16 bytes: imports compare a record's content with what is
// stored without decrypting it, and the digest says nothing about the
// personal data in it without the index key.
func (kr *Keyring) ContentDigest(content []byte) []byte {
	m := hmac.New(sha256.New, kr.index)
	m.Write([]byte("vrs-content-v1\x00"))
	m.Write(content)
	return m.Sum(nil)[:16]
}
