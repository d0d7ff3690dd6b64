package sdmx

import (
	"testing"

	"vrs/refdata"
)

func TestMapID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"18-24", "18-24"},
		{"female", "female"},
		{"0204", "0204"},
		{"a@b$c", "a@b$c"},
		{"50+", "50_PLUS"},
		{"a.b", "a_b"},
		{"a b", "a_b"},
		{"é", "X__"},
		{"_x", "X_x"},
		{"", "X"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := mapID(tt.in)
			if got != tt.want || !ValidID(got) {
				t.Errorf("mapID(%q) = %q, want %q (valid ID)", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidID(t *testing.T) {
	for s, want := range map[string]bool{"A": true, "_T": true, "a-b_c@d$e": true, "18-24": true,
		"": false, "a b": false, "a.b": false, "50+": false, "é": false, "a/b": false} {
		if ValidID(s) != want {
			t.Errorf("ValidID(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{"REF_AREA": true, "x1": true, "1X": false, "_T": false, "A.B": false} {
		if validComponentID(s) != want {
			t.Errorf("validComponentID(%q) = %v", s, !want)
		}
	}
}

// TestFromRefdataEveryList turns every refdata list, used by the dataflow
// or not, into an SDMX list and checks that each VRS code has exactly one
// valid SDMX code with its label, and that the hierarchy survives.
func TestFromRefdataEveryList(t *testing.T) {
	for _, rl := range refdata.CodeLists() {
		t.Run(rl.Name, func(t *testing.T) {
			cl, err := FromRefdata(rl)
			if err != nil {
				t.Fatal(err)
			}
			if cl.Validate() != nil || !validComponentID(cl.ID) {
				t.Fatalf("list %s is not valid SDMX", cl.Ref())
			}
			idx := cl.index()
			for _, e := range rl.Entries {
				i, ok := idx[e.Code]
				if !ok {
					t.Fatalf("VRS code %q has no SDMX code", e.Code)
				}
				c := cl.Codes[i]
				if c.Source != e.Code || c.Name != e.Label || !ValidID(c.ID) {
					t.Errorf("VRS code %q became %+v", e.Code, c)
				}
				if e.Parent != "" && cl.Codes[idx[e.Parent]].ID != c.Parent {
					t.Errorf("%q: parent %q, want the code of %q", e.Code, c.Parent, e.Parent)
				}
			}
			for _, special := range []string{Total, NotApplicable, Unknown} {
				if _, ok := idx[special]; !ok {
					t.Errorf("no %s code", special)
				}
			}
			if len(cl.Codes) > len(rl.Entries)+3 {
				t.Errorf("%d codes for %d entries", len(cl.Codes), len(rl.Entries))
			}
		})
	}
}

func TestFromRefdataConventions(t *testing.T) {
	tests := []struct{ list, code, want string }{
		{"country", "TH", "THA"},
		{"country", "MM", "MMR"},
		{"sex", "female", "F"},
		{"sex", "male", "M"},
		{"sex", "unknown", Unknown},
		{"sex", "non_conforming", "non_conforming"},
		{"age_group", "0-11", "Y0T11"},
		{"age_group", "50+", "Y_GE50"},
		{"age_group", "unknown", Unknown},
		{"offence", "02041", "02041"},
		{"currency", "USD", "USD"},
	}
	for _, tt := range tests {
		t.Run(tt.list+"/"+tt.code, func(t *testing.T) {
			rl, ok := refdata.LookupCodeList(tt.list)
			if !ok {
				t.Fatalf("no refdata list %q", tt.list)
			}
			cl, err := FromRefdata(rl)
			if err != nil {
				t.Fatal(err)
			}
			i, ok := cl.index()[tt.code]
			if !ok || cl.Codes[i].ID != tt.want {
				t.Errorf("%s %q -> %v, want %q", tt.list, tt.code, cl.Codes, tt.want)
			}
		})
	}
}

// TestFromRefdataCollisions feeds codes that map to one ID, and codes that
// are not IDs, through a made-up list.
func TestFromRefdataCollisions(t *testing.T) {
	rl := &refdata.CodeList{Name: "test list", Version: "t", Title: "Test", Source: "test", Entries: []refdata.Code{
		{Code: "a.b", Label: "dot"}, {Code: "a b", Label: "space"}, {Code: "a_b", Label: "underscore"},
		{Code: "_x", Label: "leading underscore"}, {Code: "c", Label: "child", Parent: "a b"},
	}}
	cl, err := FromRefdata(rl)
	if err != nil {
		t.Fatal(err)
	}
	if cl.ID != "CL_TEST_LIST" {
		t.Errorf("list ID %q", cl.ID)
	}
	want := map[string]string{"a.b": "a_b", "a b": "a_b_2", "a_b": "a_b_3", "_x": "X_x", "c": "c"}
	idx := cl.index()
	for src, id := range want {
		if got := cl.Codes[idx[src]].ID; got != id {
			t.Errorf("%q -> %q, want %q", src, got, id)
		}
	}
	if p := cl.Codes[idx["c"]].Parent; p != "a_b_2" {
		t.Errorf("child's parent %q, want a_b_2", p)
	}
	if cl.Codes[idx[Total]].Source != "" || cl.Codes[idx[Total]].Name != "Total" {
		t.Errorf("_T is %+v, want the SDMX total", cl.Codes[idx[Total]])
	}
	t.Run("ErrSpecialCode", func(t *testing.T) {
		rl.Entries = append(rl.Entries, refdata.Code{Code: Total, Label: "looks special"})
		if _, err := FromRefdata(rl); err == nil {
			t.Error("a VRS code _T was accepted")
		}
	})
}

// TestRefdataVersionsPinned fails when a refdata list the VRS dataflow
// uses changes version: the SDMX lists made from it then change too, and
// StructureVersion must be raised with this table.
func TestRefdataVersionsPinned(t *testing.T) {
	pinned := map[string]string{
		"country":           "iso3166-2026.11+ne10m-4.1.0",
		"person_role":       "vrs-2026.11",
		"incident_type":     "vrs-2026.11",
		"offence":           "iccs-1.0",
		"sex":               "vrs-2026.11+htcds-2.0",
		"age_group":         "vrs-2026.11",
		"transport_mode":    "vrs-2026.11",
		"exploitation_form": "vrs-2026.11+htcds-2.0",
		"document_type":     "vrs-2026.11",
		"fraud_type":        "vrs-2026.11",
		"currency":          "iso4217-2024-06-25+xcg",
	}
	if StructureVersion != "1.0" {
		t.Skip("update the pinned versions with StructureVersion")
	}
	for _, d := range vrsDimensions {
		if d.list == "" {
			continue
		}
		want, ok := pinned[d.list]
		if !ok {
			t.Errorf("list %q is not pinned", d.list)
			continue
		}
		rl, _ := refdata.LookupCodeList(d.list)
		if rl.Version != want {
			t.Errorf("refdata %s is now %s (pinned %s): raise StructureVersion", d.list, rl.Version, want)
		}
	}
}

func TestValidateCodeList(t *testing.T) {
	base := func() *CodeList {
		return &CodeList{Agency: "A", ID: "CL_A", Version: "1.0", Name: "A",
			Codes: []Code{{ID: "x", Name: "X", Source: "x"}, {ID: "y", Name: "Y", Parent: "x"}}}
	}
	if err := base().Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mutate func(*CodeList)
	}{
		{"ErrVersion", func(l *CodeList) { l.Version = "v1" }},
		{"ErrListID", func(l *CodeList) { l.ID = "1CL" }},
		{"ErrNoName", func(l *CodeList) { l.Name = " " }},
		{"ErrNoCodes", func(l *CodeList) { l.Codes = nil }},
		{"ErrCodeID", func(l *CodeList) { l.Codes[0].ID = "x.1" }},
		{"ErrDuplicate", func(l *CodeList) { l.Codes[1].ID = "x" }},
		{"ErrUnnamedCode", func(l *CodeList) { l.Codes[1].Name = "" }},
		{"ErrParent", func(l *CodeList) { l.Codes[1].Parent = "z" }},
		{"ErrOwnParent", func(l *CodeList) { l.Codes[0].Parent = "x" }},
		{"ErrSourceTwice", func(l *CodeList) { l.Codes[1].Source = "x" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := base()
			tt.mutate(l)
			if l.Validate() == nil {
				t.Error("accepted")
			}
		})
	}
}
