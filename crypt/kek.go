// Package crypt encrypts personal data at rest and computes the blind
// indexes that let the store find an exact value without decrypting.
//
// Three layers of keys:
//
//   - The key-encryption key (KEK) lives outside the database: in a key file
//     in the data directory, or in the VRS_KEK environment variable. It only
//     wraps (encrypts) the data keys.
//   - Data keys encrypt records with AES-256-GCM. One is active (new writes
//     use it); retired ones stay to read older records.
//   - The index key computes blind indexes: HMAC-SHA256 of a normalised value.
//
// Data keys and the index key are stored wrapped in the database; a Keyring
// holds them unwrapped in memory. The package knows nothing about the store.
package crypt

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// KEKSize is the size of a key-encryption key in bytes (AES-256).
const KEKSize = 32

// KEK is a key-encryption key. Its String method prints only its ID, so
// that a KEK passed to a logger or fmt by mistake does not leak.
type KEK [KEKSize]byte

// GenerateKEK returns a new random KEK.
func GenerateKEK() (KEK, error) {
	var k KEK
	if _, err := io.ReadFull(rand.Reader, k[:]); err != nil {
		return KEK{}, fmt.Errorf("generate key-encryption key: %w", err)
	}
	return k, nil
}

// ParseKEK decodes a KEK from base64 (standard or URL alphabet, padded or
// not). The error never repeats the input.
func ParseKEK(s string) (KEK, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return KEK{}, errors.New("key-encryption key is empty")
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(b) != KEKSize {
			return KEK{}, fmt.Errorf("key-encryption key decodes to %d bytes, want %d (generate one with: head -c 32 /dev/urandom | base64)", len(b), KEKSize)
		}
		var k KEK
		copy(k[:], b)
		return k, nil
	}
	return KEK{}, fmt.Errorf("key-encryption key is not base64 (%d characters); want %d random bytes in base64", len(s), KEKSize)
}

// Encode returns the KEK in standard base64, the form ParseKEK and the key
// file use.
func (k KEK) Encode() string { return base64.StdEncoding.EncodeToString(k[:]) }

// ID is a short fingerprint of the KEK (16 hex digits), recorded with every
// key it wraps, so that one can tell which KEK a store needs without
// revealing it.
func (k KEK) ID() string {
	m := hmac.New(sha256.New, k[:])
	m.Write([]byte("vrs-kek-id"))
	sum := sha256.Sum256(m.Sum(nil))
	return hex.EncodeToString(sum[:8])
}

// String prints the KEK's ID, never its bytes.
func (k KEK) String() string { return "KEK(" + k.ID() + ")" }

// GoString prints the KEK's ID, never its bytes.
func (k KEK) GoString() string { return k.String() }

// maxKeyFile bounds what LoadKEK reads: a key file is one short line.
const maxKeyFile = 4 << 10

// LoadKEK reads a key file: one base64 line. A missing file is an error
// that errors.Is(err, fs.ErrNotExist).
func LoadKEK(path string) (KEK, error) {
	f, err := os.Open(path)
	if err != nil {
		return KEK{}, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return KEK{}, fmt.Errorf("read key file %s: %w", path, err)
	}
	if len(b) > maxKeyFile {
		return KEK{}, fmt.Errorf("key file %s: too large to be a key file", path)
	}
	k, err := ParseKEK(string(b))
	if err != nil {
		return KEK{}, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, nil
}

// CreateKEKFile generates a KEK and writes it to a new key file at path
// (see WriteKEKFile).
func CreateKEKFile(path string) (KEK, error) {
	k, err := GenerateKEK()
	if err != nil {
		return KEK{}, err
	}
	if err := WriteKEKFile(path, k); err != nil {
		return KEK{}, err
	}
	return k, nil
}

// WriteKEKFile writes k to a new key file at path, mode 0600: to a
// temporary file in the same directory, synced, then linked into place so
// that the file appears whole or not at all. An existing file is never
// overwritten: the error then satisfies errors.Is(err, fs.ErrExist).
func WriteKEKFile(path string, k KEK) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".vrs-key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(k.Encode() + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// A hard link fails if path exists, where a rename would replace it.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("key file %s: %w", path, os.ErrExist)
		}
		// No hard links on this file system: check, then rename.
		if _, serr := os.Lstat(path); serr == nil {
			return fmt.Errorf("key file %s: %w", path, os.ErrExist)
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return err
		}
	}
	return SyncDir(dir)
}

// SyncDir flushes a directory, so that a file created or renamed in it
// survives a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}
