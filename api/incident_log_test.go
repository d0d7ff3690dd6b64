package api_test

import (
	"bytes"
	"fmt"
	"log"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"vrs"
	"vrs/api"
	"vrs/auth"
	"vrs/i18n"
	"vrs/storetest"
	"vrs/web"
)

// syncBuffer is a log destination safe for concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestIncidentNoPersonalDataInLogs runs creates, reads and refused
// creates full of personal values with every log the server writes
// captured at debug level (its slog logger, the default slog logger and
// the standard log package), and looks for the values in them.
func TestIncidentNoPersonalDataInLogs(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	oldDefault, oldOut := slog.Default(), log.Writer()
	slog.SetDefault(logger)
	log.SetOutput(&logs)
	t.Cleanup(func() { slog.SetDefault(oldDefault); log.SetOutput(oldOut) })

	db := storetest.Open(t, "sqlite")
	w := storetest.NewWorld(t, db)
	cat := i18n.MustLoad()
	hasher := auth.NewHasher(auth.TestParams, 2)
	a := api.New(api.Config{Store: db, Catalog: cat, Hasher: hasher})
	srv, err := web.New(web.Config{Store: db, Hasher: hasher, Catalog: cat, Mount: a.Register,
		Throttle: auth.NewThrottle(auth.ThrottleConfig{}), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	ts.Config.ErrorLog = log.New(&logs, "", 0)
	plain, prefix, hash := auth.NewAPIToken()
	if err := db.CreateToken(storetest.System(), &vrs.APIToken{UserID: w.Users["reporter"].ID, Name: "t", Prefix: prefix, Hash: hash}); err != nil {
		t.Fatal(err)
	}
	call := func(req request) response {
		req.token = plain
		return doWith(t, ts.Client(), ts.URL, req)
	}

	personal := []string{"Aung Min Thu", "Khin Myat", "Somchai Prasert", "Ko Chai", "MB-123 456", "+66 81 234 5678", "KBANK 123-4-56789-0",
		"Nguyen Van Personal", "PASSPORT-C9988776", "1990-04-05"}
	inc := interception(w.Agencies["th-police"].ID, "LOG-1")
	inc.Persons[1].DateOfBirth = "1990-04-05"
	inc.Persons[1].Age = nil
	resp := call(request{method: "POST", path: "/api/v1/incidents", body: toJSON(t, inc)})
	if resp.status != 201 {
		t.Fatalf("create: %d %s", resp.status, resp.body)
	}
	created := incidentOf(t, resp)
	path := fmt.Sprintf("/api/v1/incidents/%d", created.ID)
	if resp := call(request{method: "GET", path: path}); resp.status != 200 || !strings.Contains(string(resp.body), "Somchai Prasert") {
		t.Fatalf("read: %d %s", resp.status, resp.body)
	}
	call(request{method: "GET", path: path + "/history?full=true"})
	if resp := call(request{method: "POST", path: "/api/v1/incidents/search", body: `{"identifier_kind":"phone","identifier":"+66 81 234 5678"}`}); resp.status != 200 || !strings.Contains(string(resp.body), "LOG-1") {
		t.Fatalf("search: %d %s", resp.status, resp.body)
	}

	// Refused: validation (the name too long, a bad document), bad JSON
	// with personal values around the error, a stale change.
	bad := interception(w.Agencies["th-police"].ID, "LOG-2")
	bad.Persons[0].Name = "Nguyen Van Personal" + strings.Repeat(" Personal", 30)
	bad.Persons[0].Identifiers = []vrs.Identifier{{Kind: "passport_no", Value: "PASSPORT-C9988776"}}
	for _, req := range []request{
		{method: "POST", path: "/api/v1/incidents", body: toJSON(t, bad)},
		{method: "POST", path: "/api/v1/incidents", body: `{"persons":[{"name":"Nguyen Van Personal","age":"PASSPORT-C9988776"}]}`},
		{method: "POST", path: "/api/v1/incidents", body: `{"persons":[{"name":"Nguyen Van Personal","PASSPORT-C9988776":1}]}`},
		{method: "POST", path: "/api/v1/incidents", body: `{"persons":[{"name":"Nguyen Van Personal", PASSPORT-C9988776}]}`},
		{method: "PUT", path: path, body: toJSON(t, bad), header: map[string]string{"If-Match": `"9"`}},
		{method: "PUT", path: path, body: toJSON(t, bad), header: map[string]string{"If-Match": "PASSPORT-C9988776"}},
	} {
		resp := call(req)
		if resp.status < 400 {
			t.Fatalf("%s %s: %d", req.method, req.path, resp.status)
		}
		for _, v := range personal[7:9] {
			if strings.Contains(string(resp.body), v) && !strings.Contains(req.body, `"`+v+`":`) && req.header["If-Match"] != v {
				t.Errorf("error answer repeats %q: %s", v, resp.body)
			}
		}
	}
	// A store that fails: the server logs internal errors. The requests
	// carry personal values in the query and the body.
	db.Close()
	call(request{method: "POST", path: "/api/v1/incidents/search", body: `{"identifier":"PASSPORT-C9988776","identifier_kind":"document_number"}`})
	call(request{method: "POST", path: "/api/v1/incidents", body: toJSON(t, inc)})
	out := logs.String()
	if !strings.Contains(out, "internal error") {
		t.Errorf("the failing store was not logged: the capture does not work:\n%s", out)
	}
	for _, v := range personal {
		if strings.Contains(out, v) {
			t.Errorf("log holds personal value %q:\n%s", v, out)
		}
	}
	t.Logf("%d bytes of log", len(out))
}
