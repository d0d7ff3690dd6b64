// Package cube keeps the statistics of every incident in memory, in a
// compact form, and answers statistics queries from it by the counting
// rules of vrs.StatQuery, applying the access rule to every incident.
//
// What it holds comes from the store's stat_units table, one row per
// incident written in the same transaction as the incident itself (see
// store/stat_units.go): the incident's access attributes and the keys it
// counts under, without personal data. The store applies new rows to the
// cube before each query, so a query sees every committed write.
package cube

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"vrs"
	"vrs/access"
)

// Unit is what the statistics need of one incident: its access
// attributes and, without personal data, the keys it counts under.
type Unit struct {
	Ref access.IncidentRef
	// Multi holds the values of the multi-valued incident dimensions, in
	// the order of multiDims.
	Multi   [len(multiDims)][]string
	Persons []Person
	Fees    []Fee
}

// Person is a person recorded one by one (Weight 1) or a row of counts.
type Person struct {
	Role, Sex, AgeGroup, Status string
	Nationalities, Exploitation []string
	Weight                      int32
}

// Fee is a transaction whose purpose is a fee; Payer is the index in
// Persons of its payer, -1 when the payer is not a person of the incident.
// Year is the year it was paid, which converts it to US dollars: that of
// its date, or of the detection when it has none.
type Fee struct {
	Currency string
	Amount   float64
	Payer    int32
	Year     int32
}

// multiDims are the incident dimensions with several values per incident.
var multiDims = [...]vrs.StatDimension{vrs.DimOrigin, vrs.DimTransit, vrs.DimDestination, vrs.DimMode, vrs.DimDocument,
	vrs.DimFraud, vrs.DimOffence}

// UnitOf takes what the statistics need from an incident as it is
// stored: its columns (id, agency, country, type, status, detection date,
// distribution, partners) and its content.
func UnitOf(inc *vrs.Incident) *Unit {
	u := &Unit{Ref: access.RefOf(inc)}
	u.Ref.ShareCountries = slices.Clone(inc.ShareCountries)
	u.Ref.ShareGroups = slices.Clone(inc.ShareGroups)
	for _, l := range inc.Legs {
		switch l.Role {
		case vrs.LegOrigin:
			u.Multi[0] = append(u.Multi[0], l.Country)
		case vrs.LegTransit:
			u.Multi[1] = append(u.Multi[1], l.Country)
		case vrs.LegDestination:
			u.Multi[2] = append(u.Multi[2], l.Country)
		}
		u.Multi[3] = append(u.Multi[3], l.Mode)
	}
	for _, d := range inc.Documents {
		u.Multi[4] = append(u.Multi[4], d.Type)
		u.Multi[5] = append(u.Multi[5], d.FraudType)
	}
	u.Multi[6] = slices.Clone(inc.OffenceCodes)
	for _, p := range inc.Persons {
		ag := p.AgeGroup
		if ag == "" && p.Age != nil {
			ag = vrs.AgeGroupOf(*p.Age)
		}
		u.Persons = append(u.Persons, Person{Role: p.Role, Sex: p.Sex, AgeGroup: ag, Status: p.Status,
			Nationalities: slices.Clone(p.Nationalities), Exploitation: slices.Clone(p.Exploitation), Weight: 1})
	}
	for _, c := range inc.Counts {
		if c.Count > 0 {
			u.Persons = append(u.Persons, Person{Role: c.Role, Sex: c.Sex, AgeGroup: c.AgeGroup, Status: c.Status,
				Nationalities: []string{c.Nationality}, Weight: int32(min(c.Count, math.MaxInt32))})
		}
	}
	for _, t := range inc.Transactions {
		if !vrs.IsFee(t.Purpose) {
			continue
		}
		payer := int32(-1)
		if t.PayerKey != "" {
			if k := slices.IndexFunc(inc.Persons, func(p vrs.Person) bool { return p.Key == t.PayerKey }); k >= 0 {
				payer = int32(k)
			}
		}
		u.Fees = append(u.Fees, Fee{Currency: t.Currency, Amount: t.Amount, Payer: payer, Year: vrs.FeeYear(t.Date, inc.DetectedOn)})
	}
	return u
}

// unitVersion starts every encoding, so that a future layout can tell
// the rows written before it.
const unitVersion = 1

// Encode writes u in a compact binary form: strings and lists prefixed by
// their length, numbers as varints, amounts as IEEE 754 bits.
func (u *Unit) Encode() []byte {
	b := make([]byte, 0, 256)
	str := func(s string) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	strs := func(ss []string) {
		b = binary.AppendUvarint(b, uint64(len(ss)))
		for _, s := range ss {
			str(s)
		}
	}
	b = append(b, unitVersion)
	r := &u.Ref
	b = binary.AppendVarint(b, r.ID)
	b = binary.AppendVarint(b, r.AgencyID)
	str(r.Country)
	str(string(r.Status))
	str(string(r.Type))
	str(r.DetectedOn)
	str(string(r.Distribution))
	strs(r.ShareCountries)
	b = binary.AppendUvarint(b, uint64(len(r.ShareGroups)))
	for _, g := range r.ShareGroups {
		b = binary.AppendVarint(b, g)
	}
	for _, m := range u.Multi {
		strs(m)
	}
	b = binary.AppendUvarint(b, uint64(len(u.Persons)))
	for _, p := range u.Persons {
		str(p.Role)
		str(p.Sex)
		str(p.AgeGroup)
		str(p.Status)
		strs(p.Nationalities)
		strs(p.Exploitation)
		b = binary.AppendVarint(b, int64(p.Weight))
	}
	b = binary.AppendUvarint(b, uint64(len(u.Fees)))
	for _, f := range u.Fees {
		str(f.Currency)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(f.Amount))
		b = binary.AppendVarint(b, int64(f.Payer))
		b = binary.AppendVarint(b, int64(f.Year))
	}
	return b
}

var errUnit = errors.New("cube: malformed unit")

// decoder reads an encoding; the first problem sticks in err.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint(limit uint64) uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > limit {
		d.err, d.b = errUnit, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err, d.b = errUnit, nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string {
	n := d.uvarint(uint64(len(d.b)))
	if d.err != nil || n > uint64(len(d.b)) {
		d.err, d.b = errUnit, nil
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) strs() []string {
	// Each element takes at least a byte: a count above the bytes left is
	// malformed, and allocating it would let a bad row exhaust memory.
	n := d.uvarint(uint64(len(d.b)))
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for range n {
		out = append(out, d.str())
	}
	return out
}

// Decode reads what Encode wrote.
func Decode(b []byte) (*Unit, error) {
	if len(b) == 0 || b[0] != unitVersion {
		return nil, errUnit
	}
	d := &decoder{b: b[1:]}
	u := &Unit{}
	r := &u.Ref
	r.ID = d.varint()
	r.AgencyID = d.varint()
	r.Country = d.str()
	r.Status = vrs.IncidentStatus(d.str())
	r.Type = vrs.IncidentType(d.str())
	r.DetectedOn = d.str()
	r.Distribution = vrs.Distribution(d.str())
	r.ShareCountries = d.strs()
	if n := d.uvarint(uint64(len(d.b))); n > 0 {
		r.ShareGroups = make([]int64, 0, n)
		for range n {
			r.ShareGroups = append(r.ShareGroups, d.varint())
		}
	}
	for i := range u.Multi {
		u.Multi[i] = d.strs()
	}
	if n := d.uvarint(uint64(len(d.b))); n > 0 {
		u.Persons = make([]Person, 0, n)
		for range n {
			p := Person{Role: d.str(), Sex: d.str(), AgeGroup: d.str(), Status: d.str(), Nationalities: d.strs(), Exploitation: d.strs()}
			w := d.varint()
			if w < 0 || w > math.MaxInt32 {
				return nil, errUnit
			}
			p.Weight = int32(w)
			u.Persons = append(u.Persons, p)
		}
	}
	if n := d.uvarint(uint64(len(d.b))); n > 0 {
		u.Fees = make([]Fee, 0, n)
		for range n {
			f := Fee{Currency: d.str()}
			if len(d.b) < 8 {
				return nil, errUnit
			}
			f.Amount = math.Float64frombits(binary.LittleEndian.Uint64(d.b))
			d.b = d.b[8:]
			p := d.varint()
			if p < -1 || p >= int64(len(u.Persons)) {
				return nil, errUnit
			}
			f.Payer = int32(p)
			y := d.varint()
			if y < 0 || y > 9999 {
				return nil, errUnit
			}
			f.Year = int32(y)
			u.Fees = append(u.Fees, f)
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, errUnit
	}
	return u, nil
}
