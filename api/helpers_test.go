package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"vrs"
	"vrs/auth"
	"vrs/internal/apptest"
	"vrs/storetest"
	"vrs/web"
)

// env is a running application with a token per world user, plus a
// revoked one.
type env struct {
	app     *apptest.App
	tokens  map[string]string // by world user key; "anonymous" → ""
	revoked string
}

func newEnv(t testing.TB, dialect string) *env {
	t.Helper()
	app := apptest.New(t, dialect)
	e := &env{app: app, tokens: map[string]string{"anonymous": ""}}
	for key := range app.World.Users {
		e.tokens[key] = app.Token(t, key)
	}
	plain, prefix, hash := auth.NewAPIToken()
	admin := app.World.Users["admin"]
	tok := &vrs.APIToken{UserID: admin.ID, Name: "revoked", Prefix: prefix, Hash: hash}
	if err := app.DB.CreateToken(storetest.System(), tok); err != nil {
		t.Fatal(err)
	}
	if err := app.DB.RevokeToken(storetest.System(), admin.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	e.revoked = plain
	e.tokens["revoked"] = plain
	return e
}

// request describes one HTTP call.
type request struct {
	method, path, body string
	token              string
	header             map[string]string // set after the defaults; "" deletes
	chunked            bool              // send the body without a Content-Length
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends req to the app. A body is sent as application/json unless the
// request's headers say otherwise.
func (e *env) do(t testing.TB, req request) response {
	t.Helper()
	return doWith(t, http.DefaultClient, e.app.Server.URL, req)
}

func doWith(t testing.TB, client *http.Client, base string, req request) response {
	t.Helper()
	var rd io.Reader
	if req.body != "" {
		rd = strings.NewReader(req.body)
	}
	if req.chunked {
		rd = io.MultiReader(rd) // hides the length from http.NewRequest
	}
	hr, err := http.NewRequest(req.method, base+req.path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.token != "" {
		hr.Header.Set("Authorization", "Bearer "+req.token)
	}
	for k, v := range req.header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	resp, err := client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// statusCode is the error code each error status carries.
var statusCode = map[int]string{
	400: vrs.EINVALID, 401: vrs.EUNAUTHORIZED, 403: vrs.EFORBIDDEN, 404: vrs.ENOTFOUND,
	405: "method_not_allowed", 409: vrs.ECONFLICT, 413: vrs.ETOOLARGE, 415: vrs.EINVALID,
}

// rawKey matches an untranslated catalogue key (what T returns for a
// missing one).
var rawKey = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)+$`)

// errorBody checks that resp is the API's one error body and returns it.
func errorBody(t testing.TB, resp response) web.ErrorBody {
	t.Helper()
	if ct := resp.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type = %q, body %s", ct, resp.body)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(resp.body, &raw); err != nil {
		t.Fatalf("error body is not a JSON object: %v: %s", err, resp.body)
	}
	for k := range raw {
		if k != "code" && k != "message" && k != "fields" {
			t.Errorf("error body has extra key %q: %s", k, resp.body)
		}
	}
	var eb web.ErrorBody
	if err := json.Unmarshal(resp.body, &eb); err != nil {
		t.Fatal(err)
	}
	if eb.Code == "" || eb.Message == "" {
		t.Errorf("error body lacks code or message: %s", resp.body)
	}
	if want, ok := statusCode[resp.status]; ok && eb.Code != want {
		t.Errorf("status %d with code %q, want %q", resp.status, eb.Code, want)
	}
	if rawKey.MatchString(eb.Message) || strings.Contains(eb.Message, "%!") {
		t.Errorf("message shows a raw key or a bad format: %q", eb.Message)
	}
	for f, m := range eb.Fields {
		if rawKey.MatchString(m) {
			t.Errorf("field %s shows a raw key: %q", f, m)
		}
	}
	return eb
}

// snapshot is everything a write could change, as the installation sees
// it: agencies with units, users, the head of the audit log.
func snapshot(t testing.TB, app *apptest.App) string {
	t.Helper()
	ctx := storetest.System()
	agencies, err := app.DB.ListAgencies(ctx, vrs.AgencyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range agencies {
		if agencies[i], err = app.DB.FindAgencyByID(ctx, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	users, err := app.DB.ListUsers(ctx, vrs.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	type hidden struct{ Name, Hash, Secret string }
	var secrets []hidden
	for _, u := range users {
		secrets = append(secrets, hidden{u.Name, u.PasswordHash, u.TOTPSecret})
	}
	audit, err := app.DB.ListAudit(ctx, vrs.AuditFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal([]any{agencies, users, secrets, audit})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ids replaces placeholders in paths and bodies: {th-police} and the other
// agency keys, {u:<user key>}, {missing} (an id no object has).
func (e *env) ids() *strings.Replacer {
	var pairs []string
	for k, a := range e.app.World.Agencies {
		pairs = append(pairs, "{"+k+"}", itoa(a.ID))
	}
	for k, u := range e.app.World.Users {
		pairs = append(pairs, "{u:"+k+"}", itoa(u.ID))
	}
	pairs = append(pairs, "{missing}", "987654321")
	return strings.NewReplacer(pairs...)
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
