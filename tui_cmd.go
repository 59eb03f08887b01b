package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/demo"
	"github.com/reachnet/reach/tui"
)

// runTUI starts the terminal investigator: reach [--demo | --snapshot DIR |
// --profile P --region R] [--from SRC --to DST ...].
func runTUI(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("reach", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var src sourceFlags
	src.register(fs)
	var o tui.Options
	fs.StringVar(&o.From, "from", "", "open on the path from this source")
	fs.StringVar(&o.To, "to", "", "open on the path to this destination")
	fs.IntVar(&o.Port, "port", 0, "destination port")
	fs.StringVar(&o.Protocol, "protocol", "", "tcp, udp, icmp, all or a protocol number")
	fs.IntVar(&o.SourcePort, "source-port", 0, "the client's source port")
	fs.StringVar(&o.Theme, "theme", "auto", "auto, dark or light")
	fs.BoolVar(&o.ASCII, "ascii", false, "no glyphs beyond ASCII")
	fs.BoolVar(&o.Mouse, "mouse", false, "scroll with the mouse wheel")
	fs.DurationVar(&o.WatchInterval, "watch-interval", 0, "re-check period of watch mode (w)")
	if err := fs.Parse(args); err != nil {
		return fail(stderr, exitUsage, "%v (reach help lists the flags)", err)
	}
	if fs.NArg() > 0 {
		return fail(stderr, exitUsage, "unknown command %q: expected check or version (reach help lists them)", fs.Arg(0))
	}
	if src.demo && src.snapshot != "" {
		return fail(stderr, exitUsage, "--demo and --snapshot exclude each other: pick one")
	}
	o.Source = tuiSource(src)
	if err := o.Validate(); err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := tui.Run(ctx, o); err != nil && !errors.Is(err, context.Canceled) {
		return fail(stderr, 1, "%v", err)
	}
	return 0
}

// tuiSource reads the network inside the terminal's load function, so that
// reload and watch mode read the files (or the account) again.
func tuiSource(src sourceFlags) tui.Source {
	build := func(inv *aws.Inventory) func() (tui.Update, error) {
		return func() (tui.Update, error) {
			n, err := aws.Convert(inv)
			return tui.Update{Network: n}, err
		}
	}
	switch {
	case src.demo:
		return tui.NewSource("demo", func(ctx context.Context, emit func(tui.Update)) error {
			inv, err := aws.ReadSnapshotFS(demo.FS(), ".")
			if err != nil {
				return err
			}
			emit(tui.Update{Build: build(inv)})
			return nil
		})
	case src.snapshot != "":
		dir := src.snapshot
		return tui.NewSource("snapshot "+dir, func(ctx context.Context, emit func(tui.Update)) error {
			inv, err := aws.ReadSnapshot(dir)
			if err != nil {
				return err
			}
			emit(tui.Update{Build: build(inv)})
			return nil
		})
	}
	name := strings.Join(strings.Fields("live "+src.profile+" "+src.region), " ")
	return tui.NewSource(name, func(ctx context.Context, emit func(tui.Update)) error {
		cfg, err := aws.LoadConfig(ctx, src.profile, src.region)
		if err == nil {
			err = aws.CheckCredentials(ctx, cfg, src.profile)
		}
		if err != nil {
			return errors.New(aws.Explain(err))
		}
		_, _, err = aws.NewLoader(cfg).LoadAll(ctx, func(ev aws.Event) {
			emit(tui.Update{Kind: ev.Kind, Build: build(ev.Inventory)})
		})
		if err != nil {
			return errors.New(aws.Explain(err))
		}
		return nil
	})
}
