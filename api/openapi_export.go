package api

// addExportAPI adds the export endpoints and schemas to doc.
func addExportAPI(doc obj) {
}
