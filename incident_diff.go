package vrs

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Change is one field that differs between two versions of an incident.
type Change struct {
	Path string `json:"path"` // "persons[1].sex"
	Old  string `json:"old"`
	New  string `json:"new"`
}

// diffIgnored are bookkeeping fields that change with every version.
var diffIgnored = map[string]bool{
	"id": true, "version": true, "status": true, "created_by": true, "created_at": true,
	"updated_by": true, "updated_at": true, "updated_by_name": true, "review_note": true,
	"agency_name": true, "country": true,
}

// DiffIncidents lists what changed from a to b, field by field, in path
// order. Either may be nil (nothing before, or nothing after).
func DiffIncidents(a, b *Incident) []Change {
	fa, fb := flatten(a), flatten(b)
	paths := map[string]bool{}
	for p := range fa {
		paths[p] = true
	}
	for p := range fb {
		paths[p] = true
	}
	var out []Change
	for p := range paths {
		if fa[p] != fb[p] {
			out = append(out, Change{Path: p, Old: fa[p], New: fb[p]})
		}
	}
	sort.Slice(out, func(i, j int) bool { return pathLess(out[i].Path, out[j].Path) })
	return out
}

// flatten turns an incident into path → text, through its JSON form, so
// that every field (present and future) is compared.
func flatten(inc *Incident) map[string]string {
	out := map[string]string{}
	if inc == nil {
		return out
	}
	b, err := json.Marshal(inc)
	if err != nil {
		return out
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return out
	}
	walk("", v, out)
	return out
}

func walk(path string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if path == "" && diffIgnored[k] {
				continue
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			walk(p, e, out)
		}
	case []any:
		// Lists of plain values read as one value: "TH, MM".
		if len(x) > 0 {
			if _, nested := x[0].(map[string]any); !nested {
				parts := make([]string, len(x))
				for i, e := range x {
					parts[i] = fmt.Sprint(e)
				}
				out[path] = strings.Join(parts, ", ")
				return
			}
		}
		for i, e := range x {
			walk(path+"["+strconv.Itoa(i)+"]", e, out)
		}
	case nil:
	case string:
		if x != "" {
			out[path] = x
		}
	case float64:
		out[path] = strconv.FormatFloat(x, 'f', -1, 64)
	default:
		out[path] = fmt.Sprint(x)
	}
}

// pathLess orders paths with numeric indexes in number order.
func pathLess(a, b string) bool {
	for a != "" && b != "" {
		ia, ib := strings.IndexByte(a, '['), strings.IndexByte(b, '[')
		if ia < 0 || ib < 0 || a[:ia] != b[:ib] {
			return a < b
		}
		a, b = a[ia+1:], b[ib+1:]
		ja, jb := strings.IndexByte(a, ']'), strings.IndexByte(b, ']')
		if ja < 0 || jb < 0 {
			return a < b
		}
		na, _ := strconv.Atoi(a[:ja])
		nb, _ := strconv.Atoi(b[:jb])
		if na != nb {
			return na < nb
		}
		a, b = a[ja+1:], b[jb+1:]
	}
	return a < b
}
