package vrs

import "math"

// Pseudonymise turns the incident into what a recipient of pseudonymised
// records sees: names, aliases, identifiers, document numbers and accounts
// replaced by pseudonym(kind, value) (stable per agreement, so that records
// can be linked without being read); dates of birth coarsened to the year;
// the narrative withheld unless the owner marked it shareable; the place's
// coordinates rounded to decimals; review notes dropped.
func (inc *Incident) Pseudonymise(pseudonym func(kind, value string) string, decimals int) {
	for i := range inc.Persons {
		p := &inc.Persons[i]
		p.Name = pseudonym("name", p.Name)
		for k, a := range p.Aliases {
			p.Aliases[k] = pseudonym("name", a) // an alias links to the same person's name elsewhere
		}
		if len(p.DateOfBirth) >= 4 {
			p.DateOfBirth = p.DateOfBirth[:4]
		}
		for k := range p.Identifiers {
			id := &p.Identifiers[k]
			id.Value = pseudonym(id.Kind, id.Value)
		}
	}
	for i := range inc.Documents {
		inc.Documents[i].Number = pseudonym("document_number", inc.Documents[i].Number)
	}
	for i := range inc.Transactions {
		t := &inc.Transactions[i]
		t.PayerAccount, t.PayeeAccount = pseudonym("account", t.PayerAccount), pseudonym("account", t.PayeeAccount)
	}
	if !inc.NarrativeShareable {
		inc.Narrative = ""
	}
	inc.ReviewNote = ""
	scale := math.Pow(10, float64(decimals))
	for _, c := range []*float64{inc.Place.Lat, inc.Place.Lon} {
		if c != nil {
			*c = math.Round(*c*scale) / scale
		}
	}
}
