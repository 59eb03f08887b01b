package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/config"
	"github.com/reachnet/reach/render"
)

// splitList reads a comma-separated flag value; blanks are dropped.
func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// loadOrganization reads every account and Region the flags name: the
// base credentials (--profile, the environment) find the accounts and
// assume the roles, each account and Region loads concurrently, and the
// parts merge into one inventory. A usage error (bad input, the
// organisation cannot be listed, no credentials at all) is returned; an
// account that cannot be read is a gap of the result.
//
// progress, when set, hears of each account and Region done, with the
// load so far.
func loadOrganization(ctx context.Context, src sourceFlags, progress func(aws.Progress)) (*aws.Organization, error) {
	res, err := resolveOrganization(ctx, src)
	if err != nil {
		return nil, err
	}
	return aws.LoadOrganization(ctx, res, 0, 0, progress, aws.WithTimeouts(src.callTimeout, src.loadTimeout))
}

// loadOrganizationPath reads, in every account and Region the flags name,
// only what a check between from and to needs (aws.LoadOrganizationPath).
func loadOrganizationPath(ctx context.Context, src sourceFlags, from, to []string) (*aws.Organization, error) {
	res, err := resolveOrganization(ctx, src)
	if err != nil {
		return nil, err
	}
	return aws.LoadOrganizationPath(ctx, res, 0, 0, from, to, aws.WithTimeouts(src.callTimeout, src.loadTimeout))
}

// resolveOrganization finds the accounts and Regions the flags name, and
// their credentials.
func resolveOrganization(ctx context.Context, src sourceFlags) (*aws.Resolution, error) {
	if err := src.org.Validate(); err != nil {
		return nil, err
	}
	base, err := loadAWSConfig(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("%s", aws.Explain(err))
	}
	profileConfig := func(ctx context.Context, profile, region string) (sdkaws.Config, error) {
		return aws.LoadConfig(ctx, profile, region)
	}
	res, err := aws.ResolveTargets(ctx, base, src.org, profileConfig)
	if err != nil {
		return nil, err
	}
	if len(res.Targets) == 0 {
		var why []string
		for _, f := range res.Failures {
			why = append(why, f.Reason())
		}
		return nil, fmt.Errorf("no account could be read: %s", strings.Join(why, "; "))
	}
	return res, nil
}

// noteConfigOrganization says on stderr, once, that a command without the
// organisation flags reads one account although the configuration file
// names several accounts or Regions: it must not look as if it read them.
func noteConfigOrganization(p *parsed, cfg *config.Config, stderr io.Writer) {
	if cfg == nil || p.has("accounts") || (p.has("demo") && p.flag("demo")) || (p.has("snapshot") && p.str("snapshot") != "") {
		return
	}
	if len(cfg.Accounts) == 0 && !cfg.Organization && len(cfg.Profiles) == 0 && len(cfg.Regions) == 0 {
		return
	}
	fmt.Fprintf(stderr, "reach: %s reads one account and Region (the profile's); the accounts and Regions of the configuration file are not read\n", render.Inert("reach "+p.cmd.Name()))
}

// orgLabel names a load across accounts in the inventory cache and the
// terminal's header.
func orgLabel(org *aws.Organization) string {
	return fmt.Sprintf("live %s accounts %s regions", strings.Join(org.Accounts(), ","), strings.Join(org.Regions(), ","))
}

// orgScope is the terminal header's summary of a load across accounts:
// how many accounts and Regions loaded, and which failed and why.
func orgScope(org *aws.Organization) string {
	s := fmt.Sprintf("%d %s · %d %s", len(org.Accounts()), plural(len(org.Accounts()), "account", "accounts"),
		len(org.Regions()), plural(len(org.Regions()), "Region", "Regions"))
	if len(org.Failures) == 0 {
		return s
	}
	asked := map[string]bool{}
	for _, p := range org.Parts {
		asked[p.Scope.Region] = true
	}
	var failed []string
	for _, f := range org.Failures {
		name := f.Scope.Account
		if name == "" {
			name = "profile " + f.Scope.Profile
		}
		if f.Scope.Region != "" && len(asked) > 1 {
			name += " " + f.Scope.Region
		}
		failed = append(failed, name)
	}
	slices.Sort(failed)
	return s + " · failed: " + strings.Join(slices.Compact(failed), ", ")
}

// orgProgressScope is the header while a load across accounts runs: what
// loaded and failed so far, and how many parts are read of how many.
func orgProgressScope(p aws.Progress) string {
	so := &aws.Organization{Parts: p.Parts, Failures: p.Failures}
	return fmt.Sprintf("%s · %d of %d %s read", orgScope(so), p.Done, p.Total, plural(p.Total, "account and Region", "accounts and Regions"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// reportOrganization prints what a load across accounts read and what it
// could not, one line per unreadable account.
func reportOrganization(w io.Writer, org *aws.Organization) {
	fmt.Fprintf(w, "read %s: %d API calls in %d rounds, %s\n", render.Inert(orgScope(org)), org.Stats.Calls, org.Stats.Rounds, org.Stats.Elapsed.Round(1e6))
	for _, f := range org.Failures {
		fmt.Fprintf(w, "unreadable: %s\n", render.Inert(f.Reason()))
	}
}

// fixWithProfiles turns the account a fix must run in (checks ends such a
// fix with checks.FixAccountMarker and the account) into --profile P when
// that account was read through profile P, so the command is ready to run
// (with the profile's credentials, which must then allow the change).
func fixWithProfiles(rep *checks.Report, profiles map[string]string) {
	if len(profiles) == 0 {
		return
	}
	for li := range rep.Layers {
		for fi := range rep.Layers[li].Findings {
			f := &rep.Layers[li].Findings[fi]
			cmd, account, ok := strings.Cut(f.Fix, checks.FixAccountMarker)
			if !ok {
				continue
			}
			if p := profiles[account]; p != "" {
				f.Fix = cmd + " --profile " + p
			}
		}
	}
}
