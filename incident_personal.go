package vrs

// PersonalData is the part of an incident that identifies people: names,
// aliases, dates of birth, identifiers, document numbers and accounts. The
// store keeps it apart from the rest, encrypted; positions match the
// incident's sections.
type PersonalData struct {
	Persons      []PersonalFields `json:"p,omitempty"`
	Documents    []string         `json:"d,omitempty"`
	Transactions [][2]string      `json:"t,omitempty"`
}

// PersonalFields are one person's personal data.
type PersonalFields struct {
	Name        string       `json:"n,omitempty"`
	Aliases     []string     `json:"a,omitempty"`
	DateOfBirth string       `json:"b,omitempty"`
	Identifiers []Identifier `json:"i,omitempty"`
}

// Empty reports whether there is no personal data at all.
func (p *PersonalData) Empty() bool {
	for _, f := range p.Persons {
		if f.Name != "" || len(f.Aliases) > 0 || f.DateOfBirth != "" || len(f.Identifiers) > 0 {
			return false
		}
	}
	for _, d := range p.Documents {
		if d != "" {
			return false
		}
	}
	for _, t := range p.Transactions {
		if t[0] != "" || t[1] != "" {
			return false
		}
	}
	return true
}

// SplitPersonal moves the personal data out of the incident and returns it.
func (inc *Incident) SplitPersonal() *PersonalData {
	p := &PersonalData{}
	for i := range inc.Persons {
		q := &inc.Persons[i]
		p.Persons = append(p.Persons, PersonalFields{Name: q.Name, Aliases: q.Aliases, DateOfBirth: q.DateOfBirth, Identifiers: q.Identifiers})
		q.Name, q.Aliases, q.DateOfBirth, q.Identifiers = "", nil, "", nil
	}
	for i := range inc.Documents {
		p.Documents = append(p.Documents, inc.Documents[i].Number)
		inc.Documents[i].Number = ""
	}
	for i := range inc.Transactions {
		t := &inc.Transactions[i]
		p.Transactions = append(p.Transactions, [2]string{t.PayerAccount, t.PayeeAccount})
		t.PayerAccount, t.PayeeAccount = "", ""
	}
	return p
}

// MergePersonal puts personal data back in place.
func (inc *Incident) MergePersonal(p *PersonalData) {
	if p == nil {
		return
	}
	for i := range inc.Persons {
		if i < len(p.Persons) {
			f := p.Persons[i]
			q := &inc.Persons[i]
			q.Name, q.Aliases, q.DateOfBirth, q.Identifiers = f.Name, f.Aliases, f.DateOfBirth, f.Identifiers
		}
	}
	for i := range inc.Documents {
		if i < len(p.Documents) {
			inc.Documents[i].Number = p.Documents[i]
		}
	}
	for i := range inc.Transactions {
		if i < len(p.Transactions) {
			inc.Transactions[i].PayerAccount, inc.Transactions[i].PayeeAccount = p.Transactions[i][0], p.Transactions[i][1]
		}
	}
}

// IdentifierValue is one personal value to index for exact search.
type IdentifierValue struct{ Kind, Value string }

// Identifiers lists the incident's personal values by kind, for the blind
// index: names and aliases both as "name", so that a search by name finds
// aliases too.
func (p *PersonalData) Identifiers() []IdentifierValue {
	var out []IdentifierValue
	add := func(kind, v string) {
		if v != "" {
			out = append(out, IdentifierValue{kind, v})
		}
	}
	for _, f := range p.Persons {
		add("name", f.Name)
		for _, a := range f.Aliases {
			add("name", a)
		}
		add("date_of_birth", f.DateOfBirth)
		for _, id := range f.Identifiers {
			add(id.Kind, id.Value)
		}
	}
	for _, d := range p.Documents {
		add("document_number", d)
	}
	for _, t := range p.Transactions {
		add("account", t[0])
		add("account", t[1])
	}
	return out
}
