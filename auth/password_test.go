package auth

import (
	"context"
	"errors"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"vrs"
)

func testHasher(t testing.TB) *Hasher {
	t.Helper()
	return NewHasher(TestParams, 2)
}

func mustHash(t testing.TB, h *Hasher, password string) string {
	t.Helper()
	s, err := h.Hash(context.Background(), password)
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	return s
}

var phcRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashFormat(t *testing.T) {
	h := testHasher(t)
	a := mustHash(t, h, "correct horse battery")
	b := mustHash(t, h, "correct horse battery")
	if !phcRE.MatchString(a) {
		t.Errorf("hash %q is not a PHC argon2id string with a 16-byte salt and 32-byte key", a)
	}
	if a == b {
		t.Errorf("two hashes of one password are equal (%q): salt is not random", a)
	}
}

func TestVerify(t *testing.T) {
	h := testHasher(t)
	const pw = "correct horse battery"
	stored := mustHash(t, h, pw)
	tests := []struct {
		name     string
		password string
		want     bool
	}{
		{"same password", pw, true},
		{"wrong password", "correct horse battery!", false},
		{"different case", strings.ToUpper(pw), false},
		{"empty password", "", false},
		{"prefix of password", pw[:10], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(context.Background(), tt.password, stored)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if ok != tt.want {
				t.Errorf("ok = %v, want %v", ok, tt.want)
			}
			if rehash {
				t.Errorf("needsRehash = true for a hash made with the hasher's own params")
			}
		})
	}
}

func TestVerifyUnicodeRoundTrip(t *testing.T) {
	h := testHasher(t)
	for _, pw := range []string{"Ελληνικά κωδικός", "パスワードはとても長い", "emoji 🔐🔐🔐 secret"} {
		t.Run(pw, func(t *testing.T) {
			ok, _, err := h.Verify(context.Background(), pw, mustHash(t, h, pw))
			if err != nil || !ok {
				t.Errorf("Verify = %v, %v; want true, nil", ok, err)
			}
		})
	}
}

func TestVerifyTampered(t *testing.T) {
	h := testHasher(t)
	const pw = "correct horse battery"
	good := mustHash(t, h, pw)
	parts := strings.Split(good, "$") // "", alg, v, params, salt, hash
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	flip := func(s string) string { // changes the first character, keeping base64
		c := "A"
		if s[0] == 'A' {
			c = "B"
		}
		return c + s[1:]
	}
	tests := []struct {
		name      string
		stored    string
		malformed bool // else well-formed but must not match
	}{
		{"empty", "", true},
		{"argon2i", with(1, "argon2i"), true},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", true},
		{"version 16", with(2, "v=16"), true},
		{"version missing", strings.Replace(good, "$v=19", "", 1), true},
		{"memory over 1 GiB", with(3, "m=1048577,t=1,p=1"), true},
		{"memory below 8 per thread", with(3, "m=15,t=1,p=2"), true},
		{"time zero", with(3, "m=1024,t=0,p=1"), true},
		{"time over 10", with(3, "m=1024,t=11,p=1"), true},
		{"threads zero", with(3, "m=1024,t=1,p=0"), true},
		{"threads over 16", with(3, "m=1024,t=1,p=17"), true},
		{"threads wrap to 1 in a byte", with(3, "m=1024,t=1,p=257"), true},
		{"params reordered", with(3, "t=1,m=1024,p=1"), true},
		{"leading zero", with(3, "m=01024,t=1,p=1"), true},
		{"plus sign", with(3, "m=+1024,t=1,p=1"), true},
		{"negative", with(3, "m=-1024,t=1,p=1"), true},
		{"extra param", with(3, "m=1024,t=1,p=1,k=1"), true},
		{"salt 4 bytes", with(4, "AAAAAA"), true},
		{"hash 65 bytes", with(5, strings.Repeat("A", 87)), true},
		{"salt padded", with(4, parts[4]+"=="), true},
		{"salt not base64", with(4, "!"+parts[4][1:]), true},
		{"newline in hash", with(5, parts[5][:10]+"\n"+parts[5][10:]), true},
		{"trailing field", good + "$", true},
		{"trailing space", good + " ", true},
		{"hash changed", with(5, flip(parts[5])), false},
		{"salt changed", with(4, flip(parts[4])), false},
		{"memory changed", with(3, "m=2048,t=1,p=1"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, _, err := h.Verify(context.Background(), pw, tt.stored)
			if ok {
				t.Fatalf("Verify accepted %q", tt.stored)
			}
			if tt.malformed && !errors.Is(err, ErrMalformedHash) {
				t.Errorf("err = %v, want ErrMalformedHash", err)
			}
			if !tt.malformed && err != nil {
				t.Errorf("err = %v, want nil for a well-formed hash", err)
			}
		})
	}
}

func TestVerifyNeedsRehash(t *testing.T) {
	const pw = "correct horse battery"
	stored := mustHash(t, testHasher(t), pw)
	tests := []struct {
		name     string
		params   Params
		password string
		want     bool
	}{
		{"same params", TestParams, pw, false},
		{"more memory", Params{Memory: 2048, Time: 1, Threads: 1}, pw, true},
		{"more time", Params{Memory: 1024, Time: 2, Threads: 1}, pw, true},
		{"more threads", Params{Memory: 1024, Time: 1, Threads: 2}, pw, true},
		{"wrong password", Params{Memory: 2048, Time: 1, Threads: 1}, "nope nope nope", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := NewHasher(tt.params, 1).Verify(context.Background(), tt.password, stored)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (tt.password == pw) {
				t.Errorf("ok = %v", ok)
			}
			if rehash != tt.want {
				t.Errorf("needsRehash = %v, want %v", rehash, tt.want)
			}
		})
	}
}

// The one test with production parameters: they must round-trip, and the
// dummy verification must cost what a real one does.
func TestDefaultParams(t *testing.T) {
	h := NewHasher(Params{}, 0)
	if h.Params() != DefaultParams || cap(h.sem) != DefaultMaxConcurrent {
		t.Fatalf("zero arguments gave %+v and %d slots", h.Params(), cap(h.sem))
	}
	const pw = "correct horse battery"
	stored := mustHash(t, h, pw)
	if !strings.HasPrefix(stored, "$argon2id$v=19$m=65536,t=1,p=2$") {
		t.Errorf("hash %q does not carry the default params", stored)
	}
	ok, rehash, err := h.Verify(context.Background(), pw, stored)
	if err != nil || !ok || rehash {
		t.Errorf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

// VerifyDummy must do a full argon2id run with the hasher's memory cost;
// measuring allocation rather than time keeps the test deterministic.
func TestVerifyDummyCostsAHash(t *testing.T) {
	p := Params{Memory: 8 * 1024, Time: 1, Threads: 1}
	h := NewHasher(p, 1)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	h.VerifyDummy(context.Background(), "whatever password")
	runtime.ReadMemStats(&after)
	if got, want := after.TotalAlloc-before.TotalAlloc, uint64(p.Memory)*1024; got < want {
		t.Errorf("VerifyDummy allocated %d bytes, want at least %d (one hash)", got, want)
	}
}

func TestNewHasherRefusesBadParams(t *testing.T) {
	tests := []struct {
		name string
		p    Params
	}{
		{"time zero", Params{Memory: 1024, Threads: 1}},
		{"threads zero", Params{Memory: 1024, Time: 1}},
		{"memory below 8 per thread", Params{Memory: 15, Time: 1, Threads: 2}},
		{"memory over 1 GiB", Params{Memory: 1<<20 + 1, Time: 1, Threads: 1}},
		{"time over 10", Params{Memory: 1024, Time: 11, Threads: 1}},
		{"threads over 16", Params{Memory: 1024, Time: 1, Threads: 17}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("NewHasher(%+v) did not panic", tt.p)
				}
			}()
			NewHasher(tt.p, 1)
		})
	}
}

func TestHasherConcurrencyBound(t *testing.T) {
	const slots = 2
	ops := []struct {
		name string
		run  func(context.Context, *Hasher) error
	}{
		{"Hash", func(ctx context.Context, h *Hasher) error {
			_, err := h.Hash(ctx, "pw")
			return err
		}},
		{"Verify", func(ctx context.Context, h *Hasher) error {
			_, _, err := h.Verify(ctx, "pw", "$argon2id$v=19$m=1024,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
			return err
		}},
		{"VerifyDummy", func(ctx context.Context, h *Hasher) error {
			h.VerifyDummy(ctx, "pw")
			return ctx.Err()
		}},
	}
	for _, op := range ops {
		t.Run(op.name+" waits for ctx when all slots are held", func(t *testing.T) {
			h := NewHasher(TestParams, slots)
			for range slots {
				h.sem <- struct{}{}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := op.run(ctx, h)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want DeadlineExceeded", err)
			}
			if d := time.Since(start); d < 50*time.Millisecond {
				t.Errorf("returned after %v, before the deadline", d)
			}
		})
		t.Run(op.name+" proceeds when a slot frees", func(t *testing.T) {
			h := NewHasher(TestParams, slots)
			for range slots {
				h.sem <- struct{}{}
			}
			done := make(chan error, 1)
			go func() { done <- op.run(context.Background(), h) }()
			select {
			case err := <-done:
				t.Fatalf("ran with every slot held (err %v)", err)
			case <-time.After(50 * time.Millisecond):
			}
			<-h.sem
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("err = %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("still waiting after a slot was freed")
			}
		})
	}
	t.Run("many callers use every slot and no more", func(t *testing.T) {
		h := NewHasher(TestParams, slots)
		var mu sync.Mutex
		inFlight, most := 0, 0
		h.inSlot = func() {
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			mu.Unlock()
			time.Sleep(20 * time.Millisecond) // long enough for the callers to pile up
			mu.Lock()
			inFlight--
			mu.Unlock()
		}
		var wg sync.WaitGroup
		for range 4 * slots {
			wg.Go(func() {
				if _, err := h.Hash(context.Background(), "pw"); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if most != slots {
			t.Errorf("at most %d hashes ran at once, want %d", most, slots)
		}
	})
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		name, password, user, want string
	}{
		{"good", "correct horse battery", "alice", ""},
		{"exactly 12", "abcdefghijkl", "alice", ""},
		{"11 characters", "abcdefghijk", "alice", "field.password_short"},
		{"empty", "", "alice", "field.password_short"},
		{"12 runes in 36 bytes", "パスワードパスワードパス", "alice", ""},
		{"11 runes in 33 bytes", "パスワードパスワードパ", "alice", "field.password_short"},
		{"256 bytes", strings.Repeat("a", 256), "alice", ""},
		{"257 bytes", strings.Repeat("a", 257), "alice", "field.password_long"},
		{"invalid UTF-8", "abcdefghijkl\xff", "alice", "field.utf8"},
		{"equals name", "alice.wonderland", "alice.wonderland", "field.password_is_name"},
		{"equals name in other case", "Alice.Wonderland", "alice.wonderland", "field.password_is_name"},
		{"contains name", "alice.wonderland!", "alice.wonderland", ""},
		{"no name given", "abcdefghijkl", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePassword(tt.password, tt.user)
			if tt.want == "" {
				if err != nil {
					t.Errorf("err = %v, want nil", err)
				}
				return
			}
			var e *vrs.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want *vrs.Error", err)
			}
			if e.Code != vrs.EINVALID || len(e.Fields) != 1 || e.Fields["password"] != tt.want {
				t.Errorf("err = %+v, want EINVALID with password: %s", e, tt.want)
			}
		})
	}
}

func FuzzParsePHC(f *testing.F) {
	h := NewHasher(TestParams, 1)
	good, err := h.Hash(context.Background(), "seed password")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		good,
		"",
		"$argon2id$v=19$m=65536,t=1,p=2$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
		"$argon2id$v=19$m=01024,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAA",
		"$argon2id$v=19$m=1024,t=1,p=1$AAAAAAAAAAA=$AAAAAAAAAAA",
		"$argon2i$v=19$m=1024,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAA",
		"$argon2id$v=19$m=4294967296,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAA",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePHC(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("error %v does not wrap ErrMalformedHash", err)
			}
			return
		}
		if got := p.String(); got != s {
			t.Fatalf("parsed %q but re-encodes as %q", s, got)
		}
	})
}

func BenchmarkHashDefault(b *testing.B) {
	h := NewHasher(DefaultParams, 1)
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery"); err != nil {
			b.Fatal(err)
		}
	}
}
