package auth

import (
	"bytes"
	"image/png"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

func TestNewTOTP(t *testing.T) {
	secret, raw, err := NewTOTP("VRS Test", "alice@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 32 { // 160 bits of base32
		t.Errorf("secret %q has %d characters, want 32", secret, len(secret))
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	checks := []struct{ name, got, want string }{
		{"scheme", u.Scheme, "otpauth"},
		{"type", u.Host, "totp"},
		{"label", u.Path, "/VRS Test:alice@example.org"},
		{"secret", q.Get("secret"), secret},
		{"issuer", q.Get("issuer"), "VRS Test"},
		{"algorithm", q.Get("algorithm"), "SHA1"},
		{"digits", q.Get("digits"), "6"},
		{"period", q.Get("period"), "30"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got != c.want {
				t.Errorf("got %q, want %q", c.got, c.want)
			}
		})
	}
	other, _, err := NewTOTP("VRS Test", "alice@example.org")
	if err != nil || other == secret {
		t.Errorf("second secret %q (err %v) repeats the first", other, err)
	}
}

func TestTOTPQRCode(t *testing.T) {
	_, raw, err := NewTOTP("VRS", "bob")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("PNG of the requested size", func(t *testing.T) {
		b, err := TOTPQRCode(raw, 256)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("not a PNG: %v", err)
		}
		if r := img.Bounds(); r.Dx() != 256 || r.Dy() != 256 {
			t.Errorf("image is %v, want 256×256", r)
		}
	})
	bad := []struct{ name, url string }{
		{"http URL", "https://example.org/"},
		{"hotp URL", "otpauth://hotp/VRS:bob?secret=JBSWY3DPEHPK3PXP&counter=1"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := TOTPQRCode(tt.url, 256); err == nil {
				t.Error("no error")
			}
		})
	}
	for _, size := range []int{0, -1, 4096, 10} { // 10 is smaller than the code itself
		if _, err := TOTPQRCode(raw, size); err == nil {
			t.Errorf("size %d: no error", size)
		}
	}
}

func TestCheckTOTP(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Unix(1_700_000_015, 0) // mid-step, so ±30 s is exactly ±1 step
	step := now.Unix() / 30
	codeAt := func(d time.Duration) string {
		c, err := totp.GenerateCode(secret, now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name     string
		code     string
		wantOK   bool
		wantStep int64
	}{
		{"now", codeAt(0), true, step},
		{"30 s ago", codeAt(-30 * time.Second), true, step - 1},
		{"30 s ahead", codeAt(30 * time.Second), true, step + 1},
		{"spaces around and inside", " " + codeAt(0)[:3] + " " + codeAt(0)[3:] + "\t", true, step},
		{"60 s ago", codeAt(-60 * time.Second), false, 0},
		{"90 s ago", codeAt(-90 * time.Second), false, 0},
		{"90 s ahead", codeAt(90 * time.Second), false, 0},
		{"empty", "", false, 0},
		{"5 digits", codeAt(0)[:5], false, 0},
		{"7 digits", codeAt(0) + "0", false, 0},
		{"letter", "12a456", false, 0},
		{"sign", "+12345", false, 0},
		{"full-width digits", "１２３４５６", false, 0},
		{"NUL", codeAt(0) + "\x00", false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := CheckTOTP(secret, tt.code, now)
			if ok != tt.wantOK || got != tt.wantStep {
				t.Errorf("CheckTOTP(%q) = %d, %v; want %d, %v", tt.code, got, ok, tt.wantStep, tt.wantOK)
			}
		})
	}
	secrets := []struct{ name, secret string }{
		{"empty secret", ""},
		{"short secret", "JBSWY3DP"},
		{"not base32", "JBSWY3DPEHPK3PX!JBSWY3DPEHPK3PXP"},
	}
	for _, tt := range secrets {
		t.Run(tt.name, func(t *testing.T) {
			code, _ := totp.GenerateCode(tt.secret, now) // what a key of the bad secret would give
			if _, ok := CheckTOTP(tt.secret, code, now); ok {
				t.Error("accepted")
			}
		})
	}
}

var recoveryRE = regexp.MustCompile(`^[a-z2-7]{5}-[a-z2-7]{5}$`)

func TestNewRecoveryCodes(t *testing.T) {
	codes := NewRecoveryCodes(DefaultRecoveryCodes)
	if len(codes) != DefaultRecoveryCodes {
		t.Fatalf("got %d codes", len(codes))
	}
	seen := map[string]bool{}
	for range 100 {
		for _, c := range NewRecoveryCodes(10) {
			if !recoveryRE.MatchString(c) {
				t.Fatalf("code %q is not xxxxx-xxxxx in lower-case base32", c)
			}
			if seen[c] {
				t.Fatalf("code %q repeats", c)
			}
			seen[c] = true
		}
	}
}

func TestHashRecoveryCode(t *testing.T) {
	want := HashRecoveryCode("k3m9a-q7zpx")
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(want) {
		t.Fatalf("hash %q is not SHA-256 hex", want)
	}
	tests := []struct {
		name, code string
		same       bool
	}{
		{"as issued", "k3m9a-q7zpx", true},
		{"upper case", "K3M9A-Q7ZPX", true},
		{"space for dash", "k3m9a q7zpx", true},
		{"no separator", "k3m9aq7zpx", true},
		{"surrounding spaces", "  k3m9a-q7zpx ", true},
		{"extra dashes", "k3-m9a-q7-zpx", true},
		{"one character off", "k3m9a-q7zpy", false},
		{"truncated", "k3m9a-q7zp", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HashRecoveryCode(tt.code) == want; got != tt.same {
				t.Errorf("HashRecoveryCode(%q) equal = %v, want %v", tt.code, got, tt.same)
			}
		})
	}
}

func BenchmarkCheckTOTP(b *testing.B) {
	secret, _, err := NewTOTP("VRS", "bench")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	code, _ := totp.GenerateCode(secret, now)
	for b.Loop() {
		if _, ok := CheckTOTP(secret, code, now); !ok {
			b.Fatal("refused")
		}
	}
}

func TestTOTPURLMatchesNewTOTP(t *testing.T) {
	secret, want, err := NewTOTP("VRS", "th.focal")
	if err != nil {
		t.Fatal(err)
	}
	got := TOTPURL("VRS", "th.focal", secret)
	k1, err1 := otp.NewKeyFromURL(want)
	k2, err2 := otp.NewKeyFromURL(got)
	if err1 != nil || err2 != nil {
		t.Fatalf("parse: %v %v", err1, err2)
	}
	if k1.Secret() != k2.Secret() || k1.Issuer() != k2.Issuer() || k1.AccountName() != k2.AccountName() || k1.Period() != k2.Period() {
		t.Errorf("TOTPURL = %s, NewTOTP = %s", got, want)
	}
}
