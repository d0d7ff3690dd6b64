package sdmx

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// SDMX-ML 2.1 namespaces. VRS writes structures in SDMX-ML 2.1 rather than
// 3.0: it is what most national statistics offices, UNODC's and Eurostat's
// tools and the common libraries (rsdmx, pandaSDMX, sdmx.io) read today,
// and an SDMX 3.0 registry imports 2.1 structures unchanged.
const (
	nsMessage   = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
	nsStructure = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
	nsCommon    = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
)

// now is the clock of the message header, replaced in tests.
var now = time.Now

// The XML types below spell the prefixes into the element names, because
// encoding/xml would otherwise declare a default namespace on every
// element; SDMX-ML's references (Ref) are unqualified, which a default
// namespace would break.

type xStructureMsg struct {
	XMLName    xml.Name    `xml:"message:Structure"`
	NSMessage  string      `xml:"xmlns:message,attr"`
	NSStruct   string      `xml:"xmlns:structure,attr"`
	NSCommon   string      `xml:"xmlns:common,attr"`
	Header     xHeader     `xml:"message:Header"`
	Structures xStructures `xml:"message:Structures"`
}

type xHeader struct {
	ID       string `xml:"message:ID"`
	Test     bool   `xml:"message:Test"`
	Prepared string `xml:"message:Prepared"`
	Sender   xID    `xml:"message:Sender"`
}

type xID struct {
	ID string `xml:"id,attr"`
}

// xStructures keeps the order of the 2.1 schema's StructuresType sequence.
type xStructures struct {
	Dataflows      []xDataflow      `xml:"structure:Dataflows>structure:Dataflow"`
	Codelists      []xCodelist      `xml:"structure:Codelists>structure:Codelist"`
	ConceptSchemes []xConceptScheme `xml:"structure:Concepts>structure:ConceptScheme"`
	DataStructures []xDataStructure `xml:"structure:DataStructures>structure:DataStructure"`
}

type xMaintainable struct {
	ID       string `xml:"id,attr"`
	URN      string `xml:"urn,attr"`
	AgencyID string `xml:"agencyID,attr"`
	Version  string `xml:"version,attr"`
	IsFinal  bool   `xml:"isFinal,attr"`
}

type xText struct {
	Lang string `xml:"xml:lang,attr"`
	Text string `xml:",chardata"`
}

func en(s string) []xText {
	if s == "" {
		return nil
	}
	return []xText{{Lang: "en", Text: s}}
}

type xDataflow struct {
	xMaintainable
	Name      []xText `xml:"common:Name"`
	Structure xRefBox `xml:"structure:Structure"`
}

type xCodelist struct {
	xMaintainable
	Name        []xText `xml:"common:Name"`
	Description []xText `xml:"common:Description"`
	Codes       []xCode `xml:"structure:Code"`
}

type xCode struct {
	ID     string   `xml:"id,attr"`
	URN    string   `xml:"urn,attr"`
	Name   []xText  `xml:"common:Name"`
	Parent *xRefBox `xml:"structure:Parent"`
}

type xConceptScheme struct {
	xMaintainable
	Name     []xText    `xml:"common:Name"`
	Concepts []xConcept `xml:"structure:Concept"`
}

type xConcept struct {
	ID   string  `xml:"id,attr"`
	URN  string  `xml:"urn,attr"`
	Name []xText `xml:"common:Name"`
}

type xDataStructure struct {
	xMaintainable
	Name       []xText     `xml:"common:Name"`
	Components xComponents `xml:"structure:DataStructureComponents"`
}

type xComponents struct {
	Dimensions xDimensionList `xml:"structure:DimensionList"`
	Attributes xAttributeList `xml:"structure:AttributeList"`
	Measures   xMeasureList   `xml:"structure:MeasureList"`
}

type xDimensionList struct {
	ID         string       `xml:"id,attr"`
	Dimensions []xDimension `xml:"structure:Dimension"`
	Time       xDimension   `xml:"structure:TimeDimension"`
}

type xDimension struct {
	ID       string  `xml:"id,attr"`
	Position int     `xml:"position,attr"`
	Concept  xRefBox `xml:"structure:ConceptIdentity"`
	Repr     xRepr   `xml:"structure:LocalRepresentation"`
}

type xRepr struct {
	Enumeration *xRefBox     `xml:"structure:Enumeration"`
	TextFormat  *xTextFormat `xml:"structure:TextFormat"`
}

type xTextFormat struct {
	TextType string `xml:"textType,attr"`
}

type xAttributeList struct {
	ID         string       `xml:"id,attr"`
	Attributes []xAttribute `xml:"structure:Attribute"`
}

type xAttribute struct {
	ID               string  `xml:"id,attr"`
	AssignmentStatus string  `xml:"assignmentStatus,attr"`
	Concept          xRefBox `xml:"structure:ConceptIdentity"`
	Repr             xRepr   `xml:"structure:LocalRepresentation"`
	Relationship     xRefBox `xml:"structure:AttributeRelationship>structure:PrimaryMeasure"`
}

type xMeasureList struct {
	ID      string   `xml:"id,attr"`
	Measure xMeasure `xml:"structure:PrimaryMeasure"`
}

type xMeasure struct {
	ID      string  `xml:"id,attr"`
	Concept xRefBox `xml:"structure:ConceptIdentity"`
	Repr    xRepr   `xml:"structure:LocalRepresentation"`
}

// xRefBox holds an unqualified Ref, as every SDMX-ML 2.1 reference does.
type xRefBox struct {
	Ref xRef `xml:"Ref"`
}

type xRef struct {
	ID                        string `xml:"id,attr"`
	MaintainableParentID      string `xml:"maintainableParentID,attr,omitempty"`
	MaintainableParentVersion string `xml:"maintainableParentVersion,attr,omitempty"`
	AgencyID                  string `xml:"agencyID,attr,omitempty"`
	Version                   string `xml:"version,attr,omitempty"`
	Package                   string `xml:"package,attr,omitempty"`
	Class                     string `xml:"class,attr,omitempty"`
}

const conceptSchemeID = "CS_VRS"

func urn(class, ref string) string { return "urn:sdmx:org.sdmx.infomodel." + class + "=" + ref }

func maintainable(class, agency, id, version string) xMaintainable {
	return xMaintainable{ID: id, AgencyID: agency, Version: version, IsFinal: true,
		URN: urn(class, agency+":"+id+"("+version+")")}
}

func listRef(l *CodeList) *xRefBox {
	return &xRefBox{xRef{ID: l.ID, AgencyID: l.Agency, Version: l.Version, Package: "codelist", Class: "Codelist"}}
}

// WriteStructure writes an SDMX-ML 2.1 structure message for df: its
// dataflow, its data structure definition (FREQ, the dimensions,
// TIME_PERIOD; OBS_VALUE; OBS_STATUS and CONF_STATUS), a concept scheme
// for every component, and the code lists of the dimensions and attributes
// followed by extra, each list once.
func WriteStructure(w io.Writer, df Dataflow, extra []*CodeList) error {
	if err := df.Validate(); err != nil {
		return err
	}
	agency, version := df.Agency, df.Version
	concept := func(id string) xRefBox {
		return xRefBox{xRef{ID: id, MaintainableParentID: conceptSchemeID, MaintainableParentVersion: version,
			AgencyID: agency, Package: "conceptscheme", Class: "Concept"}}
	}

	var lists []*CodeList
	seen := map[string]*CodeList{}
	add := func(l *CodeList) error {
		if err := l.Validate(); err != nil {
			return err
		}
		if prev, ok := seen[l.Ref()]; ok {
			if prev != l {
				return fmt.Errorf("sdmx: two different code lists are both %s", l.Ref())
			}
			return nil
		}
		seen[l.Ref()] = l
		lists = append(lists, l)
		return nil
	}
	fixed := []Dimension{{ID: DimFreq, Name: "Frequency", Codes: freqList}}
	dims := append(fixed, df.Dimensions...)
	for _, d := range dims {
		if err := add(d.Codes); err != nil {
			return err
		}
	}
	for _, l := range append([]*CodeList{obsStatusList, confStatusList}, extra...) {
		if err := add(l); err != nil {
			return err
		}
	}

	cs := xConceptScheme{xMaintainable: maintainable("conceptscheme.ConceptScheme", agency, conceptSchemeID, version),
		Name: en("VRS statistical concepts")}
	addConcept := func(id, name string) {
		cs.Concepts = append(cs.Concepts, xConcept{ID: id, Name: en(name),
			URN: urn("conceptscheme.Concept", agency+":"+conceptSchemeID+"("+version+")."+id)})
	}
	dsdID := df.StructureID()
	dsd := xDataStructure{xMaintainable: maintainable("datastructure.DataStructure", agency, dsdID, version),
		Name: en(df.Name)}
	comp := &dsd.Components
	comp.Dimensions.ID, comp.Attributes.ID, comp.Measures.ID = "DimensionDescriptor", "AttributeDescriptor", "MeasureDescriptor"
	for i, d := range dims {
		addConcept(d.ID, d.Name)
		comp.Dimensions.Dimensions = append(comp.Dimensions.Dimensions, xDimension{
			ID: d.ID, Position: i + 1, Concept: concept(d.ID), Repr: xRepr{Enumeration: listRef(d.Codes)}})
	}
	addConcept(DimTime, "Time period")
	comp.Dimensions.Time = xDimension{ID: DimTime, Position: len(dims) + 1, Concept: concept(DimTime),
		Repr: xRepr{TextFormat: &xTextFormat{TextType: "ObservationalTimePeriod"}}}
	addConcept(MeasureID, "Observation value")
	comp.Measures.Measure = xMeasure{ID: MeasureID, Concept: concept(MeasureID),
		Repr: xRepr{TextFormat: &xTextFormat{TextType: "Double"}}}
	for _, a := range []struct {
		id, name, status string
		list             *CodeList
	}{
		{AttrStatus, "Observation status", "Mandatory", obsStatusList},
		{AttrConf, "Confidentiality status", "Mandatory", confStatusList},
	} {
		addConcept(a.id, a.name)
		comp.Attributes.Attributes = append(comp.Attributes.Attributes, xAttribute{
			ID: a.id, AssignmentStatus: a.status, Concept: concept(a.id),
			Repr:         xRepr{Enumeration: listRef(a.list)},
			Relationship: xRefBox{xRef{ID: MeasureID}},
		})
	}

	msg := xStructureMsg{
		NSMessage: nsMessage, NSStruct: nsStructure, NSCommon: nsCommon,
		Header: xHeader{ID: "VRS_" + df.ID, Prepared: now().UTC().Format(time.RFC3339), Sender: xID{ID: agency}},
		Structures: xStructures{
			Dataflows: []xDataflow{{
				xMaintainable: maintainable("datastructure.Dataflow", agency, df.ID, version),
				Name:          en(df.Name),
				Structure: xRefBox{xRef{ID: dsdID, AgencyID: agency, Version: version,
					Package: "datastructure", Class: "DataStructure"}},
			}},
			ConceptSchemes: []xConceptScheme{cs},
			DataStructures: []xDataStructure{dsd},
		},
	}
	for _, l := range lists {
		xl := xCodelist{xMaintainable: maintainable("codelist.Codelist", l.Agency, l.ID, l.Version),
			Name: en(l.Name), Description: en(l.Description)}
		for _, c := range l.Codes {
			xc := xCode{ID: c.ID, Name: en(c.Name), URN: urn("codelist.Code", l.Ref()+"."+c.ID)}
			if c.Parent != "" {
				xc.Parent = &xRefBox{xRef{ID: c.Parent}}
			}
			xl.Codes = append(xl.Codes, xc)
		}
		msg.Structures.Codelists = append(msg.Structures.Codelists, xl)
	}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(msg); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
