package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"vrs"
)

// MaxJSONLine bounds one line of a JSON Lines file: an incident at the
// validation limits fits many times over.
const MaxJSONLine = 8 << 20

// JSONLReader reads a JSON Lines file of incidents in the API's shape,
// one per line. Bookkeeping fields (id, status, version, times) are
// accepted, as exports write them, and ignored: the import decides them.
type JSONLReader struct {
	r    *bufio.Reader
	line int
	// refs finds a reference given twice: its second line would silently
	// overwrite the first, in an order that depends on chunks.
	refs *refSet
}

// NewJSONLReader reads incidents from r.
func NewJSONLReader(r io.Reader) *JSONLReader {
	return &JSONLReader{r: bufio.NewReaderSize(r, 1<<20), refs: newRefSet()}
}

// Next returns the next incident as an entry; a line that is not a valid
// incident is a rejected entry naming its line. It returns io.EOF at the
// end, and a final error when the file cannot be read.
func (j *JSONLReader) Next() (*Entry, error) {
	for {
		line, err := j.readLine()
		if err != nil {
			return nil, err
		}
		j.line++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		e := &Entry{Item: &vrs.ImportItem{Rows: []int{j.line}}, origin: &origin{rows: []int{j.line}}}
		inc := &vrs.Incident{}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(inc); err != nil {
			e.Item.Action, e.Item.Err = vrs.ImportReject, Problems{{Row: j.line, Message: "import.json_invalid", Args: vrs.MessageArgs{jsonReason(err)}}}
			return e, nil
		}
		if dec.More() {
			e.Item.Action, e.Item.Err = vrs.ImportReject, Problems{{Row: j.line, Message: "import.json_one_per_line"}}
			return e, nil
		}
		inc.ID, inc.Status, inc.Version, inc.ReviewNote = 0, "", 0, ""
		// An empty reference is refused by validation, with the field named.
		if ref := strings.TrimSpace(inc.Reference); ref != "" {
			if first, dup := j.refs.add(ref, j.line); dup {
				e.Item.Action, e.Item.Err = vrs.ImportReject, Problems{{Row: j.line, Column: "reference", Value: inc.Reference,
					Message: "import.reference_repeated", Args: vrs.MessageArgs{first}}}
				return e, nil
			}
		}
		e.Item.Incident = inc
		return e, nil
	}
}

// readLine returns one line without its end, refusing lines over the limit.
func (j *JSONLReader) readLine() ([]byte, error) {
	var buf []byte
	for {
		part, err := j.r.ReadSlice('\n')
		buf = append(buf, part...)
		if len(buf) > MaxJSONLine {
			return nil, vrs.Errorf(vrs.EINVALID, "import.error.json_line_too_long", j.line+1, MaxJSONLine>>20)
		}
		switch {
		case err == nil:
			return buf, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(buf) > 0:
			return buf, nil
		case errors.Is(err, io.EOF):
			return nil, io.EOF
		default:
			return nil, readError(err)
		}
	}
}

// jsonReason says what is wrong with a line without quoting it: the line
// may hold personal data.
func jsonReason(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "syntax error at byte " + strconv.FormatInt(se.Offset, 10)
	case errors.As(err, &te):
		return "field " + te.Field + " must be " + te.Type.String()
	}
	// Unknown fields: encoding/json names the field, which is not data.
	return err.Error()
}
