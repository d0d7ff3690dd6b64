package export

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"time"

	"vrs/crypt"
)

// sheetSpool is one worksheet on its way into the workbook. Its XML is
// deflated as the rows come, then sealed by crypt's spool writer (chunks
// of AES-GCM under a key that lives only in this process) into a
// temporary file that is removed as soon as it is open, where the system
// allows: the personal data in the rows never lies in clear on disk, and
// nothing is left behind if the process dies. Deflating before the spool
// keeps the disk traffic (and the encryption work) to the size of the
// finished file, a tenth of the XML; Close then copies the deflated bytes
// into the archive as they are (zip.Writer.CreateRaw), with the checksum
// and sizes counted on the way in.
type sheetSpool struct {
	name       string // of the sheet, as the workbook lists it
	rows       int    // written, the header included
	f          *os.File
	key        []byte
	enc        io.WriteCloser // crypt spool writer to f; nil once finished
	fw         *flate.Writer
	crc        uint32
	size, zlen uint64
}

// spoolLevel trades a little size for time: the XML of a sheet repeats
// itself so much that the fastest level already shrinks it tenfold.
const spoolLevel = flate.BestSpeed

func newSheetSpool(name string) (*sheetSpool, error) {
	f, err := os.CreateTemp("", "vrs-xlsx-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name()) // still open: gone once closed, even if the process dies
	s := &sheetSpool{name: name, f: f}
	if s.key, err = crypt.NewKey(); err != nil {
		s.remove()
		return nil, err
	}
	if s.enc, err = crypt.NewSpoolWriter(f, s.key); err != nil {
		s.remove()
		return nil, err
	}
	s.fw, _ = flate.NewWriter(counter{&s.zlen, s.enc}, spoolLevel)
	return s, nil
}

// write adds XML to the sheet.
func (s *sheetSpool) write(p []byte) error {
	if s.enc == nil {
		return errors.New("export: sheet " + s.name + " written after it was finished")
	}
	s.crc = crc32.Update(s.crc, crc32.IEEETable, p)
	s.size += uint64(len(p))
	_, err := s.fw.Write(p)
	return err
}

const (
	sheetHead = xmlDecl + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		// The header stays in view while scrolling.
		`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` +
		`<selection pane="bottomLeft"/></sheetView></sheetViews><sheetData>`
	sheetTail = `</sheetData></worksheet>`
)

// finish ends the sheet's XML and seals the spool; the deflater and the
// writer's buffer are freed at once, which matters for a sheet that is
// full long before the export ends.
func (s *sheetSpool) finish() error {
	if s.enc == nil {
		return nil
	}
	err := s.write([]byte(sheetTail))
	if e := s.fw.Close(); err == nil {
		err = e
	}
	if e := s.enc.Close(); err == nil {
		err = e
	}
	s.enc, s.fw = nil, nil
	return err
}

// copyTo writes the finished sheet into the archive as the named part.
func (s *sheetSpool) copyTo(zw *zip.Writer, part string, modified time.Time) error {
	fi, err := s.f.Stat()
	if err != nil {
		return err
	}
	r, err := crypt.OpenSpool(s.f, fi.Size(), s.key)
	if err != nil {
		return fmt.Errorf("export: sheet %s: %w", s.name, err)
	}
	if r.Size() != int64(s.zlen) {
		return fmt.Errorf("export: sheet %s: spool holds %d bytes, %d were written", s.name, r.Size(), s.zlen)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: part, Method: zip.Deflate, Modified: modified,
		CRC32: s.crc, CompressedSize64: s.zlen, UncompressedSize64: s.size})
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	return err
}

// remove closes and deletes the file (if the system kept it) and forgets
// the key.
func (s *sheetSpool) remove() {
	if s.f == nil {
		return
	}
	name := s.f.Name()
	s.f.Close()
	// Already gone where the system let newSheetSpool remove it open.
	os.Remove(name)
	clear(s.key)
	s.f, s.enc, s.fw = nil, nil, nil
}
