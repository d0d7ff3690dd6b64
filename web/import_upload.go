package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"unicode/utf8"

	"vrs"
	"vrs/auth"
)

// maxUploadField bounds a form value of an upload (not the file).
const maxUploadField = 4 << 10

// readUpload reads a multipart form as it arrives, without spooling it:
// the CSRF token must be the first part (the upload forms put it first),
// small values are collected, and the file part (fileField) is handed to
// onFile with the values read before it, while it streams. It returns the
// values and the first error: a missing or wrong token is refused before
// anything else is read.
func (s *Server) readUpload(r *http.Request, fileField string, onFile func(vals map[string]string, name string, file io.Reader) error) (map[string]string, error) {
	st := stateOf(r)
	if st.session == nil || st.user == nil {
		return nil, vrs.Errorf(vrs.EUNAUTHORIZED, "error.unauthorized")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, vrs.Errorf(vrs.EINVALID, "error.form")
	}
	vals := map[string]string{}
	checked, sawFile := false, false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return vals, uploadReadError(err)
		}
		name := part.FormName()
		if !checked {
			v, err := partValue(part)
			if name != "csrf" || err != nil || v == "" || !auth.EqualTokens(v, st.session.CSRFToken) {
				return nil, vrs.Errorf(vrs.EFORBIDDEN, "error.csrf")
			}
			checked = true
			continue
		}
		if name == fileField && part.FileName() != "" && !sawFile {
			sawFile = true
			err := onFile(vals, part.FileName(), part)
			part.Close()
			if err != nil {
				return vals, err
			}
			continue
		}
		v, err := partValue(part)
		if err != nil {
			return vals, err
		}
		if !utf8.ValidString(name) || !utf8.ValidString(v) {
			return vals, vrs.FieldErrors(map[string]string{name: "field.utf8"})
		}
		vals[name] = v
	}
	if !checked {
		return nil, vrs.Errorf(vrs.EFORBIDDEN, "error.csrf")
	}
	return vals, nil
}

// partValue reads a small form value.
func partValue(p *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, maxUploadField+1))
	if err != nil {
		return "", uploadReadError(err)
	}
	if len(b) > maxUploadField {
		return "", vrs.Errorf(vrs.EINVALID, "error.form")
	}
	return strings.TrimSpace(string(b)), nil
}

// uploadReadError says why an upload could not be read: too large, or cut
// off.
func uploadReadError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return vrs.Errorf(vrs.ETOOLARGE, "import.error.file_too_large", tooLarge.Limit)
	}
	return vrs.Errorf(vrs.EINVALID, "import.error.file_read")
}
