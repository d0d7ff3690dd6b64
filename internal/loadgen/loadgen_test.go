package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

func TestRun(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		if r.Header.Get("Authorization") != "Bearer x" || n%10 == 0 {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Config{URL: srv.URL, Header: http.Header{"Authorization": {"Bearer x"}}, Concurrency: 4, Requests: 200})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests+res.Errors != 200 || res.Errors != 20 {
		t.Errorf("requests %d, errors %d; want 180 and 20", res.Requests, res.Errors)
	}
	if !(res.P50 <= res.P90 && res.P90 <= res.P99 && res.P99 <= res.Max) || res.PerSecond <= 0 {
		t.Errorf("percentiles out of order: %+v", res)
	}
	if _, err := Run(context.Background(), Config{URL: srv.URL, Concurrency: 1}); err == nil {
		t.Error("a run without a bound was accepted")
	}
}
