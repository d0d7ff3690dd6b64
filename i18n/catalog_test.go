package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vrs"
)

func TestLoad(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Keys(Fallback)) < 100 {
		t.Errorf("English catalogue has only %d keys", len(c.Keys(Fallback)))
	}
	for _, lang := range c.Languages() {
		for _, k := range c.Keys(lang) {
			if !c.Has(Fallback, k) {
				t.Errorf("%s has key %q that English lacks", lang, k)
			}
		}
	}
}

func TestT(t *testing.T) {
	c := MustLoad()
	cases := []struct {
		name, lang, key string
		args            []any
		want            string
	}{
		{"Plain", "en", "nav.home", nil, "Home"},
		{"Args", "en", "home.welcome", []any{"ana"}, "Welcome, ana"},
		{"FallbackToEnglish", "xx", "nav.home", nil, "Home"},
		{"MissingKeyShowsKey", "en", "no.such.key", nil, "no.such.key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.T(tc.lang, tc.key, tc.args...); got != tc.want {
				t.Errorf("T = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestError(t *testing.T) {
	c := MustLoad()
	msg, fields := c.Error("en", vrs.FieldErrors(map[string]string{"name": "field.required"}))
	if msg != "Some fields need correcting." || fields["name"] != "This field is required." {
		t.Errorf("field error = %q %v", msg, fields)
	}
	if msg, _ := c.Error("en", vrs.NotFound("user")); msg != "No such user." {
		t.Errorf("not found = %q", msg)
	}
	// An error that is not ours must not reach the user with its text.
	if msg, _ := c.Error("en", os.ErrPermission); strings.Contains(msg, "permission") {
		t.Errorf("internal error text leaked: %q", msg)
	}
	if got := c.English(vrs.FieldErrors(map[string]string{"kind": "field.agency_kind"})); !strings.Contains(got, "kind: Choose one of the agency kinds.") {
		t.Errorf("English = %q", got)
	}
}

// TestEnumerationsHaveLabels: every role, agency kind and view scope can be shown.
func TestEnumerationsHaveLabels(t *testing.T) {
	c := MustLoad()
	var keys []string
	for _, r := range vrs.Roles {
		keys = append(keys, "role."+string(r))
	}
	for _, k := range vrs.AgencyKinds {
		keys = append(keys, "kind."+string(k))
	}
	for _, s := range []vrs.ViewScope{vrs.ViewAgency, vrs.ViewCountry, vrs.ViewShared, vrs.ViewNone} {
		keys = append(keys, "scope."+string(s))
	}
	for _, code := range []string{vrs.EINVALID, vrs.ENOTFOUND, vrs.EFORBIDDEN, vrs.ECONFLICT, vrs.EUNAUTHORIZED, vrs.ETOOMANY, vrs.ETOOLARGE, vrs.EINTERNAL} {
		keys = append(keys, "errorpage."+code+".title", "errorpage."+code+".hint")
	}
	for _, d := range vrs.SettingDefs {
		keys = append(keys, "setting."+d.Key, "setting."+d.Key+".hint")
	}
	for _, k := range keys {
		if !c.Has(Fallback, k) {
			t.Errorf("missing key %q", k)
		}
	}
}

// keyRE finds catalogue keys written as string literals in Go code and
// templates: a known prefix, a dot, then a lower-case name.
var keyRE = regexp.MustCompile(`"((?:error|field|label|nav|flash|signin|second_factor|enrol|home|account|errorpage|app|admin|api|cli|thing|role|kind|scope|incident)\.[a-z0-9_.]*[a-z0-9_])"`)

// TestKeysUsedExist scans the source tree for keys in string literals and
// checks each exists in English, so that no page shows a raw key.
func TestKeysUsedExist(t *testing.T) {
	c := MustLoad()
	root := ".."
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && p != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".html")) || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		// Audit action names ("signin.ok", "incident.create") and setting
		// keys ("signin.notice") are identifiers, not messages.
		if p == filepath.Join(root, "audit.go") || p == filepath.Join(root, "setting.go") || p == filepath.Join(root, "incident.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range keyRE.FindAllSubmatch(b, -1) {
			key := string(m[1])
			if strings.HasSuffix(key, ".css") || strings.HasSuffix(key, ".js") {
				continue // a static file name
			}
			if strings.HasSuffix(key, ".") || strings.HasSuffix(key, "_") {
				continue // a prefix completed at run time
			}
			if !c.Has(Fallback, key) {
				t.Errorf("%s: key %q is not in the English catalogue", p, key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
