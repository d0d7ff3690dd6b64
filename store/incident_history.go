package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"vrs"
	"vrs/access"
)

// IncidentHistory returns every version of an incident, oldest first, each
// whole (personal data included, so that changes to it show); the read is
// audited.
func (db *DB) IncidentHistory(ctx context.Context, id int64) ([]*vrs.IncidentVersion, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	cur, sh, err := db.findIncident(ctx, u, id, true)
	if err != nil {
		return nil, err
	}
	// Outsiders read a copy (foreignCopy): another country's users, and
	// anyone who reads it pseudonymised.
	foreign := access.Foreign(u, access.RefOf(cur)) || cur.Granularity == access.Pseudonymised
	rows, err := db.reader.QueryContext(ctx, `SELECT v.version, v.status, v.body, v.personal, v.key_id, v.action, v.note, v.author_id, v.at, u.name
		FROM incident_versions v LEFT JOIN users u ON u.id = v.author_id WHERE v.incident_id = $1 ORDER BY v.version`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*vrs.IncidentVersion
	for rows.Next() {
		v := &vrs.IncidentVersion{Incident: &vrs.Incident{}}
		var status, body string
		var ct []byte
		var keyID, at int64
		var author sql.NullString
		if err := rows.Scan(&v.Version, &status, &body, &ct, &keyID, &v.Action, &v.Note, &v.AuthorID, &at, &author); err != nil {
			return nil, err
		}
		v.Status, v.At, v.AuthorName = vrs.IncidentStatus(status), fromMicros(at), author.String
		if err := json.Unmarshal([]byte(body), v.Incident); err != nil {
			return nil, fmt.Errorf("incident %d v%d: body: %w", id, v.Version, err)
		}
		if err := db.openPersonal(v.Incident, id, v.Version, keyID, ct); err != nil {
			return nil, err
		}
		v.Incident.ID, v.Incident.Status, v.Incident.Version = id, v.Status, v.Version
		v.Incident.AgencyID, v.Incident.AgencyName, v.Incident.Country = cur.AgencyID, cur.AgencyName, cur.Country
		v.Incident.Granularity = cur.Granularity
		if foreign {
			// An older version is read as the current one is: its
			// partners, officials and a narrative since withdrawn from
			// sharing stay with the owner.
			foreignCopy(v.Incident)
			v.Incident.NarrativeShareable = cur.NarrativeShareable
			v.Incident.Distribution, v.Incident.TLP = cur.Distribution, cur.TLP
		}
		if err := db.pseudonymise(ctx, u, sh, v.Incident); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var action, note string
	if err := db.reader.QueryRowContext(ctx, `SELECT action, note FROM incidents WHERE id = $1`, id).Scan(&action, &note); err != nil {
		return nil, err
	}
	out = append(out, &vrs.IncidentVersion{Version: cur.Version, Status: cur.Status, AuthorID: cur.UpdatedBy, AuthorName: cur.UpdatedName,
		At: cur.UpdatedAt, Action: action, Note: note, Incident: cur})
	if !access.ReadWorkingVersions(u, access.IncidentRef{AgencyID: cur.AgencyID, Country: cur.Country, Status: cur.Status}) {
		// Drafts and returns are the agency's working papers: persons
		// removed before validation stay with the agency.
		out = slices.DeleteFunc(out, func(v *vrs.IncidentVersion) bool { return v.Status != vrs.StatusValidated })
	}
	if foreign {
		// Notes are free text and the officials who wrote them are
		// named: neither travels to another country.
		for _, v := range out {
			v.Note, v.AuthorID, v.AuthorName = "", 0, ""
		}
	}
	err = db.writeGrouped(ctx, func(t *tx) error {
		return t.audit(readEntry(ctx, u, cur, vrs.ActIncidentHistory, map[string]any{"versions": len(out)}))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
