package web

import (
	"bytes"
	"net/http"

	"vrs/sdmx"
)

// sdmxStructurePath serves the SDMX-ML 2.1 structure of the VRS dataflow
// (code lists, concepts, data structure, dataflow), which every SDMX-CSV
// download refers to. It holds no data: no sign-in.
const sdmxStructurePath = "/public/statistics/sdmx-structure.xml"

// sdmxStructure is GET sdmxStructurePath.
func (s *Server) sdmxStructure(w http.ResponseWriter, r *http.Request) {
	df, err := sdmx.VRSDataflow()
	if err != nil {
		s.error(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := sdmx.WriteStructure(&b, df, nil); err != nil {
		s.error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.sdmx.structure+xml; version=2.1")
	w.Header().Set("Content-Disposition", `attachment; filename="vrs-sdmx-structure.xml"`)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b.Bytes())
}
