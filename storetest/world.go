package storetest

import (
	"context"
	"testing"

	"vrs"
	"vrs/store"
)

// World is a small fixed installation: two countries with agencies and one
// user per role, created through the store's own API.
type World struct {
	DB       *store.DB
	Agencies map[string]*vrs.Agency // by key: "th-police", "th-immigration", "vn-police", "regional"
	Users    map[string]*vrs.User   // by role name (Thai users), plus "vn-focal_point", "vn-reporter"
}

// System returns a context acting as the installation itself.
func System() context.Context {
	return vrs.NewContextWithMeta(vrs.NewContextWithUser(context.Background(), vrs.SystemUser), vrs.RequestMeta{Via: "test"})
}

// As returns a context acting as u.
func As(u *vrs.User) context.Context {
	return vrs.NewContextWithMeta(vrs.NewContextWithUser(context.Background(), u), vrs.RequestMeta{Via: "test", ClientIP: "127.0.0.1"})
}

// PasswordHash is a syntactically valid hash for fixtures that never sign in.
const PasswordHash = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

// NewWorld builds the fixed world in db.
func NewWorld(t testing.TB, db *store.DB) *World {
	t.Helper()
	w := &World{DB: db, Agencies: map[string]*vrs.Agency{}, Users: map[string]*vrs.User{}}
	ctx := System()
	for key, a := range map[string]*vrs.Agency{
		"th-police":      {Country: "TH", Name: "Royal Thai Police", Kind: vrs.KindPolice},
		"th-immigration": {Country: "TH", Name: "Immigration Bureau", Kind: vrs.KindImmigration},
		"vn-police":      {Country: "VN", Name: "Ministry of Public Security", Kind: vrs.KindPolice},
		"regional":       {Country: "TH", Name: "Regional Support Office", Kind: vrs.KindRegionalOffice},
	} {
		if err := db.CreateAgency(ctx, a); err != nil {
			t.Fatalf("agency %s: %v", key, err)
		}
		w.Agencies[key] = a
	}
	add := func(key, name, agency string, roles ...vrs.Role) {
		u := &vrs.User{Name: name, FullName: name, AgencyID: w.Agencies[agency].ID, Roles: roles, PasswordHash: PasswordHash}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		w.Users[key] = u
	}
	add("reporter", "th.reporter", "th-police", vrs.RoleReporter)
	add("reviewer", "th.reviewer", "th-police", vrs.RoleReviewer)
	add("analyst", "th.analyst", "th-immigration", vrs.RoleAnalyst)
	add("focal_point", "th.focal", "th-police", vrs.RoleFocalPoint)
	add("regional_analyst", "region.analyst", "regional", vrs.RoleRegionalAnalyst)
	add("admin", "admin", "th-police", vrs.RoleAdmin)
	add("vn-focal_point", "vn.focal", "vn-police", vrs.RoleFocalPoint)
	add("vn-reporter", "vn.reporter", "vn-police", vrs.RoleReporter)
	return w
}
