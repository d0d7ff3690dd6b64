package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// staticFiles serves embedded files under content-hashed names
// (app.css → /static/app.3f2a9c1d.css), so that they can be cached forever
// and a new release is never served a stale copy.
type staticFiles struct {
	urls  map[string]string // logical name → hashed URL
	files map[string]staticFile
}

type staticFile struct {
	body        []byte
	contentType string
}

func loadStatic() (*staticFiles, error) {
	sf := &staticFiles{urls: map[string]string{}, files: map[string]staticFile{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		sf.urls[name] = "/static/" + hashed
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		sf.files[hashed] = staticFile{body: body, contentType: ct}
		return nil
	})
	return sf, err
}

// URL returns the hashed URL of a logical static name.
func (sf *staticFiles) URL(name string) string {
	if u, ok := sf.urls[name]; ok {
		return u
	}
	panic("web: no static file " + name)
}

func (sf *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := sf.files[strings.TrimPrefix(r.URL.Path, "/static/")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(f.body)
}
