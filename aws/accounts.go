package aws

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// The calls that find the accounts and Regions of an organisation-wide
// load. They read nothing of a network but are reads all the same: an
// assumed role's session is the only thing AssumeRole creates, and it
// expires on its own.
const (
	AssumeRoleAction   = "sts:AssumeRole"
	ListAccountsAction = "organizations:ListAccounts"
	RegionsAction      = "ec2:DescribeRegions"
)

// SessionName is the role session name every assumed role carries, so
// CloudTrail in each account says who read it.
const SessionName = "reach"

// AllRegions, as the only Region, asks for every Region the account has
// enabled (ec2:DescribeRegions).
const AllRegions = "all"

// Scope is one account and Region of a load across accounts.
type Scope struct {
	Account string
	Region  string
	// Role is the ARN assumed to read the account, or "" when the account
	// is read through a profile.
	Role string
	// Profile is the shared-config profile that reads the account, or "".
	Profile string
}

// Folder is where the scope's data lives in a snapshot of several
// accounts or Regions, and how gaps and conflicts name it.
func (s Scope) Folder() string {
	return "accounts/" + s.Account + "/" + s.Region
}

// Via names the credentials that read the scope: the role or the profile.
func (s Scope) Via() string {
	switch {
	case s.Role != "":
		return "role " + s.Role
	case s.Profile != "":
		return "profile " + s.Profile
	}
	return "the base credentials"
}

// Accounts says which accounts and Regions a load reads, and how.
type Accounts struct {
	// IDs are account IDs, each read by assuming RoleName in it.
	IDs []string
	// Organization reads the active accounts organizations:ListAccounts
	// lists, each by assuming RoleName.
	Organization bool
	// RoleName is the role assumed in each account; ExternalID, when set,
	// goes with every AssumeRole.
	RoleName, ExternalID string
	// Profiles are shared-config profiles, one per account.
	Profiles []string
	// Regions are the Regions read in every account; empty means the base
	// configuration's Region, AllRegions every enabled one.
	Regions []string
}

// Several reports whether the accounts name more than the one account
// and Region of the base configuration.
func (a Accounts) Several() bool {
	return len(a.IDs) > 0 || a.Organization || len(a.Profiles) > 0 || len(a.Regions) > 0
}

var (
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
	// roleNamePattern is IAM's role name alphabet, with an optional path.
	roleNamePattern = regexp.MustCompile(`^(/[\w+=,.@-]+)*/?[\w+=,.@-]{1,64}$`)
	regionPattern   = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	externalIDChars = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
)

// Validate checks the accounts for bad input before any call is made.
func (a Accounts) Validate() error {
	switch {
	case len(a.Profiles) > 0 && (len(a.IDs) > 0 || a.Organization):
		return errors.New("--profiles reads one account per profile; it excludes --accounts and --organization")
	case len(a.IDs) > 0 && a.Organization:
		return errors.New("--accounts and --organization exclude each other: name the accounts, or list the organisation's")
	case (len(a.IDs) > 0 || a.Organization) && a.RoleName == "":
		return errors.New("--accounts and --organization need --role-name: the role to assume in each account")
	case a.RoleName != "" && len(a.IDs) == 0 && !a.Organization:
		return errors.New("--role-name needs --accounts or --organization")
	case a.ExternalID != "" && a.RoleName == "":
		return errors.New("--external-id goes with --role-name")
	}
	for _, id := range a.IDs {
		if !accountIDPattern.MatchString(id) {
			return fmt.Errorf("--accounts: %q is not an account ID (12 digits)", clipInput(id))
		}
	}
	if a.RoleName != "" && !roleNamePattern.MatchString(a.RoleName) {
		return fmt.Errorf("--role-name: %q is not an IAM role name", clipInput(a.RoleName))
	}
	if a.ExternalID != "" && (len(a.ExternalID) < 2 || len(a.ExternalID) > 1224 || !externalIDChars.MatchString(a.ExternalID)) {
		return errors.New("--external-id: 2 to 1224 characters of letters, digits and +=,.@:/-")
	}
	for _, p := range a.Profiles {
		if p == "" || strings.ContainsAny(p, " \t\n") {
			return fmt.Errorf("--profiles: %q is not a profile name", clipInput(p))
		}
	}
	for _, r := range a.Regions {
		if r == AllRegions && len(a.Regions) == 1 {
			continue
		}
		if !regionPattern.MatchString(r) {
			return fmt.Errorf("--regions: %q is not a Region (us-east-1), nor %q alone", clipInput(r), AllRegions)
		}
	}
	return nil
}

func clipInput(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// roleARN is the role to assume in account.
func (a Accounts) roleARN(partition, account string) string {
	name := strings.Trim(a.RoleName, "/")
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, account, name)
}

// Target is one scope with the configuration that reads it.
type Target struct {
	Scope  Scope
	Config awssdk.Config
}

// ScopeFailure is an account or Region that cannot be read at all: its
// role could not be assumed, its profile has no credentials, or the
// Region is not enabled. Every kind of its data is a gap naming it.
type ScopeFailure struct {
	Scope Scope
	// Action is the call that failed.
	Action string
	Err    error
}

// Reason says in one line which account, through what, and why.
func (f ScopeFailure) Reason() string {
	where := "account " + orUnknown(f.Scope.Account)
	if f.Scope.Region != "" {
		where += " in " + f.Scope.Region
	}
	return fmt.Sprintf("%s (%s): %s failed: %s", where, f.Scope.Via(), f.Action, apiReason(f.Err))
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// apiReason is the code and message AWS answered with, or the first line
// of the error.
func apiReason(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		msg := firstLine(apiErr.ErrorMessage())
		if len(msg) > 160 {
			msg = msg[:160] + "…"
		}
		if msg == "" {
			return apiErr.ErrorCode()
		}
		return apiErr.ErrorCode() + ": " + msg
	}
	reason, _ := gapReason(err)
	if detail := firstLine(err.Error()); reason != detail {
		if len(detail) > 240 {
			detail = detail[:240] + "…"
		}
		reason += " (" + detail + ")"
	}
	return reason
}

// ProfileConfig resolves one shared-config profile for a Region.
type ProfileConfig func(ctx context.Context, profile, region string) (awssdk.Config, error)

// ResolveTargets turns the accounts into one target per account and
// Region, from base (the bastion's own credentials and Region). The calls
// it makes (organizations:ListAccounts, sts:AssumeRole or
// sts:GetCallerIdentity, ec2:DescribeRegions) run concurrently across
// accounts, so their rounds do not grow with the number of accounts. An
// account or Region that cannot be read is a ScopeFailure, and the others
// are still returned; the error is for what stops everything (the
// organisation cannot be listed, no account named).
func ResolveTargets(ctx context.Context, base awssdk.Config, a Accounts, profileConfig ProfileConfig) (*Resolution, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	res := &Resolution{}
	var calls atomic.Int64
	ids := a.IDs
	if a.Organization {
		pages, err := 0, error(nil)
		if ids, pages, err = organizationAccounts(ctx, base); err != nil {
			return nil, err
		}
		calls.Add(int64(pages))
		res.Rounds += pages
		if len(ids) == 0 {
			return nil, errors.New("organizations:ListAccounts lists no active account")
		}
	}
	type account struct {
		scope Scope
		cfg   awssdk.Config
	}
	var accounts []account
	partition := partitionOf(base.Region)
	stsClient := sts.NewFromConfig(base, func(o *sts.Options) {
		o.APIOptions = append(o.APIOptions, ReadOnlyGuard("sts"))
	})
	for _, id := range ids {
		arn := a.roleARN(partition, id)
		cfg := base.Copy()
		cfg.Credentials = awssdk.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, arn, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = SessionName
			if a.ExternalID != "" {
				o.ExternalID = awssdk.String(a.ExternalID)
			}
		}))
		accounts = append(accounts, account{scope: Scope{Account: id, Role: arn}, cfg: cfg})
	}
	var failures []ScopeFailure
	for _, p := range a.Profiles {
		cfg, err := profileConfig(ctx, p, base.Region)
		if err != nil {
			failures = append(failures, ScopeFailure{Scope: Scope{Profile: p, Region: base.Region}, Action: "load profile", Err: err})
			continue
		}
		accounts = append(accounts, account{scope: Scope{Profile: p}, cfg: cfg})
	}
	if len(accounts) == 0 && len(failures) == 0 {
		// Only Regions were named: the base account in each.
		accounts = append(accounts, account{cfg: base})
	}

	// One round for every account at once: credentials (and, for a
	// profile or the base account, which account they are), then the
	// Regions when every enabled one is asked for.
	type resolved struct {
		targets  []Target
		failures []ScopeFailure
	}
	out := make([]resolved, len(accounts))
	var wg sync.WaitGroup
	for i, acc := range accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scope := acc.scope
			calls.Add(1)
			if scope.Role != "" {
				if _, err := acc.cfg.Credentials.Retrieve(ctx); err != nil {
					out[i].failures = append(out[i].failures, ScopeFailure{Scope: scope, Action: AssumeRoleAction, Err: err})
					return
				}
			} else {
				id, err := CallerIdentity(ctx, acc.cfg)
				if err != nil {
					scope.Region = acc.cfg.Region
					out[i].failures = append(out[i].failures, ScopeFailure{Scope: scope, Action: IdentityAction, Err: err})
					return
				}
				scope.Account = id.Account
			}
			regions := a.Regions
			if len(regions) == 0 {
				regions = []string{acc.cfg.Region}
			}
			if len(regions) == 1 && regions[0] == AllRegions {
				calls.Add(1)
				enabled, err := enabledRegions(ctx, acc.cfg)
				if err != nil {
					scope.Region = acc.cfg.Region
					out[i].failures = append(out[i].failures, ScopeFailure{Scope: scope, Action: RegionsAction, Err: err})
					return
				}
				regions = enabled
			}
			for _, r := range regions {
				s := scope
				s.Region = r
				cfg := acc.cfg.Copy()
				cfg.Region = r
				out[i].targets = append(out[i].targets, Target{Scope: s, Config: cfg})
			}
		}()
	}
	wg.Wait()
	res.Rounds++
	if len(a.Regions) == 1 && a.Regions[0] == AllRegions {
		res.Rounds++
	}
	var targets []Target
	seen := map[Scope]bool{}
	for _, o := range out {
		for _, t := range o.targets {
			key := Scope{Account: t.Scope.Account, Region: t.Scope.Region}
			if seen[key] {
				// Two profiles of one account read it once.
				continue
			}
			seen[key] = true
			targets = append(targets, t)
		}
		failures = append(failures, o.failures...)
	}
	slices.SortFunc(targets, func(x, y Target) int { return strings.Compare(x.Scope.Folder(), y.Scope.Folder()) })
	res.Targets, res.Failures, res.Calls = targets, failures, int(calls.Load())
	return res, nil
}

// Resolution is what ResolveTargets found, and what finding it cost.
type Resolution struct {
	Targets  []Target
	Failures []ScopeFailure
	// Calls and Rounds count the calls that found the accounts, their
	// credentials and Regions, and how many had to wait for one another.
	Calls, Rounds int
}

// organizationAccounts lists the organisation's active accounts.
func organizationAccounts(ctx context.Context, base awssdk.Config) ([]string, int, error) {
	c := organizations.NewFromConfig(base, func(o *organizations.Options) {
		o.APIOptions = append(o.APIOptions, ReadOnlyGuard("organizations"))
	})
	var ids []string
	pages := 0
	p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		pages++
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, pages, &OrganizationError{Err: err}
		}
		for _, acc := range out.Accounts {
			id := awssdk.ToString(acc.Id)
			if acc.State == orgtypes.AccountStateActive || (acc.State == "" && acc.Status == orgtypes.AccountStatusActive) {
				if accountIDPattern.MatchString(id) {
					ids = append(ids, id)
				}
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), pages, nil
}

// OrganizationError says the organisation's accounts could not be listed:
// reach runs outside the management account and is no delegated
// administrator, or lacks organizations:ListAccounts.
type OrganizationError struct{ Err error }

func (e *OrganizationError) Error() string {
	return "organizations:ListAccounts: " + apiReason(e.Err) +
		" (run from the management account or a delegated administrator, with organizations:ListAccounts; or name the accounts with --accounts)"
}

// Unwrap returns the underlying error.
func (e *OrganizationError) Unwrap() error { return e.Err }

// enabledRegions lists the Regions the account has enabled.
func enabledRegions(ctx context.Context, cfg awssdk.Config) ([]string, error) {
	c := ec2.NewFromConfig(cfg, func(o *ec2.Options) {
		o.APIOptions = append(o.APIOptions, ReadOnlyGuard("ec2"))
	})
	out, err := c.DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if err != nil {
		return nil, err
	}
	var regions []string
	for _, r := range out.Regions {
		name := awssdk.ToString(r.RegionName)
		if regionPattern.MatchString(name) {
			regions = append(regions, name)
		}
	}
	slices.Sort(regions)
	return regions, nil
}

// partitionOf names the partition of a Region, for role ARNs.
func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}
