package storetest

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"vrs"
	"vrs/crypt"
	"vrs/store"
)

// TestKEK is the key-encryption key of every store Open returns.
var TestKEK = crypt.KEK{'v', 'r', 's', '-', 't', 'e', 's', 't', '-', 'k', 'e', 'k'}

// kek returns a fixed test KEK other than TestKEK.
func kek(b byte) crypt.KEK {
	var k crypt.KEK
	for i := range k {
		k[i] = b ^ byte(i)
	}
	return k
}

// openRaw opens dsn without loading keys.
func openRaw(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustKeyring(t *testing.T, db *store.DB) *crypt.Keyring {
	t.Helper()
	kr, err := db.Keyring()
	if err != nil {
		t.Fatal(err)
	}
	return kr
}

// wantKeys checks the stored keys: their purposes in id order, the KEK that
// wraps them all, and which are retired.
func wantKeys(t *testing.T, db *store.DB, kekID string, purposes string, retired ...int64) {
	t.Helper()
	keys, err := db.ListDataKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for i, k := range keys {
		if i > 0 {
			got += ","
		}
		got += k.Purpose
		if k.ID != int64(i+1) || k.KEKID != kekID || k.CreatedAt.IsZero() {
			t.Errorf("key %d = %+v, want id %d under %s", i, k, i+1, kekID)
		}
		isRetired := false
		for _, id := range retired {
			isRetired = isRetired || id == k.ID
		}
		if (k.RetiredAt != nil) != isRetired {
			t.Errorf("key %d retired at %v, want retired %v", k.ID, k.RetiredAt, isRetired)
		}
	}
	if got != purposes {
		t.Errorf("keys = %s, want %s", got, purposes)
	}
}

func testKeys(t *testing.T, db *store.DB) {
	ctx := context.Background()
	dialect := db.Dialect()
	k1, k2, k3 := kek(1), kek(2), kek(3)

	t.Run("NotLoaded", func(t *testing.T) {
		raw := openRaw(t, DSN(t, dialect))
		_, err := raw.Keyring()
		wantCode(t, err, vrs.EINTERNAL)
		if raw.ActiveDataKeyID() != 0 {
			t.Error("active key without keys")
		}
		_, err = raw.RotateKEK(System(), k2)
		wantCode(t, err, vrs.EINTERNAL)
	})

	t.Run("ConcurrentFirstUse", func(t *testing.T) {
		dsn := DSN(t, dialect)
		a, b := openRaw(t, dsn), openRaw(t, dsn)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, d := range []*store.DB{a, b} {
			wg.Go(func() { errs[i] = d.UseKEK(ctx, k1) })
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("UseKEK: %v, %v", errs[0], errs[1])
		}
		wantKeys(t, a, k1.ID(), "data,index")
		if !bytes.Equal(mustKeyring(t, a).BlindIndex(crypt.KindName, "An"), mustKeyring(t, b).BlindIndex(crypt.KindName, "An")) {
			t.Error("two processes hold different index keys")
		}
	})

	dsn := DSN(t, dialect)
	first := openRaw(t, dsn)
	if err := first.UseKEK(ctx, k1); err != nil {
		t.Fatal(err)
	}
	wantKeys(t, first, k1.ID(), "data,index")
	kr := mustKeyring(t, first)
	if kr.KEKID() != k1.ID() || first.ActiveDataKeyID() != 1 {
		t.Fatalf("keyring under %s, active %d", kr.KEKID(), first.ActiveDataKeyID())
	}
	aad := []byte("incident:1")
	oldID, oldCT, err := kr.Seal(aad, []byte("Nguyễn Văn Đức"))
	if err != nil || oldID != 1 {
		t.Fatalf("Seal = %d, %v", oldID, err)
	}
	index := kr.BlindIndex(crypt.KindName, "Nguyen Van Duc")

	t.Run("ReopenSameKEK", func(t *testing.T) {
		if err := first.UseKEK(ctx, k1); err != nil {
			t.Fatal(err)
		}
		other := openRaw(t, dsn)
		if err := other.UseKEK(ctx, k1); err != nil {
			t.Fatal(err)
		}
		wantKeys(t, other, k1.ID(), "data,index")
		okr := mustKeyring(t, other)
		if got, err := okr.Open(oldID, aad, oldCT); err != nil || string(got) != "Nguyễn Văn Đức" {
			t.Errorf("Open = %q, %v", got, err)
		}
		if !bytes.Equal(okr.BlindIndex(crypt.KindName, "Văn Đức NGUYỄN"), index) {
			t.Error("blind index differs after reopening")
		}
	})

	t.Run("ErrWrongKEK", func(t *testing.T) {
		other := openRaw(t, dsn)
		err := other.UseKEK(ctx, k2)
		wantCode(t, err, vrs.EINVALID)
		if e := vrs.AsError(err); e.Message != "error.keys_wrong_kek" || fmt.Sprint(e.Args) != fmt.Sprint([]any{k1.ID(), k2.ID()}) {
			t.Errorf("error = %v, want one naming %s and %s", err, k1.ID(), k2.ID())
		}
		if _, err := other.Keyring(); err == nil {
			t.Error("keyring loaded with the wrong KEK")
		}
		wantKeys(t, other, k1.ID(), "data,index")
	})

	t.Run("RotateForbidden", func(t *testing.T) {
		w := NewWorld(t, db)
		_, err := db.RotateKEK(As(w.Users["focal_point"]), k2)
		wantCode(t, err, vrs.EFORBIDDEN)
		_, err = db.RotateKEK(ctx, k2)
		wantCode(t, err, vrs.EUNAUTHORIZED)
	})

	stale := openRaw(t, dsn)
	if err := stale.UseKEK(ctx, k1); err != nil {
		t.Fatal(err)
	}

	t.Run("Rotate", func(t *testing.T) {
		_, err := first.RotateKEK(System(), k1)
		wantCode(t, err, vrs.EINVALID)
		res, err := first.RotateKEK(System(), k2)
		if err != nil {
			t.Fatal(err)
		}
		want := store.RotateResult{OldKEKID: k1.ID(), NewKEKID: k2.ID(), Rewrapped: 2, RetiredKeyID: 1, ActiveKeyID: 3}
		if res != want {
			t.Errorf("result = %+v, want %+v", res, want)
		}
		wantKeys(t, first, k2.ID(), "data,index,data", 1)
		kr := mustKeyring(t, first)
		if first.ActiveDataKeyID() != 3 || kr.KEKID() != k2.ID() {
			t.Errorf("active key %d under %s", first.ActiveDataKeyID(), kr.KEKID())
		}
		if got, err := kr.Open(oldID, aad, oldCT); err != nil || string(got) != "Nguyễn Văn Đức" {
			t.Errorf("old record: %q, %v", got, err)
		}
		if id, _, _ := kr.Seal(aad, []byte("new")); id != 3 {
			t.Errorf("new record sealed with key %d, want 3", id)
		}
		if !bytes.Equal(kr.BlindIndex(crypt.KindName, "Nguyen Van Duc"), index) {
			t.Error("blind index changed with rotation")
		}
		e := lastAudit(t, first)
		if e.Action != vrs.ActKeysRotate || e.ActorName != vrs.SystemUser.Name || e.ObjectType != "installation" {
			t.Errorf("audit = %+v", e)
		}
		if bytes.Contains([]byte(e.Detail), []byte(k2.Encode())) {
			t.Error("the audit entry holds the KEK")
		}
		if v, err := first.VerifyAudit(System()); err != nil || v.Problem != nil {
			t.Errorf("audit chain: %+v, %v", v, err)
		}
	})

	t.Run("ErrStaleRotate", func(t *testing.T) {
		// A process still holding the keys as they were before the rotation.
		_, err := stale.RotateKEK(System(), k3)
		wantCode(t, err, vrs.ECONFLICT)
		wantKeys(t, first, k2.ID(), "data,index,data", 1)
	})

	t.Run("ReopenAfterRotate", func(t *testing.T) {
		other := openRaw(t, dsn)
		wantCode(t, other.UseKEK(ctx, k1), vrs.EINVALID)
		if err := other.UseKEK(ctx, k2); err != nil {
			t.Fatal(err)
		}
		okr := mustKeyring(t, other)
		if other.ActiveDataKeyID() != 3 {
			t.Errorf("active key %d, want 3", other.ActiveDataKeyID())
		}
		if got, err := okr.Open(oldID, aad, oldCT); err != nil || string(got) != "Nguyễn Văn Đức" {
			t.Errorf("old record: %q, %v", got, err)
		}
		if !bytes.Equal(okr.BlindIndex(crypt.KindName, "Nguyen Van Duc"), index) {
			t.Error("blind index changed with rotation")
		}
	})

	t.Run("ErrTamperedKey", func(t *testing.T) {
		if _, err := first.SQL().Exec(`UPDATE data_keys SET wrapped = (SELECT wrapped FROM data_keys WHERE id = 3) WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		other := openRaw(t, dsn)
		err := other.UseKEK(ctx, k2)
		wantCode(t, err, vrs.EINVALID)
		if e := vrs.AsError(err); e.Message != "error.keys_unwrap" {
			t.Errorf("error = %v, want error.keys_unwrap", err)
		}
	})
}
