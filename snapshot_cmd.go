package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/reachnet/reach/aws"
)

// runSnapshot handles "reach snapshot save DIR": read the whole region
// live and write it as AWS CLI JSON, one file per command, so the
// investigation can be shared and replayed with --snapshot DIR.
func runSnapshot(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "save" {
		return fail(stderr, exitUsage, "snapshot: expected \"reach snapshot save DIR [--profile P] [--region R]\"")
	}
	fs := flag.NewFlagSet("snapshot save", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var src sourceFlags
	fs.StringVar(&src.profile, "profile", "", "AWS shared config profile")
	fs.StringVar(&src.region, "region", "", "AWS Region")
	// The directory may come before or after the flags.
	rest := args[1:]
	var dir string
	if len(rest) > 0 && len(rest[0]) > 0 && rest[0][0] != '-' {
		dir, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return fail(stderr, exitUsage, "snapshot save: %v", err)
	}
	if dir == "" && fs.NArg() == 1 {
		dir = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return fail(stderr, exitUsage, "snapshot save: unexpected argument %q", fs.Arg(0))
	}
	if dir == "" {
		return fail(stderr, exitUsage, "snapshot save: name the directory to write (reach snapshot save DIR)")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg, err := aws.LoadConfig(ctx, src.profile, src.region)
	if err == nil {
		err = aws.CheckCredentials(ctx, cfg, src.profile)
	}
	if err != nil {
		return fail(stderr, exitUsage, "%s", aws.Explain(err))
	}
	inv, stats, err := aws.NewLoader(cfg).LoadAll(ctx, nil)
	if err != nil {
		var empty *aws.EmptyRegionError
		if !errors.As(err, &empty) {
			return fail(stderr, exitUsage, "%s", aws.Explain(err))
		}
		fmt.Fprintf(stderr, "reach: %s\n", aws.Explain(err))
	}
	if err := aws.SaveSnapshot(dir, inv); err != nil {
		return fail(stderr, exitUsage, "snapshot save: %v", err)
	}
	fmt.Fprintf(stdout, "saved %s: %d API calls in %s\n", dir, stats.Calls, stats.Elapsed.Round(1e6))
	for _, g := range inv.Gaps {
		fmt.Fprintf(stdout, "missing %s: %s", g.Kind, g.Reason)
		if g.Action != "" {
			fmt.Fprintf(stdout, " (grant %s)", g.Action)
		}
		fmt.Fprintln(stdout)
	}
	return 0
}
