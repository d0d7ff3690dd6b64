package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"vrs"
	"vrs/crypt"
	"vrs/store"
)

// testSecretsSealed: second-factor secrets, enrolled or pending, are
// never in the database in clear, and read back whole.
func testSecretsSealed(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	u := w.Users["focal_point"]
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	if err := db.SetSecondFactor(As(u), u.ID, secret, []string{"h1"}); err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := db.SQL().QueryRow(`SELECT totp_secret FROM users WHERE id = $1`, u.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stored, secret) || !strings.HasPrefix(stored, "sealed:") {
		t.Errorf("stored secret = %q", stored)
	}
	got, err := db.FindUserByName(System(), u.Name)
	if err != nil || got.TOTPSecret != secret || !got.TOTPEnabled {
		t.Fatalf("read back %q, %v", got.TOTPSecret, err)
	}
	// Moved to another user, the sealed value does not open.
	other := w.Users["reviewer"]
	if _, err := db.SQL().Exec(`UPDATE users SET totp_secret = $1 WHERE id = $2`, stored, other.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindUserByName(System(), other.Name); err == nil {
		t.Error("a secret copied to another user opened")
	}

	s := &vrs.Session{ID: "session-one", UserID: u.ID, CSRFToken: "csrf"}
	if err := db.CreateSession(As(u), s); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSessionTOTP(As(u), s.ID, secret); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL().QueryRow(`SELECT pending_totp FROM sessions WHERE id = $1`, s.ID).Scan(&stored); err != nil || strings.Contains(stored, secret) {
		t.Errorf("pending secret stored as %q (%v)", stored, err)
	}
	gs, gu, err := db.FindSession(As(u), s.ID)
	if err != nil || gs.PendingTOTP != secret || gu.TOTPSecret != secret {
		t.Errorf("session read back: %v", err)
	}
}

// testSecretsLegacy: secrets stored in clear before encryption are sealed
// when the keys are loaded, and re-sealed under a new data key on request.
func testSecretsLegacy(t *testing.T, db *store.DB) {
	w := NewWorld(t, db)
	u := w.Users["admin"]
	const secret = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
	if _, err := db.SQL().Exec(`UPDATE users SET totp_secret = $1 WHERE id = $2`, secret, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.UseKEK(context.Background(), TestKEK); err != nil {
		t.Fatal(err)
	}
	stored := func() string {
		var s string
		if err := db.SQL().QueryRow(`SELECT totp_secret FROM users WHERE id = $1`, u.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	first := stored()
	if !strings.HasPrefix(first, "sealed:") {
		t.Fatalf("legacy secret still stored as %q", first)
	}
	kek, err := crypt.GenerateKEK()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RotateKEK(System(), kek); err != nil {
		t.Fatal(err)
	}
	res, err := db.ResealIncidents(System())
	if err != nil || res.Secrets != 1 {
		t.Fatalf("reseal: %+v %v", res, err)
	}
	if again := stored(); again == first || !strings.HasPrefix(again, fmt.Sprintf("sealed:%d:", db.ActiveDataKeyID())) {
		t.Errorf("secret not moved to the new key: %q", again)
	}
	got, err := db.FindUserByName(System(), u.Name)
	if err != nil || got.TOTPSecret != secret {
		t.Errorf("read back %q, %v", got.TOTPSecret, err)
	}
}
