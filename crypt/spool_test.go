package crypt

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// smallChunk makes tests that walk every byte or many chunk boundaries
// cheap; the format is the same as with SpoolChunkSize.
const smallChunk = 64

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(r.Uint32())
	}
	return p
}

// writeSpool encrypts plain in writes of step bytes (all at once if 0).
func writeSpool(t testing.TB, key, plain []byte, chunk, step int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := newSpoolWriter(&buf, key, chunk)
	if err != nil {
		t.Fatal(err)
	}
	if step == 0 {
		step = len(plain) + 1
	}
	for p := plain; len(p) > 0; {
		k := min(step, len(p))
		n, err := w.Write(p[:k])
		if err != nil || n != k {
			t.Fatalf("Write = %d, %v; want %d, nil", n, err, k)
		}
		p = p[k:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readSpool opens and reads a whole spool; the error is the first of
// either.
func readSpool(ct, key []byte, chunk int) ([]byte, error) {
	s, err := openSpool(bytes.NewReader(ct), int64(len(ct)), key, chunk)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(s)
}

func TestSpoolRoundTrip(t *testing.T) {
	key := fixedKey(7)
	const C = SpoolChunkSize
	for _, tc := range []struct {
		name string
		size int
	}{
		{"Empty", 0},
		{"OneByte", 1},
		{"ChunkMinusOne", C - 1},
		{"Chunk", C},
		{"ChunkPlusOne", C + 1},
		{"ThreeMiB", 3 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain := randomBytes(uint64(tc.size), tc.size)
			chunks := max(1, (tc.size+C-1)/C)
			for _, step := range []int{0, 1000, C + 7} {
				ct := writeSpool(t, key, plain, C, step)
				if want := spoolHeaderSize + tc.size + chunks*spoolTagSize; len(ct) != want {
					t.Fatalf("step %d: ciphertext is %d bytes, want %d", step, len(ct), want)
				}
				if bytes.Contains(ct, plain[:min(len(plain), 32)]) && tc.size >= 32 {
					t.Fatalf("step %d: plaintext visible in the ciphertext", step)
				}
				s, err := OpenSpool(bytes.NewReader(ct), int64(len(ct)), key)
				if err != nil {
					t.Fatalf("step %d: OpenSpool: %v", step, err)
				}
				if s.Size() != int64(tc.size) {
					t.Fatalf("step %d: Size = %d, want %d", step, s.Size(), tc.size)
				}
				got, err := io.ReadAll(s)
				if err != nil {
					t.Fatalf("step %d: ReadAll: %v", step, err)
				}
				if !bytes.Equal(got, plain) {
					t.Fatalf("step %d: read %d bytes differing from the %d written", step, len(got), len(plain))
				}
			}
		})
	}
}

func TestSpoolDistinctFiles(t *testing.T) {
	key := fixedKey(7)
	plain := randomBytes(1, 100)
	a, b := writeSpool(t, key, plain, SpoolChunkSize, 0), writeSpool(t, key, plain, SpoolChunkSize, 0)
	if bytes.Equal(a[spoolHeaderSize:], b[spoolHeaderSize:]) {
		t.Fatal("two spools of the same plaintext under one key are equal: the prefix is not random")
	}
}

func TestSpoolReadAt(t *testing.T) {
	key := fixedKey(3)
	for _, tc := range []struct {
		name  string
		chunk int
		size  int
	}{
		{"Small", smallChunk, 1000},
		{"Real", SpoolChunkSize, 3<<20 + 123},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain := randomBytes(9, tc.size)
			ct := writeSpool(t, key, plain, tc.chunk, 0)
			s, err := openSpool(bytes.NewReader(ct), int64(len(ct)), key, tc.chunk)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			check := func(off int64, n int) {
				t.Helper()
				p := make([]byte, n)
				got, err := s.ReadAt(p, off)
				want := int(max(0, min(int64(n), int64(tc.size)-off)))
				if got != want {
					t.Fatalf("ReadAt(%d bytes, %d) = %d, want %d", n, off, got, want)
				}
				if (got < n) != errors.Is(err, io.EOF) || (err != nil && !errors.Is(err, io.EOF)) {
					t.Fatalf("ReadAt(%d bytes, %d) error = %v", n, off, err)
				}
				if got > 0 && !bytes.Equal(p[:got], plain[off:off+int64(got)]) {
					t.Fatalf("ReadAt(%d bytes, %d) differs from the plaintext", n, off)
				}
			}
			for range 300 {
				off := r.Int64N(int64(tc.size))
				check(off, r.IntN(3*tc.chunk))
			}
			size := int64(tc.size)
			for _, c := range []struct {
				off int64
				n   int
			}{
				{0, 0}, {0, tc.size}, {0, tc.size + 1}, {int64(tc.chunk) - 1, 2},
				{int64(tc.chunk), tc.chunk}, {size - 1, 1}, {size - 1, 2}, {size, 1}, {size + 10, 1},
			} {
				check(c.off, c.n)
			}
			if _, err := s.ReadAt(make([]byte, 1), -1); err == nil {
				t.Fatal("ReadAt at offset -1: no error")
			}
		})
	}
}

func TestSpoolSeek(t *testing.T) {
	key := fixedKey(4)
	const size = 3*smallChunk + 10
	plain := randomBytes(5, size)
	ct := writeSpool(t, key, plain, smallChunk, 0)
	for _, tc := range []struct {
		name    string
		pre     int // bytes read before seeking
		offset  int64
		whence  int
		wantPos int64
		read    int
		wantErr bool
	}{
		{"Start", 0, 10, io.SeekStart, 10, 5, false},
		{"StartAcrossChunk", 0, smallChunk - 3, io.SeekStart, smallChunk - 3, 10, false},
		{"Current", 20, 30, io.SeekCurrent, 50, 100, false},
		{"CurrentBack", 100, -90, io.SeekCurrent, 10, 5, false},
		{"End", 0, -10, io.SeekEnd, size - 10, 20, false},
		{"EndExact", 0, 0, io.SeekEnd, size, 1, false},
		{"PastEnd", 0, 5, io.SeekEnd, size + 5, 1, false},
		{"Negative", 0, -1, io.SeekStart, 0, 0, true},
		{"NegativeFromEnd", 0, -size - 1, io.SeekEnd, 0, 0, true},
		{"BadWhence", 0, 0, 7, 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := openSpool(bytes.NewReader(ct), int64(len(ct)), key, smallChunk)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.ReadFull(s, make([]byte, tc.pre)); err != nil {
				t.Fatal(err)
			}
			pos, err := s.Seek(tc.offset, tc.whence)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("Seek = %d, nil; want an error", pos)
				}
				return
			}
			if err != nil || pos != tc.wantPos {
				t.Fatalf("Seek = %d, %v; want %d", pos, err, tc.wantPos)
			}
			got, err := io.ReadAll(io.LimitReader(s, int64(tc.read)))
			if err != nil {
				t.Fatal(err)
			}
			want := plain[min(pos, size):min(pos+int64(tc.read), size)]
			if !bytes.Equal(got, want) {
				t.Fatalf("read after Seek: %d bytes, want %d bytes of plaintext from %d", len(got), len(want), pos)
			}
			if cur, _ := s.Seek(0, io.SeekCurrent); cur != pos+int64(len(got)) {
				t.Fatalf("offset after reading %d bytes = %d, want %d", len(got), cur, pos+int64(len(got)))
			}
		})
	}
}

func TestSpoolFlippedByte(t *testing.T) {
	key := fixedKey(5)
	for _, tc := range []struct {
		name  string
		chunk int
		size  int
		every int // test every n-th byte
	}{
		{"SmallChunksEveryByte", smallChunk, 3*smallChunk + 20, 1},
		{"SmallEmpty", smallChunk, 0, 1},
		{"RealChunks", SpoolChunkSize, 2*SpoolChunkSize + 500, 4093},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ct := writeSpool(t, key, randomBytes(6, tc.size), tc.chunk, 0)
			// Every byte of the header and of each tag, and a sample of the rest.
			positions := []int{}
			for i := range ct {
				rel := (i - spoolHeaderSize) % (tc.chunk + spoolTagSize)
				if i < spoolHeaderSize || i%tc.every == 0 || rel >= tc.chunk || i >= len(ct)-spoolTagSize {
					positions = append(positions, i)
				}
			}
			for _, i := range positions {
				bad := bytes.Clone(ct)
				bad[i] ^= 0x01
				if _, err := readSpool(bad, key, tc.chunk); !errors.Is(err, ErrSpoolCorrupt) {
					t.Fatalf("byte %d of %d flipped: error %v, want ErrSpoolCorrupt", i, len(ct), err)
				}
			}
		})
	}
}

func TestSpoolStructure(t *testing.T) {
	key := fixedKey(6)
	const C = SpoolChunkSize
	const full = C + spoolTagSize
	// Four full chunks, so that any two can trade places.
	ct := writeSpool(t, key, randomBytes(7, 4*C), C, 0)
	other := writeSpool(t, key, randomBytes(8, 5*C), C, 0)
	chunk := func(b []byte, i int) []byte { return b[spoolHeaderSize+i*full : spoolHeaderSize+(i+1)*full] }
	swap := func(i, j int) []byte {
		b := bytes.Clone(ct)
		copy(chunk(b, i), chunk(ct, j))
		copy(chunk(b, j), chunk(ct, i))
		return b
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		wantMsg string
	}{
		{"TruncatedAtLastChunk", ct[:spoolHeaderSize+3*full], "truncated"},
		{"TruncatedAtFirstChunk", ct[:spoolHeaderSize+full], "truncated"},
		{"TruncatedToHeader", ct[:spoolHeaderSize], "too short"},
		{"TruncatedMidChunk", ct[:len(ct)-100], ""},
		{"TruncatedInTag", ct[:spoolHeaderSize+3*full+5], "impossible length"},
		{"Empty", nil, "too short"},
		{"ChunksSwapped", swap(0, 1), "chunk 0"},
		{"FinalSwapped", swap(1, 3), ""},
		{"ChunkRepeated", append(bytes.Clone(ct[:spoolHeaderSize+full]), ct[spoolHeaderSize:]...), ""},
		{"FinalRepeated", append(bytes.Clone(ct), chunk(ct, 3)...), ""},
		{"ChunkAppended", append(bytes.Clone(ct), chunk(other, 4)...), ""},
		{"HeaderFromOtherSpool", append(bytes.Clone(other[:spoolHeaderSize]), ct[spoolHeaderSize:]...), ""},
		{"ChunkFromOtherSpool", append(bytes.Clone(ct[:spoolHeaderSize]), append(bytes.Clone(chunk(other, 0)), ct[spoolHeaderSize+full:]...)...), "chunk 0"},
		{"NotASpool", append([]byte("PK\x03\x04"), ct[4:]...), "not a spool"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readSpool(tc.data, key, C)
			if !errors.Is(err, ErrSpoolCorrupt) {
				t.Fatalf("error %v, want ErrSpoolCorrupt", err)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("error %q does not say %q", err, tc.wantMsg)
			}
		})
	}
}

func TestSpoolKeys(t *testing.T) {
	ct := writeSpool(t, fixedKey(1), randomBytes(2, 1000), SpoolChunkSize, 0)
	t.Run("WrongKey", func(t *testing.T) {
		if _, err := OpenSpool(bytes.NewReader(ct), int64(len(ct)), fixedKey(2)); !errors.Is(err, ErrSpoolCorrupt) {
			t.Fatalf("error %v, want ErrSpoolCorrupt", err)
		}
	})
	t.Run("ShortKeyOpen", func(t *testing.T) {
		if _, err := OpenSpool(bytes.NewReader(ct), int64(len(ct)), fixedKey(1)[:16]); err == nil {
			t.Fatal("no error for a 16-byte key")
		}
	})
	t.Run("ShortKeyWrite", func(t *testing.T) {
		if _, err := NewSpoolWriter(io.Discard, nil); err == nil {
			t.Fatal("no error for a nil key")
		}
	})
	t.Run("SizeLargerThanFile", func(t *testing.T) {
		if _, err := OpenSpool(bytes.NewReader(ct), int64(len(ct))+spoolTagSize, fixedKey(1)); !errors.Is(err, ErrSpoolCorrupt) {
			t.Fatalf("error %v, want ErrSpoolCorrupt", err)
		}
	})
}

// failAfter accepts n bytes, then fails.
type failAfter struct{ n int }

var errDiskFull = errors.New("disk full")

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		return 0, errDiskFull
	}
	f.n -= len(p)
	return len(p), nil
}

func TestSpoolWriterErrors(t *testing.T) {
	key := fixedKey(1)
	t.Run("HeaderFails", func(t *testing.T) {
		if _, err := NewSpoolWriter(&failAfter{0}, key); !errors.Is(err, errDiskFull) {
			t.Fatalf("error %v, want disk full", err)
		}
	})
	t.Run("ChunkFails", func(t *testing.T) {
		w, err := NewSpoolWriter(&failAfter{spoolHeaderSize}, key)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(make([]byte, 2*SpoolChunkSize)); !errors.Is(err, errDiskFull) {
			t.Fatalf("Write error %v, want disk full", err)
		}
		if _, err := w.Write([]byte("x")); !errors.Is(err, errDiskFull) {
			t.Fatalf("second Write error %v, want disk full", err)
		}
		if err := w.Close(); !errors.Is(err, errDiskFull) {
			t.Fatalf("Close error %v, want disk full", err)
		}
	})
	t.Run("FinalFails", func(t *testing.T) {
		w, err := NewSpoolWriter(&failAfter{spoolHeaderSize}, key)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("abc")); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); !errors.Is(err, errDiskFull) {
			t.Fatalf("Close error %v, want disk full", err)
		}
	})
	t.Run("WriteAfterClose", func(t *testing.T) {
		w, err := NewSpoolWriter(io.Discard, key)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte("x")); err == nil {
			t.Fatal("Write after Close: no error")
		}
	})
}

func FuzzOpenSpool(f *testing.F) {
	key := fixedKey(9)
	for _, n := range []int{0, 1, smallChunk, 3*smallChunk + 5} {
		f.Add(writeSpool(f, key, randomBytes(uint64(n), n), smallChunk, 0), int8(0))
		f.Add(writeSpool(f, key, randomBytes(uint64(n), n), SpoolChunkSize, 0), int8(0))
	}
	f.Add([]byte("VSP1"), int8(20))
	f.Fuzz(func(t *testing.T, data []byte, extra int8) {
		size := int64(len(data)) + int64(extra)
		for _, chunk := range []int{smallChunk, SpoolChunkSize} {
			s, err := openSpool(bytes.NewReader(data), size, key, chunk)
			if err != nil {
				continue
			}
			if s.Size() < 0 || s.Size() > size {
				t.Fatalf("Size = %d for %d bytes", s.Size(), size)
			}
			got, err := io.ReadAll(s)
			if err == nil && int64(len(got)) != s.Size() {
				t.Fatalf("read %d bytes, Size = %d", len(got), s.Size())
			}
			p := make([]byte, 100)
			for _, off := range []int64{0, s.Size() / 2, s.Size() - 1, s.Size() + 1} {
				s.ReadAt(p, max(off, 0))
			}
		}
	})
}

func BenchmarkSpool(b *testing.B) {
	const size = 64 << 20
	key := fixedKey(1)
	plain := randomBytes(1, size)
	ct := writeSpool(b, key, plain, SpoolChunkSize, 0)
	var buf bytes.Buffer
	buf.Grow(len(ct))
	write := func() {
		buf.Reset()
		w, err := NewSpoolWriter(&buf, key)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write(plain); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	read := func(ct []byte) {
		s, err := OpenSpool(bytes.NewReader(ct), int64(len(ct)), key)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{s}, make([]byte, 32<<10)); err != nil || n != size {
			b.Fatalf("read %d bytes, %v", n, err)
		}
	}
	b.Run("WriteRead", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			write()
			read(buf.Bytes())
		}
	})
	b.Run("Write", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			write()
		}
	})
	b.Run("Read", func(b *testing.B) {
		b.SetBytes(size)
		for b.Loop() {
			read(ct)
		}
	})
}
