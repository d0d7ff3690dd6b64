package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"vrs"
	"vrs/refdata"
)

// The code lists are embedded and versioned, so their answers are encoded
// once, carry an ETag derived from the versions, and may be cached by the
// caller for an hour; a matching If-None-Match answers 304.

// codeListCacheControl lets a client keep a list for an hour. Private: the
// answer needs a signed-in caller, so shared caches must not keep it.
const codeListCacheControl = "private, max-age=3600"

// codeListSummary is one item of the index.
type codeListSummary struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Title   string `json:"title"`
	Source  string `json:"source"`
	Count   int    `json:"count"`
}

// cachedBody is an encoded answer with its ETag.
type cachedBody struct {
	etag string
	body []byte
}

type codeListCache struct {
	index  cachedBody
	byName map[string]cachedBody
}

var loadCodeListCache = sync.OnceValue(func() *codeListCache {
	lists := refdata.CodeLists()
	c := &codeListCache{byName: make(map[string]cachedBody, len(lists))}
	items := make([]codeListSummary, len(lists))
	h := sha256.New()
	for i, l := range lists {
		items[i] = codeListSummary{Name: l.Name, Version: l.Version, Title: l.Title, Source: l.Source, Count: len(l.Entries)}
		h.Write([]byte(l.Name + "@" + l.Version + "\n"))
		c.byName[l.Name] = cachedBody{etag: `"` + l.Name + "@" + l.Version + `"`, body: encodeJSON(l)}
	}
	c.index = cachedBody{
		etag: `"codelists-` + hex.EncodeToString(h.Sum(nil))[:16] + `"`,
		body: encodeJSON(list[codeListSummary]{Items: items, Count: len(items)}),
	}
	return c
})

// encodeJSON encodes v as web.WriteJSON does.
func encodeJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		panic("api: encode code list: " + err.Error())
	}
	return b.Bytes()
}

// codeListIndex lists the code lists with their versions and sizes.
func (a *API) codeListIndex(w http.ResponseWriter, r *http.Request) {
	writeCached(w, r, loadCodeListCache().index)
}

// codeListGet answers one whole code list.
func (a *API) codeListGet(w http.ResponseWriter, r *http.Request) {
	c, ok := loadCodeListCache().byName[r.PathValue("name")]
	if !ok {
		a.error(w, r, vrs.NotFound("codelist"))
		return
	}
	writeCached(w, r, c)
}

// writeCached answers c, or 304 when the caller already holds it.
func writeCached(w http.ResponseWriter, r *http.Request, c cachedBody) {
	h := w.Header()
	h.Set("ETag", c.etag)
	h.Set("Cache-Control", codeListCacheControl)
	if etagMatches(r.Header.Values("If-None-Match"), c.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(c.body)
	}
}

// etagMatches applies If-None-Match's weak comparison: any listed tag equal
// to etag once a W/ prefix is dropped, or "*".
func etagMatches(headers []string, etag string) bool {
	for _, v := range headers {
		for _, t := range strings.Split(v, ",") {
			t = strings.TrimSpace(t)
			if t == "*" || strings.TrimPrefix(t, "W/") == etag {
				return true
			}
		}
	}
	return false
}
