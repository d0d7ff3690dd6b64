package export

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/csv"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"time"

	"vrs"
)

// csvWriter writes a ZIP of one CSV file per table. A ZIP holds its files
// one after another, so each table is spooled to a temporary file as it
// grows, already deflated, and Close copies each into the archive as is
// (zip.Writer.CreateRaw), with the checksum and sizes counted on the way.
type csvWriter struct {
	zw     *zip.Writer
	spools []*spool
	row    []string
	closed bool
}

// NewCSV returns a writer of a ZIP of CSV tables (UTF-8 with a byte-order
// mark, which spreadsheet programs need to read it as UTF-8).
func NewCSV(w io.Writer) (Writer, error) {
	c := &csvWriter{zw: zip.NewWriter(w)}
	for _, t := range tables {
		s, err := newSpool(t.name + ".csv")
		if err != nil {
			c.discard()
			return nil, err
		}
		c.spools = append(c.spools, s)
		if err := s.start(t.header); err != nil {
			c.discard()
			return nil, err
		}
	}
	return c, nil
}

func (c *csvWriter) Write(inc *vrs.Incident) error {
	for i, t := range tables {
		s := c.spools[i]
		err := t.rows(inc, func(row []any) error {
			c.row = c.row[:0]
			for _, v := range row {
				c.row = append(c.row, text(v))
			}
			return s.csv.Write(c.row)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *csvWriter) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	defer c.discard()
	now := time.Now()
	for _, s := range c.spools {
		r, fh, err := s.finish()
		if err != nil {
			return err
		}
		fh.Modified = now
		w, err := c.zw.CreateRaw(fh)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, r); err != nil {
			return err
		}
	}
	return c.zw.Close()
}

// Discard frees the spooled tables (see export.Discard).
func (c *csvWriter) Discard() {
	c.closed = true
	c.discard()
}

func (c *csvWriter) discard() {
	for _, s := range c.spools {
		s.remove()
	}
}

// spool is one table on its way into the archive: CSV, deflated, then
// encrypted under a key that lives only in this process, so that the
// personal data it holds never lies in clear on disk (the file is also
// removed as soon as it is open, where the system allows).
type spool struct {
	name       string
	f          *os.File
	key, iv    []byte
	buf        *bufio.Writer
	fw         *flate.Writer
	plain      io.Writer // the CSV text: counted and summed on its way to fw
	csv        *csv.Writer
	crc        hash.Hash32
	size, zlen uint64
}

func newSpool(name string) (*spool, error) {
	f, err := os.CreateTemp("", "vrs-export-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name()) // still open: gone once closed, even if the process dies
	s := &spool{name: name, f: f, key: make([]byte, 32), iv: make([]byte, aes.BlockSize), crc: crc32.NewIEEE()}
	rand.Read(s.key)
	rand.Read(s.iv)
	stream, err := s.stream()
	if err != nil {
		f.Close()
		return nil, err
	}
	s.buf = bufio.NewWriterSize(&cipher.StreamWriter{S: stream, W: f}, 32<<10)
	s.fw, _ = flate.NewWriter(counter{&s.zlen, s.buf}, flate.DefaultCompression)
	s.plain = io.MultiWriter(counter{&s.size, s.fw}, s.crc)
	s.csv = csv.NewWriter(s.plain)
	return s, nil
}

func (s *spool) stream() (cipher.Stream, error) {
	b, err := aes.NewCipher(s.key)
	if err != nil {
		return nil, err
	}
	return cipher.NewCTR(b, s.iv), nil
}

// start writes the byte-order mark and the header.
func (s *spool) start(header []string) error {
	if _, err := io.WriteString(s.plain, "\uFEFF"); err != nil {
		return err
	}
	return s.csv.Write(header)
}

// finish ends the table and returns its deflated bytes and ZIP header.
func (s *spool) finish() (io.Reader, *zip.FileHeader, error) {
	s.csv.Flush()
	if err := s.csv.Error(); err != nil {
		return nil, nil, err
	}
	if err := s.fw.Close(); err != nil {
		return nil, nil, err
	}
	if err := s.buf.Flush(); err != nil {
		return nil, nil, err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, nil, err
	}
	stream, err := s.stream()
	if err != nil {
		return nil, nil, err
	}
	fh := &zip.FileHeader{Name: s.name, Method: zip.Deflate, CRC32: s.crc.Sum32(), CompressedSize64: s.zlen, UncompressedSize64: s.size}
	r := &cipher.StreamReader{S: stream, R: bufio.NewReaderSize(s.f, 32<<10)}
	return io.LimitReader(r, int64(s.zlen)), fh, nil
}

func (s *spool) remove() {
	if s.f == nil {
		return
	}
	name := s.f.Name()
	s.f.Close()
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return
	}
	s.f = nil
}

// counter counts the bytes written through it.
type counter struct {
	n *uint64
	w io.Writer
}

func (c counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	*c.n += uint64(n)
	return n, err
}
