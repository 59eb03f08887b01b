package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// Bounds on the calls in flight across an organisation. Each account's
// request-rate budget is its own, so each gets DefaultConcurrency; the
// overall bound keeps one bastion from opening hundreds of connections.
const (
	DefaultAccountConcurrency = DefaultConcurrency
	DefaultOverallConcurrency = 64
)

// WithSharedLimits makes a loader take a slot of account (shared by the
// loads of one account's Regions) and then one of overall (shared by every
// load) for each call in flight.
func WithSharedLimits(account, overall chan struct{}) Option {
	return func(o *loaderOptions) { o.accountSlots, o.overallSlots = account, overall }
}

// Part is what one account and Region gave.
type Part struct {
	Scope Scope
	// Inventory is the part's data as loaded, with its own gaps unchanged;
	// nil when the part could not be read at all (see Failures).
	Inventory *inventory.Inventory
	Stats     Stats
}

// Organization is a load across accounts and Regions: the merged
// inventory and what each part gave.
type Organization struct {
	// Inventory joins every part (inventory.Merger); each gap names its
	// account and Region, and an account or Region that could not be read
	// at all is a gap for every kind, naming the account, the role or
	// profile, and the error.
	Inventory *inventory.Inventory
	Parts     []Part
	Failures  []ScopeFailure
	// Stats are the whole load's: calls and attempts summed over the parts
	// and the resolution, Rounds the resolution's plus the longest part's,
	// Elapsed the wall time.
	Stats Stats
}

// Accounts lists the distinct accounts loaded (in one Region at least),
// sorted.
func (o *Organization) Accounts() []string {
	var ids []string
	for _, p := range o.Parts {
		if p.Inventory != nil {
			ids = append(ids, p.Scope.Account)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// Profiles maps each account read through a shared-config profile to it.
func (o *Organization) Profiles() map[string]string {
	profiles := map[string]string{}
	for _, p := range o.Parts {
		if p.Scope.Profile != "" {
			profiles[p.Scope.Account] = p.Scope.Profile
		}
	}
	return profiles
}

// Regions lists the distinct Regions loaded (for one account at least),
// sorted.
func (o *Organization) Regions() []string {
	var rs []string
	for _, p := range o.Parts {
		if p.Inventory != nil {
			rs = append(rs, p.Scope.Region)
		}
	}
	slices.Sort(rs)
	return slices.Compact(rs)
}

// Folders returns the inventory of each part that loaded, by its folder in a
// snapshot (accounts/ACCOUNT/REGION), for snapshot.WriteParts.
func (o *Organization) Folders() map[string]*inventory.Inventory {
	folders := map[string]*inventory.Inventory{}
	for _, p := range o.Parts {
		if p.Inventory != nil {
			folders[p.Scope.Folder()] = p.Inventory
		}
	}
	return folders
}

// LoadOrganization reads every target concurrently, each with its own
// loader (its own retryer and the timeouts of opts), at most
// accountConcurrency calls in flight per account and overallConcurrency in
// all, and merges the parts. It never fails as a whole: a part that cannot
// be read becomes a ScopeFailure and gaps, and the rest still loads. Only
// the caller's cancellation stops it early (the error is then ctx's).
//
// progress, when set, is called serially after each part, loaded or
// failed, with the load so far (see Progress).
func LoadOrganization(ctx context.Context, res *Resolution, accountConcurrency, overallConcurrency int, progress func(Progress), opts ...Option) (*Organization, error) {
	start := time.Now()
	overall, accountSlots := sharedLimits(res, accountConcurrency, overallConcurrency)
	type outcome struct {
		part    Part
		failure *ScopeFailure
	}
	out := make([]outcome, len(res.Targets))
	var (
		wg         sync.WaitGroup
		progressMu sync.Mutex
		done       int
	)
	finished := make([]bool, len(res.Targets))
	partDone := func(i int) {
		if progress == nil {
			return
		}
		progressMu.Lock()
		defer progressMu.Unlock()
		done++
		finished[i] = true
		var so []outcome
		var pending []Scope
		for j, f := range finished {
			if f {
				so = append(so, out[j])
			} else {
				pending = append(pending, res.Targets[j].Scope)
			}
		}
		parts, failures := make([]Part, len(so)), slices.Clone(res.Failures)
		for j, o := range so {
			parts[j] = o.part
			if o.failure != nil {
				failures = append(failures, *o.failure)
			}
		}
		progress(Progress{Done: done, Total: len(res.Targets), Parts: parts, Failures: failures, pending: pending})
	}
	for i, t := range res.Targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer partDone(i)
			l := NewLoader(t.Config, append(slices.Clone(opts), WithSharedLimits(accountSlots[t.Scope.Account], overall))...)
			inv, stats, err := l.LoadAll(ctx, nil)
			var empty *EmptyRegionError
			switch {
			case err == nil, errors.As(err, &empty):
				out[i].part = Part{Scope: t.Scope, Inventory: inv, Stats: stats}
			default:
				out[i].part = Part{Scope: t.Scope, Stats: stats}
				out[i].failure = partFailure(t.Scope, err)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var parts []Part
	failures := slices.Clone(res.Failures)
	stats := Stats{Calls: res.Calls, Rounds: res.Rounds, ByAction: map[string]int{}}
	longest := 0
	for _, o := range out {
		parts = append(parts, o.part)
		stats.Calls += o.part.Stats.Calls
		stats.Attempts += o.part.Stats.Attempts
		longest = max(longest, o.part.Stats.Rounds)
		for a, n := range o.part.Stats.ByAction {
			stats.ByAction[a] += n
		}
		if o.failure != nil {
			failures = append(failures, *o.failure)
		}
	}
	org := assemble(parts, failures, nil)
	stats.Rounds += longest
	stats.Elapsed = time.Since(start)
	org.Stats = stats
	return org, nil
}

// sharedLimits makes the slots of calls in flight: one set for every
// load, and one per account, shared by its Regions' loads.
func sharedLimits(res *Resolution, accountConcurrency, overallConcurrency int) (chan struct{}, map[string]chan struct{}) {
	if accountConcurrency < 1 {
		accountConcurrency = DefaultAccountConcurrency
	}
	if overallConcurrency < 1 {
		overallConcurrency = DefaultOverallConcurrency
	}
	accountSlots := map[string]chan struct{}{}
	for _, t := range res.Targets {
		if accountSlots[t.Scope.Account] == nil {
			accountSlots[t.Scope.Account] = make(chan struct{}, accountConcurrency)
		}
	}
	return make(chan struct{}, overallConcurrency), accountSlots
}

// partFailure is the failure of a part's load as a whole.
func partFailure(scope Scope, err error) *ScopeFailure {
	action := actionOf(err)
	if action == "" {
		action = "the load"
	}
	return &ScopeFailure{Scope: scope, Action: action, Err: err}
}

// Progress is one step of a load across accounts: a part (an account in
// a Region) finished, loaded or failed.
type Progress struct {
	Done, Total int
	// Parts are the parts done, Failures the failures so far.
	Parts    []Part
	Failures []ScopeFailure
	pending  []Scope
}

// Organization merges the load so far: the parts done, the failures, and,
// for every part still loading, a pending gap (checks.Gap.Pending) of every
// kind, scoped to its account as a failure's are, so that a path into it
// waits rather than being decided without it. Its Stats are zero. Each call
// merges anew, so a receiver that shows only the newest step merges only
// that one; the result is the caller's.
func (p Progress) Organization() *Organization {
	return assemble(p.Parts, p.Failures, p.pending)
}

// assemble merges the parts that loaded, with gaps for the failures and
// pending gaps for the scopes still loading.
func assemble(parts []Part, failures []ScopeFailure, pending []Scope) *Organization {
	org := &Organization{Parts: parts, Failures: failures}
	m := inventory.NewMerger()
	for _, p := range parts {
		if p.Inventory == nil {
			continue
		}
		scope := p.Scope
		m.Add(p.Inventory, scope.Folder(), func(g checks.Gap) checks.Gap {
			g.Reason = fmt.Sprintf("account %s in %s: %s", scope.Account, scope.Region, g.Reason)
			return g
		})
	}
	for _, f := range failures {
		m.AddGaps(failureGaps(f)...)
	}
	for _, s := range pending {
		m.AddGaps(pendingGaps(s)...)
	}
	org.Inventory = m.Inventory()
	slices.SortFunc(org.Inventory.Gaps, compareGaps)
	return org
}

// pendingGaps is one pending gap for every kind a full load reads of a
// scope still loading.
func pendingGaps(s Scope) []checks.Gap {
	account := s.Account
	if account == "" {
		account = "profile " + s.Profile
	}
	var gaps []checks.Gap
	for _, k := range fullLoadKinds() {
		gaps = append(gaps, checks.Gap{Kind: k, Scope: account, Account: account, Pending: true,
			Reason: fmt.Sprintf("account %s in %s (%s): still loading", orUnknown(s.Account), s.Region, s.Via())})
	}
	return gaps
}

// failureGaps is one gap for every kind a full load reads, naming the
// account, the role or profile, and the error: the layers that need that
// account's data then say unknown, and why.
//
// The gaps are scoped to the account: its resources are absent from the
// network, so a path that reaches one says unknown and names it, while
// paths that stay in the accounts that loaded keep their verdicts.
func failureGaps(f ScopeFailure) []checks.Gap {
	account := f.Scope.Account
	if account == "" {
		// A profile whose credentials failed: which account it reads is
		// unknown, the profile names it.
		account = "profile " + f.Scope.Profile
	}
	var gaps []checks.Gap
	for _, k := range fullLoadKinds() {
		gaps = append(gaps, checks.Gap{Kind: k, Scope: account, Account: account, Reason: f.Reason(), Action: f.Action, Retry: passingFailure(f.Err)})
	}
	return gaps
}

// fullLoadKinds lists every kind LoadAll reads.
var fullLoadKinds = sync.OnceValue(func() []checks.DataKind {
	l := NewLoader(awssdk.Config{Region: "us-east-1"})
	var kinds []checks.DataKind
	for _, t := range l.allTasks() {
		kinds = append(kinds, t.kind)
		kinds = append(kinds, t.holds...)
	}
	slices.Sort(kinds)
	return slices.Compact(kinds)
})
