package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"vrs/internal/apptest"
)

// BenchmarkMe measures an authenticated GET /api/v1/me through the whole
// handler (security headers, body limit, token look-up, CSRF check, mux,
// JSON) on SQLite, without the network. The HTTP throughput target is
// measured separately.
func BenchmarkMe(b *testing.B) {
	app := apptest.New(b, "sqlite")
	token := app.Token(b, "reporter")
	h := app.Web.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := httptest.NewRequest("GET", "/api/v1/me", nil)
			r.Header.Set("Authorization", "Bearer "+token)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
	})
}
