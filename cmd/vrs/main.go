// Command vrs is the Voluntary Reporting System: one binary that serves the
// web application and the API, runs a demo, and administers an installation
// from the server's shell.
//
//	vrs serve --addr 127.0.0.1:8080 --data-dir ./vrs-data
//	vrs demo
//	vrs help
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal, a second one ends the process at once
		// instead of waiting for the graceful shutdown.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
