package api_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"vrs"
	"vrs/access"
	"vrs/storetest"
)

// sharingWorld is the fixed world of the sharing matrix: three countries,
// every role in each, agreements in every state, a sharing group, and
// records of every distribution. Each record carries canaries, strings
// found nowhere else, so that a test can tell from any raw answer
// (bodies, headers, error messages) which records it reveals and how much
// of them.
type sharingWorld struct {
	e       *env
	users   map[string]*vrs.User // as the store reads them (country, agency)
	records map[string]*sharedRecord
	keys    []string // records in the order made
	// Agreements by key: th-vn (smuggling, full), th-vn-tip (trafficking,
	// pseudonymised), la-vn (proposed), th-la (revoked).
	agreements map[string]*vrs.SharingAgreement
	group      *vrs.SharingGroup
	// hit holds every "METHOD path" the matrix called, for checkCoverage.
	hit map[string]bool
}

// sharingUsers are the users added to the fixed world: the roles Viet Nam
// and Laos lack there, and an analyst of a Vietnamese agency that is a
// member of the Thai sharing group (Viet Nam is not).
var sharingUsers = []struct {
	key, agency string
	role        vrs.Role
}{
	{"vn-reviewer", "vn-police", vrs.RoleReviewer},
	{"vn-analyst", "vn-police", vrs.RoleAnalyst},
	{"vn-border-analyst", "vn-border", vrs.RoleAnalyst},
	{"la-reporter", "la-police", vrs.RoleReporter},
	{"la-reviewer", "la-police", vrs.RoleReviewer},
	{"la-analyst", "la-police", vrs.RoleAnalyst},
	{"la-focal_point", "la-police", vrs.RoleFocalPoint},
}

// sharingCallers are every user of the sharing world, someone with no
// credentials and a revoked token.
var sharingCallers = []string{"reporter", "reviewer", "analyst", "focal_point", "regional_analyst", "admin",
	"vn-reporter", "vn-reviewer", "vn-analyst", "vn-focal_point", "vn-border-analyst",
	"la-reporter", "la-reviewer", "la-analyst", "la-focal_point", "anonymous", "revoked"}

// sharedRecord is one record of the world and its canaries.
type sharedRecord struct {
	inc *vrs.Incident
	// ref, shown with the record at any granularity.
	ref string
	// personal: names, aliases, identifiers, document numbers, accounts,
	// exact coordinates; only in full.
	personal []string
	// narrative: in full, or pseudonymised when shareable.
	narrative string
	// ghost: a person removed before validation; only in the working
	// versions its agency's reporters and reviewers see.
	ghost string
}

// recordSpec describes a record of the world.
type recordSpec struct {
	key, agency  string
	typ          vrs.IncidentType
	dist         vrs.Distribution
	countries    []string
	group        bool
	shareable    bool
	draft, ghost bool
}

var sharingRecords = []recordSpec{
	{key: "th-agency", agency: "th-police", dist: vrs.DistAgency},
	{key: "th-country", agency: "th-police", dist: vrs.DistCountry},
	{key: "th-partners-vn", agency: "th-police", dist: vrs.DistPartners, countries: []string{"VN"}},
	{key: "th-partners-la", agency: "th-police", dist: vrs.DistPartners, countries: []string{"LA"}},
	{key: "th-group", agency: "th-police", dist: vrs.DistPartners, group: true},
	{key: "th-community", agency: "th-police", dist: vrs.DistCommunity, ghost: true},
	{key: "th-statistics", agency: "th-police", dist: vrs.DistStatistics},
	{key: "th-trafficking", agency: "th-police", typ: vrs.TypeTrafficking, dist: vrs.DistCommunity, shareable: true},
	{key: "th-fraud", agency: "th-police", typ: vrs.TypeDocumentFraud, dist: vrs.DistCommunity},
	{key: "th-draft", agency: "th-police", dist: vrs.DistCommunity, draft: true},
	{key: "vn-community", agency: "vn-police", dist: vrs.DistCommunity},
	{key: "vn-agency", agency: "vn-police", dist: vrs.DistAgency},
	{key: "la-community", agency: "la-police", dist: vrs.DistCommunity},
}

// workers are the reporter and reviewer of each agency that records.
var workers = map[string][2]string{
	"th-police": {"reporter", "reviewer"},
	"vn-police": {"vn-reporter", "vn-reviewer"},
	"la-police": {"la-reporter", "la-reviewer"},
}

// sharedIncident is a valid smuggling interception whose every personal
// value is a canary of key.
func sharedIncident(agencyID int64, s recordSpec) *vrs.Incident {
	inc := interception(agencyID, "REF "+s.key)
	if s.typ != "" {
		inc.Type = s.typ
	}
	if inc.Type == vrs.TypeTrafficking {
		inc.Persons[0].Role, inc.Persons[1].Role = "victim", "victim"
		inc.Persons[0].Status, inc.Persons[1].Status = "", ""
	}
	inc.Narrative = "Narrative " + s.key + " tells what happened."
	inc.Place.Lat, inc.Place.Lon = ptr(6.63123), ptr(100.42187)
	inc.Persons[0].Name, inc.Persons[0].Identifiers[0].Value = "Name "+s.key, "Passport "+s.key
	inc.Persons[1].Name, inc.Persons[1].DateOfBirth, inc.Persons[1].Age = "Second "+s.key, "2001-07-19", nil
	inc.Persons[2].Name, inc.Persons[2].Aliases, inc.Persons[2].Identifiers[0].Value = "Third "+s.key, []string{"Alias " + s.key}, "+66 81 "+s.key
	inc.Documents = []vrs.Document{{Type: "passport", IssuingCountry: "MM", FraudType: "none", HolderKey: "p1", Number: "DOC " + s.key}}
	inc.Transactions[0].PayeeAccount = "Account " + s.key
	if inc.Type == vrs.TypeDocumentFraud {
		inc.Documents[0].FraudType = "counterfeit"
	}
	inc.Distribution, inc.TLP, inc.NarrativeShareable = s.dist, vrs.TLPAmber, s.shareable
	inc.ShareCountries = s.countries
	return inc
}

// personalCanaries are the values only a full read shows; the notes of
// review steps are free text, as the narrative, which may name anyone.
func personalCanaries(key string) []string {
	return []string{"Checked " + key, "Name " + key, "Passport " + key, "Second " + key, "Third " + key, "Alias " + key, "+66 81 " + key,
		"DOC " + key, "Account " + key, "2001-07-19", "6.63123", "100.42187"}
}

func newSharingWorld(t *testing.T, dialect string) *sharingWorld {
	t.Helper()
	e := newEnv(t, dialect)
	app, sys := e.app, storetest.System()
	w := &sharingWorld{e: e, users: map[string]*vrs.User{}, records: map[string]*sharedRecord{}, agreements: map[string]*vrs.SharingAgreement{}, hit: map[string]bool{}}
	for _, c := range []string{"TH", "VN", "LA"} {
		if err := app.DB.SetCountryMember(sys, c, true); err != nil {
			t.Fatal(err)
		}
	}
	for key, a := range map[string]*vrs.Agency{
		"vn-border": {Country: "VN", Name: "Border Guard", Kind: vrs.KindBorderGuard},
		"la-police": {Country: "LA", Name: "Lao Police", Kind: vrs.KindPolice},
	} {
		if err := app.DB.CreateAgency(sys, a); err != nil {
			t.Fatal(err)
		}
		app.World.Agencies[key] = a
	}
	for _, s := range sharingUsers {
		u := &vrs.User{Name: strings.ReplaceAll(s.key, "-", "."), FullName: s.key, AgencyID: app.World.Agencies[s.agency].ID,
			Roles: []vrs.Role{s.role}, PasswordHash: storetest.PasswordHash}
		if err := app.DB.CreateUser(sys, u); err != nil {
			t.Fatalf("user %s: %v", s.key, err)
		}
		app.World.Users[s.key] = u
		e.tokens[s.key] = app.Token(t, s.key)
	}
	for key, u := range app.World.Users {
		got, err := app.DB.FindUserByID(sys, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.users[key] = got
	}
	as := func(key string) *vrs.User { return w.users[key] }

	// A Thai group: the Vietnamese border guard (an agency) and Laos.
	w.group = &vrs.SharingGroup{Name: "Mekong partners", Releasability: "Law enforcement use only.",
		Countries: []string{"LA"}, AgencyIDs: []int64{app.World.Agencies["vn-border"].ID}}
	if err := app.DB.CreateSharingGroup(storetest.As(as("focal_point")), w.group); err != nil {
		t.Fatal(err)
	}

	today := app.Now().UTC().Format(time.DateOnly)
	propose := func(key, from, to string, typ vrs.IncidentType, g vrs.Granularity) *vrs.SharingAgreement {
		a := &vrs.SharingAgreement{Partner: strings.ToUpper(to), Types: []vrs.IncidentType{typ}, Granularity: g, Starts: today, Note: "Note " + key}
		if err := app.DB.ProposeAgreement(storetest.As(as(from)), a); err != nil {
			t.Fatalf("agreement %s: %v", key, err)
		}
		w.agreements[key] = a
		return a
	}
	decide := func(key, by string) {
		a, err := app.DB.DecideAgreement(storetest.As(as(by)), w.agreements[key].ID, true, "")
		if err != nil {
			t.Fatalf("accept %s: %v", key, err)
		}
		w.agreements[key] = a
	}
	propose("th-vn", "focal_point", "vn", vrs.TypeMigrantSmuggling, vrs.GranFull)
	decide("th-vn", "vn-focal_point")
	propose("th-vn-tip", "vn-focal_point", "th", vrs.TypeTrafficking, vrs.GranPseudonymised)
	decide("th-vn-tip", "focal_point")
	propose("la-vn", "la-focal_point", "vn", vrs.TypeMigrantSmuggling, vrs.GranFull)
	propose("th-la", "focal_point", "la", vrs.TypeMigrantSmuggling, vrs.GranFull)
	decide("th-la", "la-focal_point")
	a, err := app.DB.RevokeAgreement(storetest.As(as("la-focal_point")), w.agreements["th-la"].ID, "Reason th-la")
	if err != nil {
		t.Fatal(err)
	}
	w.agreements["th-la"] = a

	for _, s := range sharingRecords {
		agency := app.World.Agencies[s.agency].ID
		reporter, reviewer := as(workers[s.agency][0]), as(workers[s.agency][1])
		inc := sharedIncident(agency, s)
		if s.group {
			inc.ShareGroups = []int64{w.group.ID}
		}
		rec := &sharedRecord{ref: "REF " + s.key, personal: personalCanaries(s.key), narrative: "Narrative " + s.key}
		if s.ghost {
			rec.ghost = "Ghost " + s.key
			inc.Persons = append(inc.Persons, vrs.Person{Role: "witness", Name: rec.ghost})
		}
		ctx := storetest.As(reporter)
		if err := app.DB.CreateIncident(ctx, inc); err != nil {
			t.Fatalf("record %s: %v %v", s.key, err, vrs.AsError(err).Fields)
		}
		if s.ghost {
			inc.Persons = inc.Persons[:len(inc.Persons)-1]
			if err := app.DB.UpdateIncident(ctx, inc, inc.Version); err != nil {
				t.Fatal(err)
			}
		}
		if !s.draft {
			for _, step := range []struct {
				by *vrs.User
				to vrs.IncidentStatus
			}{{reporter, vrs.StatusSubmitted}, {reviewer, vrs.StatusValidated}} {
				got, err := app.DB.TransitionIncident(storetest.As(step.by), inc.ID, inc.Version, step.to, "Checked "+s.key)
				if err != nil {
					t.Fatalf("%s %s: %v", s.key, step.to, err)
				}
				inc.Version, inc.Status = got.Version, got.Status
			}
		}
		got, err := app.DB.FindIncident(sys, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		rec.inc = got
		w.records[s.key] = rec
		w.keys = append(w.keys, s.key)
	}
	return w
}

// sharing is the state of sharing now, as the reference rule takes it,
// read as the installation: every agreement and group, the members, the
// countries that contribute.
func (w *sharingWorld) sharing(t *testing.T) *access.Sharing {
	t.Helper()
	sys := storetest.System()
	s := &access.Sharing{Today: w.e.app.Now().UTC().Format(time.DateOnly), Reciprocity: true, Contributors: map[string]bool{}, Members: map[string]bool{}}
	var err error
	if s.Agreements, err = w.e.app.DB.ListAgreements(sys, vrs.AgreementFilter{}); err != nil {
		t.Fatal(err)
	}
	if s.Groups, err = w.e.app.DB.ListSharingGroups(sys); err != nil {
		t.Fatal(err)
	}
	members, err := w.e.app.DB.ListCountries(sys, vrs.CountryFilter{MembersOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range members {
		s.Members[c.Alpha2] = true
	}
	for _, r := range w.records {
		if r.inc.Status == vrs.StatusValidated && access.Contributes(r.inc.Distribution) {
			s.Contributors[r.inc.Country] = true
		}
	}
	return s
}

// view is what one caller may see of each record, by the reference rule.
type view struct {
	u    *vrs.User // nil for anonymous and revoked callers
	gran map[string]vrs.Granularity
}

func (w *sharingWorld) view(t *testing.T, s *access.Sharing, caller string) view {
	v := view{u: w.users[caller], gran: map[string]vrs.Granularity{}} // nil: anonymous, revoked
	for key, r := range w.records {
		if v.u != nil {
			v.gran[key] = access.ReadIncident(v.u, s, access.RefOf(r.inc))
		}
	}
	return v
}

// shown is the granularity at which the caller is answered the record:
// another country's full record is pseudonymised until a purpose is stated.
func (v view) shown(w *sharingWorld, key string, purpose bool) vrs.Granularity {
	g := v.gran[key]
	if g == vrs.GranFull && !purpose && access.Foreign(v.u, access.RefOf(w.records[key].inc)) {
		return vrs.GranPseudonymised
	}
	return g
}

// forbidden lists the canaries the caller must never be answered, with
// the record each reveals; purpose says whether the request stated one.
func (v view) forbidden(w *sharingWorld, purpose bool) map[string]string {
	out := map[string]string{}
	for key, r := range w.records {
		g := v.shown(w, key, purpose)
		if g < vrs.GranPseudonymised {
			out[r.ref] = key
		}
		if g < vrs.GranFull {
			for _, c := range r.personal {
				out[c] = key
			}
			if !r.inc.NarrativeShareable || g < vrs.GranPseudonymised {
				out[r.narrative] = key
			}
		}
		if r.ghost != "" && (v.u == nil || !access.ReadWorkingVersions(v.u, access.RefOf(r.inc))) {
			out[r.ghost] = key
		}
	}
	// Shared canaries (a date of birth, coordinates) are everyone's: keep
	// them only when no record the caller sees in full carries them.
	for key, r := range w.records {
		if v.shown(w, key, purpose) == vrs.GranFull {
			for _, c := range r.personal {
				if !strings.Contains(c, key) {
					delete(out, c)
				}
			}
		}
	}
	return out
}

// visible lists the records the caller may see as records, sorted.
func (v view) visible(w *sharingWorld) []string {
	var out []string
	for _, key := range w.keys {
		if v.gran[key] >= vrs.GranPseudonymised {
			out = append(out, key)
		}
	}
	slices.Sort(out)
	return out
}
