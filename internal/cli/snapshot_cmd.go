package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/render"
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
	analyzer, from, to := p.flag("analyzer"), p.str("from"), p.str("to")
	switch {
	case analyzer && (from == "" || to == ""):
		return fail(stderr, exitUsage, "snapshot save: --analyzer needs the path: --from SRC --to DST")
	case !analyzer && (from != "" || to != ""):
		return fail(stderr, exitUsage, "snapshot save: --from and --to name the path of --analyzer; add --analyzer or drop them")
	case analyzer && p.dur("analyzer-timeout") <= 0:
		return fail(stderr, exitUsage, "snapshot save: --analyzer-timeout must be positive")
	}
	src := p.source()
	if err := src.org.Validate(); err != nil {
		return fail(stderr, exitUsage, "snapshot save: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if src.org.Several() {
		return saveOrganization(ctx, src, dir, stdout, stderr)
	}
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
		fmt.Fprintf(stderr, "reach: %s\n", render.Inert(aws.Explain(err)))
	}
	taken := time.Now().UTC()
	if err := snapshot.Write(dir, inv); err != nil {
		return fail(stderr, exitUsage, "snapshot save: %v", err)
	}
	if err := snapshot.WriteManifest(dir, manifestOf(ctx, cfg, inv, stats.Calls, taken)); err != nil {
		return fail(stderr, exitUsage, "snapshot save: %v", err)
	}
	if net, err := convert.Network(inv); err == nil {
		writeInventoryCache(liveLabel(src.profile, cfg.Region), net, false)
	}
	fmt.Fprintf(stdout, "saved %s: %d API calls in %s\n", dir, stats.Calls, stats.Elapsed.Round(1e6))
	if analyzer {
		if code := saveAnalysis(ctx, p, cfg, inv, dir, stdout, stderr); code != 0 {
			return code
		}
	}
	for _, g := range inv.Gaps {
		// A gap's reason may quote an API's error message.
		fmt.Fprintf(stdout, "missing %s: %s", g.Kind, render.Inert(g.Reason))
		if r := g.Remedy(); r != "" {
			fmt.Fprintf(stdout, " (%s)", r)
		}
		fmt.Fprintln(stdout)
	}
	return 0
}

// manifestOf describes a save for the snapshot's manifest. The account
// comes from STS; when that fails the manifest leaves it out rather than
// failing a save whose data is already read.
func manifestOf(ctx context.Context, cfg sdkaws.Config, inv *inventory.Inventory, calls int, taken time.Time) snapshot.Manifest {
	m := snapshot.Manifest{Taken: taken, Region: cfg.Region, Version: versionLine(), Calls: calls}
	if id, err := aws.CallerIdentity(ctx, cfg); err == nil {
		m.Account = id.Account
	}
	for _, g := range inv.Gaps {
		m.Failed = append(m.Failed, snapshot.FailedCall{Kind: string(g.Kind), Scope: g.Scope, Reason: g.Reason, Action: g.Action})
	}
	return m
}

// saveAnalysis runs Reachability Analyzer on the path of --from and --to,
// as check --analyzer would, and writes the finished analysis next to the
// inventory. The snapshot is saved already: an analysis that cannot be
// had is said on stderr, not an error of the save, unless interrupted.
func saveAnalysis(ctx context.Context, p *parsed, cfg sdkaws.Config, inv *inventory.Inventory, dir string, stdout, stderr io.Writer) int {
	net, err := convert.Network(inv)
	if err != nil {
		return fail(stderr, exitUsage, "snapshot save: %v", err)
	}
	rep, err := checks.Check(net, checks.CheckArgs{From: p.str("from"), To: p.str("to"), Protocol: p.str("protocol"), Port: p.num("port")})
	if err != nil {
		return fail(stderr, exitUsage, "snapshot save: %v", err)
	}
	req, err := aws.AnalyzerRequestFor(&rep)
	if err != nil {
		fmt.Fprintf(stderr, "reach: no analysis saved: %s\n", render.Inert(err.Error()))
		return 0
	}
	a := aws.NewAnalyzer(cfg)
	res := a.Run(ctx, req, p.dur("analyzer-timeout"))
	if !res.CleanedUp {
		fmt.Fprintf(stderr, "reach: Reachability Analyzer: %s\n", render.Inert(res.Message))
	}
	if ctx.Err() != nil {
		return fail(stderr, exitInterrupted, "snapshot save: interrupted while Reachability Analyzer ran; the inventory is saved, no analysis")
	}
	saved, ok := a.Last()
	if !ok {
		fmt.Fprintf(stderr, "reach: no analysis saved: %s: %s\n", res.Status, render.Inert(res.Message))
		return 0
	}
	if err := aws.WriteSavedAnalysis(dir, saved); err != nil {
		return fail(stderr, exitUsage, "snapshot save: %v", err)
	}
	fmt.Fprintf(stdout, "saved Reachability Analyzer analysis %s (%s)\n", render.Inert(res.AnalysisID), res.Status)
	return 0
}

// saveOrganization writes a snapshot of several accounts or Regions: each
// to DIR/accounts/ACCOUNT/REGION/, and the accounts that could not be read
// to reach-unreadable-accounts.json, so that reading it back names them.
func saveOrganization(ctx context.Context, src sourceFlags, dir string, stdout, stderr io.Writer) int {
	org, err := loadOrganization(ctx, src, nil)
	switch {
	case ctx.Err() != nil:
		return fail(stderr, exitInterrupted, "snapshot save: interrupted; nothing written")
	case err != nil:
		return fail(stderr, exitUsage, "%v", err)
	}
	if err := snapshot.WriteParts(dir, org.Folders(), org.Inventory.Gaps); err != nil {
		return fail(stderr, exitUsage, "snapshot save: %v", err)
	}
	if net, err := convert.Network(org.Inventory); err == nil {
		writeInventoryCache(orgLabel(org), net, false)
	}
	fmt.Fprintf(stdout, "saved %s: %d folders\n", render.Inert(dir), len(org.Folders()))
	reportOrganization(stdout, org)
	for _, g := range org.Inventory.Gaps {
		if g.Account != "" {
			continue // reported once per account above
		}
		fmt.Fprintf(stdout, "missing %s: %s", g.Kind, render.Inert(g.Reason))
		if r := g.Remedy(); r != "" {
			fmt.Fprintf(stdout, " (%s)", r)
		}
		fmt.Fprintln(stdout)
	}
	return 0
}
