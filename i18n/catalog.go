// Package i18n is the message catalogue: every string a user reads comes
// from here by key, in the user's language with English as the fallback.
package i18n

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"vrs"
)

// Messages live in messages/<lang>/<area>.json, one file per area of the
// application, so that each area's strings sit together; a key may appear
// in only one file of a language.
//
//go:embed messages
var messageFS embed.FS

// Fallback is the language every key must exist in.
const Fallback = "en"

// Catalog holds the messages of every language.
type Catalog struct {
	langs map[string]map[string]string
}

// Load reads the embedded catalogue.
func Load() (*Catalog, error) {
	c := &Catalog{langs: map[string]map[string]string{}}
	files, err := fs.Glob(messageFS, "messages/*/*.json")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		b, err := messageFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		lang := path.Base(path.Dir(f))
		if c.langs[lang] == nil {
			c.langs[lang] = map[string]string{}
		}
		for k, v := range m {
			if _, dup := c.langs[lang][k]; dup {
				return nil, fmt.Errorf("%s: key %q is defined twice", f, k)
			}
			c.langs[lang][k] = v
		}
	}
	if c.langs[Fallback] == nil {
		return nil, errors.New("i18n: no English catalogue")
	}
	return c, nil
}

// MustLoad is Load for program start-up, where a broken embedded catalogue
// is a build error.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Languages lists the catalogue's languages.
func (c *Catalog) Languages() []string {
	var out []string
	for l := range c.langs {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// Has reports whether key exists in lang.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.langs[lang][key]
	return ok
}

// Keys returns the keys of lang, sorted.
func (c *Catalog) Keys(lang string) []string {
	var out []string
	for k := range c.langs[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// T returns the message for key in lang (falling back to English), with
// args substituted by fmt verbs. A missing key returns the key itself, so
// that a gap shows on the page rather than an empty string.
func (c *Catalog) T(lang, key string, args ...any) string {
	msg, ok := c.langs[lang][key]
	if !ok {
		if msg, ok = c.langs[Fallback][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Error translates err: its message and, for validation errors, one message
// per field. Errors that are not *vrs.Error read as an internal error.
func (c *Catalog) Error(lang string, err error) (string, map[string]string) {
	e := vrs.AsError(err)
	msg := c.T(lang, e.Message, translateArgs(c, lang, e.Args)...)
	var fields map[string]string
	if len(e.Fields) > 0 {
		fields = make(map[string]string, len(e.Fields))
		for f, key := range e.Fields {
			fields[f] = c.T(lang, key)
		}
	}
	return msg, fields
}

// translateArgs lets an error name a thing by its key ("user" → "user"),
// so that "not found" messages read naturally in every language.
func translateArgs(c *Catalog, lang string, args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if s, ok := a.(string); ok && c.Has(Fallback, "thing."+s) {
			out[i] = c.T(lang, "thing."+s)
			continue
		}
		out[i] = a
	}
	return out
}

// English is a shortcut for command-line output.
func (c *Catalog) English(err error) string {
	msg, fields := c.Error(Fallback, err)
	if len(fields) == 0 {
		return msg
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(msg)
	for _, f := range names {
		fmt.Fprintf(&b, "\n  %s: %s", f, fields[f])
	}
	return b.String()
}
