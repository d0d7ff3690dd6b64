package sdmx

import (
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"math"
	"strconv"
)

// Observation is one cell of an aggregate view.
type Observation struct {
	// Keys holds one value per Dataflow.Dimensions entry: a VRS code, or
	// Total, NotApplicable or Unknown.
	Keys []string
	// Period is the SDMX TIME_PERIOD (see Period and RangePeriod); FREQ is
	// derived from it.
	Period string
	// Value is nil when the cell is suppressed or missing.
	Value *float64
	// Status is the OBS_STATUS code: "" means StatusNormal for a value and
	// StatusSuppressed for a confidential cell.
	Status string
	// Conf is the CONF_STATUS code: "" means ConfFree. A cell without a
	// value must say why: a confidential Conf, or a missing-value Status.
	Conf string
}

// Labels chooses how SDMX-CSV writes codes and component names.
type Labels int

const (
	LabelsID   Labels = iota // IDs only (labels=id, the default)
	LabelsBoth               // "ID: Name" in one column (labels=both)
	LabelsName               // a name column after each ID column (labels=name)
)

// Options tune WriteCSV.
type Options struct {
	Labels Labels
	// Action is the SDMX-CSV ACTION: "I" (information, the default), "A"
	// (append) or "R" (replace).
	Action string
	// Comma is the field separator: ',' (the default) or ';', which
	// SDMX-CSV 2.0 allows for locales that write decimal commas. Numbers
	// keep the decimal point either way.
	Comma rune
}

// ContentType is the media type of an SDMX-CSV 2.0 data message.
const ContentType = "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"

// column is one SDMX component as SDMX-CSV lays it out.
type column struct {
	id, name string
	list     *CodeList      // nil for TIME_PERIOD and OBS_VALUE
	idx      map[string]int // list.index()
}

// WriteCSV writes obs as an SDMX-CSV 2.0 data message for df: the header
// STRUCTURE,STRUCTURE_ID,ACTION,FREQ,<dimensions>,TIME_PERIOD,OBS_VALUE,
// OBS_STATUS,CONF_STATUS and one row per observation, VRS codes turned into
// the SDMX IDs of each dimension's list. It stops at the first observation
// that is not valid, after writing the rows before it; a value marked
// confidential is such an error, never written.
func WriteCSV(w io.Writer, df Dataflow, obs iter.Seq[Observation], opts Options) error {
	if err := df.Validate(); err != nil {
		return err
	}
	action := opts.Action
	switch action {
	case "":
		action = "I"
	case "I", "A", "R":
	default:
		return fmt.Errorf("sdmx: action %q is not I, A or R", action)
	}
	cw := csv.NewWriter(w)
	switch opts.Comma {
	case 0:
	case ',', ';':
		cw.Comma = opts.Comma
	default:
		return fmt.Errorf("sdmx: separator %q is not ',' or ';'", opts.Comma)
	}

	cols := []column{{id: DimFreq, name: "Frequency", list: freqList}}
	for _, d := range df.Dimensions {
		cols = append(cols, column{id: d.ID, name: d.Name, list: d.Codes})
	}
	cols = append(cols,
		column{id: DimTime, name: "Time period"},
		column{id: MeasureID, name: "Observation value"},
		column{id: AttrStatus, name: "Observation status", list: obsStatusList},
		column{id: AttrConf, name: "Confidentiality status", list: confStatusList},
	)
	for i := range cols {
		if cols[i].list != nil {
			cols[i].idx = cols[i].list.index()
		}
	}

	structID := df.Ref()
	header := []string{"STRUCTURE", "STRUCTURE_ID"}
	switch opts.Labels {
	case LabelsID:
	case LabelsBoth:
		structID += ": " + df.Name
	case LabelsName:
		header = append(header, "STRUCTURE_NAME")
	default:
		return fmt.Errorf("sdmx: unknown labels option %d", opts.Labels)
	}
	header = append(header, "ACTION")
	for _, c := range cols {
		switch opts.Labels {
		case LabelsBoth:
			header = append(header, c.id+": "+c.name)
		case LabelsName:
			header = append(header, c.id, c.name)
		default:
			header = append(header, c.id)
		}
	}
	if err := cw.Write(header); err != nil {
		return err
	}

	row := make([]string, 0, len(header))
	values := make([]string, len(cols))
	n := 0
	for o := range obs {
		n++
		if err := observationValues(df, cols, o, values); err != nil {
			return fmt.Errorf("sdmx: observation %d: %w", n, err)
		}
		row = append(row[:0], "dataflow", structID)
		if opts.Labels == LabelsName {
			row = append(row, df.Name)
		}
		row = append(row, action)
		for i, c := range cols {
			v, name := values[i], ""
			if c.list != nil && v != "" {
				name = c.list.Codes[c.idx[v]].Name
			}
			switch {
			case opts.Labels == LabelsName:
				row = append(row, v, name)
			case opts.Labels == LabelsBoth && name != "":
				row = append(row, v+": "+name)
			default:
				row = append(row, v)
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// observationValues fills values with the SDMX value of every column.
func observationValues(df Dataflow, cols []column, o Observation, values []string) error {
	if len(o.Keys) != len(df.Dimensions) {
		return fmt.Errorf("%d keys for %d dimensions", len(o.Keys), len(df.Dimensions))
	}
	freq, err := ParsePeriod(o.Period)
	if err != nil {
		return err
	}
	values[0] = freq
	for i, k := range o.Keys {
		j, ok := cols[i+1].idx[k]
		if !ok {
			return fmt.Errorf("dimension %s: code %q is not in %s", df.Dimensions[i].ID, k, cols[i+1].list.Ref())
		}
		values[i+1] = cols[i+1].list.Codes[j].ID
	}
	at := len(o.Keys) + 1
	values[at] = o.Period

	status, conf := o.Status, o.Conf
	if conf == "" {
		conf = ConfFree
	}
	if _, ok := cols[at+3].idx[conf]; !ok {
		return fmt.Errorf("CONF_STATUS %q is not in %s", conf, confStatusList.Ref())
	}
	if o.Value != nil {
		v := *o.Value
		if conf != ConfFree {
			return fmt.Errorf("a value with CONF_STATUS %s would publish a confidential cell", conf)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("value %v is not a number SDMX can carry", v)
		}
		if status == "" {
			status = StatusNormal
		}
		if missingStatus[status] {
			return fmt.Errorf("OBS_STATUS %s says missing but the cell has a value", status)
		}
		values[at+1] = strconv.FormatFloat(v, 'f', -1, 64)
	} else {
		if status == "" && conf != ConfFree {
			status = StatusSuppressed
		}
		if !missingStatus[status] {
			return fmt.Errorf("a cell without a value needs a missing OBS_STATUS, has %q", status)
		}
		if conf == ConfFree && status == StatusSuppressed {
			return fmt.Errorf("a suppressed cell needs a confidential CONF_STATUS")
		}
		values[at+1] = ""
	}
	if _, ok := cols[at+2].idx[status]; !ok {
		return fmt.Errorf("OBS_STATUS %q is not in %s", status, obsStatusList.Ref())
	}
	values[at+2], values[at+3] = status, conf
	return nil
}

// missingStatus are the OBS_STATUS codes of cells without a value.
var missingStatus = map[string]bool{
	StatusNotCollected: true, StatusCannotExist: true, StatusMissing: true, StatusSuppressed: true,
}
