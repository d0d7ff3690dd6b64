// Package loadgen sends a bounded HTTP load to a server on this machine and
// reports throughput and latency percentiles, for `vrs bench`.
package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Config describes one run. The run stops after Duration or Requests,
// whichever comes first (a zero bound is no bound, but one must be set).
type Config struct {
	URL         string
	Header      http.Header
	Concurrency int
	Duration    time.Duration
	Requests    int
}

// Result summarises a run.
type Result struct {
	Requests  int
	Errors    int
	Elapsed   time.Duration
	PerSecond float64
	P50, P90  time.Duration
	P99, Max  time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("%d requests in %.1fs (%d errors): %.0f req/s; latency p50 %s, p90 %s, p99 %s, max %s",
		r.Requests, r.Elapsed.Seconds(), r.Errors, r.PerSecond, r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond),
		r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond))
}

// Run sends GET requests from Concurrency keep-alive connections. A
// response other than 200 counts as an error.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Concurrency < 1 || (cfg.Duration <= 0 && cfg.Requests <= 0) {
		return Result{}, fmt.Errorf("loadgen: need a concurrency and a duration or request count")
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	transport := &http.Transport{MaxIdleConnsPerHost: cfg.Concurrency, MaxConnsPerHost: cfg.Concurrency, DisableCompression: true}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errors    int
		issued    int
		wg        sync.WaitGroup
	)
	take := func() bool {
		mu.Lock()
		defer mu.Unlock()
		if cfg.Requests > 0 && issued >= cfg.Requests {
			return false
		}
		issued++
		return true
	}
	start := time.Now()
	for range cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := make([]time.Duration, 0, 4096)
			localErr := 0
			for ctx.Err() == nil && take() {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.URL, nil)
				if err != nil {
					localErr++
					break
				}
				req.Header = cfg.Header.Clone()
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						localErr++
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					localErr++
					continue
				}
				local = append(local, time.Since(t0))
			}
			mu.Lock()
			latencies = append(latencies, local...)
			errors += localErr
			mu.Unlock()
		}()
	}
	wg.Wait()
	res := Result{Requests: len(latencies), Errors: errors, Elapsed: time.Since(start)}
	if len(latencies) == 0 {
		return res, fmt.Errorf("loadgen: no successful request (%d errors)", errors)
	}
	slices.Sort(latencies)
	pct := func(p float64) time.Duration { return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))] }
	res.PerSecond = float64(res.Requests) / res.Elapsed.Seconds()
	res.P50, res.P90, res.P99, res.Max = pct(0.50), pct(0.90), pct(0.99), latencies[len(latencies)-1]
	return res, nil
}
