package access

import (
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"vrs"
)

// Granularity is how much of a record a user may see (see vrs.Granularity).
type Granularity = vrs.Granularity

const (
	None          = vrs.GranNone
	Aggregate     = vrs.GranAggregate
	Pseudonymised = vrs.GranPseudonymised
	Full          = vrs.GranFull
)

// IncidentRef is what the access rule needs to know about a record.
type IncidentRef struct {
	ID           int64
	AgencyID     int64
	Country      string
	Status       vrs.IncidentStatus
	Type         vrs.IncidentType
	DetectedOn   string
	Distribution vrs.Distribution
	// ShareCountries and ShareGroups name the partners of DistPartners.
	ShareCountries []string
	ShareGroups    []int64
}

// RefOf returns what the access rule needs to know about inc.
func RefOf(inc *vrs.Incident) IncidentRef {
	return IncidentRef{ID: inc.ID, AgencyID: inc.AgencyID, Country: inc.Country, Status: inc.Status, Type: inc.Type,
		DetectedOn: inc.DetectedOn, Distribution: inc.Distribution, ShareCountries: inc.ShareCountries, ShareGroups: inc.ShareGroups}
}

// Sharing is the state of sharing at one moment, as far as the rule needs
// it: the installation's reciprocity setting, which countries contribute,
// which are members of the reporting community, the agreements and the
// sharing groups. The reference rule accepts the whole world; the store
// loads only what concerns the acting user, on every request, so that a
// revocation applies to the very next one.
type Sharing struct {
	// Today is the UTC date on which agreements are in force or not.
	Today       string
	Reciprocity bool
	// Contributors are the countries with at least one validated record
	// distributed beyond their borders (partners, community, statistics).
	Contributors map[string]bool
	// Members are the countries of the reporting community.
	Members    map[string]bool
	Agreements []*vrs.SharingAgreement
	Groups     []*vrs.SharingGroup
}

// Contributes reports whether the distribution lets a validated record
// count as contributed to others (reciprocity).
func Contributes(d vrs.Distribution) bool {
	return d == vrs.DistPartners || d == vrs.DistCommunity || d == vrs.DistStatistics
}

// ReadIncident is the access rule for records, the reference that the SQL
// of IncidentBranches must equal (a property test holds them equal on
// random worlds). In order:
//
//   - the installation sees everything; reporters and reviewers see every
//     record of the agencies they work for, at any stage of review;
//   - otherwise only validated records, and only for data roles;
//   - in the user's own country: the own agency's records (agency or
//     country view) in full; with a country view, the other agencies'
//     records unless distributed to the owning agency only, and only
//     counted (aggregate) when distributed for statistics;
//   - regional analysts (shared view): records distributed to the
//     community pseudonymised, for statistics aggregate;
//   - another country's record reaches a user through an agreement in
//     force between the two countries that covers its type and detection
//     date, at the agreement's granularity (the finest of several), when
//     its distribution includes the user: community and statistics a
//     country view in a member country; partners a country view in a
//     named country, or a user whose country (country view) or agency is
//     in a named group. Statistics cap it at aggregate. With reciprocity
//     on, a country that contributes nothing receives nothing.
func ReadIncident(u *vrs.User, s *Sharing, r IncidentRef) Granularity {
	if u == nil {
		return None
	}
	if u.System {
		return Full
	}
	if slices.Contains(workAgencies(u), r.AgencyID) {
		return Full
	}
	if r.Status != vrs.StatusValidated || !u.HasDataRole() {
		return None
	}
	if u.ViewScope == vrs.ViewShared {
		return max(regional(r), agreed(u, s, r))
	}
	if r.Country == u.Country && u.Country != "" {
		return ownCountry(u, r)
	}
	return agreed(u, s, r)
}

func ownCountry(u *vrs.User, r IncidentRef) Granularity {
	if r.AgencyID == u.AgencyID && (u.ViewScope == vrs.ViewAgency || u.ViewScope == vrs.ViewCountry) {
		return Full
	}
	if u.ViewScope != vrs.ViewCountry {
		return None
	}
	switch r.Distribution {
	case vrs.DistAgency:
		return None
	case vrs.DistStatistics:
		return Aggregate
	}
	return Full
}

func regional(r IncidentRef) Granularity {
	switch r.Distribution {
	case vrs.DistCommunity:
		return Pseudonymised
	case vrs.DistStatistics:
		return Aggregate
	}
	return None
}

// agreed is the granularity another country's record reaches the user with.
func agreed(u *vrs.User, s *Sharing, r IncidentRef) Granularity {
	if s == nil || u.Country == "" || r.Country == u.Country || s.Reciprocity && !s.Contributors[u.Country] || !readsRecords(u) {
		return None
	}
	countryView := u.ViewScope == vrs.ViewCountry
	audience := false
	switch r.Distribution {
	case vrs.DistCommunity, vrs.DistStatistics:
		audience = countryView && s.Members[u.Country]
	case vrs.DistPartners:
		audience = countryView && slices.Contains(r.ShareCountries, u.Country)
		for _, g := range s.Groups {
			if slices.Contains(r.ShareGroups, g.ID) && (countryView && slices.Contains(g.Countries, u.Country) || slices.Contains(g.AgencyIDs, u.AgencyID)) {
				audience = true
			}
		}
	}
	if !audience {
		return None
	}
	g := None
	for _, a := range s.Agreements {
		if a.InForce(s.Today) && a.Parties(r.Country, u.Country) && a.Covers(r.Type, r.DetectedOn) {
			g = max(g, a.Granularity)
		}
	}
	if r.Distribution == vrs.DistStatistics {
		g = min(g, Aggregate)
	}
	return g
}

// readsRecords reports whether the user's view scope lets any record
// content reach them: a view of "none" receives nothing from abroad
// either, whatever groups their agency is in.
func readsRecords(u *vrs.User) bool {
	return u.ViewScope == vrs.ViewAgency || u.ViewScope == vrs.ViewCountry || u.ViewScope == vrs.ViewShared
}

// GrantingAgreement returns the agreement through which another country's
// record reaches the user at granularity g (its pseudonyms are keyed per
// agreement), nil when none does.
func GrantingAgreement(u *vrs.User, s *Sharing, r IncidentRef, g Granularity) *vrs.SharingAgreement {
	if s == nil || u == nil {
		return nil
	}
	for _, a := range s.Agreements {
		if a.Granularity >= g && a.InForce(s.Today) && a.Parties(r.Country, u.Country) && a.Covers(r.Type, r.DetectedOn) {
			return a
		}
	}
	return nil
}

// Branch is one disjoint part of what a user may read: a SQL condition on
// the incidents table aliased i, and the SQL integer expression of the
// granularity of the rows it matches.
type Branch struct {
	Cond string
	Gran string
}

// IncidentBranches compiles ReadIncident for user u into disjoint SQL
// branches whose union is exactly the records u may read at granularity
// least or finer. Arguments are appended to args and referred to as $n,
// numbered after those already there. A list query runs each branch as
// its own ordered, limited search down an index and merges them (UNION
// ALL), instead of one OR that no index answers in order. No branch means
// nothing is readable; the installation has the single branch "TRUE".
func IncidentBranches(u *vrs.User, s *Sharing, least Granularity, args *[]any) []Branch {
	return IncidentBranchesOf(u, s, least, "", args)
}

// IncidentBranchesOf is IncidentBranches for a list narrowed to the
// records of one owner country (a filter the caller applies too): the
// branches of the user's own country and of other countries that cannot
// match it are left out, because a branch walks its index looking for
// rows that the filter then drops, all of them. "" narrows nothing.
func IncidentBranchesOf(u *vrs.User, s *Sharing, least Granularity, country string, args *[]any) []Branch {
	if u == nil {
		return nil
	}
	if u.System {
		return []Branch{{"TRUE", strconv.Itoa(int(Full))}}
	}
	c := compiler{args: args, least: least, only: country}
	full := strconv.Itoa(int(Full))
	own := country == "" || country == u.Country
	work := workAgencies(u)
	var out []Branch
	for i, id := range work {
		if !slices.Contains(work[:i], id) { // one branch per agency, so that none overlap
			out = append(out, Branch{"i.agency_id = " + c.arg(id), full})
		}
	}
	if !u.HasDataRole() {
		return out
	}
	// Arguments are appended only for what the SQL uses: PostgreSQL
	// refuses arguments the query does not refer to.
	notWork := func() string {
		if len(work) == 0 {
			return ""
		}
		return " AND i.agency_id NOT IN (" + c.args64(work) + ")"
	}
	switch u.ViewScope {
	case vrs.ViewShared:
		if b, ok := c.regional(notWork); ok {
			out = append(out, b)
		}
	case vrs.ViewAgency, vrs.ViewCountry:
		// Like the reference, the own agency's records are read "in the
		// user's own country": a user without one reads none of them.
		if u.Country != "" && !slices.Contains(work, u.AgencyID) && own {
			out = append(out, Branch{"(i.agency_id = " + c.arg(u.AgencyID) + " AND i.status = 'validated')", full})
		}
		if u.ViewScope == vrs.ViewCountry && u.Country != "" && own {
			cond := "i.country = " + c.arg(u.Country) + " AND i.status = 'validated' AND i.agency_id <> " + c.arg(u.AgencyID) + notWork()
			if least >= Pseudonymised {
				out = append(out, Branch{"(" + cond + " AND i.distribution NOT IN ('agency', 'statistics'))", full})
			} else {
				out = append(out, Branch{"(" + cond + " AND i.distribution <> 'agency')",
					"CASE WHEN i.distribution = 'statistics' THEN " + strconv.Itoa(int(Aggregate)) + " ELSE " + full + " END"})
			}
		}
	}
	out = append(out, c.agreed(u, s)...)
	return out
}

// IncidentPredicate is IncidentBranches as one SQL boolean expression.
func IncidentPredicate(u *vrs.User, s *Sharing, least Granularity, args *[]any) string {
	bs := IncidentBranches(u, s, least, args)
	if len(bs) == 0 {
		return "FALSE"
	}
	conds := make([]string, len(bs))
	for i, b := range bs {
		conds[i] = b.Cond
	}
	return "(" + strings.Join(conds, " OR ") + ")"
}

// IncidentGranularity is the SQL integer expression of the granularity at
// which u reads a row of the incidents table aliased i: 0 when u may not
// read it at least at granularity least.
func IncidentGranularity(u *vrs.User, s *Sharing, least Granularity, args *[]any) string {
	bs := IncidentBranches(u, s, least, args)
	if len(bs) == 0 {
		return "0"
	}
	var b strings.Builder
	b.WriteString("CASE")
	for _, br := range bs {
		b.WriteString(" WHEN " + br.Cond + " THEN " + br.Gran)
	}
	b.WriteString(" ELSE 0 END")
	return b.String()
}

type compiler struct {
	args  *[]any
	least Granularity
	only  string // the one owner country a list is narrowed to, or ""
}

func (c compiler) arg(v any) string {
	*c.args = append(*c.args, v)
	return "$" + strconv.Itoa(len(*c.args))
}

func (c compiler) args64(ids []int64) string {
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = c.arg(id)
	}
	return strings.Join(ph, ", ")
}

func (c compiler) strs(vs []string) string {
	ph := make([]string, len(vs))
	for i, v := range vs {
		ph[i] = c.arg(v)
	}
	return strings.Join(ph, ", ")
}

// regional is the branch of a regional analyst.
func (c compiler) regional(notWork func() string) (Branch, bool) {
	switch {
	case c.least >= Full:
		return Branch{}, false
	case c.least >= Pseudonymised:
		return Branch{"(i.status = 'validated' AND i.distribution = 'community'" + notWork() + ")", strconv.Itoa(int(Pseudonymised))}, true
	}
	return Branch{"(i.status = 'validated' AND i.distribution IN ('community', 'statistics')" + notWork() + ")",
		"CASE WHEN i.distribution = 'statistics' THEN " + strconv.Itoa(int(Aggregate)) + " ELSE " + strconv.Itoa(int(Pseudonymised)) + " END"}, true
}

// agreed are the branches of other countries' records that reach u
// through agreements (one, or one per partner country when there are
// few): their country among the partners of agreements in force,
// their distribution including u, and one agreement covering them; the
// granularity is that of the finest covering agreement (CASE takes the
// first match, so the finest come first).
func (c compiler) agreed(u *vrs.User, s *Sharing) []Branch {
	if s == nil || u.Country == "" || s.Reciprocity && !s.Contributors[u.Country] || !readsRecords(u) {
		return nil
	}
	var in []*vrs.SharingAgreement
	for _, a := range s.Agreements {
		if a.InForce(s.Today) && (a.Proposer == u.Country || a.Partner == u.Country) && a.Granularity >= c.least &&
			(c.only == "" || a.Other(u.Country) == c.only) {
			in = append(in, a)
		}
	}
	slices.SortStableFunc(in, func(a, b *vrs.SharingAgreement) int { return int(b.Granularity - a.Granularity) })
	countryView := u.ViewScope == vrs.ViewCountry
	var groups []int64
	for _, g := range s.Groups {
		if countryView && slices.Contains(g.Countries, u.Country) || slices.Contains(g.AgencyIDs, u.AgencyID) {
			groups = append(groups, g.ID)
		}
	}
	community := countryView && s.Members[u.Country]
	if len(in) == 0 || !community && !countryView && len(groups) == 0 {
		return nil
	}
	var audience []string
	if community {
		if c.least <= Aggregate {
			audience = append(audience, "i.distribution IN ('community', 'statistics')")
		} else {
			audience = append(audience, "i.distribution = 'community'")
		}
	}
	var partners []string
	if countryView {
		// EXISTS per candidate row (a primary-key probe), never IN: a list
		// of every record shared with a country would be built whole.
		partners = append(partners, "EXISTS (SELECT 1 FROM incident_share_countries sc WHERE sc.incident_id = i.id AND sc.country = "+c.arg(u.Country)+")")
	}
	if len(groups) > 0 {
		partners = append(partners, "EXISTS (SELECT 1 FROM incident_share_groups sg WHERE sg.incident_id = i.id AND sg.group_id IN ("+c.args64(groups)+"))")
	}
	audience = append(audience, "(i.distribution = 'partners' AND ("+strings.Join(partners, " OR ")+"))")
	// Per other country: the covers of its agreements (finest first) and
	// the CASE of their granularities.
	type partner struct {
		country       string
		covers, grans []string
	}
	var byCountry []*partner
	for _, a := range in {
		o := a.Other(u.Country)
		k := slices.IndexFunc(byCountry, func(p *partner) bool { return p.country == o })
		if k < 0 {
			byCountry = append(byCountry, &partner{country: o})
			k = len(byCountry) - 1
		}
		types := make([]string, len(a.Types))
		for i, t := range a.Types {
			types[i] = string(t)
		}
		cover := "i.country = " + c.arg(o) + " AND i.type IN (" + c.strs(types) + ")"
		if a.DataFrom != "" {
			cover += " AND i.detected_on >= " + c.arg(a.DataFrom)
		}
		if a.DataTo != "" {
			cover += " AND i.detected_on <= " + c.arg(a.DataTo)
		}
		byCountry[k].covers = append(byCountry[k].covers, "("+cover+")")
		byCountry[k].grans = append(byCountry[k].grans, " WHEN "+cover+" THEN "+strconv.Itoa(int(a.Granularity)))
	}
	slices.SortFunc(byCountry, func(a, b *partner) int { return strings.Compare(a.country, b.country) })
	aud := strings.Join(audience, " OR ")
	branch := func(countries []string, covers, grans []string) Branch {
		cond := "(i.status = 'validated' AND i.country IN (" + c.strs(countries) + ") AND (" + aud + ") AND (" + strings.Join(covers, " OR ") + "))"
		gran := "CASE" + strings.Join(grans, "") + " ELSE 0 END"
		if c.least <= Aggregate && community {
			gran = "CASE WHEN i.distribution = 'statistics' THEN " + strconv.Itoa(int(Aggregate)) + " ELSE " + gran + " END"
		}
		return Branch{cond, gran}
	}
	// A few partner countries: one branch each, down the index of its
	// country in the list's order (disjoint by country). Many: one walk
	// of all validated records, which the index decides alone, is
	// cheaper than as many walks (docs/benchmarks.md, bench sharing).
	if len(byCountry) <= int(splitPartners.Load()) {
		out := make([]Branch, len(byCountry))
		for i, p := range byCountry {
			out[i] = branch([]string{p.country}, p.covers, p.grans)
		}
		return out
	}
	var countries, covers, grans []string
	for _, p := range byCountry {
		countries = append(countries, p.country)
		covers = append(covers, p.covers...)
		grans = append(grans, p.grans...)
	}
	return []Branch{branch(countries, covers, grans)}
}

// splitPartners is the most partner countries whose records a user
// reads through one branch each (see compiler.agreed).
var splitPartners atomic.Int32

func init() { splitPartners.Store(8) }

// SetSplitPartners changes splitPartners and returns the old value: the
// property test runs both shapes of the SQL (its worlds have few
// countries).
func SetSplitPartners(n int) int { return int(splitPartners.Swap(int32(n))) }

// Foreign reports whether u reads r as another country's record: not the
// installation, not u's country, not an agency u works for. Such reads are
// audited for the owner country, and full ones need a stated purpose.
func Foreign(u *vrs.User, r IncidentRef) bool {
	return u != nil && !u.System && r.Country != u.Country && !slices.Contains(workAgencies(u), r.AgencyID)
}
