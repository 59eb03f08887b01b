package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/snapshot"
)

// runSnapshot handles "reach snapshot save DIR": read the whole region
// live and write it as AWS CLI JSON, one file per command, so the
// investigation can be shared and replayed with --snapshot DIR.
func runSnapshot(p *parsed, stdout, stderr io.Writer) int {
	if _, err := applyConfig(p); err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	dir := p.args[0]
	if dir == "" {
		return fail(stderr, exitUsage, "snapshot save: name the directory to write (reach snapshot save DIR)")
	}
	src := p.source()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg, err := loadAWSConfig(ctx, src)
	if err != nil {
		return fail(stderr, exitUsage, "%s", aws.Explain(err))
	}
	inv, stats, err := src.loader(cfg).LoadAll(ctx, nil)
	if ctx.Err() != nil {
		return fail(stderr, exitInterrupted, "snapshot save: interrupted; nothing written")
	}
	if err != nil {
		var empty *aws.EmptyRegionError
		if !errors.As(err, &empty) {
			return fail(stderr, exitUsage, "%s", aws.Explain(err))
		}
		fmt.Fprintf(stderr, "reach: %s\n", aws.Explain(err))
	}
	if err := snapshot.Write(dir, inv); err != nil {
		return fail(stderr, exitUsage, "snapshot save: %v", err)
	}
	if net, err := convert.Network(inv); err == nil {
		writeInventoryCache(liveLabel(src.profile, cfg.Region), net, false)
	}
	fmt.Fprintf(stdout, "saved %s: %d API calls in %s\n", dir, stats.Calls, stats.Elapsed.Round(1e6))
	for _, g := range inv.Gaps {
		fmt.Fprintf(stdout, "missing %s: %s", g.Kind, g.Reason)
		if r := g.Remedy(); r != "" {
			fmt.Fprintf(stdout, " (%s)", r)
		}
		fmt.Fprintln(stdout)
	}
	return 0
}
