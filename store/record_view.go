package store

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"vrs"
	"vrs/access"
)

var _ vrs.SharingService = (*DB)(nil)

// Bounds of ListRecordViews.
const (
	DefaultRecordViews = 100
	MaxRecordViews     = 1000
)

// ListRecordViews lists reads of the country's records by users of other
// countries, newest first. They are the audit entries of foreign reads
// (readEntry), which carry the owner country, so the list is the
// country's own audit log narrowed to them.
func (db *DB) ListRecordViews(ctx context.Context, country string, limit int) ([]*vrs.RecordView, error) {
	country = strings.ToUpper(strings.TrimSpace(country))
	if err := access.ReadRecordViews(vrs.UserFromContext(ctx), country); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultRecordViews
	}
	limit = min(limit, MaxRecordViews)
	rows, err := db.reader.QueryContext(ctx, `SELECT at, actor_name, object_id, detail FROM audit_log
		WHERE action = $1 AND country = $2 ORDER BY seq DESC LIMIT `+strconv.Itoa(limit), vrs.ActIncidentReadShared, country)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*vrs.RecordView{}
	for rows.Next() {
		var at int64
		var object string
		v := &vrs.RecordView{}
		if err := rows.Scan(&at, &v.ViewerName, &object, &v.Detail); err != nil {
			return nil, err
		}
		v.At = fromMicros(at)
		v.IncidentID, _ = strconv.ParseInt(object, 10, 64)
		var d struct {
			Read          string `json:"read"`
			ViewerCountry string `json:"viewer_country"`
			ViewerAgency  string `json:"viewer_agency"`
			Granularity   string `json:"granularity"`
			Purpose       string `json:"purpose"`
		}
		// An entry is what it is: one that does not parse is still listed.
		json.Unmarshal([]byte(v.Detail), &d)
		v.Action, v.Country, v.Agency, v.Granularity, v.Purpose = d.Read, d.ViewerCountry, d.ViewerAgency, d.Granularity, d.Purpose
		out = append(out, v)
	}
	return out, rows.Err()
}
