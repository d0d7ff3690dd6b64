package export

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// tempFiles returns the content of every file under dir, listed or open
// in this process though already removed (Linux shows those in
// /proc/self/fd), keyed by where it was found.
func tempFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatalf("open files: %v", err)
	}
	for _, fd := range fds {
		link, err := os.Readlink("/proc/self/fd/" + fd.Name())
		if err != nil || !strings.HasPrefix(link, dir+string(filepath.Separator)) {
			continue
		}
		b, err := os.ReadFile("/proc/self/fd/" + fd.Name())
		if err != nil {
			t.Fatal(err)
		}
		files[link] = b
	}
	return files
}

// inflated is what a deflate reader makes of b, as far as it goes.
func inflated(b []byte) []byte {
	out, _ := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(b)), 64<<20))
	return out
}

// TestXLSXSpools: while an export runs, what lies in the temporary
// directory is encrypted spools and nothing else; once it is closed or
// discarded, nothing at all.
func TestXLSXSpools(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the files removed but still open are found through /proc/self/fd")
	}
	const canary = "Canary Nguyễn Thị"
	for _, end := range []string{"Close", "Discard"} {
		t.Run(end, func(t *testing.T) {
			dir := t.TempDir()
			t.Setenv("TMPDIR", dir)
			var out bytes.Buffer
			x, err := newXLSX(&out, MaxSheetRows)
			if err != nil {
				t.Fatal(err)
			}
			// Enough rows that the persons sheet has sealed chunks on disk,
			// not only in the writer's buffers.
			persons := x.sheets[1].parts[0]
			for inc := range manyIncidents(200_000, func(i int) string { return fmt.Sprintf("%s %d", canary, i) }) {
				inc.Persons[0].Aliases = []string{fmt.Sprintf("alias-%x", inc.ID*7919)}
				if err := x.Write(inc); err != nil {
					t.Fatal(err)
				}
				if fi, err := persons.f.Stat(); err != nil {
					t.Fatal(err)
				} else if fi.Size() > 256<<10 {
					break
				}
			}
			files := tempFiles(t, dir)
			if len(files) != len(tables) {
				t.Errorf("%d files under TMPDIR, want one spool per table (%d)", len(files), len(tables))
			}
			for name, b := range files {
				if !strings.HasPrefix(filepath.Base(strings.TrimSuffix(name, " (deleted)")), "vrs-xlsx-") {
					t.Errorf("file %s under TMPDIR", name)
				}
				if !bytes.HasPrefix(b, []byte("VSP1")) {
					t.Errorf("%s: %d bytes, not a spool", name, len(b))
				}
				// In clear, or merely deflated (which hides text from a plain
				// search): inflating from the start or after the spool's
				// header must not find it either.
				for _, data := range [][]byte{b, inflated(b), inflated(b[min(12, len(b)):])} {
					for _, clear := range []string{canary, "Nguy", "alias-", "VN-00", "<row", "persons"} {
						if bytes.Contains(data, []byte(clear)) {
							t.Errorf("%s holds %q in clear", name, clear)
						}
					}
				}
			}
			if end == "Close" {
				if err := x.Close(); err != nil {
					t.Fatal(err)
				}
				if tabs := readXLSX(t, out.Bytes()); !strings.HasPrefix(tabs["persons"][1][16], canary) {
					t.Errorf("the persons came out as %v", tabs["persons"][1])
				}
			} else {
				x.Discard()
			}
			if left := tempFiles(t, dir); len(left) > 0 {
				t.Errorf("after %s: %d files left under TMPDIR", end, len(left))
			}
		})
	}
}
