package export

import (
	"bufio"
	"encoding/json"
	"io"

	"vrs"
)

// jsonlWriter writes one incident per line, as the API represents it
// (sections as [] rather than null): the lossless form of an export.
type jsonlWriter struct {
	bw  *bufio.Writer
	enc *json.Encoder
}

// NewJSONL returns a JSON Lines writer.
func NewJSONL(w io.Writer) (Writer, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	return &jsonlWriter{bw: bw, enc: json.NewEncoder(bw)}, nil
}

func (j *jsonlWriter) Write(inc *vrs.Incident) error {
	return j.enc.Encode(apiJSON(inc)) // Encode ends the line
}

// apiJSON is the incident as the API answers it.
func apiJSON(inc *vrs.Incident) *vrs.Incident {
	c := *inc
	c.Persons = nonNil(c.Persons)
	c.Legs = nonNil(c.Legs)
	c.Organisations = nonNil(c.Organisations)
	c.Vehicles = nonNil(c.Vehicles)
	c.Documents = nonNil(c.Documents)
	c.Transactions = nonNil(c.Transactions)
	c.Counts = nonNil(c.Counts)
	return &c
}

func (j *jsonlWriter) Close() error { return j.bw.Flush() }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
