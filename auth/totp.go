package auth

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP settings. SHA-1, 6 digits and 30 s are what every authenticator app
// implements; the apps ignore or mishandle anything else in the URL.
const (
	totpPeriod = 30
	totpDigits = 6
	// totpSkew steps either side of now are accepted, for phones whose
	// clock is off and for the seconds a person takes to type the code.
	totpSkew = 1
	// minSecretChars is 80 bits of base32, RFC 4226's minimum.
	minSecretChars = 16
	// maxQRSize bounds the PNG a caller can ask for.
	maxQRSize = 2048
)

var totpOpts = totp.ValidateOpts{
	Period:    totpPeriod,
	Digits:    otp.DigitsSix,
	Algorithm: otp.AlgorithmSHA1,
}

// NewTOTP makes a new random TOTP secret (160 bits, as RFC 4226
// recommends) for account and returns it (base32) with the otpauth:// URL
// that an authenticator app enrols from.
func NewTOTP(issuer, account string) (secret, otpauthURL string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer:      issuer,
		AccountName: account,
		Period:      totpPeriod,
		Digits:      otp.DigitsSix,
		Algorithm:   otp.AlgorithmSHA1,
	})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// TOTPURL rebuilds the otpauth:// URL for an existing secret, so that a
// form that failed can show the same QR code again.
func TOTPURL(issuer, account, secret string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + issuer + ":" + account, RawQuery: v.Encode()}
	return u.String()
}

// TOTPQRCode returns a size×size PNG of the QR code of otpauthURL, for the
// enrolment page to show.
func TOTPQRCode(otpauthURL string, size int) ([]byte, error) {
	if size < 1 || size > maxQRSize {
		return nil, errors.New("auth: QR code size out of range")
	}
	key, err := otp.NewKeyFromURL(otpauthURL)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(key.String(), "otpauth://totp/") {
		return nil, errors.New("auth: not an otpauth://totp/ URL")
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// CheckTOTP reports whether code is the TOTP code of secret for the time
// step of now or one step either side, and returns the matched step
// (unix time / 30). A code stays valid for up to 90 s, so the caller must
// record the step and refuse any later code whose step is not greater:
// otherwise a code seen over a shoulder or in a proxy log can be replayed.
func CheckTOTP(secret, code string, now time.Time) (step int64, ok bool) {
	// Apps show the code as "123 456"; people copy it with the space.
	code = strings.Join(strings.Fields(code), "")
	// An empty or short secret would make codes anyone can compute.
	if len(secret) < minSecretChars || !isDigits(code, totpDigits) {
		return 0, false
	}
	cur := now.Unix() / totpPeriod
	// Every candidate is computed and compared, so that the time taken does
	// not tell which step (if any) matched.
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err != nil {
			return 0, false
		}
		// On the rare collision the latest step wins: it refuses more
		// replays than an earlier one would.
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			step, ok = s, true
		}
	}
	return step, ok
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

const (
	// recoveryChars is the length of a recovery code without its dash;
	// base32 gives 5 bits a character, so 10 make 50 bits: too many to
	// guess online through the sign-in throttle.
	recoveryChars = 10
	// DefaultRecoveryCodes is how many codes a user is given at once.
	DefaultRecoveryCodes = 10
)

// NewRecoveryCodes returns n distinct one-time codes such as "k3m9a-q7zpx",
// for a user who loses the authenticator. They are in lower-case base32
// (no 0, 1, 8 or 9), which is easy to read aloud and to type.
func NewRecoveryCodes(n int) []string {
	codes := make([]string, 0, n)
	seen := make(map[string]bool, n)
	for len(codes) < n {
		// rand.Text is base32 (A–Z, 2–7), each character uniform.
		t := strings.ToLower(rand.Text()[:recoveryChars])
		c := t[:5] + "-" + t[5:]
		if !seen[c] {
			seen[c] = true
			codes = append(codes, c)
		}
	}
	return codes
}

// HashRecoveryCode returns the form of a recovery code that is stored. Case,
// spaces and dashes are dropped first, so that "K3M9A Q7ZPX" matches.
//
// A fast unsalted hash is enough: a code has 50 random bits and is refused
// after one use, and anyone who can read the stored hashes can read the
// TOTP secrets beside them anyway.
func HashRecoveryCode(code string) string {
	code = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToLower(code))
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}
