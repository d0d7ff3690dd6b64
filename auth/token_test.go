package auth

import (
	"regexp"
	"strings"
	"testing"
)

var base64URLRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

func TestNewAPIToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		plain, prefix, hash := NewAPIToken()
		rest, ok := strings.CutPrefix(plain, "vrs_")
		if !ok || !base64URLRE.MatchString(rest) {
			t.Fatalf("token %q is not vrs_ and 32 bytes of unpadded base64url", plain)
		}
		if prefix != plain[:12] {
			t.Fatalf("prefix %q is not the first 12 characters of %q", prefix, plain)
		}
		if hash != HashToken(plain) {
			t.Fatalf("hash %q is not HashToken(plain)", hash)
		}
		if seen[plain] {
			t.Fatalf("token %q repeats", plain)
		}
		seen[plain] = true
	}
}

func TestNewSessionToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		plain, id := NewSessionToken()
		if !base64URLRE.MatchString(plain) {
			t.Fatalf("token %q is not 32 bytes of unpadded base64url", plain)
		}
		if id != HashToken(plain) || id == plain {
			t.Fatalf("id %q is not HashToken(%q)", id, plain)
		}
		if seen[plain] {
			t.Fatalf("token %q repeats", plain)
		}
		seen[plain] = true
	}
}

func TestNewCSRFToken(t *testing.T) {
	a, b := NewCSRFToken(), NewCSRFToken()
	if !base64URLRE.MatchString(a) || a == b {
		t.Errorf("tokens %q and %q: want distinct 32-byte base64url", a, b)
	}
}

func TestHashToken(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HashToken(tt.in); got != tt.want {
				t.Errorf("HashToken(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
	t.Run("stable", func(t *testing.T) {
		plain, _, hash := NewAPIToken()
		if HashToken(plain) != hash || HashToken(plain+"x") == hash {
			t.Error("hash is not a function of the token alone")
		}
	})
}

func TestEqualTokens(t *testing.T) {
	tok := NewCSRFToken()
	tests := []struct {
		name string
		a, b string
		want bool
	}{
		{"same", tok, strings.Clone(tok), true},
		{"both empty", "", "", false},
		{"empty vs token", "", tok, false},
		{"last byte differs", tok, tok[:len(tok)-1] + "!", false},
		{"prefix", tok, tok[:10], false},
		{"case differs", "abcDEF", "abcdef", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EqualTokens(tt.a, tt.b); got != tt.want {
				t.Errorf("EqualTokens = %v, want %v", got, tt.want)
			}
		})
	}
}

func BenchmarkHashToken(b *testing.B) {
	plain, _, _ := NewAPIToken()
	for b.Loop() {
		HashToken(plain)
	}
}
