package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/flowlogs"
	"github.com/reachnet/reach/demo"
	"github.com/reachnet/reach/tui"
)

// runTUI starts the terminal investigator: reach [--demo | --snapshot DIR |
// --profile P --region R] [--from SRC --to DST ...].
func runTUI(p *parsed, stdout, stderr io.Writer) int {
	cfg, err := applyConfig(p)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	src := p.source()
	if src.demo && src.snapshot != "" {
		return fail(stderr, exitUsage, "--demo and --snapshot exclude each other: pick one")
	}
	o := tui.Options{
		Source:        tuiSource(src),
		From:          p.str("from"),
		To:            p.str("to"),
		Port:          p.num("port"),
		Protocol:      p.str("protocol"),
		SourcePort:    p.num("source-port"),
		Theme:         p.str("theme"),
		ASCII:         p.flag("ascii"),
		Mouse:         p.flag("mouse"),
		WatchInterval: p.dur("watch-interval"),
		Keys:          tuiKeys(cfg),
	}
	if src.demo {
		o.Flows = demoFlows
	}
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
	// The inventory cache is written after the first load that completes
	// and not on every watch tick: it is for completing the next command
	// line, and a minute-old copy serves that as well.
	var cacheOnce sync.Once
	remember := func(label string, inv *aws.Inventory) {
		cacheOnce.Do(func() {
			if n, err := aws.Convert(inv); err == nil {
				writeInventoryCache(label, n, false)
			}
		})
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
			remember(src.label(), inv)
			return nil
		})
	}
	name := strings.Join(strings.Fields("live "+src.profile+" "+src.region), " ")
	return tui.NewSource(name, func(ctx context.Context, emit func(tui.Update)) error {
		cfg, err := loadAWSConfig(ctx, src)
		if err != nil {
			return errors.New(aws.Explain(err))
		}
		inv, _, err := aws.NewLoader(cfg).LoadAll(ctx, func(ev aws.Event) {
			emit(tui.Update{Kind: ev.Kind, Build: build(ev.Inventory)})
		})
		if err != nil {
			return errors.New(aws.Explain(err))
		}
		remember(liveLabel(src.profile, cfg.Region), inv)
		return nil
	})
}

// demoFlows opens the demo's synthetic flow-log stream for the tail (t):
// ten minutes of history, then records in real time, every reject the
// work of a rule of the demo's configuration.
func demoFlows(ctx context.Context, target tui.FlowTarget) (tui.FlowSource, error) {
	inv, err := aws.ReadSnapshotFS(demo.FS(), ".")
	if err != nil {
		return nil, err
	}
	n, err := aws.Convert(inv)
	if err != nil {
		return nil, err
	}
	// Which interfaces publish flow logs decides which records exist.
	aws.ConvertFlowLogs(inv, n)
	opts := flowlogs.DemoOptions{Follow: true}
	opts.Filter.ENIs = target.ENIs
	return flowSource{flowlogs.NewDemoSource(n, opts)}, nil
}

// flowSource adapts a flow-log source to the terminal's tail.
type flowSource struct{ src flowlogs.Source }

func (s flowSource) Name() string { return s.src.Name() }

func (s flowSource) Run(ctx context.Context, emit func(tui.FlowBatch)) error {
	return s.src.Run(ctx, func(b flowlogs.Batch) {
		emit(tui.FlowBatch{Flows: b.Flows, Malformed: b.Malformed, Dropped: b.Dropped, Source: b.Source, Note: b.Note})
	})
}
