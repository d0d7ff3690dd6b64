package refdata

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestCodeListsParse(t *testing.T) {
	r, err := buildRegistry()
	if err != nil {
		t.Fatalf("buildRegistry: %v", err)
	}
	if len(r.lists) != len(manifest) {
		t.Fatalf("got %d lists, manifest has %d", len(r.lists), len(manifest))
	}
	if !slices.IsSortedFunc(r.lists, func(a, b *CodeList) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("lists not sorted by name")
	}
	for _, l := range r.lists {
		t.Run(l.Name, func(t *testing.T) {
			if l.Version == "" || l.Title == "" || l.Source == "" {
				t.Errorf("missing version, title or source: %+v", *l)
			}
			if len(l.Entries) == 0 {
				t.Fatal("no entries")
			}
			seen := map[string]bool{}
			for _, e := range l.Entries {
				if seen[e.Code] {
					t.Errorf("duplicate code %q", e.Code)
				}
				seen[e.Code] = true
				if strings.TrimSpace(e.Label) == "" {
					t.Errorf("%q: empty label", e.Code)
				}
				if !HasCode(l.Name, e.Code) || CodeLabel(l.Name, e.Code) != e.Label {
					t.Errorf("%q: HasCode/CodeLabel disagree with the entries", e.Code)
				}
				for k, v := range e.Attrs {
					if k == "" || v == "" {
						t.Errorf("%q: empty attribute %q=%q", e.Code, k, v)
					}
				}
			}
		})
	}
}

// wantCodes are the exact code sets of the lists the domain model uses.
var wantCodes = map[string][]string{
	"incident_type":   {"irregular_migration", "migrant_smuggling", "trafficking_in_persons", "document_fraud", "related_conduct"},
	"incident_status": {"draft", "submitted", "returned", "validated"},
	"person_role":     {"migrant", "victim", "suspect", "facilitator", "witness", "employer", "recruiter", "official"},
	"perpetrator_role": {"organiser", "recruiter", "transporter", "guide", "document_supplier", "corrupt_official", "financier",
		"broker_travel_agent", "travelling_partner", "transferrer", "harbourer", "seller", "buyer", "receiver", "controller",
		"smuggler", "abuser", "kidnapper", "exploiter", "other"},
	"person_status":      {"detected", "intercepted", "rescued", "detained", "deceased", "missing", "returned"},
	"sex":                {"female", "male", "transgender_female", "transgender_male", "non_conforming", "unknown"},
	"age_group":          {"0-11", "12-17", "18-24", "25-34", "35-49", "50+", "unknown"},
	"leg_role":           {"origin", "transit", "destination", "interception"},
	"transport_mode":     {"foot", "car", "bus", "truck", "motorbike", "train", "boat", "ship", "air", "other"},
	"place_kind":         {"border_crossing", "seaport", "airport", "at_sea", "coast", "inland", "other"},
	"information_source": {"border_check", "patrol", "inspection", "investigation", "tip_off", "hotline", "self_report", "ngo_referral", "foreign_authority", "media", "other"},
	"document_type": {"passport", "national_id", "visa", "residence_permit", "work_permit", "seafarer_book", "birth_certificate",
		"travel_document", "driving_licence", "other"},
	"fraud_type": {"counterfeit", "forged", "fraudulently_obtained_genuine", "impostor", "stolen_blank", "pseudo_document", "none"},
	"exploitation_form": {"sexual_exploitation", "forced_labour", "domestic_servitude", "forced_criminality", "forced_begging",
		"forced_marriage", "organ_removal", "child_soldiering", "child_labour", "forced_adoption", "surrogacy", "other"},
	"sex_exploitation_type": {"prostitution", "pornography", "remote_interactive_services", "private_sexual_services"},
	"isic_section":          {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U"},
	"control_method": {"physical_threats", "threats_law_enforcement", "threatens_children_family", "debt_bondage", "false_promises",
		"physical_abuse", "sexual_abuse", "takes_earnings", "restricts_financial_access", "restricts_medical_care",
		"withholds_necessities", "psychological_abuse", "psychoactive_substance", "excessive_working_hours", "withholds_documents", "other"},
	"recruitment_method": {"at_place_of_business", "at_educational_institution", "at_work", "online_social_networks",
		"online_advertisement", "television_advert", "newspaper_advert", "family_or_family_events", "friends_or_social_events", "other"},
	"trafficking_status": {"possible_victim", "actual_victim", "not_a_victim"},
	"identifier_kind":    {"document_number", "phone", "account", "address", "email", "social_media"},
	"payment_method":     {"cash", "bank_transfer", "informal_value_transfer", "mobile_money", "cryptocurrency", "debt", "other"},
	"payment_purpose":    {"smuggling_fee", "recruitment_fee", "debt_repayment", "bribe", "wages", "ransom", "other"},
	"organisation_kind":  {"recruitment_agency", "employer", "transport_company", "travel_agency", "money_service", "shell_company", "other"},
	"vehicle_kind":       {"vessel", "car", "van", "truck", "bus", "motorbike", "aircraft", "other"},
	"proceeding_stage":   {"under_investigation", "prosecuted", "convicted", "acquitted", "dismissed", "closed"},
}

func codes(l *CodeList) []string {
	var out []string
	for _, e := range l.Entries {
		out = append(out, e.Code)
	}
	return out
}

func TestExactCodeSets(t *testing.T) {
	for name, want := range wantCodes {
		t.Run(name, func(t *testing.T) {
			l, ok := LookupCodeList(name)
			if !ok {
				t.Fatal("missing list")
			}
			if got := codes(l); !slices.Equal(got, want) {
				t.Errorf("codes = %q\nwant %q", got, want)
			}
		})
	}
}

// TestHTCDSValues: every htcds attribute is a value name of the HTCDS 2.0
// field it follows, and the lists that follow HTCDS cover all its values.
func TestHTCDSValues(t *testing.T) {
	fields := map[string][]string{
		"sex": {"Feminine", "Masculine", "TransgenderFeminine", "TransgenderMasculine", "NonConforming", "NonSpecifiedUnknown"},
		"perpetrator_role": {"TravellingPartner", "Transporter", "RecruiterOrIntermediary", "BrokerTravelAgent", "TransferredIndividual",
			"HarbouredIndividual", "SoldIndividual", "BoughtIndividual", "ReceivedIndividual", "ControlledIndividual", "Smuggler",
			"Abuser", "Kidnapper", "Exploiter", "Other"},
		"exploitation_form": {"ForcedLabour", "SexualExploitation", "ChildLabour", "ForcedMarriage", "Servitude",
			"ForcedMilitaryByNonStateActors", "OrganRemoval", "ForcedBegging", "ForcedAdoption", "Surrogacy", "Other"},
		"sex_exploitation_type": {"Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices"},
		"control_method": {"PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily", "DebtBondage", "FalsePromises",
			"PhysicalAbuse", "SexualAbuse", "TakesEarnings", "RestrictsFinancialAccess", "RestrictsMedicalCare", "WithholdsNecessities",
			"PsychologicalAbuse", "PsychoactiveSubstance", "ExcessiveWorkingHours", "WithholdsDocuments", "Other"},
		"recruitment_method": {"AtAPlaceOfBusiness", "AtAnEducationalInstitution", "AtWork", "ThroughOnlineSocialNetworks",
			"ThroughAnOnlineAdvertisement", "ThroughATelevisionAdvert", "ThroughANewspaperAdvert", "ThroughFamilyOrFamilyEvents",
			"ThroughFriendsOrSocialEvents", "Other"},
		"trafficking_status": {"PossibleVictimOfTrafficking", "ActualVictimOfTrafficking", "NotAVictimOfTrafficking"},
		"isic_section": {"A_AgricultureForestryAndFishing", "B_MiningAndQuarrying", "C_Manufacturing",
			"D_ElectricityGasSteamAndAirConditioningSupply", "E_WaterSupplySewerageWasteManagement", "F_Construction",
			"G_WholesaleAndRetailTradeRepairOfMotorVehicles", "H_TransportationAndStorage", "I_AccommodationAndFoodServiceActivities",
			"J_InformationAndCommunication", "K_FinancialAndInsuranceActivities", "L_RealEstateActivities",
			"M_ProfessionalScientificAndTechnicalActivities", "N_AdministrativeAndSupportServiceActivities",
			"O_PublicAdministrationAndDefence", "P_Education", "Q_HumanHealthAndSocialWorkActivities",
			"R_ArtsEntertainmentAndRecreation", "S_OtherServiceActivities", "T_ActivitiesOfHouseholdsAsEmployers",
			"U_ActivitiesOfExtraterritorialOrganizations"},
	}
	for name, values := range fields {
		t.Run(name, func(t *testing.T) {
			l, _ := LookupCodeList(name)
			used := map[string]bool{}
			for _, e := range l.Entries {
				v := e.Attrs["htcds"]
				if v == "" {
					continue
				}
				if !slices.Contains(values, v) {
					t.Errorf("%s: htcds %q is not a value of the field", e.Code, v)
				}
				used[v] = true
			}
			for _, v := range values {
				if !used[v] {
					t.Errorf("HTCDS value %q has no code", v)
				}
			}
		})
	}
	for _, c := range []struct{ list, code, want string }{
		{"perpetrator_role", "recruiter", "RecruiterOrIntermediary"},
		{"perpetrator_role", "organiser", ""},
		{"exploitation_form", "domestic_servitude", "Servitude"},
		{"exploitation_form", "forced_criminality", "Other"},
		{"sex", "unknown", "NonSpecifiedUnknown"},
		{"isic_section", "T", "T_ActivitiesOfHouseholdsAsEmployers"},
	} {
		l, _ := LookupCodeList(c.list)
		i := slices.IndexFunc(l.Entries, func(e Code) bool { return e.Code == c.code })
		if got := l.Entries[i].Attrs["htcds"]; got != c.want {
			t.Errorf("%s %s: htcds %q, want %q", c.list, c.code, got, c.want)
		}
	}
}

func TestAgeGroups(t *testing.T) {
	l, _ := LookupCodeList("age_group")
	want := map[string][2]string{"0-11": {"0", "11"}, "12-17": {"12", "17"}, "50+": {"50", ""}, "unknown": {"", ""}}
	for _, e := range l.Entries {
		if w, ok := want[e.Code]; ok && (e.Attrs["min"] != w[0] || e.Attrs["max"] != w[1]) {
			t.Errorf("%s: min %q max %q, want %q", e.Code, e.Attrs["min"], e.Attrs["max"], w)
		}
	}
	if CodeLabel("age_group", "0-11") != "0–11 years" {
		t.Errorf("label = %q", CodeLabel("age_group", "0-11"))
	}
}

func TestOffences(t *testing.T) {
	want := map[string]string{ // code -> parent
		"0204": "02", "02041": "0204", "02042": "0204", "02043": "0204", "02044": "0204",
		"0805": "08", "08051": "0805", "08059": "0805",
		"0702": "07", "07023": "0702",
		"0703": "07", "07031": "0703", "07032": "0703", "07033": "0703", "07034": "0703", "07035": "0703", "07039": "0703",
		"0704": "07", "07041": "0704",
		"0905": "09", "09051": "0905",
	}
	l, _ := LookupCodeList("offence")
	parents := map[string]string{}
	for _, e := range l.Entries {
		parents[e.Code] = e.Parent
		// ICCS codes: a two-digit section, then one digit per level; the
		// parent is the code without its last digit (two for a division).
		if want := strings.TrimSuffix(e.Code, e.Code[len(e.Code)-1:]); len(e.Code) > 4 && e.Parent != want {
			t.Errorf("%s: parent %q, want %q", e.Code, e.Parent, want)
		}
	}
	for code, parent := range want {
		if got, ok := parents[code]; !ok || got != parent {
			t.Errorf("%s: present %v, parent %q, want %q", code, ok, got, parent)
		}
	}
	if got := CodeLabel("offence", "08051"); got != "Smuggling of migrants" {
		t.Errorf("08051 = %q", got)
	}
	if got := CodeLabel("offence", "0204"); got != "Trafficking in persons" {
		t.Errorf("0204 = %q", got)
	}
}

func TestCurrencies(t *testing.T) {
	for _, c := range []string{"USD", "EUR", "THB", "MYR", "IDR", "VND", "MMK", "BDT", "AFN", "IRR", "PKR", "LKR", "AUD",
		"CNY", "PHP", "KHR", "LAK", "JPY"} {
		if !HasCode("currency", c) {
			t.Errorf("currency %s missing", c)
		}
	}
	for _, c := range []string{"XXX", "XTS", "usd", "", "EURO"} {
		if HasCode("currency", c) {
			t.Errorf("currency %q present", c)
		}
	}
	l, _ := LookupCodeList("currency")
	for _, e := range l.Entries {
		if len(e.Code) != 3 || len(e.Attrs["numeric"]) != 3 {
			t.Errorf("%s: bad code or numeric %q", e.Code, e.Attrs["numeric"])
		}
		if e.Code == "JPY" && e.Attrs["minor_units"] != "0" || e.Code == "USD" && e.Attrs["minor_units"] != "2" {
			t.Errorf("%s: minor_units %q", e.Code, e.Attrs["minor_units"])
		}
	}
}

func TestLanguages(t *testing.T) {
	for code, alpha2 := range map[string]string{"bur": "my", "tha": "th", "vie": "vi", "may": "ms", "ind": "id", "ben": "bn",
		"per": "fa", "pus": "ps", "urd": "ur", "sin": "si", "khm": "km", "lao": "lo", "tgl": "tl", "chi": "zh", "eng": "en", "ara": "ar"} {
		l, _ := LookupCodeList("language")
		i := slices.IndexFunc(l.Entries, func(e Code) bool { return e.Code == code })
		if i < 0 {
			t.Errorf("language %s missing", code)
			continue
		}
		if got := l.Entries[i].Attrs["alpha2"]; got != alpha2 {
			t.Errorf("%s: alpha2 %q, want %q", code, got, alpha2)
		}
	}
	if HasCode("language", "qaa-qtz") {
		t.Error("local-use range listed")
	}
}

func TestCountryList(t *testing.T) {
	l, _ := LookupCodeList("country")
	if len(l.Entries) != len(Countries()) {
		t.Fatalf("%d entries, %d countries", len(l.Entries), len(Countries()))
	}
	if !HasCode("country", "VN") || HasCode("country", "vn") || HasCode("country", "VNM") {
		t.Error("country codes are alpha-2, upper case")
	}
	i := slices.IndexFunc(l.Entries, func(e Code) bool { return e.Code == "TH" })
	th := l.Entries[i]
	for k, want := range map[string]string{"alpha3": "THA", "numeric": "764", "region": "Asia", "sub_region": "South-eastern Asia", "bali_process": "1"} {
		if th.Attrs[k] != want {
			t.Errorf("TH %s = %q, want %q", k, th.Attrs[k], want)
		}
	}
	for _, k := range []string{"min_lat", "min_lon", "max_lat", "max_lon"} {
		if th.Attrs[k] == "" {
			t.Errorf("TH lacks %s", k)
		}
	}
	if th.Label != "Thailand" {
		t.Errorf("TH label %q", th.Label)
	}
}

func TestCountryBounds(t *testing.T) {
	minLat, minLon, maxLat, maxLon, ok := CountryBounds("th")
	if !ok || math.Abs(minLat-5.6) > 0.2 || math.Abs(maxLat-20.45) > 0.2 || math.Abs(minLon-97.35) > 0.2 || math.Abs(maxLon-105.65) > 0.2 {
		t.Errorf("TH = %v %v %v %v %v", minLat, minLon, maxLat, maxLon, ok)
	}
	for _, c := range []string{"FJ", "KI", "RU", "NZ", "US"} {
		_, minLon, _, maxLon, ok := CountryBounds(c)
		if !ok || minLon <= maxLon {
			t.Errorf("%s: box should cross the antimeridian: %v..%v %v", c, minLon, maxLon, ok)
		}
	}
	for _, c := range []string{"TH", "MY", "ID", "AU", "MM", "BD", "AF", "IR", "PK", "LK", "VN", "CN", "KH", "LA", "PH", "TV", "AQ"} {
		if _, _, _, _, ok := CountryBounds(c); !ok {
			t.Errorf("%s: no box", c)
		}
	}
	if _, _, _, _, ok := CountryBounds("XX"); ok {
		t.Error("XX has a box")
	}
}

func TestInCountryBounds(t *testing.T) {
	tests := []struct {
		name          string
		country       string
		lat, lon, m   float64
		inside, known bool
	}{
		{"Bangkok", "TH", 13.75, 100.5, 0, true, true},
		{"LowerCase", "th", 13.75, 100.5, 0, true, true},
		{"KualaLumpurNotThailand", "TH", 3.14, 101.69, 0, false, true},
		{"JustOutsideWithMargin", "TH", 20.8, 100.0, 0.5, true, true},
		{"JustOutsideNoMargin", "TH", 20.8, 100.0, 0, false, true},
		{"Suva", "FJ", -18.14, 178.44, 0, true, true},
		{"FijiLau", "FJ", -18.6, -178.9, 0, true, true},
		{"FijiLongitudeFar", "FJ", -18.0, 0, 0, false, true},
		{"FijiLongitudeMid", "FJ", -18.0, 160, 0, false, true},
		{"FijiEastEdgeMargin", "FJ", -18.0, -177.5, 1, true, true},
		{"FijiEastEdgeNoMargin", "FJ", -18.0, -177.5, 0, false, true},
		{"FijiAt180", "FJ", -17, 180, 0, true, true},
		{"FijiAtMinus180", "FJ", -17, -180, 0, true, true},
		{"Chukotka", "RU", 66, -172, 0, true, true},
		{"Moscow", "RU", 55.75, 37.6, 0, true, true},
		{"RussiaWestGap", "RU", 55, -10, 0, false, true},
		{"AucklandNZ", "NZ", -36.85, 174.76, 0, true, true},
		{"Alaska", "US", 61.2, -149.9, 0, true, true},
		{"Aleutians", "US", 52.9, 173.1, 0, true, true},
		{"USNotEurope", "US", 48.8, 2.35, 0, false, true},
		{"Tarawa", "KI", 1.33, 172.98, 0, true, true},
		{"Kiritimati", "KI", 1.87, -157.4, 0, true, true},
		{"Funafuti", "TV", -8.52, 179.2, 0, true, true},
		{"SeaMarginAndaman", "MY", 6.5, 97.5, 4, true, true},
		{"HugeMarginWrapsAll", "TH", 13, -60, 200, true, true},
		{"Unknown", "XX", 0, 0, 0, false, false},
		{"Empty", "", 0, 0, 0, false, false},
		{"BadLat", "TH", 95, 100, 0, false, true},
		{"BadLon", "TH", 13, 200, 0, false, true},
		{"NaN", "TH", math.NaN(), 100, 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inside, known := InCountryBounds(tt.country, tt.lat, tt.lon, tt.m)
			if inside != tt.inside || known != tt.known {
				t.Errorf("InCountryBounds(%q, %v, %v, %v) = %v, %v; want %v, %v", tt.country, tt.lat, tt.lon, tt.m, inside, known, tt.inside, tt.known)
			}
			if in2, kn2 := (Checker{}).InCountryBounds(tt.country, tt.lat, tt.lon, tt.m); in2 != inside || kn2 != known {
				t.Error("Checker disagrees")
			}
		})
	}
}

func TestParseCodeListRejectsMalformed(t *testing.T) {
	tests := []struct{ name, data string }{
		{"Empty", ""},
		{"BadHeader", "id,name\na,b\n"},
		{"RepeatedColumn", "code,label,x,x\na,b,c,d\n"},
		{"NoEntries", "code,label\n"},
		{"EmptyLabel", "code,label\na,\n"},
		{"PaddedCode", "code,label\n a,A\n"},
		{"EmptyCode", "code,label\n,A\n"},
		{"ShortRow", "code,label,x\na,A\n"},
		{"NotUTF8", "code,label\na,\xff\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseCodeList([]byte(tt.data)); err == nil {
				t.Error("expected error")
			}
		})
	}
	cs, err := parseCodeList([]byte("code,label,parent,htcds\na,A,,X\nb,B,a,\n"))
	if err != nil || len(cs) != 2 || cs[0].Attrs["htcds"] != "X" || cs[1].Parent != "a" || cs[1].Attrs != nil {
		t.Errorf("parseCodeList = %+v, %v", cs, err)
	}
}

func TestParseBoundsRejectsMalformed(t *testing.T) {
	const h = "alpha2,min_lat,min_lon,max_lat,max_lon\n"
	for name, data := range map[string]string{
		"BadHeader":  "a,b,c,d,e\n",
		"Unknown":    h + "XX,1,2,3,4\n",
		"Duplicate":  h + "TH,1,2,3,4\nTH,1,2,3,4\n",
		"NotNumber":  h + "TH,a,2,3,4\n",
		"LatOrder":   h + "TH,5,2,3,4\n",
		"OutOfRange": h + "TH,1,2,3,190\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := parseBounds([]byte(data)); err == nil {
				t.Error("expected error")
			}
		})
	}
}

func TestCodeListJSON(t *testing.T) {
	l, _ := LookupCodeList("incident_status")
	b, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"name", "version", "title", "source", "entries"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %s: %s", k, b)
		}
	}
	if strings.Contains(string(b), "parent") || strings.Contains(string(b), "attrs") {
		t.Errorf("empty parent/attrs not omitted: %s", b)
	}
}

func TestLookupUnknown(t *testing.T) {
	if _, ok := LookupCodeList("nope"); ok {
		t.Error("unknown list found")
	}
	if HasCode("nope", "x") || CodeLabel("nope", "x") != "" || CodeLabel("sex", "nope") != "" {
		t.Error("unknown list or code answered")
	}
	// CodeLists returns a copy of the slice.
	a := CodeLists()
	a[0] = nil
	if CodeLists()[0] == nil {
		t.Error("CodeLists shares its slice")
	}
}

func BenchmarkHasCode(b *testing.B) {
	HasCode("country", "TH")
	for b.Loop() {
		HasCode("currency", "THB")
	}
}
