package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vrs"
	"vrs/crypt"
	"vrs/store"
	"vrs/storetest"
)

// keyPath is the installation's key file.
func (in *installation) keyPath() string { return filepath.Join(in.dir, KeyFile) }

// kek reads the installation's key file.
func (in *installation) kek(t *testing.T) crypt.KEK {
	t.Helper()
	k, err := crypt.LoadKEK(in.keyPath())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// withKeys opens the store directly with kek, runs fn and closes it.
func (in *installation) withKeys(t *testing.T, kek crypt.KEK, fn func(db *store.DB)) {
	t.Helper()
	in.with(t, func(db *store.DB) {
		if err := db.UseKEK(context.Background(), kek); err != nil {
			t.Fatal(err)
		}
		fn(db)
	})
}

// vrsRunEnv runs one command with the given environment.
func vrsRunEnv(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	c, out, errOut := newCLI("")
	c.getenv = func(k string) string { return env[k] }
	code := c.run(context.Background(), args)
	return result{code, out.String(), errOut.String()}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// sealed is a record sealed before a rotation, to read after it.
type sealed struct {
	keyID int64
	ct    []byte
}

var sealAAD = []byte("incident:1")

const sealText = "Nguyễn Văn Đức"

func sealOne(t *testing.T, in *installation, kek crypt.KEK) sealed {
	t.Helper()
	var s sealed
	in.withKeys(t, kek, func(db *store.DB) {
		kr, _ := db.Keyring()
		var err error
		if s.keyID, s.ct, err = kr.Seal(sealAAD, []byte(sealText)); err != nil {
			t.Fatal(err)
		}
	})
	return s
}

// wantReadable checks that the store opens with kek, reads s, and seals
// new data with data key active.
func wantReadable(t *testing.T, in *installation, kek crypt.KEK, s sealed, active int64) {
	t.Helper()
	in.withKeys(t, kek, func(db *store.DB) {
		kr, _ := db.Keyring()
		if got, err := kr.Open(s.keyID, sealAAD, s.ct); err != nil || string(got) != sealText {
			t.Errorf("old record: %q, %v", got, err)
		}
		if db.ActiveDataKeyID() != active {
			t.Errorf("active data key %d, want %d", db.ActiveDataKeyID(), active)
		}
	})
}

func TestKeysFirstRun(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			in := newInstallation(t, d)
			r := vrsRun(t, "", in.cmd("agency add", "--country", "TH", "--name", "Royal Thai Police", "--kind", "police")...)
			if r.code != 0 || !strings.Contains(r.stderr, "created a key-encryption key file") {
				t.Fatalf("agency add: exit %d stderr %q", r.code, r.stderr)
			}
			st, err := os.Stat(in.keyPath())
			if err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("key file: %v, %v", st, err)
			}
			kek := in.kek(t)
			out := must(t, "", in.cmd("keys status")...)
			for _, want := range []string{"Key-encryption key: " + kek.ID(), "1   data (active)", "2   index"} {
				if !strings.Contains(out, want) {
					t.Errorf("status lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, kek.Encode()) {
				t.Error("status shows the KEK")
			}
			// A second command uses the same key, silently.
			if r := vrsRun(t, "", in.cmd("agency list")...); r.code != 0 || r.stderr != "" || in.kek(t) != kek {
				t.Errorf("agency list: exit %d stderr %q", r.code, r.stderr)
			}
		})
	}
}

func TestKeysRotate(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			in := newInstallation(t, d)
			in.withWorld(t)
			old := in.kek(t)
			s := sealOne(t, in, old)
			out := must(t, "", in.cmd("keys rotate")...)
			kek := in.kek(t)
			if kek == old {
				t.Fatal("the key file still holds the old KEK")
			}
			for _, want := range []string{"Rotated: key-encryption key " + kek.ID() + " replaces " + old.ID(), "data key 1 retired, data key 3", in.keyPath()} {
				if !strings.Contains(out, want) {
					t.Errorf("rotate said %q, want %q", out, want)
				}
			}
			if strings.Contains(out, kek.Encode()) {
				t.Error("rotate printed the key held in the key file")
			}
			if exists(in.keyPath() + newKeySuffix) {
				t.Error("vrs.key.new left behind")
			}
			must(t, "", in.cmd("user list")...)
			wantReadable(t, in, kek, s, 3)
			in.with(t, func(db *store.DB) {
				if err := db.UseKEK(context.Background(), old); vrs.ErrorCode(err) != vrs.EINVALID {
					t.Errorf("old KEK: %v", err)
				}
				es, err := db.ListAudit(system(context.Background()), vrs.AuditFilter{Action: vrs.ActKeysRotate})
				if err != nil || len(es) != 1 || es[0].Via != "cli" {
					t.Errorf("audit: %+v, %v", es, err)
				}
			})
			if out := must(t, "", in.cmd("audit verify")...); !strings.HasPrefix(out, "audit log intact") {
				t.Errorf("audit verify: %q", out)
			}
			// And once more: two retired keys, still readable.
			must(t, "", in.cmd("keys rotate")...)
			wantReadable(t, in, in.kek(t), s, 4)
			status := must(t, "", in.cmd("keys status")...)
			if !regexp.MustCompile(`(?m)^1 +data +`+in.kek(t).ID()+` +\S+ \S+ +\S+ \S+$`).MatchString(status) ||
				!strings.Contains(status, "4   data (active)") {
				t.Errorf("status after two rotations:\n%s", status)
			}
		})
	}
}

func TestKeysRotateEnv(t *testing.T) {
	in := newInstallation(t, "sqlite")
	first, _ := crypt.GenerateKEK()
	env := map[string]string{"VRS_KEK": first.Encode()}
	if r := vrsRunEnv(t, env, in.cmd("agency add", "--country", "TH", "--name", "Royal Thai Police", "--kind", "police")...); r.code != 0 {
		t.Fatalf("agency add: exit %d stderr %q", r.code, r.stderr)
	}
	if exists(in.keyPath()) {
		t.Fatal("a key file was written although VRS_KEK is set")
	}
	s := sealOne(t, in, first)
	r := vrsRunEnv(t, env, in.cmd("keys rotate")...)
	if r.code != 0 {
		t.Fatalf("rotate: exit %d stderr %q", r.code, r.stderr)
	}
	m := regexp.MustCompile(`(?m)^([A-Za-z0-9+/]{43}=)$`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("rotate printed no key:\n%s", r.stdout)
	}
	next, err := crypt.ParseKEK(m[1])
	if err != nil || next == first || !strings.Contains(r.stdout, next.ID()) {
		t.Fatalf("printed key %v, %v", next, err)
	}
	if exists(in.keyPath()) || exists(in.keyPath()+newKeySuffix) {
		t.Error("a key file was written although VRS_KEK is set")
	}
	if r := vrsRunEnv(t, env, in.cmd("agency list")...); r.code != 1 || !strings.Contains(r.stderr, "wrapped under the key-encryption key "+next.ID()) {
		t.Errorf("old VRS_KEK: exit %d stderr %q", r.code, r.stderr)
	}
	env["VRS_KEK"] = next.Encode()
	if r := vrsRunEnv(t, env, in.cmd("agency list")...); r.code != 0 {
		t.Errorf("new VRS_KEK: exit %d stderr %q", r.code, r.stderr)
	}
	wantReadable(t, in, next, s, 3)

	env["VRS_KEK"] = "not a key"
	if r := vrsRunEnv(t, env, in.cmd("agency list")...); r.code != 1 || !strings.Contains(r.stderr, "VRS_KEK: key-encryption key is not base64") {
		t.Errorf("bad VRS_KEK: exit %d stderr %q", r.code, r.stderr)
	}
}

// TestKeysRotateCrash: a rotation stopped between its steps is finished or
// undone by the next start.
func TestKeysRotateCrash(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			tests := []struct {
				name    string
				rotated bool // the store was rotated before the crash
				log     string
			}{
				{"StoreRotated", true, "finished an interrupted key rotation"},
				{"StoreNotRotated", false, "undid an interrupted key rotation"},
			}
			for _, tc := range tests {
				t.Run(tc.name, func(t *testing.T) {
					in := newInstallation(t, d)
					in.withWorld(t)
					old := in.kek(t)
					s := sealOne(t, in, old)
					next, _ := crypt.GenerateKEK()
					if err := crypt.WriteKEKFile(in.keyPath()+newKeySuffix, next); err != nil {
						t.Fatal(err)
					}
					if tc.rotated {
						in.withKeys(t, old, func(db *store.DB) {
							if _, err := db.RotateKEK(system(context.Background()), next); err != nil {
								t.Fatal(err)
							}
						})
					}
					r := vrsRun(t, "", in.cmd("user list")...)
					if r.code != 0 || !strings.Contains(r.stderr, tc.log) {
						t.Fatalf("user list: exit %d stderr %q", r.code, r.stderr)
					}
					want, active := old, int64(1)
					if tc.rotated {
						want, active = next, 3
					}
					if in.kek(t) != want {
						t.Errorf("key file holds %v, want %v", in.kek(t), want)
					}
					if exists(in.keyPath() + newKeySuffix) {
						t.Error("vrs.key.new left behind")
					}
					wantReadable(t, in, want, s, active)
					// Quiet from now on, and rotation works again.
					if r := vrsRun(t, "", in.cmd("user list")...); r.code != 0 || r.stderr != "" {
						t.Errorf("second start: exit %d stderr %q", r.code, r.stderr)
					}
					must(t, "", in.cmd("keys rotate")...)
					wantReadable(t, in, in.kek(t), s, max(active, 2)+1) // id 2 is the index key
				})
			}
		})
	}
}

func TestKeysRefused(t *testing.T) {
	in := newInstallation(t, "sqlite")
	in.withWorld(t)
	kek := in.kek(t)

	t.Run("ErrMissingKeyFile", func(t *testing.T) {
		if err := os.Rename(in.keyPath(), in.keyPath()+".away"); err != nil {
			t.Fatal(err)
		}
		defer os.Rename(in.keyPath()+".away", in.keyPath())
		for _, args := range [][]string{in.cmd("user list"), in.cmd("serve", "--addr", "127.0.0.1:0")} {
			r := vrsRun(t, "", args...)
			if r.code != 1 || !strings.Contains(r.stderr, "The key file "+in.keyPath()+" is missing") || !strings.Contains(r.stderr, kek.ID()) {
				t.Errorf("vrs %s: exit %d stderr %q", args[0], r.code, r.stderr)
			}
			if exists(in.keyPath()) {
				t.Fatal("a new key file was made for a store that has keys")
			}
		}
	})

	t.Run("ErrWrongKeyFile", func(t *testing.T) {
		other := filepath.Join(t.TempDir(), "other.key")
		k, err := crypt.CreateKEKFile(other)
		if err != nil {
			t.Fatal(err)
		}
		r := vrsRun(t, "", in.cmd("user list", "--key-file", other)...)
		if r.code != 1 || !strings.Contains(r.stderr, "wrapped under the key-encryption key "+kek.ID()+", but the key given is "+k.ID()) {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
	})

	t.Run("ErrRotateWhileServing", func(t *testing.T) {
		s := start(t, in.cmd("serve", "--addr", "127.0.0.1:0")...)
		r := vrsRun(t, "", in.cmd("keys rotate")...)
		s.stop(t)
		if r.code != 1 || !strings.Contains(r.stderr, "Stop it and try again") {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
		if in.kek(t) != kek || exists(in.keyPath()+newKeySuffix) {
			t.Error("a refused rotation changed the key file")
		}
	})

	t.Run("ErrNoStore", func(t *testing.T) {
		r := vrsRun(t, "", "keys", "rotate", "--data-dir", filepath.Join(t.TempDir(), "nothing"))
		if r.code != 1 || !strings.Contains(r.stderr, "There is no VRS store") {
			t.Errorf("exit %d stderr %q", r.code, r.stderr)
		}
	})

	t.Run("KeyFileFlag", func(t *testing.T) {
		moved := filepath.Join(t.TempDir(), "keys", "vrs.key")
		os.MkdirAll(filepath.Dir(moved), 0o700)
		copyFile(t, in.keyPath(), moved)
		must(t, "", in.cmd("keys rotate", "--key-file", moved)...)
		if in.kek(t) != kek {
			t.Error("rotation with --key-file changed the default key file")
		}
		k, err := crypt.LoadKEK(moved)
		if err != nil || k == kek {
			t.Fatalf("moved key file: %v, %v", k, err)
		}
		if r := vrsRunEnv(t, map[string]string{"VRS_KEY_FILE": moved}, in.cmd("user list")...); r.code != 0 {
			t.Errorf("VRS_KEY_FILE: exit %d stderr %q", r.code, r.stderr)
		}
	})
}

func TestKeysRotateReencrypt(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(d, func(t *testing.T) {
			in := newInstallation(t, d)
			// The first command creates the store and its key file.
			must(t, "", in.cmd("agency add", "--country", "MY", "--name", "Royal Malaysia Police", "--kind", "police")...)
			var id int64
			in.withKeys(t, in.kek(t), func(db *store.DB) {
				w := storetest.NewWorld(t, db)
				inc := storetest.Interception(w.Agencies["th-police"].ID, "ROT-1")
				if err := db.CreateIncident(storetest.As(w.Users["reporter"]), inc); err != nil {
					t.Fatal(err)
				}
				id = inc.ID
			})
			out := must(t, "", in.cmd("keys rotate", "--reencrypt")...)
			if !strings.Contains(out, "Re-encrypted the personal data of 1 incidents and 0 earlier versions") {
				t.Errorf("rotate --reencrypt said %q", out)
			}
			in.withKeys(t, in.kek(t), func(db *store.DB) {
				var keyID int64
				if err := db.SQL().QueryRow(`SELECT key_id FROM incidents WHERE id = $1`, id).Scan(&keyID); err != nil || keyID != db.ActiveDataKeyID() {
					t.Errorf("incident under key %d, active %d (%v)", keyID, db.ActiveDataKeyID(), err)
				}
				inc, err := db.FindIncident(storetest.System(), id)
				if err != nil || inc.Persons[2].Name != "Somchai Prasert" {
					t.Errorf("read after re-encryption: %v", err)
				}
			})
		})
	}
}
