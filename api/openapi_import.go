package api

// addImportAPI adds the import endpoints and schemas to doc.
func addImportAPI(doc obj) {
}
