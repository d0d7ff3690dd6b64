package sdmx

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"
)

// The types below read a structure message back by local names, the way
// an SDMX consumer that knows nothing of how it was written would.

type rRef struct {
	ID                   string `xml:"id,attr"`
	AgencyID             string `xml:"agencyID,attr"`
	Version              string `xml:"version,attr"`
	MaintainableParentID string `xml:"maintainableParentID,attr"`
	Class                string `xml:"class,attr"`
}

type rMaint struct {
	ID       string `xml:"id,attr"`
	AgencyID string `xml:"agencyID,attr"`
	Version  string `xml:"version,attr"`
	URN      string `xml:"urn,attr"`
	Name     []struct {
		Lang string `xml:"lang,attr"`
		Text string `xml:",chardata"`
	} `xml:"Name"`
}

type rComponent struct {
	ID       string `xml:"id,attr"`
	Position int    `xml:"position,attr"`
	Concept  rRef   `xml:"ConceptIdentity>Ref"`
	Enum     *rRef  `xml:"LocalRepresentation>Enumeration>Ref"`
	Text     *struct {
		TextType string `xml:"textType,attr"`
	} `xml:"LocalRepresentation>TextFormat"`
	Related rRef `xml:"AttributeRelationship>PrimaryMeasure>Ref"`
}

type rMessage struct {
	XMLName  xml.Name
	HeaderID string `xml:"Header>ID"`
	Prepared string `xml:"Header>Prepared"`
	Sender   struct {
		ID string `xml:"id,attr"`
	} `xml:"Header>Sender"`
	Dataflows []struct {
		rMaint
		Structure rRef `xml:"Structure>Ref"`
	} `xml:"Structures>Dataflows>Dataflow"`
	Codelists []struct {
		rMaint
		Codes []struct {
			ID     string `xml:"id,attr"`
			Name   string `xml:"Name"`
			Parent *rRef  `xml:"Parent>Ref"`
		} `xml:"Code"`
	} `xml:"Structures>Codelists>Codelist"`
	Schemes []struct {
		rMaint
		Concepts []struct {
			ID   string `xml:"id,attr"`
			Name string `xml:"Name"`
		} `xml:"Concept"`
	} `xml:"Structures>Concepts>ConceptScheme"`
	DSDs []struct {
		rMaint
		Dimensions []rComponent `xml:"DataStructureComponents>DimensionList>Dimension"`
		Time       []rComponent `xml:"DataStructureComponents>DimensionList>TimeDimension"`
		Attributes []rComponent `xml:"DataStructureComponents>AttributeList>Attribute"`
		Measures   []rComponent `xml:"DataStructureComponents>MeasureList>PrimaryMeasure"`
	} `xml:"Structures>DataStructures>DataStructure"`
}

func writeStructure(t *testing.T, df Dataflow, extra []*CodeList) ([]byte, rMessage) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteStructure(&buf, df, extra); err != nil {
		t.Fatal(err)
	}
	var m rMessage
	if err := xml.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	return buf.Bytes(), m
}

func TestWriteStructureVRS(t *testing.T) {
	df := vrsFlow(t)
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.FixedZone("x", 3600)) }
	data, m := writeStructure(t, df, nil)

	t.Run("Namespaces", func(t *testing.T) {
		ns := map[string]bool{nsMessage: true, nsStructure: true, nsCommon: true}
		d := xml.NewDecoder(bytes.NewReader(data))
		var path []string
		var sections []string // children of message:Structures, in order
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := tok.(xml.EndElement); ok {
				path = path[:len(path)-1]
				continue
			}
			se, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			if len(path) == 2 && path[1] == "Structures" {
				sections = append(sections, se.Name.Local)
			}
			path = append(path, se.Name.Local)
			if se.Name.Local == "Ref" {
				if se.Name.Space != "" {
					t.Fatalf("Ref in namespace %q; SDMX-ML 2.1 references are unqualified", se.Name.Space)
				}
			} else if !ns[se.Name.Space] {
				t.Fatalf("element %s in namespace %q", se.Name.Local, se.Name.Space)
			}
			for _, a := range se.Attr {
				if a.Name.Local == "lang" && a.Name.Space != "http://www.w3.org/XML/1998/namespace" && a.Name.Space != "xml" {
					t.Fatalf("lang attribute in namespace %q", a.Name.Space)
				}
			}
		}
		// The 2.1 schema's StructuresType is a sequence: order matters.
		if got := strings.Join(sections, ","); got != "Dataflows,Codelists,Concepts,DataStructures" {
			t.Errorf("structures in the order %s", got)
		}
		if m.XMLName.Local != "Structure" || m.XMLName.Space != nsMessage {
			t.Errorf("root %v", m.XMLName)
		}
	})

	t.Run("Header", func(t *testing.T) {
		if !ValidID(m.HeaderID) || m.Sender.ID != "VRS" || m.Prepared != "2026-03-01T11:00:00Z" {
			t.Errorf("header %q %q %q", m.HeaderID, m.Sender.ID, m.Prepared)
		}
	})

	lists := map[string]int{} // AGENCY:ID(VERSION) -> index in m.Codelists
	for i, l := range m.Codelists {
		ref := l.AgencyID + ":" + l.ID + "(" + l.Version + ")"
		if _, dup := lists[ref]; dup {
			t.Errorf("code list %s twice", ref)
		}
		lists[ref] = i
	}

	t.Run("CodeLists", func(t *testing.T) {
		for _, l := range m.Codelists {
			if !validComponentID(l.ID) || !ValidID(l.AgencyID) || len(l.Name) == 0 || l.Name[0].Lang != "en" {
				t.Errorf("list %q: bad identity or name", l.ID)
			}
			if !strings.HasSuffix(l.URN, "Codelist="+l.AgencyID+":"+l.ID+"("+l.Version+")") {
				t.Errorf("list %s: urn %q", l.ID, l.URN)
			}
			ids := map[string]bool{}
			for _, c := range l.Codes {
				if !ValidID(c.ID) || ids[c.ID] || strings.TrimSpace(c.Name) == "" {
					t.Errorf("list %s: code %q invalid, repeated or unnamed", l.ID, c.ID)
				}
				ids[c.ID] = true
			}
			for _, c := range l.Codes {
				if c.Parent != nil && !ids[c.Parent.ID] {
					t.Errorf("list %s: code %s has parent %q not in the list", l.ID, c.ID, c.Parent.ID)
				}
			}
		}
	})

	t.Run("EveryCodeOfEveryList", func(t *testing.T) {
		for _, d := range df.Dimensions {
			i, ok := lists[d.Codes.Ref()]
			if !ok {
				t.Errorf("dimension %s: list %s not in the message", d.ID, d.Codes.Ref())
				continue
			}
			got := map[string]string{}
			for _, c := range m.Codelists[i].Codes {
				got[c.ID] = c.Name
			}
			if len(got) != len(d.Codes.Codes) {
				t.Errorf("list %s: %d codes written, %d defined", d.Codes.ID, len(got), len(d.Codes.Codes))
			}
			for _, c := range d.Codes.Codes {
				if got[c.ID] != c.Name {
					t.Errorf("list %s: code %s written as %q, want %q", d.Codes.ID, c.ID, got[c.ID], c.Name)
				}
			}
		}
	})

	t.Run("DataStructure", func(t *testing.T) {
		if len(m.Dataflows) != 1 || len(m.DSDs) != 1 || len(m.Schemes) != 1 {
			t.Fatalf("%d dataflows, %d DSDs, %d concept schemes", len(m.Dataflows), len(m.DSDs), len(m.Schemes))
		}
		flow, dsd, cs := m.Dataflows[0], m.DSDs[0], m.Schemes[0]
		if flow.ID != df.ID || flow.Structure.ID != dsd.ID || flow.Structure.AgencyID != dsd.AgencyID ||
			flow.Structure.Version != dsd.Version || flow.Structure.Class != "DataStructure" {
			t.Errorf("dataflow %s refers to %+v, DSD is %s", flow.ID, flow.Structure, dsd.ID)
		}
		concepts := map[string]bool{}
		for _, c := range cs.Concepts {
			concepts[c.ID] = c.Name != ""
		}
		wantDims := []string{DimFreq}
		for _, d := range df.Dimensions {
			wantDims = append(wantDims, d.ID)
		}
		if len(dsd.Dimensions) != len(wantDims) {
			t.Fatalf("%d dimensions, want %d", len(dsd.Dimensions), len(wantDims))
		}
		checkConcept := func(c rComponent) {
			if c.Concept.ID != c.ID || c.Concept.MaintainableParentID != cs.ID || !concepts[c.ID] {
				t.Errorf("component %s: concept %+v not in scheme %s", c.ID, c.Concept, cs.ID)
			}
		}
		for i, d := range dsd.Dimensions {
			if d.ID != wantDims[i] || d.Position != i+1 {
				t.Errorf("dimension %d is %s at %d, want %s", i+1, d.ID, d.Position, wantDims[i])
			}
			checkConcept(d)
			if d.Enum == nil {
				t.Errorf("dimension %s is not coded", d.ID)
				continue
			}
			if _, ok := lists[d.Enum.AgencyID+":"+d.Enum.ID+"("+d.Enum.Version+")"]; !ok || d.Enum.Class != "Codelist" {
				t.Errorf("dimension %s refers to code list %+v, not in the message", d.ID, *d.Enum)
			}
		}
		if len(dsd.Time) != 1 || dsd.Time[0].ID != DimTime || dsd.Time[0].Position != len(wantDims)+1 ||
			dsd.Time[0].Text == nil || dsd.Time[0].Text.TextType != "ObservationalTimePeriod" {
			t.Errorf("time dimension %+v", dsd.Time)
		} else {
			checkConcept(dsd.Time[0])
		}
		if len(dsd.Measures) != 1 || dsd.Measures[0].ID != MeasureID {
			t.Errorf("measures %+v", dsd.Measures)
		} else {
			checkConcept(dsd.Measures[0])
		}
		var attrs []string
		for _, a := range dsd.Attributes {
			attrs = append(attrs, a.ID)
			checkConcept(a)
			if a.Enum == nil || a.Related.ID != MeasureID {
				t.Errorf("attribute %s: list %v, attached to %q", a.ID, a.Enum, a.Related.ID)
				continue
			}
			if _, ok := lists[a.Enum.AgencyID+":"+a.Enum.ID+"("+a.Enum.Version+")"]; !ok {
				t.Errorf("attribute %s refers to %+v, not in the message", a.ID, *a.Enum)
			}
		}
		if strings.Join(attrs, ",") != "OBS_STATUS,CONF_STATUS" {
			t.Errorf("attributes %v", attrs)
		}
	})

	t.Run("HierarchyKept", func(t *testing.T) {
		l := m.Codelists[lists["VRS:CL_OFFENCE(1.0)"]]
		for _, c := range l.Codes {
			if c.ID == "02041" && (c.Parent == nil || c.Parent.ID != "0204") {
				t.Errorf("02041's parent is %v, want 0204", c.Parent)
			}
		}
	})
}

func TestWriteStructureExtraLists(t *testing.T) {
	df := awkwardFlow("x")
	extra := &CodeList{Agency: "TEST", ID: "CL_EXTRA", Version: "2.0", Name: "Extra", Codes: []Code{{ID: "E", Name: "e"}}}
	_, m := writeStructure(t, df, []*CodeList{extra, df.Dimensions[0].Codes, extra})
	var ids []string
	for _, l := range m.Codelists {
		ids = append(ids, l.ID)
	}
	if strings.Join(ids, ",") != "CL_FREQ,CL_X,CL_OBS_STATUS,CL_CONF_STATUS,CL_EXTRA" {
		t.Errorf("lists %v", ids)
	}

	t.Run("ErrSameRefOtherList", func(t *testing.T) {
		clash := *df.Dimensions[0].Codes
		if err := WriteStructure(io.Discard, df, []*CodeList{&clash}); err == nil {
			t.Error("two lists with one identity accepted")
		}
	})
	t.Run("ErrInvalidList", func(t *testing.T) {
		bad := &CodeList{Agency: "TEST", ID: "CL_BAD", Version: "1.0", Name: "Bad", Codes: []Code{{ID: "a b", Name: "x"}}}
		if err := WriteStructure(io.Discard, df, []*CodeList{bad}); err == nil {
			t.Error("code \"a b\" accepted")
		}
	})
}
