package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"onemap/layers/demo"
)

// demoCmd loads the synthetic demo district into the chosen store and prints
// how many features each layer received.
func demoCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs, getenv)
	seed := fs.Int64("seed", 1, "random seed of the district (the same seed gives the same district)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("demo takes no arguments, got %q: %w", fs.Args(), errUsage)
	}
	log, err := newLogger(stderr, "text")
	if err != nil {
		return err
	}
	store, err := sf.open(ctx, log)
	if err != nil {
		return err
	}
	defer store.Close()
	start := time.Now()
	d := demo.Generate(*seed)
	total := 0
	err = demo.Load(ctx, store, d, func(layer string, n int) {
		total += n
		fmt.Fprintf(stdout, "%-16s %7d\n", layer, n)
	})
	if err != nil {
		return fmt.Errorf("loading the demo district: %w", err)
	}
	fmt.Fprintf(stdout, "%-16s %7d  (seed %d, %s)\n", "total", total, *seed, time.Since(start).Round(time.Millisecond))
	return nil
}
