package web

import (
	"net/url"
	"strings"
	"testing"
)

func TestSafeNext(t *testing.T) {
	cases := []struct{ in, want string }{
		{"/admin/users?x=1", "/admin/users?x=1"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"javascript:alert(1)", "/"},
	}
	for _, tc := range cases {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzSafeNext: whatever a link carries in ?next=, the redirect stays on
// this site (a browser resolving it against our origin keeps our host).
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "//x", "/\\x", "http://x", "/a/b?c=d", "/\t/x", "/%2f%2fx"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://vrs.example/")
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if !strings.HasPrefix(got, "/") {
			t.Fatalf("safeNext(%q) = %q does not start with /", next, got)
		}
		// Browsers drop tabs and newlines from URLs before resolving them.
		cleaned := strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(got)
		u, err := base.Parse(cleaned)
		if err == nil && u.Host != "" && u.Host != base.Host {
			t.Fatalf("safeNext(%q) = %q leaves the site for %q", next, got, u.Host)
		}
	})
}
