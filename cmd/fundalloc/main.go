// Command fundalloc consolidates a city's social-work fund lines into one
// pool per category, allocates them across the hub, the stations and the
// rooms exactly to the fen, writes the budget workbook and JSON, and
// reconciles spending against the budget every month.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
