package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/flowlogs"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/config"
	"github.com/reachnet/reach/demo"
	"github.com/reachnet/reach/render"
	"github.com/reachnet/reach/tui"
)

// runTUI starts the terminal investigator: reach [--demo | --snapshot DIR |
// --profile P --region R] [--from SRC --to DST ...].
func runTUI(p *parsed, stdout, stderr io.Writer) int {
	o, err := terminalOptions(p, stderr)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := tui.Run(ctx, o); err != nil && !errors.Is(err, context.Canceled) {
		return fail(stderr, 1, "%v", err)
	}
	return 0
}

// terminalOptions builds the terminal's options from the flags and the
// configuration file, for reach and reach serve; stderr takes the
// baseline's warnings.
func terminalOptions(p *parsed, stderr io.Writer) (tui.Options, error) {
	cfg, err := applyConfig(p)
	if err != nil {
		return tui.Options{}, err
	}
	noteConfigOrganization(p, cfg, stderr)
	src := p.source()
	if src.demo && src.snapshot != "" {
		return tui.Options{}, errors.New("--demo and --snapshot exclude each other: pick one")
	}
	if !src.demo && src.snapshot == "" {
		if err := src.org.Validate(); err != nil {
			return tui.Options{}, err
		}
	}
	conf := &awsConfig{src: src}
	o := tui.Options{
		Source:        tuiSource(src, conf, cfg),
		From:          p.str("from"),
		To:            p.str("to"),
		Port:          p.num("port"),
		Protocol:      p.str("protocol"),
		SourcePort:    p.num("source-port"),
		Theme:         p.str("theme"),
		ASCII:         p.flag("ascii"),
		Mouse:         p.flag("mouse"),
		WatchInterval: p.dur("watch-interval"),
		// Only a live source answers the A key; elsewhere the bound is
		// unused.
		AnalyzerTimeout: p.dur("analyzer-timeout"),
		Keys:            tuiKeys(cfg),
	}
	switch {
	case src.demo:
		o.Flows = demoFlows
	case src.snapshot != "":
		// A snapshot holds the configuration, not the traffic: t says
		// there are no flow logs to tail with this source.
	case src.org.Several():
		// Flow logs, Reachability Analyzer and the history read one
		// account; across accounts the terminal has none of them yet, and
		// says so rather than read the base account alone.
		o.SeveralAccounts = true
	default:
		o.Flows = liveFlows(conf)
		o.Analyzer = liveAnalyzer(conf)
		o.History = liveHistory(conf)
	}
	if dir := p.str("baseline"); dir != "" {
		base, taken, err := readBaseline(dir, stderr)
		if err != nil {
			return tui.Options{}, fmt.Errorf("--baseline: %w", err)
		}
		applyPorts(base, cfg)
		o.Baseline, o.BaselineName, o.BaselineTaken = base, dir, taken
	}
	if err := o.Validate(); err != nil {
		return tui.Options{}, err
	}
	return o, nil
}

// liveAnalyzer asks Reachability Analyzer about a checked path, for the
// terminal's A key. Nothing is built or called until the user confirmed.
func liveAnalyzer(conf *awsConfig) func(context.Context, checks.Report, time.Duration) checks.AnalyzerResult {
	return func(ctx context.Context, rep checks.Report, timeout time.Duration) checks.AnalyzerResult {
		cfg, err := conf.get(ctx)
		if err != nil {
			return checks.AnalyzerResult{Status: checks.AnalyzerError, Message: aws.Explain(err), CleanedUp: true}
		}
		req, err := aws.AnalyzerRequestFor(&rep)
		if err != nil {
			return checks.AnalyzerResult{Status: checks.AnalyzerError, Message: err.Error(), CleanedUp: true}
		}
		return aws.NewAnalyzer(cfg).Run(ctx, req, timeout)
	}
}

// liveHistory reads CloudTrail event history for the terminal's h key,
// over the default window; a failure is a gap, shown in the pane.
func liveHistory(conf *awsConfig) func(context.Context, []string, func(int, int)) ([]checks.HistoryEvent, []string) {
	return func(ctx context.Context, ids []string, progress func(int, int)) ([]checks.HistoryEvent, []string) {
		cfg, err := conf.get(ctx)
		if err != nil {
			return nil, []string{"history not read: " + aws.Explain(err)}
		}
		res := aws.NewHistory(cfg).Lookup(ctx, ids, aws.HistoryOptions{Progress: progress})
		return res.Events, res.Gaps
	}
}

// awsConfig loads the AWS configuration once for the terminal's loader
// and its flow tail alike: the credentials are resolved (and checked) once
// however often watch mode reloads, and the tail reads CloudWatch Logs in
// the account and Region the network came from.
type awsConfig struct {
	src sourceFlags
	mu  sync.Mutex
	cfg *sdkaws.Config
}

// get returns the configuration, loading it on the first call; a failure
// is not kept, so that the next reload tries again.
func (c *awsConfig) get(ctx context.Context) (sdkaws.Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cfg != nil {
		return *c.cfg, nil
	}
	cfg, err := loadAWSConfig(ctx, c.src)
	if err != nil {
		return cfg, err
	}
	c.cfg = &cfg
	return cfg, nil
}

// tuiSource reads the network inside the terminal's load function, so that
// reload and watch mode read the files (or the account) again. A live
// source takes its AWS configuration from conf.
func tuiSource(src sourceFlags, conf *awsConfig, file *config.Config) tui.Source {
	build := func(inv *inventory.Inventory) func() (tui.Update, error) {
		return func() (tui.Update, error) {
			n, err := convert.Network(inv)
			applyPorts(n, file)
			return tui.Update{Network: n}, err
		}
	}
	// The inventory cache is written after the first load that completes
	// and not on every watch tick: it is for completing the next command
	// line, and a minute-old copy serves that as well.
	var cacheOnce sync.Once
	remember := func(label string, inv *inventory.Inventory) {
		cacheOnce.Do(func() {
			if n, err := convert.Network(inv); err == nil {
				writeInventoryCache(label, n, false)
			}
		})
	}
	switch {
	case src.demo:
		return tui.NewSource("demo", func(ctx context.Context, emit func(tui.Update)) error {
			inv, err := snapshot.ReadFS(demo.FS(), ".")
			if err != nil {
				return err
			}
			emit(tui.Update{Build: build(inv)})
			return nil
		})
	case src.snapshot != "":
		dir := src.snapshot
		return tui.NewSource("snapshot "+dir, func(ctx context.Context, emit func(tui.Update)) error {
			inv, err := snapshot.Read(dir)
			if err != nil {
				return err
			}
			emit(tui.Update{Build: build(inv), Scope: snapshotScope(dir)})
			remember(src.label(), inv)
			return nil
		})
	}
	if src.org.Several() {
		return tui.NewSource("live accounts", func(ctx context.Context, emit func(tui.Update)) error {
			emit(tui.Update{Scope: "finding the accounts"})
			// Each account and Region shows as it lands, its network with
			// the others' pending, as one account's kinds do.
			org, err := loadOrganization(ctx, src, func(p aws.Progress) {
				emit(tui.Update{Scope: orgProgressScope(p), Build: func() (tui.Update, error) {
					return build(p.Organization().Inventory)()
				}})
			})
			if err != nil {
				return err
			}
			emit(tui.Update{Build: build(org.Inventory), Scope: orgScope(org)})
			remember(orgLabel(org), org.Inventory)
			return nil
		})
	}
	name := strings.Join(strings.Fields("live "+src.profile+" "+src.region), " ")
	if conf == nil {
		conf = &awsConfig{src: src}
	}
	var (
		scopeMu sync.Mutex
		scope   string
	)
	return tui.NewSource(name, func(ctx context.Context, emit func(tui.Update)) error {
		cfg, err := conf.get(ctx)
		if err != nil {
			return errors.New(aws.Explain(err))
		}
		// Who the account is comes alongside the load, not before it:
		// a slow STS must not hold the network back. The load waits for
		// it only at its end (the lookup has its own deadline).
		var asked sync.WaitGroup
		scopeMu.Lock()
		known := scope
		scopeMu.Unlock()
		if known != "" {
			emit(tui.Update{Scope: known})
		} else {
			asked.Add(1)
			go func() {
				defer asked.Done()
				s, ok := liveScope(ctx, src, cfg)
				if ok {
					scopeMu.Lock()
					scope = s
					scopeMu.Unlock()
				}
				emit(tui.Update{Scope: s})
			}()
		}
		defer asked.Wait()
		// The interfaces and instances are converted page by page as
		// they arrive and not kept raw; each update's network is
		// assembled from them and the rest of the inventory, converted
		// again (it is small).
		asm := convert.NewAssembler()
		assemble := func(inv *inventory.Inventory) func() (tui.Update, error) {
			return func() (tui.Update, error) {
				n, err := asm.Network(inv)
				applyPorts(n, file)
				return tui.Update{Network: n}, err
			}
		}
		inv, _, err := src.loader(cfg).LoadAllStreaming(ctx, asm, func(ev aws.Event) {
			emit(tui.Update{Kind: ev.Kind, Build: assemble(ev.Inventory)})
		})
		if err != nil {
			return errors.New(aws.Explain(err))
		}
		cacheOnce.Do(func() {
			if n, err := asm.Network(inv); err == nil {
				writeInventoryCache(liveLabel(src.profile, cfg.Region), n, false)
			}
		})
		return nil
	})
}

// liveScope names the account, Region and profile the terminal reads,
// however they were chosen (flags, environment, the configuration file):
// the account comes from sts:GetCallerIdentity, which needs no permission.
// ok is false when the account could not be asked (it is asked again on
// the next load).
func liveScope(ctx context.Context, src sourceFlags, cfg sdkaws.Config) (scope string, ok bool) {
	profile := src.profile
	if profile == "" {
		profile = os.Getenv("AWS_PROFILE")
	}
	if profile == "" {
		profile = "default"
	}
	account := "account ?"
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	id, err := aws.CallerIdentity(ctx, cfg)
	if err == nil {
		account = "account " + id.Account
	}
	return strings.Join([]string{account, cfg.Region, "profile " + profile}, " · "), err == nil
}

// snapshotScope names a snapshot and when it was taken: its manifest's
// time, else the newest file's modification time, the best a directory of
// AWS CLI output can tell.
func snapshotScope(dir string) string {
	if m, found, err := snapshot.ReadManifest(dir); err == nil && found && !m.Taken.IsZero() {
		return "snapshot " + dir + " · taken " + m.Taken.Local().Format("2006-01-02 15:04")
	}
	var newest time.Time
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil && info.ModTime().After(newest) {
				newest = info.ModTime()
			}
		}
		return nil
	})
	if newest.IsZero() {
		return "snapshot " + dir
	}
	return "snapshot " + dir + " · taken " + newest.Local().Format("2006-01-02 15:04")
}

// demoFlows opens the demo's synthetic flow-log stream for the tail (t):
// ten minutes of history, then records in real time, every reject the
// work of a rule of the demo's configuration. A path's tail says its
// window: the demo's records arrive without delivery delay.
func demoFlows(ctx context.Context, target tui.FlowTarget) (tui.FlowSource, error) {
	n := target.Network
	if n == nil {
		inv, err := snapshot.ReadFS(demo.FS(), ".")
		if err != nil {
			return nil, err
		}
		if n, err = convert.Network(inv); err != nil {
			return nil, err
		}
	}
	opts := flowlogs.DemoOptions{Follow: true}
	if target.Query != nil {
		p, err := flowlogs.ResolvePath(n, *target.Query)
		if err != nil {
			return nil, err
		}
		t := flowlogs.NewDemoTail(n, p, opts, time.Now())
		return windowedSource{flowSource{src: t.Source}, t.Window}, nil
	}
	opts.Filter.ENIs = target.ENIs
	return flowSource{src: flowlogs.NewDemoSource(n, opts)}, nil
}

// liveFlows opens the terminal's flow tail (t) on the live account, with
// the AWS configuration the loader uses: the flow logs that record the
// target's interfaces, found in the network the terminal shows
// (describe-flow-logs), tailed in CloudWatch Logs with Live Tail, or by
// polling FilterLogEvents where Live Tail is denied or unavailable.
func liveFlows(conf *awsConfig) tui.FlowOpener {
	var (
		mu     sync.Mutex
		client *cloudwatchlogs.Client
	)
	return func(ctx context.Context, target tui.FlowTarget) (tui.FlowSource, error) {
		cfg, err := conf.get(ctx)
		if err != nil {
			return nil, errors.New(aws.Explain(err))
		}
		mu.Lock()
		if client == nil {
			client = flowlogs.NewClient(cfg)
		}
		api := client
		mu.Unlock()
		return openLiveFlows(target, api, cfg.Region, flowlogs.PollOptions{}, time.Now())
	}
}

// openLiveFlows builds the tail of a target through api: a path's with
// flowlogs.NewLiveTail (its flow logs, its addresses as the filter, and
// the window its diagnosis waits for), an interface's from the flow logs
// that cover it. When no flow log reach can read covers the target, the
// error says why and carries the command that creates one.
func openLiveFlows(target tui.FlowTarget, api flowlogs.TailAPI, region string, opts flowlogs.PollOptions, now time.Time) (tui.FlowSource, error) {
	n := target.Network
	if n == nil {
		return nil, errors.New("the network has not loaded yet: the tail needs its flow logs")
	}
	if target.Query != nil {
		p, err := flowlogs.ResolvePath(n, *target.Query)
		if err != nil {
			return nil, err
		}
		t, err := flowlogs.NewLiveTail(n, p, api, region, opts, now)
		if err != nil {
			if t != nil {
				return nil, coverageError(err, t.Discovery, p.ENIs())
			}
			return nil, err
		}
		return windowedSource{flowSource{src: t.Source, note: render.PartialFlowCoverage(t.Discovery, p.ENIs())}, t.Window}, nil
	}
	if len(target.ENIs) == 0 {
		return nil, errors.New(render.NoInterface(target.Label + " is not an interface in the account"))
	}
	d := checks.DiscoverFlowLogs(n, target.ENIs...)
	account := ""
	if e := n.ENIs[target.ENIs[0]]; e != nil {
		account = e.OwnerID
	}
	tg, formats, err := flowlogs.TargetFor(d, region, account)
	if err != nil {
		return nil, coverageError(err, d, target.ENIs)
	}
	if len(opts.Formats) == 0 {
		opts.Formats = formats
	}
	opts.Filter.ENIs = target.ENIs
	return flowSource{src: flowlogs.NewLiveTailSource(api, tg, opts)}, nil
}

// coverageError says why no flow log can be tailed, on one line (the
// tail shows an error's first line), in the words of reach flows; any
// other error (a log format reach cannot parse) is returned as it is.
func coverageError(err error, d checks.FlowLogDiscovery, enis []string) error {
	if msg := render.NoFlowCoverage(d, enis); msg != "" {
		return errors.New(msg)
	}
	return err
}

// flowSource adapts a flow-log source to the terminal's tail; note, when
// set, is said once, with the first batch.
type flowSource struct {
	src  flowlogs.Source
	note string
}

func (s flowSource) Name() string { return s.src.Name() }

func (s flowSource) Run(ctx context.Context, emit func(tui.FlowBatch)) error {
	note := s.note
	return s.src.Run(ctx, func(b flowlogs.Batch) {
		fb := tui.FlowBatch{Flows: b.Flows, Malformed: b.Malformed, Dropped: b.Dropped, Source: b.Source, Note: b.Note}
		if note != "" && fb.Note == "" {
			fb.Note, note = note, ""
		}
		emit(fb)
	})
}

// windowedSource is a path's source that says when its records arrive,
// for the tail's diagnosis.
type windowedSource struct {
	flowSource
	window checks.FlowWindow
}

func (s windowedSource) FlowWindow() checks.FlowWindow { return s.window }
