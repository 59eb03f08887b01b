package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
	"github.com/reachnet/reach/render"
)

// sourceFlags say where the network comes from.
type sourceFlags struct {
	snapshot string
	demo     bool
	profile  string
	region   string
	// fallbackRegion is the configuration file's region: used only when
	// neither --region, the environment nor the profile gives one.
	fallbackRegion string
	// callTimeout and loadTimeout bound a live load (zero: the loader's
	// defaults).
	callTimeout, loadTimeout time.Duration
	// org names several accounts or Regions to read into one network.
	org aws.Accounts
}

// loader builds the live loader with the flags' deadlines.
func (s sourceFlags) loader(cfg sdkaws.Config) *aws.Loader {
	return aws.NewLoader(cfg, aws.WithTimeouts(s.callTimeout, s.loadTimeout))
}

// label names the source in the inventory cache, so that a partial load
// is merged only into the cache of the same account and Region.
func (s sourceFlags) label() string {
	switch {
	case s.demo:
		return "demo"
	case s.snapshot != "":
		if abs, err := filepath.Abs(s.snapshot); err == nil {
			return "snapshot " + abs
		}
		return "snapshot " + s.snapshot
	}
	return liveLabel(s.profile, s.region)
}

// liveLabel names a live account in the inventory cache by the profile and
// the Region the SDK resolved, so that two accounts reached through the
// environment do not share one cache.
func liveLabel(profile, region string) string {
	if profile == "" {
		profile = os.Getenv("AWS_PROFILE")
	}
	if profile == "" {
		profile = "default"
	}
	return strings.TrimSpace("live " + profile + " " + region)
}

// loadAWSConfig resolves credentials and Region the SDK's way; the
// configuration file's region is a fallback, not an override, so that a
// profile that names its own Region keeps it.
func loadAWSConfig(ctx context.Context, src sourceFlags) (sdkaws.Config, error) {
	cfg, err := aws.LoadConfig(ctx, src.profile, src.region)
	if errors.Is(err, aws.ErrNoRegion) && src.region == "" && src.fallbackRegion != "" {
		cfg, err = aws.LoadConfig(ctx, src.profile, src.fallbackRegion)
	}
	if err == nil {
		err = aws.CheckCredentials(ctx, cfg, src.profile)
	}
	return cfg, err
}

func runCheck(p *parsed, stdout, stderr io.Writer) int {
	cfg, err := applyConfig(p)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	from, to, output := p.str("from"), p.str("to"), p.str("output")
	if from == "" || to == "" {
		return fail(stderr, exitUsage, "check: --from and --to are required (for example --from eni-0abc --to 10.0.2.20:443)")
	}
	switch output {
	case "text", "json", "markdown":
	default:
		return fail(stderr, exitUsage, "check: -o %q: expected text, json or markdown", output)
	}
	analyzer := p.flag("analyzer")
	if analyzer && p.flag("demo") {
		return fail(stderr, exitUsage, "check: --analyzer needs a live account, or a snapshot saved with --analyzer; the demo holds no analysis")
	}
	if analyzer && p.dur("analyzer-timeout") <= 0 {
		return fail(stderr, exitUsage, "check: --analyzer-timeout must be positive")
	}
	if analyzer && p.str("snapshot") == "" && p.source().org.Several() {
		// The analysis would run with the base credentials, in their
		// account alone, on a path whose resources are in others.
		return fail(stderr, exitUsage, "check: --analyzer asks Reachability Analyzer in one account; it does not yet run across the accounts of --accounts, --profiles, --organization or --regions")
	}
	baselineDir := p.str("baseline")
	var window time.Duration
	if p.changed("history") {
		if p.flag("demo") || p.str("snapshot") != "" {
			return fail(stderr, exitUsage, "check: --history reads CloudTrail event history, which needs a live account; a snapshot or the demo holds no history (compare with an older snapshot with --baseline DIR)")
		}
		if p.source().org.Several() {
			// The history is read with the base credentials, in their
			// account alone: the others' changes would be missed unsaid.
			return fail(stderr, exitUsage, "check: --history reads one account's CloudTrail event history; it does not yet read the accounts of --accounts, --profiles or --organization")
		}
		if window, err = parseWindow(p.str("history")); err != nil {
			return fail(stderr, exitUsage, "check: --history: %v", err)
		}
	}
	var baseline *checks.Network
	var taken *time.Time
	if baselineDir != "" {
		// Read first: a wrong directory is bad input, found before any
		// call to AWS.
		if baseline, taken, err = readBaseline(baselineDir, stderr); err != nil {
			return fail(stderr, exitUsage, "check: --baseline: %v", err)
		}
	}
	// With a baseline every resource of both networks is compared, so a
	// live account is read whole, not only around the path.
	net, profiles, code, ok := loadNetwork(p.source(), []string{from}, []string{to}, baselineDir != "", stderr)
	if !ok {
		return code
	}
	applyPorts(net, cfg)
	args := checks.CheckArgs{From: from, To: to, Protocol: p.str("protocol"), Port: p.num("port"), SourcePort: p.num("source-port")}
	// An end that cannot be found for want of data is an unknown report,
	// printed in every output format; only bad input is an error here.
	rep, err := checks.Check(net, args)
	if err != nil {
		return fail(stderr, exitUsage, "check: %v", err)
	}
	if baseline != nil {
		if err := sameAccount(baseline, net); err != nil {
			return fail(stderr, exitUsage, "check: --baseline %s: %v", baselineDir, err)
		}
		applyPorts(baseline, cfg)
		compareWithBaseline(&rep, args, baseline, net, baselineDir, taken)
	}
	fixWithProfiles(&rep, profiles)
	interrupted := false
	switch {
	case analyzer && p.str("snapshot") != "":
		replaySecondOpinion(p.str("snapshot"), &rep)
	case analyzer:
		interrupted = secondOpinion(p.source(), &rep, p.dur("analyzer-timeout"), stderr)
	}
	if window > 0 && !interrupted {
		interrupted = readHistory(p.source(), &rep, window)
	}
	switch output {
	case "json":
		err = render.JSON(stdout, &rep)
	case "markdown":
		err = render.Markdown(stdout, &rep)
	default:
		err = render.Text(stdout, &rep, p.flag("ascii"))
	}
	if err != nil {
		return fail(stderr, exitUsage, "write report: %v", err)
	}
	if interrupted {
		return exitInterrupted
	}
	return rep.ExitCode()
}

// replaySecondOpinion adds the analysis saved in the snapshot, diffed, to
// the report: the same answer a live --analyzer gave when it was saved,
// or why there is none.
func replaySecondOpinion(dir string, rep *checks.Report) {
	res := checks.AnalyzerResult{Status: checks.AnalyzerError, CleanedUp: true}
	saved, err := aws.ReadSavedAnalysis(dir)
	req, reqErr := aws.AnalyzerRequestFor(rep)
	switch {
	case err != nil:
		res.Message = err.Error()
	case reqErr != nil:
		res.Message = reqErr.Error()
	default:
		res = saved.Replay(req)
	}
	checks.CompareAnalyzer(rep, &res)
}

// secondOpinion asks Reachability Analyzer about the checked path and adds
// its answer, diffed, to the report; the verdict stays the local one. It
// reports whether the user interrupted it (the analysis is cleaned up
// all the same).
func secondOpinion(src sourceFlags, rep *checks.Report, timeout time.Duration, stderr io.Writer) bool {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var res checks.AnalyzerResult
	cfg, err := loadAWSConfig(ctx, src)
	req, reqErr := aws.AnalyzerRequestFor(rep)
	switch {
	case err != nil:
		res = checks.AnalyzerResult{Status: checks.AnalyzerError, Message: aws.Explain(err), CleanedUp: true}
	case reqErr != nil:
		res = checks.AnalyzerResult{Status: checks.AnalyzerError, Message: reqErr.Error(), CleanedUp: true}
	default:
		res = aws.NewAnalyzer(cfg).Run(ctx, req, timeout)
	}
	checks.CompareAnalyzer(rep, &res)
	if !res.CleanedUp {
		fmt.Fprintf(stderr, "reach: Reachability Analyzer: %s\n", render.Inert(res.Message))
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "reach: interrupted while Reachability Analyzer ran")
		return true
	}
	return false
}

// loadNetwork reads the network the flags name. A live load reads only
// what the path's ends touch when they are IDs or addresses, so the first
// verdict does not wait for the whole region, unless whole asks for all
// of it (a baseline diff compares every resource).
//
// profiles maps each account read through a profile (--profiles) to it,
// so that fixes can name it.
func loadNetwork(src sourceFlags, from, to []string, whole bool, stderr io.Writer) (net *checks.Network, profiles map[string]string, code int, ok bool) {
	if src.demo && src.snapshot != "" {
		return nil, nil, fail(stderr, exitUsage, "--demo and --snapshot exclude each other: pick one"), false
	}
	if !src.demo && src.snapshot == "" {
		if err := src.org.Validate(); err != nil {
			return nil, nil, fail(stderr, exitUsage, "%v", err), false
		}
	}
	var inv *inventory.Inventory
	var err error
	partial := false
	label := src.label()
	switch {
	case src.demo:
		inv, err = snapshot.ReadFS(demo.FS(), ".")
		if err != nil {
			return nil, nil, fail(stderr, exitUsage, "demo scenario: %v", err), false
		}
	case src.snapshot != "":
		inv, err = snapshot.Read(src.snapshot)
		if err != nil {
			return nil, nil, fail(stderr, exitUsage, "%v", err), false
		}
	case src.org.Several():
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		var org *aws.Organization
		if !whole && targetable(from) && targetable(to) {
			// Only what the path needs, in every account.
			org, err = loadOrganizationPath(ctx, src, from, to)
			partial = true
		} else {
			org, err = loadOrganization(ctx, src, nil)
		}
		switch {
		case ctx.Err() != nil:
			return nil, nil, fail(stderr, exitInterrupted, "interrupted while loading the accounts"), false
		case err != nil:
			return nil, nil, fail(stderr, exitUsage, "%v", err), false
		}
		for _, f := range org.Failures {
			fmt.Fprintf(stderr, "reach: unreadable: %s\n", render.Inert(f.Reason()))
		}
		inv, label = org.Inventory, orgLabel(org)
		profiles = org.Profiles()
	default:
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		cfg, err := loadAWSConfig(ctx, src)
		if err != nil {
			return nil, nil, fail(stderr, exitUsage, "%s", aws.Explain(err)), false
		}
		label = liveLabel(src.profile, cfg.Region)
		loader := src.loader(cfg)
		if !whole && targetable(from) && targetable(to) {
			inv, _, err = loader.LoadPath(ctx, from, to, nil)
			partial = true
		} else {
			inv, _, err = loader.LoadAll(ctx, nil)
		}
		switch {
		case ctx.Err() != nil:
			return nil, nil, fail(stderr, exitInterrupted, "interrupted while loading the account"), false
		case err != nil && inv != nil && !aws.UserMustAct(err):
			// Every call failed alike (connection refused, timed out): the
			// inventory holds a gap for each kind, and the report says
			// unknown and why, in every output format.
			fmt.Fprintf(stderr, "reach: %s\n", render.Inert(aws.Explain(err)))
		case err != nil:
			return nil, nil, fail(stderr, exitUsage, "%s", aws.Explain(err)), false
		}
	}
	net, err = convert.Network(inv)
	if err != nil {
		return nil, nil, fail(stderr, exitUsage, "%v", err), false
	}
	if !src.demo {
		// The demo completes from the embedded data; anything else is
		// remembered for completing the next command's --from and --to.
		// The commands that load through here only read the network.
		if src.snapshot == "" || !cacheHoldsSnapshot(label, src.snapshot) {
			writeInventoryCacheAside(label, net, partial)
		}
	}
	return net, profiles, 0, true
}

// targetable reports whether every end names an ID, an address or a host
// name, which a targeted load can find without reading every interface.
func targetable(ends []string) bool {
	for _, e := range ends {
		host, _, _ := strings.Cut(e, ":")
		if !(strings.HasPrefix(host, "eni-") || strings.HasPrefix(host, "i-") || strings.Contains(host, ".") || strings.HasPrefix(e, "[")) {
			return false
		}
	}
	return true
}
