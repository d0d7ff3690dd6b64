package api

// addTemplateAPI adds the template endpoints and schemas to doc.
func addTemplateAPI(doc obj) {
}
