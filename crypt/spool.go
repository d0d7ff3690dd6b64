package crypt

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

// A spool is a file that holds personal data for a while, such as an
// uploaded import file waiting for its job, encrypted at rest in a form
// that can still be read at random offsets (XLSX is a ZIP archive, read
// from its end):
//
//	header: "VSP1" | 8-byte random prefix
//	chunks: AES-256-GCM(64 KiB of plaintext) | 16-byte tag, the last one shorter
//
// Chunk i is sealed with nonce prefix|uint32(i) and AAD header|uint32(i)|final,
// so a chunk moved to another place, a file cut at a chunk boundary (its
// last chunk was not sealed as final) and chunks appended after the final
// one all fail to open. The writer keeps the last chunk until Close, so the
// final chunk is empty only for an empty spool and the plaintext size
// follows from the ciphertext size alone.

// SpoolChunkSize is the plaintext size of every chunk but the last.
const SpoolChunkSize = 64 << 10

const (
	spoolMagic      = "VSP1"
	spoolPrefixSize = 8
	spoolHeaderSize = len(spoolMagic) + spoolPrefixSize
	spoolTagSize    = 16
	// The chunk index is 32 bits in the nonce; a 2^32nd chunk would reuse
	// nonce prefix|0 under the same key.
	spoolMaxChunks = math.MaxUint32
)

// ErrSpoolCorrupt is the error for a spool that does not open: wrong key,
// altered, truncated or extended file. It says nothing of the content.
var ErrSpoolCorrupt = errors.New("crypt: spool does not open: wrong key, or the file is altered or truncated")

var errSpoolClosed = errors.New("crypt: spool writer is closed")

// spoolCipher holds what writer and reader share for one file.
type spoolCipher struct {
	aead   cipher.AEAD
	header [spoolHeaderSize]byte
	chunk  int // plaintext bytes per chunk; SpoolChunkSize outside tests
	nonce  [nonceSize]byte
	aad    [spoolHeaderSize + 5]byte
}

func newSpoolCipher(key []byte, chunk int) (*spoolCipher, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, fmt.Errorf("crypt: spool: %w", err)
	}
	if aead.NonceSize() != nonceSize || aead.Overhead() != spoolTagSize {
		return nil, errors.New("crypt: spool: unexpected GCM parameters")
	}
	return &spoolCipher{aead: aead, chunk: chunk}, nil
}

// setHeader fixes the header, which starts every nonce and AAD.
func (c *spoolCipher) setHeader(h []byte) {
	copy(c.header[:], h)
	copy(c.nonce[:], h[len(spoolMagic):])
	copy(c.aad[:], h)
}

func (c *spoolCipher) params(i uint32, final bool) (nonce, aad []byte) {
	binary.BigEndian.PutUint32(c.nonce[spoolPrefixSize:], i)
	binary.BigEndian.PutUint32(c.aad[spoolHeaderSize:], i)
	c.aad[spoolHeaderSize+4] = 0
	if final {
		c.aad[spoolHeaderSize+4] = 1
	}
	return c.nonce[:], c.aad[:]
}

// spoolWriter buffers one chunk of plaintext and seals it in place.
type spoolWriter struct {
	c      *spoolCipher
	w      io.Writer
	buf    []byte // plaintext of the pending chunk; capacity chunk+tag
	index  uint32
	err    error // sticky: after a failed write the file is unusable
	closed bool
}

// NewSpoolWriter returns a writer that encrypts what is written to it
// into w with key (KeySize bytes; one fresh key per file is best, though
// the random prefix makes reuse safe for very many files). It writes the
// header at once. Close must be called: it writes the final chunk, without
// which the spool does not open. Close does not close w.
func NewSpoolWriter(w io.Writer, key []byte) (io.WriteCloser, error) {
	return newSpoolWriter(w, key, SpoolChunkSize)
}

func newSpoolWriter(w io.Writer, key []byte, chunk int) (*spoolWriter, error) {
	c, err := newSpoolCipher(key, chunk)
	if err != nil {
		return nil, err
	}
	h := make([]byte, spoolHeaderSize)
	copy(h, spoolMagic)
	if _, err := io.ReadFull(rand.Reader, h[len(spoolMagic):]); err != nil {
		return nil, fmt.Errorf("crypt: spool prefix: %w", err)
	}
	c.setHeader(h)
	if _, err := w.Write(h); err != nil {
		return nil, fmt.Errorf("crypt: spool header: %w", err)
	}
	return &spoolWriter{c: c, w: w, buf: make([]byte, 0, chunk+spoolTagSize)}, nil
}

func (s *spoolWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n := 0
	for len(p) > 0 {
		// A full chunk is sealed only once more data arrives, so that the
		// chunk Close seals as final is never a needless empty one.
		if len(s.buf) == s.c.chunk {
			if err := s.flush(false); err != nil {
				return n, err
			}
		}
		k := copy(s.buf[len(s.buf):s.c.chunk], p)
		s.buf = s.buf[:len(s.buf)+k]
		p = p[k:]
		n += k
	}
	return n, nil
}

func (s *spoolWriter) flush(final bool) error {
	if s.index == spoolMaxChunks {
		s.err = errors.New("crypt: spool too large")
		return s.err
	}
	nonce, aad := s.c.params(s.index, final)
	ct := s.c.aead.Seal(s.buf[:0], nonce, s.buf, aad)
	if _, err := s.w.Write(ct); err != nil {
		s.err = fmt.Errorf("crypt: spool write: %w", err)
		return s.err
	}
	s.index++
	s.buf = s.buf[:0]
	return nil
}

// Close seals and writes the final chunk.
func (s *spoolWriter) Close() error {
	if s.closed {
		return s.err
	}
	s.closed = true
	if s.err != nil {
		return s.err
	}
	err := s.flush(true)
	clear(s.buf[:cap(s.buf)])
	if s.err == nil {
		s.err = errSpoolClosed
	}
	return err
}

// SpoolReader reads and decrypts a spool. Its ReadAt decrypts only the
// chunks it touches and is safe for concurrent use; Read and Seek share
// one offset, as with os.File.
type SpoolReader struct {
	c      *spoolCipher
	r      io.ReaderAt
	chunks int64 // number of chunks, the final one included
	size   int64 // plaintext size

	mu     sync.Mutex
	cached int64  // index of the chunk in plain, -1 if none
	plain  []byte // the last chunk decrypted
	ct     []byte // ciphertext buffer
	off    int64  // for Read and Seek
}

// OpenSpool opens a spool of size bytes written by NewSpoolWriter with
// key. It reads and authenticates the header and the final chunk, so a
// wrong key or a truncated file fails here; damage elsewhere fails the
// read that reaches it. Every such error wraps ErrSpoolCorrupt.
func OpenSpool(r io.ReaderAt, size int64, key []byte) (*SpoolReader, error) {
	return openSpool(r, size, key, SpoolChunkSize)
}

func openSpool(r io.ReaderAt, size int64, key []byte, chunk int) (*SpoolReader, error) {
	c, err := newSpoolCipher(key, chunk)
	if err != nil {
		return nil, err
	}
	body := size - int64(spoolHeaderSize)
	if body < spoolTagSize {
		return nil, fmt.Errorf("%w (%d bytes is too short for a spool)", ErrSpoolCorrupt, size)
	}
	h := make([]byte, spoolHeaderSize)
	if m, err := r.ReadAt(h, 0); m < len(h) {
		if err == nil || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w (file shorter than its stated size)", ErrSpoolCorrupt)
		}
		return nil, fmt.Errorf("crypt: spool header: %w", err)
	}
	if string(h[:len(spoolMagic)]) != spoolMagic {
		return nil, fmt.Errorf("%w (not a spool file)", ErrSpoolCorrupt)
	}
	c.setHeader(h)
	full := int64(chunk + spoolTagSize)
	chunks := (body + full - 1) / full
	last := body - (chunks-1)*full
	if last < spoolTagSize || chunks > spoolMaxChunks {
		return nil, fmt.Errorf("%w (impossible length %d)", ErrSpoolCorrupt, size)
	}
	s := &SpoolReader{
		c:      c,
		r:      r,
		chunks: chunks,
		size:   body - chunks*spoolTagSize,
		cached: -1,
		plain:  make([]byte, 0, chunk+spoolTagSize),
		ct:     make([]byte, 0, chunk+spoolTagSize),
	}
	if err := s.load(chunks - 1); err != nil {
		if errors.Is(err, ErrSpoolCorrupt) && s.opensAsNonFinal(chunks-1) {
			return nil, fmt.Errorf("%w (truncated: the last chunk is not the final one)", ErrSpoolCorrupt)
		}
		return nil, err
	}
	return s, nil
}

// opensAsNonFinal tells truncation apart from other damage, for a clearer
// error; only called once the chunk failed to open as final.
func (s *SpoolReader) opensAsNonFinal(i int64) bool {
	nonce, aad := s.c.params(uint32(i), false)
	_, err := s.c.aead.Open(s.plain[:0], nonce, s.ct, aad)
	s.cached = -1
	return err == nil
}

// load decrypts chunk i into s.plain; s.mu is held (or s is not shared yet).
func (s *SpoolReader) load(i int64) error {
	if s.cached == i {
		return nil
	}
	s.cached = -1
	full := int64(s.c.chunk + spoolTagSize)
	off := int64(spoolHeaderSize) + i*full
	n := full
	final := i == s.chunks-1
	if final {
		n = s.size + s.chunks*spoolTagSize - i*full
	}
	ct := s.ct[:n]
	// io.ReaderAt may return io.EOF along with a full read at the end.
	if m, err := s.r.ReadAt(ct, off); m < len(ct) {
		if err == nil || errors.Is(err, io.EOF) {
			return fmt.Errorf("%w (chunk %d: file shorter than its stated size)", ErrSpoolCorrupt, i)
		}
		return fmt.Errorf("crypt: spool read chunk %d: %w", i, err)
	}
	nonce, aad := s.c.params(uint32(i), final)
	pt, err := s.c.aead.Open(s.plain[:0], nonce, ct, aad)
	if err != nil {
		return fmt.Errorf("%w (chunk %d)", ErrSpoolCorrupt, i)
	}
	s.plain = pt
	s.cached = i
	return nil
}

// Size is the plaintext size.
func (s *SpoolReader) Size() int64 { return s.size }

// ReadAt implements io.ReaderAt over the plaintext.
func (s *SpoolReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("crypt: spool: negative offset")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readAt(p, off)
}

func (s *SpoolReader) readAt(p []byte, off int64) (int, error) {
	n := 0
	chunk := int64(s.c.chunk)
	for len(p) > 0 && off < s.size {
		i := off / chunk
		if err := s.load(i); err != nil {
			return n, err
		}
		k := copy(p, s.plain[off-i*chunk:])
		p = p[k:]
		n += k
		off += int64(k)
	}
	if len(p) > 0 {
		return n, io.EOF
	}
	return n, nil
}

// Read implements io.Reader from the current offset.
func (s *SpoolReader) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.off >= s.size {
		return 0, io.EOF
	}
	n, err := s.readAt(p, s.off)
	s.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// Seek implements io.Seeker; seeking past the end is allowed, and reads
// there return io.EOF.
func (s *SpoolReader) Seek(offset int64, whence int) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = s.off
	case io.SeekEnd:
		base = s.size
	default:
		return 0, fmt.Errorf("crypt: spool: invalid whence %d", whence)
	}
	next := base + offset
	if (offset > 0 && next < base) || next < 0 {
		return 0, errors.New("crypt: spool: seek to a negative or overflowing offset")
	}
	s.off = next
	return next, nil
}
