// Package demo builds the demo installation: a few Bali Process member
// countries with realistic agencies, and one user per role with a freshly
// generated password. Everything is created through the store's own API, so
// the demo's audit log reads like a real installation's.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"strings"

	"vrs"
	"vrs/auth"
)

// Agency is one demo agency.
type Agency struct {
	Country string
	Name    string
	Kind    vrs.AgencyKind
}

// RegionalOffice is the agency of the regional users: the Bali Process
// Regional Support Office, which sits in Bangkok.
const RegionalOffice = "Regional Support Office"

// Agencies lists the demo agencies, by country.
var Agencies = []Agency{
	{"TH", "Royal Thai Police", vrs.KindPolice},
	{"TH", "Immigration Bureau", vrs.KindImmigration},
	{"TH", "Department of Labour Protection and Welfare", vrs.KindLabour},
	{"TH", RegionalOffice, vrs.KindRegionalOffice},
	{"VN", "Ministry of Public Security – Immigration Department", vrs.KindImmigration},
	{"VN", "Border Guard Command", vrs.KindBorderGuard},
	{"ID", "Indonesian National Police", vrs.KindPolice},
	{"ID", "Directorate General of Immigration", vrs.KindImmigration},
	{"AU", "Australian Border Force", vrs.KindBorderGuard},
	{"AU", "Australian Federal Police", vrs.KindPolice},
	{"MY", "Royal Malaysia Police", vrs.KindPolice},
	{"MY", "Malaysian Maritime Enforcement Agency", vrs.KindCoastGuard},
	{"PH", "Bureau of Immigration", vrs.KindImmigration},
	{"PH", "Inter-Agency Council Against Trafficking", vrs.KindProsecution},
	// Agencies that the demo incidents come from as well (see incidents.go).
	{"TH", "Thai Maritime Enforcement Command Centre", vrs.KindCoastGuard},
	{"MY", "Immigration Department of Malaysia", vrs.KindImmigration},
	{"MY", "Sabah Labour Department", vrs.KindLabour},
	{"ID", "Indonesian Maritime Security Agency", vrs.KindCoastGuard},
	{"MM", "Myanmar Police Force", vrs.KindPolice},
	{"KH", "Cambodian National Police", vrs.KindPolice},
	{"KH", "General Department of Immigration", vrs.KindImmigration},
	{"LA", "Lao Police", vrs.KindPolice},
	{"VN", "Ministry of Public Security – Criminal Police Department", vrs.KindPolice},
	{"PH", "Philippine Coast Guard", vrs.KindCoastGuard},
	{"BD", "Bangladesh Coast Guard", vrs.KindCoastGuard},
	{"LK", "Sri Lanka Navy", vrs.KindCoastGuard},
}

// User is one demo user: one per role.
type User struct {
	Name     string
	FullName string
	Country  string
	Agency   string
	Role     vrs.Role
}

// Users lists the demo users in role order.
var Users = []User{
	{"th.reporter", "Somchai Wongsuwan", "TH", "Royal Thai Police", vrs.RoleReporter},
	{"th.reviewer", "Nattaya Srisuk", "TH", "Royal Thai Police", vrs.RoleReviewer},
	{"th.analyst", "Kittipong Chaiyasit", "TH", "Immigration Bureau", vrs.RoleAnalyst},
	{"th.focal", "Pimchanok Rattanakorn", "TH", "Royal Thai Police", vrs.RoleFocalPoint},
	{"rso.analyst", "Nguyen Thi Lan", "TH", RegionalOffice, vrs.RoleRegionalAnalyst},
	{"admin", "Maria Santos", "TH", RegionalOffice, vrs.RoleAdmin},
}

// Account is a created demo user and the password it was given. The
// password exists nowhere else: the store keeps only its hash.
type Account struct {
	User     *vrs.User
	Password string
}

// Seed creates the demo agencies and users in st, acting as ctx's user
// (the installation itself, for the command line). It expects an empty
// store: a name that already exists is an error.
func Seed(ctx context.Context, st vrs.Store, h *auth.Hasher) ([]Account, error) {
	ids := map[string]int64{}
	for _, a := range Agencies {
		ag := &vrs.Agency{Country: a.Country, Name: a.Name, Kind: a.Kind}
		if err := st.CreateAgency(ctx, ag); err != nil {
			return nil, fmt.Errorf("demo agency %q: %w", a.Name, err)
		}
		ids[a.Country+"/"+a.Name] = ag.ID
	}
	accounts := make([]Account, 0, len(Users))
	for _, du := range Users {
		id, ok := ids[du.Country+"/"+du.Agency]
		if !ok {
			return nil, fmt.Errorf("demo user %q: agency %q is not in the demo", du.Name, du.Agency)
		}
		password, err := NewPassword()
		if err != nil {
			return nil, err
		}
		if err := auth.ValidatePassword(password, du.Name); err != nil {
			return nil, err
		}
		hash, err := h.Hash(ctx, password)
		if err != nil {
			return nil, err
		}
		u := &vrs.User{Name: du.Name, FullName: du.FullName, AgencyID: id, Roles: []vrs.Role{du.Role}, PasswordHash: hash}
		if err := st.CreateUser(ctx, u); err != nil {
			return nil, fmt.Errorf("demo user %q: %w", du.Name, err)
		}
		accounts = append(accounts, Account{User: u, Password: password})
	}
	return accounts, nil
}

// NewPassword returns a strong random password: 16 base32 characters (80
// bits from crypto/rand) in four groups, easy to read out and type.
func NewPassword() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s := strings.ToLower(base32.StdEncoding.EncodeToString(b))
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16], nil
}
