package importer

import (
	"errors"
	"io/fs"
	"os"
	"regexp"
	"testing"

	"vrs"
	"vrs/i18n"
)

// hasKey reports whether err is a *vrs.Error with the catalogue key key.
func hasKey(err error, key string) bool {
	var e *vrs.Error
	return errors.As(err, &e) && e.Message == key
}

// TestReaderKeysExist: every catalogue key the file readers use exists in
// English (the i18n package's scan does not know the "import." prefix).
func TestReaderKeysExist(t *testing.T) {
	cat := i18n.MustLoad()
	re := regexp.MustCompile(`"(import\.[a-z0-9_.]*[a-z0-9_])"`)
	n := 0
	// The readers' own files; the mapping's files are checked by its tests.
	for _, f := range []string{"rows.go", "encoding.go", "csv.go", "xlsx.go"} {
		b, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			n++
			if !cat.Has(i18n.Fallback, string(m[1])) {
				t.Errorf("%s: key %q is not in the English catalogue", f, m[1])
			}
		}
	}
	if n == 0 {
		t.Error("no keys found")
	}
}
