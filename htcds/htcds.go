// Package htcds is the interchange with the Human Trafficking Case Data
// Standard 2.0 (IOM, UNMigration/HTCDS): which HTCDS fields and values
// are which VRS fields and codes, an importer mapping for HTCDS-shaped
// files, and writers that export trafficking cases in HTCDS names. See
// docs/htcds.md.
package htcds

import (
	"maps"
	"slices"
	"strings"

	"vrs/importer"
	"vrs/refdata"
)

// Field pairs an HTCDS column with the VRS importer field it carries.
type Field struct {
	Name string // HTCDS field name with its prefix ("prs_Gender"), or a vrs_ column
	Path string // importer field path
	// List is the VRS code list whose htcds attribute holds the HTCDS
	// value names; "" when values pass unchanged (text, dates, ISO codes).
	List string
	// Label is the field's HTCDS label, which the standard's templates
	// repeat in their second row.
	Label string
}

// Fields are the HTCDS columns VRS carries, in the order the writers
// write them. The vrs_ columns are VRS's own: HTCDS has no case reference
// or detection date, and they make an exported file import back whole.
// When a header holds two columns for one single-valued field, the one
// listed first wins.
var Fields = []Field{
	{Name: "prs_FirstName", Path: "persons[].name", Label: "First Name"},
	{Name: "prs_Birthdate", Path: "persons[].date_of_birth", Label: "Birthdate"},
	{Name: "prs_Gender", Path: "persons[].sex", List: "sex", Label: "Gender"},
	{Name: "prs_Citizenship", Path: "persons[].nationalities", Label: "Citizenship"},
	{Name: "vic_TraffickingStatus", Path: "persons[].trafficking_status", List: "trafficking_status", Label: "Trafficking Status"},
	{Name: "vic_AgeWhenTrafficked", Path: "persons[].age", Label: "Age when Trafficked"},
	{Name: "vic_MethodOfRecruitment", Path: "persons[].recruitment_methods", List: "recruitment_method", Label: "Method of Recruitment"},
	{Name: "vic_MethodsOfControl", Path: "persons[].control_methods", List: "control_method", Label: "Methods of Control"},
	{Name: "vic_TypeOfExploitation", Path: "persons[].exploitation", List: "exploitation_form", Label: "Type of Exploitation"},
	{Name: "vic_ForcedLabourIndustry", Path: "persons[].labour_sector", List: "isic_section", Label: "Forced Labour Industry"},
	{Name: "vic_TypeOfSexExploitation", Path: "persons[].sex_exploitation", List: "sex_exploitation_type", Label: "Type of Sex Exploitation"},
	{Name: "per_RoleInProcess", Path: "persons[].perpetrator_roles", List: "perpetrator_role", Label: "Role in Process"},
	{Name: "hte_Date", Path: "occurred_on", Label: "Date"},
	{Name: "hte_Country", Path: "place.country", Label: "Country"},
	{Name: "hte_State", Path: "place.admin_area", Label: "State"},
	{Name: "hte_City", Path: "place.name", Label: "City"},
	{Name: "hte_Latitude", Path: "place.lat", Label: "Latitude"},
	{Name: "hte_Longitude", Path: "place.lon", Label: "Longitude"},
	{Name: "hte_Description", Path: "narrative", Label: "Description"},
	{Name: "cco_CaseComment", Path: "narrative", Label: "Case Comment"},

	{Name: "vrs_Reference", Path: "reference"},
	{Name: "vrs_DetectedOn", Path: "detected_on"},
	{Name: "vrs_ReportedOn", Path: "reported_on"},
	{Name: "vrs_PersonKey", Path: "persons[].key"},
	{Name: "vrs_PersonRole", Path: "persons[].role"},
	{Name: "vrs_AgeGroup", Path: "persons[].age_group"},
	{Name: "vrs_PersonStatus", Path: "persons[].status"},
	// prs_Deceased is a checkbox: it says one of VRS's statuses.
	{Name: "prs_Deceased", Path: "persons[].status", Label: "Deceased"},
}

// NotCarried lists the HTCDS 2.0 fields VRS has no place for, with why.
// Mapping leaves their columns unmapped and Unmapped reports them; the
// writers never fill them.
var NotCarried = map[string]string{
	"prs_Salutation": "no salutation in VRS", "prs_MiddleName": "VRS holds one full name (prs_FirstName)",
	"prs_SecondName":    "VRS holds one full name (prs_FirstName); import joins nothing, so the second name is not carried",
	"prs_MaritalStatus": "not recorded", "prs_NumberOfChildren": "not recorded", "prs_PrimaryLanguage": "not recorded",
	"prs_SecondaryLanguage": "not recorded", "prs_HighestLevelOfEducation": "not recorded",
	"prs_IdentityNumber": "identifiers need a kind (passport, national id...): enter them in VRS",
	"prs_Title":          "a person's position in an organisation: not recorded",
	"prs_Email":          "contact details of case management, not of a reported incident", "prs_HomePhone": "contact details: not carried",
	"prs_MobilePhone": "contact details: not carried", "prs_MailingCity": "mailing address: not carried",
	"prs_MailingCountry": "mailing address: not carried", "prs_MailingState": "mailing address: not carried",
	"prs_MailingStreet": "mailing address: not carried", "prs_MailingPostalCode": "mailing address: not carried",
	"prs_MailingLongitude": "mailing address: not carried", "prs_MailingLatitude": "mailing address: not carried",
	"vic_AgreementToManagePersonalData":      "deprecated in HTCDS 2.0",
	"vic_TraffickingStatusDecisionMakingOrg": "who decided the status: not recorded",
	"vic_TraffickinStatusDecisionMakingOrg":  "misspelt in the standard's templates; who decided the status: not recorded",
	"vic_RelationshipToTrafficker":           "not recorded", "vic_RecruitmentWebsitesAndApps": "not recorded",
	"vic_LocationOfRecruitment":       "a lookup to an organisation record: not carried",
	"vic_LocationOfExploitation":      "a lookup to an organisation record: not carried",
	"vic_ExploitationWebsitesAndApps": "not recorded", "vic_Vulnerabilities": "deprecated in HTCDS 2.0",
	"vic_DetailsOfVulnerabilities": "deprecated in HTCDS 2.0", "per_RoleDetails": "free text on the role: not carried",
	"per_Organisation": "a lookup to an organisation record: not carried",
	"cas_Status":       "case management (support), not an incident's status", "cas_ReasonForCaseClosure": "case management: not carried",
	"cas_CaseOwner": "a case worker: not carried", "cas_ReferringOrganisation": "referrals: not carried",
	"cas_IncomingReferralDate": "referrals: not carried", "cas_ReferringPrimaryCaseWorker": "referrals: not carried",
	"cas_ReasonForIncomingReferral": "referrals: not carried", "cas_IncomingReferralDetails": "referrals: not carried",
	"cas_ReferredOrganisation": "referrals: not carried", "cas_ReferredPrimaryCaseWorker": "referrals: not carried",
	"cas_ReasonForOutgoingReferral": "referrals: not carried", "cas_OutgoingReferralDate": "referrals: not carried",
	"cas_OutgoingReferralDetails": "referrals: not carried", "con_Consent": "consent to a support interview: not carried",
	"hte_Street": "street of an event: not carried", "hte_PostalCode": "postal code of an event: not carried",
	"hte_Type":       "recruitment, transit or exploitation: VRS records one place per incident",
	"spl_Objectives": "support plans: not carried", "spl_ActionPlan": "support plans: not carried",
	"spl_PlannedEndDate": "support plans: not carried", "spl_ActualEndDate": "support plans: not carried",
	"spl_Type": "support plans: not carried",
	"org_Name": "organisations: not carried", "org_ShippingCity": "organisations: not carried",
	"org_ShippingCountry": "organisations: not carried", "org_ShippingState": "organisations: not carried",
	"org_ShippingStreet": "organisations: not carried", "org_ShippingPostalCode": "organisations: not carried",
	"org_ShippingLongitude": "organisations: not carried", "org_ShippingLatitude": "organisations: not carried",
	"org_Phone": "organisations: not carried", "org_Type": "organisations: not carried",
}

// lookup finds the field of an HTCDS column name, ignoring case.
func lookup(name string) (Field, bool) {
	name = strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))
	for _, f := range Fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Field{}, false
}

// ValueName is the HTCDS value name of a VRS code of a field's list; ""
// when HTCDS has none (a perpetrator role such as organiser).
func ValueName(list, code string) string {
	l, ok := refdata.LookupCodeList(list)
	if !ok {
		return ""
	}
	for _, e := range l.Entries {
		if e.Code == code {
			return e.Attrs["htcds"]
		}
	}
	return ""
}

// Codes maps the HTCDS value names and value labels of a field's list to
// VRS codes. A name that two codes share (Other) goes to the code "other".
func Codes(f Field) map[string]string {
	if f.List == "" {
		return nil
	}
	l, ok := refdata.LookupCodeList(f.List)
	if !ok {
		return nil
	}
	byName := map[string]string{}
	for _, e := range l.Entries {
		n := e.Attrs["htcds"]
		if n == "" {
			continue
		}
		if prev, dup := byName[n]; dup && prev == "other" {
			continue
		}
		byName[n] = e.Code
	}
	out := make(map[string]string, 2*len(byName))
	for n, c := range byName {
		out[n] = c
	}
	for _, nl := range valueLabels[f.Name] {
		if c, ok := byName[nl[0]]; ok {
			if _, taken := out[nl[1]]; !taken {
				out[nl[1]] = c
			}
		}
	}
	return out
}

// deceased are the checkbox values that mean true.
var deceased = []string{"true", "yes", "1", "x", "y"}

// Mapping is a ready importer mapping for a file in the HTCDS layout: each
// column named as Fields names it maps to its VRS field with the HTCDS
// value names and labels translated to codes; other columns are ignored
// (Unmapped lists them). Each column also maps its HTCDS label to nothing,
// so that the label row of the standard's templates imports as empty.
// Dates may be ISO or spreadsheet day numbers.
func Mapping(header []string) *importer.Mapping {
	m := &importer.Mapping{DateFormats: []string{"2006-01-02", importer.DateExcel}, Columns: []importer.Column{}}
	taken := map[string]bool{}
	seen := map[string]bool{}
	// Columns in the order of Fields, so that the first listed wins a
	// single-valued field.
	type col struct {
		source string
		f      Field
		ok     bool
	}
	var cols []col
	for _, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		k := strings.ToLower(h)
		if h == "" || seen[k] || len([]rune(h)) > importer.MaxNameLen || len(cols) >= importer.MaxColumns {
			continue
		}
		seen[k] = true
		f, ok := lookup(h)
		cols = append(cols, col{h, f, ok})
	}
	rank := func(c col) int {
		if !c.ok {
			return len(Fields)
		}
		return slices.IndexFunc(Fields, func(f Field) bool { return f.Name == c.f.Name })
	}
	order := slices.Clone(cols)
	slices.SortStableFunc(order, func(a, b col) int { return rank(a) - rank(b) })
	mapped := map[string]importer.Column{}
	for _, c := range order {
		if !c.ok {
			continue
		}
		imf, _ := importer.LookupField(c.f.Path)
		if taken[imf.Path] && !imf.Multi {
			continue
		}
		taken[imf.Path] = true
		ic := importer.Column{Source: c.source, Field: c.f.Path, Values: Codes(c.f)}
		if c.f.Path == "persons[].nationalities" || c.f.Path == "place.country" {
			ic.Values = maps.Clone(countryNames)
		}
		if c.f.Name == "prs_Deceased" {
			ic.Values = map[string]string{"false": "", "no": "", "0": "", "n": ""}
			for _, v := range deceased {
				ic.Values[v] = "deceased"
			}
		}
		if c.f.Label != "" {
			if ic.Values == nil {
				ic.Values = map[string]string{}
			}
			if _, ok := ic.Values[c.f.Label]; !ok && !strings.EqualFold(c.f.Label, "Other") {
				ic.Values[c.f.Label] = ""
			}
		}
		mapped[strings.ToLower(c.source)] = ic
	}
	for _, c := range cols {
		if ic, ok := mapped[strings.ToLower(c.source)]; ok {
			m.Columns = append(m.Columns, ic)
			continue
		}
		m.Columns = append(m.Columns, importer.Column{Source: c.source})
	}
	return m
}

// Unmapped lists the header's columns that VRS does not carry, so that an
// import can say what it leaves out. A column of Fields whose field
// another column already fills (prs_Deceased beside vrs_PersonStatus) is
// not listed: its content is carried.
func Unmapped(header []string) []string {
	var out []string
	for _, c := range Mapping(header).Columns {
		if _, known := lookup(c.Source); c.Field == "" && !known {
			out = append(out, c.Source)
		}
	}
	return out
}

// countryNames are the country names of the standard's template with
// validation that VRS's country list does not know as written (ISO's
// "Korea, Republic of" against VRS's "Republic of Korea").
var countryNames = map[string]string{
	"Congo, Democratic Republic of the": "CD", "Korea (Democratic People's Republic of)": "KP", "Korea, Republic of": "KR",
	"Moldova, Republic of": "MD", "Palestine, State of": "PS", "Saint Helena, Ascension and Tristan da Cunha": "SH",
	"Svalbard and Jan Mayen": "SJ", "Tanzania, United Republic of": "TZ", "Virgin Islands (British)": "VG",
	"Virgin Islands (U.S.)": "VI", "Wallis and Futuna": "WF",
}
