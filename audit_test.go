package vrs_test

import (
	"errors"
	"fmt"
	"iter"
	"reflect"
	"strconv"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Bangkok wherever the tests run

	"vrs"
)

var auditTestActions = []string{
	vrs.ActSignIn, vrs.ActUserCreate, vrs.ActAgencyUpdate, vrs.ActUserUpdate, vrs.ActAuditView,
}

// buildAuditChain returns n correctly chained entries with Seq 1..n.
func buildAuditChain(n int) []*vrs.AuditEntry {
	t0 := time.Date(2025, 3, 1, 8, 0, 0, 123456789, time.UTC)
	entries := make([]*vrs.AuditEntry, 0, n)
	prev := vrs.GenesisHash
	for i := 1; i <= n; i++ {
		e := &vrs.AuditEntry{
			Seq:        int64(i),
			At:         t0.Add(time.Duration(i) * time.Minute),
			ActorID:    int64(i%5 + 1),
			ActorName:  fmt.Sprintf("user%d", i%5),
			Action:     auditTestActions[i%len(auditTestActions)],
			ObjectType: "user",
			ObjectID:   strconv.Itoa(i),
			Country:    []string{"TH", "VN", "KH"}[i%3],
			Detail:     "roles,view_scope",
			ClientIP:   fmt.Sprintf("192.0.2.%d", i),
			Via:        []string{"web", "api", "cli"}[i%3],
		}
		appendAuditEntry(&entries, e, &prev)
	}
	return entries
}

// appendAuditEntry chains e after *prev and appends it.
func appendAuditEntry(entries *[]*vrs.AuditEntry, e *vrs.AuditEntry, prev *string) {
	e.PrevHash = *prev
	e.Hash = e.ComputeHash()
	*prev = e.Hash
	*entries = append(*entries, e)
}

// auditSeq yields entries in slice order, then err if non-nil.
func auditSeq(entries []*vrs.AuditEntry, err error) iter.Seq2[*vrs.AuditEntry, error] {
	return func(yield func(*vrs.AuditEntry, error) bool) {
		for _, e := range entries {
			if !yield(e, nil) {
				return
			}
		}
		if err != nil {
			yield(nil, err)
		}
	}
}

func sampleAuditEntry() vrs.AuditEntry {
	return vrs.AuditEntry{
		Seq:        42,
		At:         time.Date(2025, 6, 30, 23, 59, 59, 999999000, time.UTC),
		ActorID:    3,
		ActorName:  "somchai",
		Action:     vrs.ActUserUpdate,
		ObjectType: "user",
		ObjectID:   "17",
		Country:    "TH",
		Detail:     "roles",
		ClientIP:   "192.0.2.1",
		Via:        "web",
		PrevHash:   vrs.GenesisHash,
	}
}

func TestAuditComputeHashDeterministic(t *testing.T) {
	a, b := sampleAuditEntry(), sampleAuditEntry()
	h := a.ComputeHash()
	if len(h) != 64 {
		t.Fatalf("hash %q is not 64 hex digits", h)
	}
	if _, err := strconv.ParseUint(h[:16], 16, 64); err != nil {
		t.Fatalf("hash %q is not hex: %v", h, err)
	}
	if h2 := a.ComputeHash(); h2 != h {
		t.Errorf("second call: %s != %s", h2, h)
	}
	if hb := b.ComputeHash(); hb != h {
		t.Errorf("equal entries hash differently: %s != %s", hb, h)
	}
}

// TestAuditComputeHashFields changes every field of AuditEntry in turn: each
// must change the hash except Seq (entries are renumbered by the store) and
// Hash itself. A field added to AuditEntry but not to the hash fails here.
func TestAuditComputeHashFields(t *testing.T) {
	notHashed := map[string]bool{"Seq": true, "Hash": true}
	base := sampleAuditEntry()
	base.Hash = base.ComputeHash()
	typ := reflect.TypeFor[vrs.AuditEntry]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		t.Run(f.Name, func(t *testing.T) {
			e := base
			v := reflect.ValueOf(&e).Elem().Field(i)
			switch {
			case f.Type == reflect.TypeFor[time.Time]():
				v.Set(reflect.ValueOf(base.At.Add(time.Microsecond)))
			case f.Type.Kind() == reflect.String:
				v.SetString(v.String() + "x")
			case f.Type.Kind() == reflect.Int64:
				v.SetInt(v.Int() + 1)
			default:
				t.Fatalf("field %s of type %s: teach this test how to change it", f.Name, f.Type)
			}
			changed := e.ComputeHash() != base.Hash
			if want := !notHashed[f.Name]; changed != want {
				t.Errorf("changing %s: hash changed = %v, want %v", f.Name, changed, want)
			}
		})
	}
}

func TestAuditComputeHashTime(t *testing.T) {
	bangkok, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		t.Fatal(err)
	}
	instant := time.Date(2025, 6, 30, 17, 30, 0, 123456000, time.UTC)
	now := time.Now() // carries a monotonic clock reading
	tests := []struct {
		name string
		a, b time.Time
		same bool
	}{
		{"SameInstantBangkok", instant, instant.In(bangkok), true},
		{"SameInstantFixedZone", instant, instant.In(time.FixedZone("", -5*3600)), true},
		{"SameInstantLocal", instant, instant.Local(), true},
		{"SubMicrosecondIgnored", instant, instant.Add(999 * time.Nanosecond), true},
		{"SubMicrosecondIgnoredBangkok", instant, instant.Add(500).In(bangkok), true},
		{"MonotonicIgnored", now.Round(0), now, true},
		{"MicrosecondCounts", instant, instant.Add(time.Microsecond), false},
		{"SameWallClockOtherZone", instant, time.Date(2025, 6, 30, 17, 30, 0, 123456000, bangkok), false},
		{"SecondCounts", instant, instant.Add(time.Second), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := sampleAuditEntry(), sampleAuditEntry()
			a.At, b.At = tt.a, tt.b
			if same := a.ComputeHash() == b.ComputeHash(); same != tt.same {
				t.Errorf("hash(%v) == hash(%v): %v, want %v", tt.a, tt.b, same, tt.same)
			}
		})
	}
}

// TestAuditComputeHashUnambiguous moves bytes across the boundary of two
// adjacent fields: a plain concatenation would hash both alike.
func TestAuditComputeHashUnambiguous(t *testing.T) {
	tests := []struct {
		name string
		a, b func(e *vrs.AuditEntry)
	}{
		{
			"ActorNameAction",
			func(e *vrs.AuditEntry) { e.ActorName, e.Action = "ab", "c" },
			func(e *vrs.AuditEntry) { e.ActorName, e.Action = "a", "bc" },
		},
		{
			"ObjectTypeObjectID",
			func(e *vrs.AuditEntry) { e.ObjectType, e.ObjectID = "user1", "7" },
			func(e *vrs.AuditEntry) { e.ObjectType, e.ObjectID = "user", "17" },
		},
		{
			"EmptyAndFull",
			func(e *vrs.AuditEntry) { e.Detail, e.ClientIP = "", "x" },
			func(e *vrs.AuditEntry) { e.Detail, e.ClientIP = "x", "" },
		},
		{
			"CountryDetail",
			func(e *vrs.AuditEntry) { e.Country, e.Detail = "TH", "" },
			func(e *vrs.AuditEntry) { e.Country, e.Detail = "T", "H" },
		},
		{
			"ClientIPVia",
			func(e *vrs.AuditEntry) { e.ClientIP, e.Via = "::1web", "" },
			func(e *vrs.AuditEntry) { e.ClientIP, e.Via = "::1", "web" },
		},
		{
			"ActorIDActorName",
			func(e *vrs.AuditEntry) { e.ActorID, e.ActorName = 12, "3" },
			func(e *vrs.AuditEntry) { e.ActorID, e.ActorName = 1, "23" },
		},
		{
			"LengthByteInContent",
			func(e *vrs.AuditEntry) { e.ActorName, e.Action = "a\x01b", "" },
			func(e *vrs.AuditEntry) { e.ActorName, e.Action = "a", "b" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := sampleAuditEntry(), sampleAuditEntry()
			tt.a(&a)
			tt.b(&b)
			if a.ComputeHash() == b.ComputeHash() {
				t.Errorf("%+v and %+v hash alike", a, b)
			}
		})
	}
}

func TestVerifyAuditChain(t *testing.T) {
	const n = 50
	tests := []struct {
		name    string
		tamper  func(es []*vrs.AuditEntry) []*vrs.AuditEntry
		entries int64 // intact entries before the problem
		problem *vrs.AuditProblem
	}{
		{name: "Intact", entries: n},
		{
			name:    "Empty",
			tamper:  func([]*vrs.AuditEntry) []*vrs.AuditEntry { return nil },
			entries: 0,
		},
		{
			name:    "EditActorName",
			tamper:  func(es []*vrs.AuditEntry) []*vrs.AuditEntry { es[16].ActorName = "mallory"; return es },
			entries: 16,
			problem: &vrs.AuditProblem{Seq: 17, Kind: "edited"},
		},
		{
			name:    "EditAt",
			tamper:  func(es []*vrs.AuditEntry) []*vrs.AuditEntry { es[29].At = es[29].At.Add(-time.Hour); return es },
			entries: 29,
			problem: &vrs.AuditProblem{Seq: 30, Kind: "edited"},
		},
		{
			name:    "EditActorID",
			tamper:  func(es []*vrs.AuditEntry) []*vrs.AuditEntry { es[0].ActorID = 99; return es },
			entries: 0,
			problem: &vrs.AuditProblem{Seq: 1, Kind: "edited"},
		},
		{
			name:    "EditDetailLast",
			tamper:  func(es []*vrs.AuditEntry) []*vrs.AuditEntry { es[n-1].Detail = ""; return es },
			entries: n - 1,
			problem: &vrs.AuditProblem{Seq: n, Kind: "edited"},
		},
		{
			name:    "EditClientIP",
			tamper:  func(es []*vrs.AuditEntry) []*vrs.AuditEntry { es[9].ClientIP = "198.51.100.1"; return es },
			entries: 9,
			problem: &vrs.AuditProblem{Seq: 10, Kind: "edited"},
		},
		{
			name:    "EditPrevHash",
			tamper:  func(es []*vrs.AuditEntry) []*vrs.AuditEntry { es[4].PrevHash = vrs.GenesisHash; return es },
			entries: 4,
			problem: &vrs.AuditProblem{Seq: 5, Kind: "edited"},
		},
		{
			name:    "EditHash",
			tamper:  func(es []*vrs.AuditEntry) []*vrs.AuditEntry { es[4].Hash = es[5].Hash; return es },
			entries: 4,
			problem: &vrs.AuditProblem{Seq: 5, Kind: "edited"},
		},
		{
			// The editor recomputes the edited entry's hash: the entry then
			// looks intact but its successor no longer follows it.
			name: "EditAndRehash",
			tamper: func(es []*vrs.AuditEntry) []*vrs.AuditEntry {
				es[19].Action = vrs.ActSignIn + "x"
				es[19].Hash = es[19].ComputeHash()
				return es
			},
			entries: 20,
			problem: &vrs.AuditProblem{Seq: 21, Kind: "reordered"},
		},
		{
			name: "DeleteMiddle",
			tamper: func(es []*vrs.AuditEntry) []*vrs.AuditEntry {
				return append(es[:24:24], es[25:]...) // drop seq 25
			},
			entries: 24,
			problem: &vrs.AuditProblem{Seq: 25, Kind: "deleted"},
		},
		{
			name: "DeleteSeveral",
			tamper: func(es []*vrs.AuditEntry) []*vrs.AuditEntry {
				return append(es[:39:39], es[43:]...) // drop seq 40–43
			},
			entries: 39,
			problem: &vrs.AuditProblem{Seq: 40, Kind: "deleted"},
		},
		{
			name:    "DeleteFirst",
			tamper:  func(es []*vrs.AuditEntry) []*vrs.AuditEntry { return es[1:] },
			entries: 0,
			problem: &vrs.AuditProblem{Seq: 1, Kind: "deleted"},
		},
		{
			name: "DeleteAndRenumber",
			tamper: func(es []*vrs.AuditEntry) []*vrs.AuditEntry {
				es = append(es[:9:9], es[10:]...) // drop seq 10
				for i := 9; i < len(es); i++ {
					es[i].Seq = int64(i + 1)
				}
				return es
			},
			entries: 9,
			problem: &vrs.AuditProblem{Seq: 10, Kind: "reordered"},
		},
		{
			name: "SwapKeepingSeq",
			tamper: func(es []*vrs.AuditEntry) []*vrs.AuditEntry {
				es[11], es[12] = es[12], es[11]
				es[11].Seq, es[12].Seq = 12, 13
				return es
			},
			entries: 11,
			problem: &vrs.AuditProblem{Seq: 12, Kind: "reordered"},
		},
		{
			name: "SwapFirstTwoKeepingSeq",
			tamper: func(es []*vrs.AuditEntry) []*vrs.AuditEntry {
				es[0], es[1] = es[1], es[0]
				es[0].Seq, es[1].Seq = 1, 2
				return es
			},
			entries: 0,
			problem: &vrs.AuditProblem{Seq: 1, Kind: "reordered"},
		},
		{
			name: "SwapFarApartKeepingSeq",
			tamper: func(es []*vrs.AuditEntry) []*vrs.AuditEntry {
				es[5], es[44] = es[44], es[5]
				es[5].Seq, es[44].Seq = 6, 45
				return es
			},
			entries: 5,
			problem: &vrs.AuditProblem{Seq: 6, Kind: "reordered"},
		},
		{
			name: "SwapWithSeq",
			tamper: func(es []*vrs.AuditEntry) []*vrs.AuditEntry {
				es[11], es[12] = es[12], es[11]
				return es
			},
			entries: 11,
			problem: &vrs.AuditProblem{Seq: 12, Kind: "deleted"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := buildAuditChain(n)
			if tt.tamper != nil {
				es = tt.tamper(es)
			}
			v, err := vrs.VerifyAuditChain(auditSeq(es, nil))
			if err != nil {
				t.Fatalf("VerifyAuditChain: %v", err)
			}
			if v.Entries != tt.entries {
				t.Errorf("Entries = %d, want %d", v.Entries, tt.entries)
			}
			switch {
			case tt.problem == nil && v.Problem != nil:
				t.Errorf("Problem = %+v, want none", *v.Problem)
			case tt.problem != nil && v.Problem == nil:
				t.Errorf("Problem = nil, want %+v", *tt.problem)
			case tt.problem != nil && *v.Problem != *tt.problem:
				t.Errorf("Problem = %+v, want %+v", *v.Problem, *tt.problem)
			}
			wantHead := vrs.GenesisHash
			if tt.entries > 0 {
				wantHead = es[tt.entries-1].Hash
			}
			if v.Head != wantHead {
				t.Errorf("Head = %s, want %s", v.Head, wantHead)
			}
		})
	}
}

func TestVerifyAuditChainIteratorError(t *testing.T) {
	errRead := errors.New("disk on fire")
	tests := []struct {
		name  string
		after int
	}{
		{"ErrFirst", 0},
		{"ErrAfterSome", 10},
		{"ErrAfterAll", 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := buildAuditChain(50)[:tt.after]
			v, err := vrs.VerifyAuditChain(auditSeq(es, fmt.Errorf("reading audit: %w", errRead)))
			if !errors.Is(err, errRead) {
				t.Errorf("err = %v, want %v", err, errRead)
			}
			if v != nil {
				t.Errorf("verification = %+v, want nil with an error", v)
			}
		})
	}
}
