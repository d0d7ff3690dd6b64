package crypt

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func testKEK(b byte) KEK {
	var k KEK
	for i := range k {
		k[i] = b + byte(i)
	}
	return k
}

func fixedKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func testKeyring(t testing.TB) *Keyring {
	t.Helper()
	kr, err := NewKeyring("test", []Key{
		{ID: 1, Purpose: PurposeData, Secret: fixedKey(1), Retired: true},
		{ID: 2, Purpose: PurposeIndex, Secret: fixedKey(2)},
		{ID: 3, Purpose: PurposeData, Secret: fixedKey(3)},
	})
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

func TestParseKEK(t *testing.T) {
	k := testKEK(7)
	raw := k[:]
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"Std", base64.StdEncoding.EncodeToString(raw), true},
		{"StdNewline", base64.StdEncoding.EncodeToString(raw) + "\n", true},
		{"RawStd", base64.RawStdEncoding.EncodeToString(raw), true},
		{"URL", base64.URLEncoding.EncodeToString(raw), true},
		{"RawURL", base64.RawURLEncoding.EncodeToString(raw), true},
		{"ErrEmpty", "  ", false},
		{"ErrShort", base64.StdEncoding.EncodeToString(raw[:16]), false},
		{"ErrLong", base64.StdEncoding.EncodeToString(append(raw, 1)), false},
		{"ErrNotBase64", "this is not base64 at all!", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseKEK(tc.in)
			if tc.ok {
				if err != nil || got != k {
					t.Fatalf("ParseKEK = %v, %v", got, err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if strings.TrimSpace(tc.in) != "" && strings.Contains(err.Error(), strings.TrimSpace(tc.in)) {
				t.Errorf("error repeats the input: %v", err)
			}
		})
	}
}

func TestKEKID(t *testing.T) {
	a, b := testKEK(1), testKEK(2)
	if a.ID() == b.ID() || len(a.ID()) != 16 || a.ID() != testKEK(1).ID() {
		t.Errorf("IDs %q %q", a.ID(), b.ID())
	}
	for _, s := range []string{fmt.Sprint(a), fmt.Sprintf("%v %+v %#v %s", a, a, a, a)} {
		if strings.Contains(s, a.Encode()) || strings.Contains(s, "[") {
			t.Errorf("formatting shows key material: %s", s)
		}
	}
}

func TestKEKFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "vrs.key")
	k, err := CreateKEKFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("stat = %v, %v; want mode 0600", st.Mode(), err)
	}
	got, err := LoadKEK(path)
	if err != nil || got != k {
		t.Fatalf("LoadKEK = %v, %v; want %v", got, err, k)
	}
	if _, err := CreateKEKFile(path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second CreateKEKFile: %v, want ErrExist", err)
	}
	if got, _ := LoadKEK(path); got != k {
		t.Error("the key file was overwritten")
	}
	if _, err := LoadKEK(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.key")
	os.WriteFile(bad, []byte("short\n"), 0o600)
	if _, err := LoadKEK(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad file: %v", err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "sub", ".vrs-key-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestWrap(t *testing.T) {
	kek := testKEK(9)
	dek := fixedKey(5)
	w, err := Wrap(kek, dek, "vrs-data-key:1:data")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(w, dek) {
		t.Fatal("wrapped key contains the key")
	}
	got, err := Unwrap(kek, w, "vrs-data-key:1:data")
	if err != nil || !bytes.Equal(got, dek) {
		t.Fatalf("Unwrap = %x, %v", got, err)
	}
	if _, err := Unwrap(testKEK(10), w, "vrs-data-key:1:data"); !errors.Is(err, ErrUnwrap) {
		t.Errorf("wrong KEK: %v", err)
	}
	if _, err := Unwrap(kek, w, "vrs-data-key:2:data"); !errors.Is(err, ErrUnwrap) {
		t.Errorf("wrong AAD: %v", err)
	}
	w[len(w)-1] ^= 1
	if _, err := Unwrap(kek, w, "vrs-data-key:1:data"); !errors.Is(err, ErrUnwrap) {
		t.Errorf("tampered: %v", err)
	}
	if _, err := Unwrap(kek, w[:5], "vrs-data-key:1:data"); !errors.Is(err, ErrUnwrap) {
		t.Errorf("short: %v", err)
	}
}

func TestNewKeyring(t *testing.T) {
	d := func(id int64, retired bool) Key {
		return Key{ID: id, Purpose: PurposeData, Secret: fixedKey(byte(id)), Retired: retired}
	}
	idx := Key{ID: 9, Purpose: PurposeIndex, Secret: fixedKey(9)}
	tests := []struct {
		name   string
		keys   []Key
		active int64
	}{
		{"OK", []Key{d(1, false), idx}, 1},
		{"NewestActive", []Key{d(1, true), d(2, false), idx}, 2},
		{"ErrNoIndex", []Key{d(1, false)}, 0},
		{"ErrTwoIndex", []Key{d(1, false), idx, {ID: 10, Purpose: PurposeIndex, Secret: fixedKey(10)}}, 0},
		{"ErrNoActive", []Key{d(1, true), idx}, 0},
		{"ErrDuplicate", []Key{d(1, false), d(1, false), idx}, 0},
		{"ErrShortKey", []Key{{ID: 1, Purpose: PurposeData, Secret: []byte("short")}, idx}, 0},
		{"ErrPurpose", []Key{d(1, false), idx, {ID: 3, Purpose: "other", Secret: fixedKey(3)}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kr, err := NewKeyring("x", tc.keys)
			if tc.active == 0 {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil || kr.ActiveKeyID() != tc.active || kr.IndexKeyID() != 9 || kr.KEKID() != "x" {
				t.Fatalf("keyring %+v, %v", kr, err)
			}
		})
	}
}

func TestSealOpen(t *testing.T) {
	kr := testKeyring(t)
	secret := []byte("Nguyễn Văn Đức, passport C1234567")
	aad := []byte("incident:42")
	id, ct, err := kr.Seal(aad, secret)
	if err != nil || id != 3 {
		t.Fatalf("Seal = %d, %v", id, err)
	}
	if bytes.Contains(ct, secret) || bytes.Contains(ct, []byte("C1234567")) {
		t.Fatal("ciphertext holds the plaintext")
	}
	_, ct2, _ := kr.Seal(aad, secret)
	if bytes.Equal(ct, ct2) {
		t.Fatal("two seals of one plaintext are equal: nonce reused")
	}
	got, err := kr.Open(id, aad, ct)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if got, err := kr.Open(id, aad, mustSeal(t, kr, aad, nil)); err != nil || len(got) != 0 {
		t.Errorf("empty plaintext: %q, %v", got, err)
	}

	tampered := bytes.Clone(ct)
	tampered[len(tampered)/2] ^= 0x40
	errCases := []struct {
		name  string
		id    int64
		aad   []byte
		ct    []byte
		isErr error
	}{
		{"ErrWrongAAD", id, []byte("incident:43"), ct, ErrOpen},
		{"ErrNoAAD", id, nil, ct, ErrOpen},
		{"ErrTampered", id, aad, tampered, ErrOpen},
		{"ErrTruncated", id, aad, ct[:len(ct)-1], ErrOpen},
		{"ErrShort", id, aad, ct[:4], ErrOpen},
		{"ErrWrongKeyID", 1, aad, ct, ErrOpen},
		{"ErrUnknownKeyID", 77, aad, ct, nil},
		{"ErrIndexKeyID", 2, aad, ct, nil},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			pt, err := kr.Open(tc.id, tc.aad, tc.ct)
			if err == nil || pt != nil {
				t.Fatalf("Open = %q, %v; want an error", pt, err)
			}
			if tc.isErr != nil && !errors.Is(err, tc.isErr) {
				t.Errorf("error %v, want %v", err, tc.isErr)
			}
			msg := err.Error()
			for _, part := range []string{string(secret), "Nguy", "C1234567", "passport"} {
				if strings.Contains(msg, part) {
					t.Errorf("error %q contains plaintext", msg)
				}
			}
		})
	}
}

func mustSeal(t *testing.T, kr *Keyring, aad, pt []byte) []byte {
	t.Helper()
	_, ct, err := kr.Seal(aad, pt)
	if err != nil {
		t.Fatal(err)
	}
	return ct
}

func TestRotationKeepsOldReadable(t *testing.T) {
	old, err := NewKeyring("a", []Key{
		{ID: 1, Purpose: PurposeData, Secret: fixedKey(1)},
		{ID: 2, Purpose: PurposeIndex, Secret: fixedKey(2)},
	})
	if err != nil {
		t.Fatal(err)
	}
	aad := []byte("incident:1")
	id, ct, _ := old.Seal(aad, []byte("old record"))
	// Rewrap under a new KEK, add a new data key, retire the old one.
	kek := testKEK(3)
	var keys []Key
	for _, kid := range old.KeyIDs() {
		purpose := PurposeData
		if kid == old.IndexKeyID() {
			purpose = PurposeIndex
		}
		aadW := fmt.Sprintf("k:%d", kid)
		w, err := old.Rewrap(kid, kek, aadW)
		if err != nil {
			t.Fatal(err)
		}
		secret, err := Unwrap(kek, w, aadW)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, Key{ID: kid, Purpose: purpose, Secret: secret, Retired: kid == 1})
	}
	keys = append(keys, Key{ID: 3, Purpose: PurposeData, Secret: fixedKey(3)})
	kr, err := NewKeyring(kek.ID(), keys)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := kr.Open(id, aad, ct); err != nil || string(got) != "old record" {
		t.Fatalf("old record: %q, %v", got, err)
	}
	newID, newCT, err := kr.Reseal(id, aad, ct)
	if err != nil || newID != 3 {
		t.Fatalf("Reseal = %d, %v", newID, err)
	}
	if got, err := kr.Open(newID, aad, newCT); err != nil || string(got) != "old record" {
		t.Fatalf("resealed record: %q, %v", got, err)
	}
	if sameID, same, _ := kr.Reseal(newID, aad, newCT); sameID != 3 || !bytes.Equal(same, newCT) {
		t.Error("Reseal of a current ciphertext changed it")
	}
	if bytes.Equal(kr.BlindIndex(KindName, "An"), old.BlindIndex(KindName, "An")) == false {
		t.Error("the index key changed with rotation")
	}
	if _, err := kr.Rewrap(99, kek, "x"); err == nil {
		t.Error("Rewrap of an unknown key")
	}
}

func TestBlindIndex(t *testing.T) {
	kr := testKeyring(t)
	other, _ := NewKeyring("o", []Key{
		{ID: 1, Purpose: PurposeData, Secret: fixedKey(1)},
		{ID: 2, Purpose: PurposeIndex, Secret: fixedKey(4)},
	})
	same := []struct{ kind, a, b string }{
		{KindName, "Nguyễn Văn Đức", "nguyen van duc"},
		{KindName, "Van Duc Nguyen", "NGUYEN, Van-Duc"},
		{KindAlias, "Đức", "duc"},
		{KindPhone, "+66 81-234 5678", "0066812345678"},
		{KindDocumentNumber, "c 1234-567", "C1234567"},
		{KindEmail, " A@Example.org", "a@example.org"},
	}
	for _, tc := range same {
		a, b := kr.BlindIndex(tc.kind, tc.a), kr.BlindIndex(tc.kind, tc.b)
		if len(a) != BlindIndexSize || !bytes.Equal(a, b) {
			t.Errorf("%s: %q → %x, %q → %x; want equal", tc.kind, tc.a, a, tc.b, b)
		}
		if bytes.Equal(a, other.BlindIndex(tc.kind, tc.a)) {
			t.Errorf("%s: another index key gives the same digest", tc.kind)
		}
	}
	if bytes.Equal(kr.BlindIndex(KindName, "12345"), kr.BlindIndex(KindPhone, "12345")) ||
		bytes.Equal(kr.BlindIndex(KindName, "abc"), kr.BlindIndex(KindAlias, "abc")) {
		t.Error("kinds share digests")
	}
	if bytes.Equal(kr.BlindIndex(KindName, "An"), kr.BlindIndex(KindName, "Anh")) {
		t.Error("different names share a digest")
	}
	for _, v := range []string{"", "  ", "--"} {
		if got := kr.BlindIndex(KindName, v); got != nil {
			t.Errorf("BlindIndex(%q) = %x, want nil", v, got)
		}
	}
}

func TestKeyringConcurrent(t *testing.T) {
	kr := testKeyring(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				aad := fmt.Appendf(nil, "incident:%d", i)
				pt := fmt.Appendf(nil, "value %d", j)
				id, ct, err := kr.Seal(aad, pt)
				if err != nil {
					t.Error(err)
					return
				}
				got, err := kr.Open(id, aad, ct)
				if err != nil || !bytes.Equal(got, pt) {
					t.Errorf("round trip: %q, %v", got, err)
					return
				}
				kr.BlindIndex(KindName, string(pt))
			}
		})
	}
	wg.Wait()
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, kind, in, want string
	}{
		{"NameVietnamese", KindName, "Nguyễn Văn Đức", "duc nguyen van"},
		{"NameOrderSwap", KindName, "Van Duc Nguyen", "duc nguyen van"},
		{"NamePunctuation", KindName, "  NGUYEN,Van-Duc. ", "duc nguyen van"},
		{"NameDStroke", KindName, "ĐOÀN đình", "dinh doan"},
		{"NameThaiKeepsMarks", KindName, "ใจดี สมชาย", "สมชาย ใจดี"},
		{"NameFullWidth", KindName, "ＡＢＣ", "abc"},
		{"NameOnlyPunctuation", KindName, "-- ,", ""},
		{"AliasLikeName", KindAlias, "Bé Tư", "be tu"},
		{"AddressKeepsOrder", KindAddress, "12 Lê Lợi St., Quận 1", "12 le loi st quan 1"},
		{"DocumentNumber", KindDocumentNumber, " c-123 456/ab ", "C123456AB"},
		{"DocumentNumberFullWidth", KindDocumentNumber, "Ｃ１２３", "C123"},
		{"DocumentNumberDropsNonASCII", KindDocumentNumber, "Đ12", "12"},
		{"Account", KindAccount, "TH12 3456-7890", "TH1234567890"},
		{"PhonePlus", KindPhone, "+66 81-234 5678", "66812345678"},
		{"PhoneDoubleZero", KindPhone, "0066812345678", "66812345678"},
		{"PhoneNational", KindPhone, "081 234 5678", "0812345678"},
		{"PhoneLetters", KindPhone, "tel: (02) 123", "02123"},
		{"Email", KindEmail, "  Somchai@Example.ORG ", "somchai@example.org"},
		{"SocialMedia", KindSocialMedia, " @Somchai_99 ", "somchai_99"},
		{"DateOfBirth", KindDateOfBirth, " 1990-04-01\n", "1990-04-01"},
		{"UnknownKind", "other", " x ", "x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Normalize(tc.kind, tc.in); got != tc.want {
				t.Errorf("Normalize(%s, %q) = %q, want %q", tc.kind, tc.in, got, tc.want)
			}
		})
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Nguyễn Văn Đức", "+66 81-234 5678", "0000", "ẞ İ ﬁ", "@ @x", "\xff\xfe", "สมชาย", "Ａ１", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range Kinds {
			once := Normalize(kind, s)
			if twice := Normalize(kind, once); twice != once {
				t.Fatalf("%s: not idempotent: %q → %q → %q", kind, s, once, twice)
			}
			if !utf8.ValidString(once) {
				t.Fatalf("%s: %q → invalid UTF-8 %q", kind, s, once)
			}
		}
	})
}
