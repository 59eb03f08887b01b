// Package aws reads a live AWS account through aws-sdk-go-v2, read-only:
// credentials and Regions, the guard that refuses any call outside the
// allowed read actions, timeouts, and the loader that fills an
// inventory.Inventory and records a gap for every call that failed.
// Package snapshot reads and writes snapshot directories; package convert
// turns an inventory into a checks.Network.
package aws

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/directconnect"
	dxtypes "github.com/aws/aws-sdk-go-v2/service/directconnect/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	resolvertypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// DefaultConcurrency bounds the API calls a load keeps in flight. EC2's
// request-rate limits for describe calls allow bursts well above this; eight
// keeps a full load fast without eating the account's shared budget.
const DefaultConcurrency = 8

// Event reports that one kind of data landed, or failed, during a load. The
// loader calls the callback serially, in order, from its own goroutines; it
// must return quickly (hand the event to a channel or tea.Program.Send).
type Event struct {
	// Kind is the AWS CLI command whose data landed.
	Kind checks.DataKind
	// Inventory is a consistent copy of everything loaded so far, with a
	// pending gap (Gap.Pending) for every kind still in flight. The
	// receiver owns it: the loader never changes it afterwards.
	Inventory *inventory.Inventory
	// Gaps holds what is missing of Kind, empty when it loaded completely.
	Gaps []checks.Gap
	// Err is the first underlying error behind Gaps, for logs.
	Err error
	// Stats are the counters so far.
	Stats Stats
}

// Stats counts what a load cost.
type Stats struct {
	// Calls counts API operations invoked; each page is one operation.
	Calls int
	// Attempts counts HTTP requests sent, retries included.
	Attempts int
	// Rounds is the longest chain of calls that had to wait for one
	// another (a call that needs IDs from an earlier call, or the next
	// page of a listing). With latency L per call, a load cannot finish
	// faster than Rounds×L.
	Rounds int
	// Elapsed is the load's wall time.
	Elapsed time.Duration
	// ByAction counts operations per IAM action.
	ByAction map[string]int
}

// Option configures a Loader.
type Option func(*loaderOptions)

type loaderOptions struct {
	concurrency int
	maxAttempts int
	maxBackoff  time.Duration
	// retryer replaces the adaptive retryer; tests use it to keep the
	// adaptive rate limit from sleeping seconds after injected throttles.
	retryer func() awssdk.Retryer
	// callTimeout bounds one attempt of a call, loadTimeout a whole load.
	callTimeout, loadTimeout time.Duration
}

// WithConcurrency bounds the calls in flight (DefaultConcurrency when n < 1).
func WithConcurrency(n int) Option {
	return func(o *loaderOptions) { o.concurrency = n }
}

// WithRetry sets the adaptive retryer's attempts per call and its longest
// backoff (defaults: DefaultMaxAttempts, DefaultMaxBackoff).
func WithRetry(maxAttempts int, maxBackoff time.Duration) Option {
	return func(o *loaderOptions) { o.maxAttempts, o.maxBackoff = maxAttempts, maxBackoff }
}

// Loader reads an account's network configuration in one region through
// read-only clients: every client refuses operations outside
// AllowedActions, retries with the SDK's adaptive mode, and counts its calls.
// A Loader is safe for concurrent loads.
type Loader struct {
	ec2         *ec2.Client
	r53         *route53.Client
	resolver    *route53resolver.Client
	dx          *directconnect.Client
	region      string
	concurrency int
	loadTimeout time.Duration
}

// NewLoader builds the clients from cfg (see LoadConfig). The retryer is
// always the adaptive one (NewRetryer) whatever cfg carries.
func NewLoader(cfg awssdk.Config, opts ...Option) *Loader {
	o := loaderOptions{concurrency: DefaultConcurrency}
	for _, fn := range opts {
		fn(&o)
	}
	if o.concurrency < 1 {
		o.concurrency = DefaultConcurrency
	}
	if o.callTimeout <= 0 {
		o.callTimeout = DefaultCallTimeout
	}
	if o.loadTimeout <= 0 {
		o.loadTimeout = DefaultLoadTimeout
	}
	bound := attemptTimeout(o.callTimeout)
	cfg = cfg.Copy()
	cfg.Retryer = NewRetryer(o.maxAttempts, o.maxBackoff)
	if o.retryer != nil {
		cfg.Retryer = o.retryer
	}
	if o.maxAttempts > 0 || o.retryer != nil {
		// An explicit choice wins over AWS_MAX_ATTEMPTS or the profile's
		// max_attempts, which the clients would otherwise apply on top.
		cfg.RetryMaxAttempts = 0
	}
	return &Loader{
		ec2: ec2.NewFromConfig(cfg, func(c *ec2.Options) {
			c.APIOptions = append(c.APIOptions, ReadOnlyGuard("ec2"), instrument, bound)
		}),
		r53: route53.NewFromConfig(cfg, func(c *route53.Options) {
			c.APIOptions = append(c.APIOptions, ReadOnlyGuard("route53"), instrument, bound)
		}),
		resolver: route53resolver.NewFromConfig(cfg, func(c *route53resolver.Options) {
			c.APIOptions = append(c.APIOptions, ReadOnlyGuard("route53resolver"), instrument, bound)
		}),
		dx: directconnect.NewFromConfig(cfg, func(c *directconnect.Options) {
			c.APIOptions = append(c.APIOptions, ReadOnlyGuard("directconnect"), instrument)
		}),
		region:      cfg.Region,
		concurrency: o.concurrency,
		loadTimeout: o.loadTimeout,
	}
}

// LoadAll reads every kind of data in the region: one round of listings,
// then a second for what is read per parent (VPC attributes, prefix-list
// entries, TGW routes and propagations, hosted zones' records, Resolver
// endpoint addresses), each child as soon as its parent lands. A call that
// fails leaves a checks.Gap in the inventory and the load goes on; the
// error is non-nil only when the load as a whole failed (credentials,
// region, nothing reachable) or the region holds no network interfaces
// (*EmptyRegionError, with the inventory still returned).
func (l *Loader) LoadAll(ctx context.Context, onEvent func(Event)) (*inventory.Inventory, Stats, error) {
	if l.region == "" {
		return inventory.NewInventory(), Stats{}, &ConfigError{Err: ErrNoRegion}
	}
	r := l.newRun(ctx, onEvent)
	defer r.cancel(nil)
	r.spawn(1, l.allTasks()...)
	r.wg.Wait()
	inv, stats, err := r.finish()
	if err == nil && inv.Present[checks.KindNetworkInterfaces] && len(inv.NetworkInterfaces) == 0 {
		err = &EmptyRegionError{Region: l.region, VPCs: len(inv.VPCs)}
	}
	return inv, stats, err
}

// allTasks lists the first round of a full load.
func (l *Loader) allTasks() []*task {
	return []*task{
		l.vpcsTask(nil, true),
		l.subnetsTask(nil),
		l.enisTask(nil),
		l.instancesTask(nil),
		l.routeTablesTask(nil),
		l.naclsTask(nil),
		l.securityGroupsTask(nil),
		l.prefixListsTask(nil, true),
		l.peeringsTask(nil),
		l.igwsTask(nil),
		l.eigwsTask(),
		l.natsTask(nil),
		l.vgwsTask(nil),
		l.vpnConnectionsTask(),
		l.tgwsTask(nil),
		l.tgwAttachmentsTask(nil),
		l.tgwVPCAttachmentsTask(nil),
		l.tgwPeeringsTask(nil),
		l.tgwRouteTablesTask(nil, true),
		l.endpointsTask(nil),
		l.dhcpTask(nil),
		l.flowLogsTask(nil),
		l.addressesTask(nil),
		l.hostedZonesTask(nil),
		l.resolverEndpointsTask(),
		l.resolverRulesTask(),
		l.resolverRuleAssociationsTask(),
		l.dxVirtualInterfacesTask(),
	}
}

// A task is one logical read (a listing with all its pages, or one
// parent's children). It returns what to merge and, optionally, the tasks
// its data makes possible.
type task struct {
	kind   checks.DataKind
	action string
	scope  string
	// holds are kinds that stay pending until this task finishes, because
	// it spawns their tasks (or, on failure, explains why they are missing).
	holds []checks.DataKind
	run   func(ctx context.Context, round int) (taskResult, error)
	round int
}

type taskResult struct {
	// last is the round of the task's last page.
	last  int
	apply func(*inventory.Inventory)
	// next builds child tasks; it runs after apply, outside the lock.
	next func() []*task
	// partial, when set, is recorded as a gap although the data is merged
	// (a search that returned fewer routes than exist).
	partial string
}

// failure is one failed task.
type failure struct {
	scope, reason, action string
	err                   error
	// retry is set for a passing failure (throttled, a server error, a
	// timeout): the permissions are fine, and a later call may succeed.
	retry bool
	// partial failures kept their data (see taskResult.partial).
	partial bool
}

// run is the state of one load.
type run struct {
	l       *Loader
	ctx     context.Context
	cancel  context.CancelCauseFunc
	onEvent func(Event)
	sem     chan struct{}
	start   time.Time
	wg      sync.WaitGroup

	calls, attempts, maxRound atomic.Int64
	byAction                  sync.Map // action -> *atomic.Int64

	mu        sync.Mutex
	inv       *inventory.Inventory
	pending   map[checks.DataKind]int
	attempted map[checks.DataKind]int
	failures  map[checks.DataKind][]failure
	succeeded int
	fatal     error
	// emitMu keeps events in the order their snapshots were taken: it is
	// taken before mu is released and held while the callback runs.
	emitMu sync.Mutex
}

type runKey struct{}
type roundKey struct{}

func (l *Loader) newRun(ctx context.Context, onEvent func(Event)) *run {
	r := &run{
		l:         l,
		onEvent:   onEvent,
		sem:       make(chan struct{}, l.concurrency),
		start:     time.Now(),
		inv:       inventory.NewInventory(),
		pending:   map[checks.DataKind]int{},
		attempted: map[checks.DataKind]int{},
		failures:  map[checks.DataKind][]failure{},
	}
	budget, stopBudget := context.WithTimeoutCause(context.WithValue(ctx, runKey{}, r), l.loadTimeout, &loadBudgetError{after: l.loadTimeout})
	runCtx, cancelRun := context.WithCancelCause(budget)
	r.ctx = runCtx
	r.cancel = func(cause error) {
		cancelRun(cause)
		stopBudget()
	}
	return r
}

func withRound(ctx context.Context, round int) context.Context {
	return context.WithValue(ctx, roundKey{}, round)
}

// instrument is added to every client's stack: it bounds the calls in
// flight, counts operations per action and records the round of each call;
// a second middleware after the retryer counts HTTP attempts.
func instrument(stack *middleware.Stack) error {
	err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("reachInstrument",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			r, _ := ctx.Value(runKey{}).(*run)
			if r == nil {
				return next.HandleInitialize(ctx, in)
			}
			select {
			case r.sem <- struct{}{}:
			case <-ctx.Done():
				return middleware.InitializeOutput{}, middleware.Metadata{}, context.Cause(ctx)
			}
			defer func() { <-r.sem }()
			r.calls.Add(1)
			action := serviceIDs[middleware.GetServiceID(ctx)] + ":" + middleware.GetOperationName(ctx)
			c, _ := r.byAction.LoadOrStore(action, new(atomic.Int64))
			c.(*atomic.Int64).Add(1)
			if round, ok := ctx.Value(roundKey{}).(int); ok {
				for {
					cur := r.maxRound.Load()
					if int64(round) <= cur || r.maxRound.CompareAndSwap(cur, int64(round)) {
						break
					}
				}
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
	if err != nil {
		return err
	}
	attempt := middleware.FinalizeMiddlewareFunc("reachCountAttempts",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			if r, _ := ctx.Value(runKey{}).(*run); r != nil {
				r.attempts.Add(1)
			}
			return next.HandleFinalize(ctx, in)
		})
	if err := stack.Finalize.Insert(attempt, "Retry", middleware.After); err != nil {
		return stack.Finalize.Add(attempt, middleware.After)
	}
	return nil
}

// spawn starts tasks at the given round. Counters are raised for all of
// them before any starts, so a kind cannot look finished while its siblings
// are still being started.
func (r *run) spawn(round int, ts ...*task) {
	r.mu.Lock()
	for _, t := range ts {
		t.round = round
		r.pending[t.kind]++
		r.attempted[t.kind]++
		for _, h := range t.holds {
			r.pending[h]++
		}
	}
	r.mu.Unlock()
	for _, t := range ts {
		r.wg.Add(1)
		go r.do(t)
	}
}

// hold keeps kinds pending until release; LoadPath holds every kind of its
// plan until the last stage that may read it is done.
func (r *run) hold(kinds ...checks.DataKind) {
	r.mu.Lock()
	for _, k := range kinds {
		r.pending[k]++
	}
	r.mu.Unlock()
}

func (r *run) release(kinds ...checks.DataKind) {
	r.mu.Lock()
	var done []checks.DataKind
	for _, k := range kinds {
		r.pending[k]--
		if r.pending[k] == 0 {
			done = append(done, k)
		}
	}
	r.settle(done)
}

func (r *run) do(t *task) {
	defer r.wg.Done()
	res, err := t.run(withRound(r.ctx, t.round), t.round)
	switch {
	case err == nil && r.ctx.Err() != nil:
		err = context.Cause(r.ctx)
	case err != nil && r.ctx.Err() != nil:
		// The SDK reports a bare deadline or cancellation; the cause says
		// whether the user gave up or the load's budget ran out.
		err = fmt.Errorf("%w: %w", context.Cause(r.ctx), err)
	}
	r.mu.Lock()
	if err != nil {
		reason, fatal := gapReason(err)
		if fatal && r.fatal == nil {
			r.fatal = err
			r.cancel(err)
		}
		retry := passingFailure(err)
		r.failures[t.kind] = append(r.failures[t.kind], failure{scope: t.scope, reason: reason, action: t.action, err: err, retry: retry})
		for _, h := range t.holds {
			r.attempted[h]++
			r.failures[h] = append(r.failures[h], failure{
				scope:  t.scope,
				reason: fmt.Sprintf("not loaded: needs %s (%s)", t.kind, reason),
				action: t.action,
				err:    err,
				retry:  retry,
			})
		}
	} else {
		r.succeeded++
		if res.apply != nil {
			res.apply(r.inv)
		}
		if res.partial != "" {
			r.failures[t.kind] = append(r.failures[t.kind], failure{scope: t.scope, reason: res.partial, action: t.action, partial: true})
		}
	}
	r.mu.Unlock()
	if err == nil && res.next != nil {
		if children := res.next(); len(children) > 0 {
			r.spawn(res.last+1, children...)
		}
	}
	r.release(append([]checks.DataKind{t.kind}, t.holds...)...)
}

// settle finishes the kinds whose last task is done: it turns their
// failures into gaps, marks them present, and emits one event each. It is
// called with mu held and releases it.
func (r *run) settle(done []checks.DataKind) {
	if len(done) == 0 {
		r.mu.Unlock()
		return
	}
	type pendingEvent struct {
		kind checks.DataKind
		gaps []checks.Gap
		err  error
	}
	var evs []pendingEvent
	for _, k := range done {
		gaps, err := r.gapsFor(k)
		r.inv.Gaps = slices.DeleteFunc(r.inv.Gaps, func(g checks.Gap) bool { return g.Kind == k })
		r.inv.Gaps = append(r.inv.Gaps, gaps...)
		present := true
		for _, g := range gaps {
			if g.Scope == "" {
				present = false
			}
		}
		if present {
			r.inv.Present[k] = true
		} else {
			delete(r.inv.Present, k)
		}
		evs = append(evs, pendingEvent{kind: k, gaps: gaps, err: err})
	}
	if r.onEvent == nil {
		r.mu.Unlock()
		return
	}
	snap := r.snapshot()
	stats := r.stats()
	r.emitMu.Lock()
	r.mu.Unlock()
	defer r.emitMu.Unlock()
	for _, ev := range evs {
		r.onEvent(Event{Kind: ev.kind, Inventory: snap, Gaps: ev.gaps, Err: ev.err, Stats: stats})
	}
}

// gapsFor turns a kind's failures into gaps. When every task of the kind
// failed for the same reason the gaps collapse into one for the whole kind
// (one line for "AccessDenied on DescribeVpcAttribute", not one per VPC);
// otherwise each failure keeps its scope.
func (r *run) gapsFor(k checks.DataKind) ([]checks.Gap, error) {
	fs := r.failures[k]
	if len(fs) == 0 {
		return nil, nil
	}
	hard := 0
	for _, f := range fs {
		if !f.partial {
			hard++
		}
	}
	if hard == r.attempted[k] && sameReason(fs) {
		return []checks.Gap{{Kind: k, Reason: fs[0].reason, Action: fs[0].action, Retry: fs[0].retry}}, fs[0].err
	}
	var gaps []checks.Gap
	var first error
	for _, f := range fs {
		g := checks.Gap{Kind: k, Scope: f.scope, Reason: f.reason, Action: f.action, Retry: f.retry}
		if !slices.Contains(gaps, g) {
			gaps = append(gaps, g)
		}
		if first == nil {
			first = f.err
		}
	}
	return gaps, first
}

func sameReason(fs []failure) bool {
	for _, f := range fs[1:] {
		if f.reason != fs[0].reason || f.action != fs[0].action || f.partial != fs[0].partial || f.retry != fs[0].retry {
			return false
		}
	}
	return !fs[0].partial
}

// snapshot copies the inventory for an event; it is called with mu held.
// Slices are cut to their length so that later appends by the loader never
// write into memory the copy can see.
func (r *run) snapshot() *inventory.Inventory {
	c := cloneInventory(r.inv)
	for k, n := range r.pending {
		if n > 0 {
			c.Gaps = append(c.Gaps, checks.Gap{Kind: k, Reason: "loading", Pending: true})
		}
	}
	slices.SortFunc(c.Gaps, compareGaps)
	return c
}

func compareGaps(a, b checks.Gap) int {
	if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
		return c
	}
	return strings.Compare(a.Scope, b.Scope)
}

func (r *run) stats() Stats {
	s := Stats{
		Calls:    int(r.calls.Load()),
		Attempts: int(r.attempts.Load()),
		Rounds:   int(r.maxRound.Load()),
		Elapsed:  time.Since(r.start),
		ByAction: map[string]int{},
	}
	r.byAction.Range(func(k, v any) bool {
		s.ByAction[k.(string)] = int(v.(*atomic.Int64).Load())
		return true
	})
	return s
}

// finish returns the inventory and the load's error: the fatal error that
// stopped it, the caller's cancellation, or, when no call at all succeeded,
// the first failure (an unreachable endpoint, a region that does not exist).
func (r *run) finish() (*inventory.Inventory, Stats, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	slices.SortFunc(r.inv.Gaps, compareGaps)
	stats := r.stats()
	if r.fatal != nil {
		return r.inv, stats, r.fatal
	}
	var budget *loadBudgetError
	if err := context.Cause(r.ctx); err != nil && !errors.As(err, &budget) {
		return r.inv, stats, err
	}
	if r.succeeded == 0 {
		for _, k := range slices.Sorted(maps.Keys(r.failures)) {
			for _, f := range r.failures[k] {
				if f.err != nil {
					return r.inv, stats, f.err
				}
			}
		}
	}
	return r.inv, stats, nil
}

// cloneInventory copies an inventory: maps are copied, slices are cut to their
// length (their elements are never changed once appended).
func cloneInventory(inv *inventory.Inventory) *inventory.Inventory {
	c := *inv
	c.VPCs = clip(inv.VPCs)
	c.Subnets = clip(inv.Subnets)
	c.NetworkInterfaces = clip(inv.NetworkInterfaces)
	c.Reservations = clip(inv.Reservations)
	c.RouteTables = clip(inv.RouteTables)
	c.NetworkACLs = clip(inv.NetworkACLs)
	c.SecurityGroups = clip(inv.SecurityGroups)
	c.ManagedPrefixLists = clip(inv.ManagedPrefixLists)
	c.PrefixLists = clip(inv.PrefixLists)
	c.Peerings = clip(inv.Peerings)
	c.InternetGateways = clip(inv.InternetGateways)
	c.EgressOnlyInternetGateways = clip(inv.EgressOnlyInternetGateways)
	c.NATGateways = clip(inv.NATGateways)
	c.VPNGateways = clip(inv.VPNGateways)
	c.TransitGateways = clip(inv.TransitGateways)
	c.TransitGatewayAttachments = clip(inv.TransitGatewayAttachments)
	c.TransitGatewayVPCAttachments = clip(inv.TransitGatewayVPCAttachments)
	c.TransitGatewayPeerings = clip(inv.TransitGatewayPeerings)
	c.TransitGatewayRouteTables = clip(inv.TransitGatewayRouteTables)
	c.VPCEndpoints = clip(inv.VPCEndpoints)
	c.Addresses = clip(inv.Addresses)
	c.DHCPOptions = clip(inv.DHCPOptions)
	c.FlowLogs = clip(inv.FlowLogs)
	c.HostedZones = clip(inv.HostedZones)
	c.ResolverEndpoints = clip(inv.ResolverEndpoints)
	c.ResolverRules = clip(inv.ResolverRules)
	c.ResolverRuleAssociations = clip(inv.ResolverRuleAssociations)
	c.VPCAttributes = maps.Clone(inv.VPCAttributes)
	c.PrefixListEntries = maps.Clone(inv.PrefixListEntries)
	c.TransitGatewayRoutes = maps.Clone(inv.TransitGatewayRoutes)
	c.TransitGatewayPropagations = maps.Clone(inv.TransitGatewayPropagations)
	c.HostedZoneVPCs = maps.Clone(inv.HostedZoneVPCs)
	c.RecordSets = maps.Clone(inv.RecordSets)
	c.ResolverIPs = maps.Clone(inv.ResolverIPs)
	c.Present = maps.Clone(inv.Present)
	c.Gaps = slices.Clone(inv.Gaps)
	c.Skipped = slices.Clone(inv.Skipped)
	return &c
}

func clip[T any](s []T) []T { return s[:len(s):len(s)] }

// gapReason says in a few words why a call failed, and whether the failure
// dooms every other call too (bad credentials), so the load should stop.
func gapReason(err error) (reason string, fatal bool) {
	var (
		notAllowed *NotAllowedError
		apiErr     smithy.APIError
		maxErr     *retry.MaxAttemptsError
		respErr    *awshttp.ResponseError
		quotaErr   ratelimit.QuotaExceededError
		budgetErr  *loadBudgetError
		attemptErr *attemptTimeoutError
	)
	attempts := 1
	if errors.As(err, &maxErr) {
		attempts = maxErr.Attempt
	}
	msg := err.Error()
	switch {
	case errors.As(err, &notAllowed):
		return "refused: not in reach's allowed actions", false
	case errors.As(err, &budgetErr):
		return "not read: " + budgetErr.Error() + " (--load-timeout allows more)", false
	case errors.As(err, &attemptErr):
		return fmt.Sprintf("timed out: %s, %d attempts (--call-timeout allows more)", attemptErr.Error(), attempts), false
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled", false
	case strings.Contains(msg, "get identity: "), isSSOTokenError(msg), isNoCredentials(msg):
		return "no usable credentials", true
	case errors.As(err, &apiErr) && deniedCodes[apiErr.ErrorCode()]:
		return "AccessDenied", false
	case errors.As(err, &apiErr) && credentialCodes[apiErr.ErrorCode()]:
		return apiErr.ErrorCode(), true
	case errors.As(err, &apiErr) && isThrottle(apiErr.ErrorCode()):
		return fmt.Sprintf("throttled (%s) after %d attempts", apiErr.ErrorCode(), attempts), false
	case errors.As(err, &quotaErr):
		return "gave up: the SDK's retry quota ran out (too many failing calls)", false
	case errors.As(err, &respErr) && respErr.HTTPStatusCode() >= 500:
		return fmt.Sprintf("server error (HTTP %d) after %d attempts", respErr.HTTPStatusCode(), attempts), false
	case errors.As(err, &apiErr):
		return apiErr.ErrorCode(), false
	}
	if i := strings.LastIndex(msg, ", "); i >= 0 && len(msg)-i < 120 {
		msg = msg[i+2:]
	}
	return firstLine(msg), false
}

// passingFailure says whether a call failed for a reason that may pass
// (throttling, a server error, a timeout) rather than for want of
// permission: the gap then asks for a retry, not for an IAM grant.
func passingFailure(err error) bool {
	var (
		apiErr     smithy.APIError
		respErr    *awshttp.ResponseError
		quotaErr   ratelimit.QuotaExceededError
		budgetErr  *loadBudgetError
		attemptErr *attemptTimeoutError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &quotaErr), errors.As(err, &budgetErr), errors.As(err, &attemptErr):
		return true
	case errors.As(err, &apiErr) && (deniedCodes[apiErr.ErrorCode()] || credentialCodes[apiErr.ErrorCode()]):
		return false
	case errors.As(err, &apiErr) && isThrottle(apiErr.ErrorCode()):
		return true
	case errors.As(err, &respErr) && respErr.HTTPStatusCode() >= 500:
		return true
	}
	return false
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// pages drives an SDK paginator, one round per page, and returns the round
// of the last page. The cap stops a server that keeps returning tokens.
func pages[O any, Opt any](ctx context.Context, round int, has func() bool, next func(context.Context, ...func(*Opt)) (O, error), each func(O)) (int, error) {
	const maxPages = 10000
	last := round
	for i := 0; has(); i++ {
		if i == maxPages {
			return last, fmt.Errorf("more than %d pages", maxPages)
		}
		last = round + i
		out, err := next(withRound(ctx, last))
		if err != nil {
			return last, err
		}
		each(out)
	}
	return last, nil
}

// mergeBy appends the items of src whose key is not in dst yet; targeted
// loads may read the same resource twice.
func mergeBy[T any](dst, src []T, key func(*T) string) []T {
	if len(dst) == 0 {
		return append(dst, src...)
	}
	seen := make(map[string]bool, len(dst))
	for i := range dst {
		seen[key(&dst[i])] = true
	}
	for i := range src {
		k := key(&src[i])
		if seen[k] {
			continue
		}
		seen[k] = true
		dst = append(dst, src[i])
	}
	return dst
}

// listTask is a task that reads one listing and merges it; children, when
// set, builds the tasks its items make possible (and holds their kinds
// pending until then).
func listTask[T any](kind checks.DataKind, action, scope string,
	fetch func(context.Context, int) ([]T, int, error),
	merge func(*inventory.Inventory, []T),
	children func([]T) []*task, holds ...checks.DataKind,
) *task {
	return &task{kind: kind, action: action, scope: scope, holds: holds,
		run: func(ctx context.Context, round int) (taskResult, error) {
			items, last, err := fetch(ctx, round)
			if err != nil {
				return taskResult{}, err
			}
			res := taskResult{last: last, apply: func(inv *inventory.Inventory) { merge(inv, items) }}
			if children != nil {
				res.next = func() []*task { return children(items) }
			}
			return res, nil
		}}
}

// filter builds one EC2 filter; nil when there are no values, so a caller
// never sends an empty filter (which EC2 rejects).
func filter(name string, values []string) []ec2types.Filter {
	if len(values) == 0 {
		return nil
	}
	return []ec2types.Filter{{Name: awssdk.String(name), Values: slices.Clone(values)}}
}

func (l *Loader) vpcsTask(filters []ec2types.Filter, withAttributes bool) *task {
	fetch := func(ctx context.Context, round int) ([]ec2types.Vpc, int, error) {
		var out []ec2types.Vpc
		p := ec2.NewDescribeVpcsPaginator(l.ec2, &ec2.DescribeVpcsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
		last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeVpcsOutput) { out = append(out, o.Vpcs...) })
		if err != nil {
			return nil, last, fmt.Errorf("describe vpcs: %w", err)
		}
		return out, last, nil
	}
	merge := func(inv *inventory.Inventory, items []ec2types.Vpc) {
		inv.VPCs = mergeBy(inv.VPCs, items, func(v *ec2types.Vpc) string { return awssdk.ToString(v.VpcId) })
	}
	if !withAttributes {
		return listTask(checks.KindVPCs, "ec2:DescribeVpcs", "", fetch, merge, nil)
	}
	return listTask(checks.KindVPCs, "ec2:DescribeVpcs", "", fetch, merge, func(vpcs []ec2types.Vpc) []*task {
		var ids []string
		for _, v := range vpcs {
			ids = append(ids, awssdk.ToString(v.VpcId))
		}
		return l.vpcAttributeTasks(ids)
	}, inventory.KindVPCAttribute)
}

// vpcAttributeTasks reads the two DNS attributes of each VPC; the API
// answers one attribute of one VPC per call.
func (l *Loader) vpcAttributeTasks(vpcIDs []string) []*task {
	var ts []*task
	for _, id := range vpcIDs {
		for _, attr := range []ec2types.VpcAttributeName{ec2types.VpcAttributeNameEnableDnsSupport, ec2types.VpcAttributeNameEnableDnsHostnames} {
			ts = append(ts, &task{kind: inventory.KindVPCAttribute, action: "ec2:DescribeVpcAttribute", scope: id,
				run: func(ctx context.Context, round int) (taskResult, error) {
					out, err := l.ec2.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: awssdk.String(id), Attribute: attr})
					if err != nil {
						return taskResult{}, fmt.Errorf("describe vpc attribute %s of %s: %w", attr, id, err)
					}
					return taskResult{last: round, apply: func(inv *inventory.Inventory) {
						a := inv.VPCAttributes[id]
						if out.EnableDnsSupport != nil {
							a.EnableDNSSupport = out.EnableDnsSupport.Value
						}
						if out.EnableDnsHostnames != nil {
							a.EnableDNSHostnames = out.EnableDnsHostnames.Value
						}
						inv.VPCAttributes[id] = a
					}}, nil
				}})
		}
	}
	return ts
}

func (l *Loader) subnetsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindSubnets, "ec2:DescribeSubnets", "",
		func(ctx context.Context, round int) ([]ec2types.Subnet, int, error) {
			var out []ec2types.Subnet
			p := ec2.NewDescribeSubnetsPaginator(l.ec2, &ec2.DescribeSubnetsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeSubnetsOutput) { out = append(out, o.Subnets...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe subnets: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.Subnet) {
			inv.Subnets = mergeBy(inv.Subnets, items, func(v *ec2types.Subnet) string { return awssdk.ToString(v.SubnetId) })
		}, nil)
}

func (l *Loader) describeENIs(filters []ec2types.Filter) func(context.Context, int) ([]ec2types.NetworkInterface, int, error) {
	return func(ctx context.Context, round int) ([]ec2types.NetworkInterface, int, error) {
		var out []ec2types.NetworkInterface
		p := ec2.NewDescribeNetworkInterfacesPaginator(l.ec2, &ec2.DescribeNetworkInterfacesInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
		last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeNetworkInterfacesOutput) { out = append(out, o.NetworkInterfaces...) })
		if err != nil {
			return nil, last, fmt.Errorf("describe network interfaces: %w", err)
		}
		return out, last, nil
	}
}

func mergeENIs(inv *inventory.Inventory, items []ec2types.NetworkInterface) {
	inv.NetworkInterfaces = mergeBy(inv.NetworkInterfaces, items, func(v *ec2types.NetworkInterface) string { return awssdk.ToString(v.NetworkInterfaceId) })
}

func (l *Loader) enisTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindNetworkInterfaces, "ec2:DescribeNetworkInterfaces", "", l.describeENIs(filters), mergeENIs, nil)
}

func (l *Loader) instancesTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindInstances, "ec2:DescribeInstances", "",
		func(ctx context.Context, round int) ([]ec2types.Reservation, int, error) {
			var out []ec2types.Reservation
			p := ec2.NewDescribeInstancesPaginator(l.ec2, &ec2.DescribeInstancesInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeInstancesOutput) { out = append(out, o.Reservations...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe instances: %w", err)
			}
			return out, last, nil
		}, mergeReservations, nil)
}

// mergeReservations adds instances not seen yet. Two filtered calls may
// return the same reservation with different instances, so duplicates are
// found per instance, and a reservation seen again is appended with only
// its new instances.
func mergeReservations(inv *inventory.Inventory, items []ec2types.Reservation) {
	seen := map[string]bool{}
	for _, r := range inv.Reservations {
		for _, i := range r.Instances {
			seen[awssdk.ToString(i.InstanceId)] = true
		}
	}
	for _, r := range items {
		var fresh []ec2types.Instance
		for _, i := range r.Instances {
			if id := awssdk.ToString(i.InstanceId); !seen[id] {
				seen[id] = true
				fresh = append(fresh, i)
			}
		}
		if len(fresh) == len(r.Instances) {
			inv.Reservations = append(inv.Reservations, r)
		} else if len(fresh) > 0 {
			r.Instances = fresh
			inv.Reservations = append(inv.Reservations, r)
		}
	}
}

func (l *Loader) routeTablesTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindRouteTables, "ec2:DescribeRouteTables", "",
		func(ctx context.Context, round int) ([]ec2types.RouteTable, int, error) {
			var out []ec2types.RouteTable
			p := ec2.NewDescribeRouteTablesPaginator(l.ec2, &ec2.DescribeRouteTablesInput{Filters: filters, MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeRouteTablesOutput) { out = append(out, o.RouteTables...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe route tables: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.RouteTable) {
			inv.RouteTables = mergeBy(inv.RouteTables, items, func(v *ec2types.RouteTable) string { return awssdk.ToString(v.RouteTableId) })
		}, nil)
}

func (l *Loader) naclsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindNetworkACLs, "ec2:DescribeNetworkAcls", "",
		func(ctx context.Context, round int) ([]ec2types.NetworkAcl, int, error) {
			var out []ec2types.NetworkAcl
			p := ec2.NewDescribeNetworkAclsPaginator(l.ec2, &ec2.DescribeNetworkAclsInput{Filters: filters, MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeNetworkAclsOutput) { out = append(out, o.NetworkAcls...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe network acls: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.NetworkAcl) {
			inv.NetworkACLs = mergeBy(inv.NetworkACLs, items, func(v *ec2types.NetworkAcl) string { return awssdk.ToString(v.NetworkAclId) })
		}, nil)
}

func (l *Loader) securityGroupsTask(filters []ec2types.Filter) *task {
	fetch := func(ctx context.Context, round int) ([]ec2types.SecurityGroup, int, error) {
		var out []ec2types.SecurityGroup
		p := ec2.NewDescribeSecurityGroupsPaginator(l.ec2, &ec2.DescribeSecurityGroupsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
		last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeSecurityGroupsOutput) { out = append(out, o.SecurityGroups...) })
		if err != nil {
			return nil, last, fmt.Errorf("describe security groups: %w", err)
		}
		return out, last, nil
	}
	merge := func(inv *inventory.Inventory, items []ec2types.SecurityGroup) {
		inv.SecurityGroups = mergeBy(inv.SecurityGroups, items, func(v *ec2types.SecurityGroup) string { return awssdk.ToString(v.GroupId) })
	}
	return listTask(checks.KindSecurityGroups, "ec2:DescribeSecurityGroups", "", fetch, merge, nil)
}

func (l *Loader) prefixListsTask(filters []ec2types.Filter, withEntries bool) *task {
	fetch := func(ctx context.Context, round int) ([]ec2types.ManagedPrefixList, int, error) {
		var out []ec2types.ManagedPrefixList
		p := ec2.NewDescribeManagedPrefixListsPaginator(l.ec2, &ec2.DescribeManagedPrefixListsInput{Filters: filters, MaxResults: awssdk.Int32(100)})
		last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeManagedPrefixListsOutput) { out = append(out, o.PrefixLists...) })
		if err != nil {
			return nil, last, fmt.Errorf("describe managed prefix lists: %w", err)
		}
		return out, last, nil
	}
	merge := func(inv *inventory.Inventory, items []ec2types.ManagedPrefixList) {
		inv.ManagedPrefixLists = mergeBy(inv.ManagedPrefixLists, items, func(v *ec2types.ManagedPrefixList) string { return awssdk.ToString(v.PrefixListId) })
	}
	if !withEntries {
		return listTask(checks.KindPrefixLists, "ec2:DescribeManagedPrefixLists", "", fetch, merge, nil)
	}
	return listTask(checks.KindPrefixLists, "ec2:DescribeManagedPrefixLists", "", fetch, merge, func(pls []ec2types.ManagedPrefixList) []*task {
		var ts []*task
		for _, pl := range pls {
			ts = append(ts, l.prefixListEntriesTask(awssdk.ToString(pl.PrefixListId)))
		}
		return ts
	}, inventory.KindPrefixListEntries)
}

func (l *Loader) prefixListEntriesTask(id string) *task {
	return listTask(inventory.KindPrefixListEntries, "ec2:GetManagedPrefixListEntries", id,
		func(ctx context.Context, round int) ([]ec2types.PrefixListEntry, int, error) {
			out := []ec2types.PrefixListEntry{}
			p := ec2.NewGetManagedPrefixListEntriesPaginator(l.ec2, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: awssdk.String(id), MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.GetManagedPrefixListEntriesOutput) { out = append(out, o.Entries...) })
			if err != nil {
				return nil, last, fmt.Errorf("get managed prefix list entries of %s: %w", id, err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.PrefixListEntry) { inv.PrefixListEntries[id] = items }, nil)
}

func (l *Loader) peeringsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindPeerings, "ec2:DescribeVpcPeeringConnections", "",
		func(ctx context.Context, round int) ([]ec2types.VpcPeeringConnection, int, error) {
			var out []ec2types.VpcPeeringConnection
			p := ec2.NewDescribeVpcPeeringConnectionsPaginator(l.ec2, &ec2.DescribeVpcPeeringConnectionsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeVpcPeeringConnectionsOutput) { out = append(out, o.VpcPeeringConnections...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe vpc peering connections: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.VpcPeeringConnection) {
			inv.Peerings = mergeBy(inv.Peerings, items, func(v *ec2types.VpcPeeringConnection) string { return awssdk.ToString(v.VpcPeeringConnectionId) })
		}, nil)
}

func (l *Loader) igwsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindInternetGateways, "ec2:DescribeInternetGateways", "",
		func(ctx context.Context, round int) ([]ec2types.InternetGateway, int, error) {
			var out []ec2types.InternetGateway
			p := ec2.NewDescribeInternetGatewaysPaginator(l.ec2, &ec2.DescribeInternetGatewaysInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeInternetGatewaysOutput) { out = append(out, o.InternetGateways...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe internet gateways: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.InternetGateway) {
			inv.InternetGateways = mergeBy(inv.InternetGateways, items, func(v *ec2types.InternetGateway) string { return awssdk.ToString(v.InternetGatewayId) })
		}, nil)
}

// eigwsTask reads every egress-only internet gateway: the API filters only
// by tag, and accounts hold few of them.
func (l *Loader) eigwsTask() *task {
	return listTask(checks.KindEgressOnlyGateways, "ec2:DescribeEgressOnlyInternetGateways", "",
		func(ctx context.Context, round int) ([]ec2types.EgressOnlyInternetGateway, int, error) {
			var out []ec2types.EgressOnlyInternetGateway
			p := ec2.NewDescribeEgressOnlyInternetGatewaysPaginator(l.ec2, &ec2.DescribeEgressOnlyInternetGatewaysInput{MaxResults: awssdk.Int32(255)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeEgressOnlyInternetGatewaysOutput) {
				out = append(out, o.EgressOnlyInternetGateways...)
			})
			if err != nil {
				return nil, last, fmt.Errorf("describe egress-only internet gateways: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.EgressOnlyInternetGateway) {
			inv.EgressOnlyInternetGateways = mergeBy(inv.EgressOnlyInternetGateways, items, func(v *ec2types.EgressOnlyInternetGateway) string {
				return awssdk.ToString(v.EgressOnlyInternetGatewayId)
			})
		}, nil)
}

func (l *Loader) natsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindNATGateways, "ec2:DescribeNatGateways", "",
		func(ctx context.Context, round int) ([]ec2types.NatGateway, int, error) {
			var out []ec2types.NatGateway
			p := ec2.NewDescribeNatGatewaysPaginator(l.ec2, &ec2.DescribeNatGatewaysInput{Filter: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeNatGatewaysOutput) { out = append(out, o.NatGateways...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe nat gateways: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.NatGateway) {
			inv.NATGateways = mergeBy(inv.NATGateways, items, func(v *ec2types.NatGateway) string { return awssdk.ToString(v.NatGatewayId) })
		}, nil)
}

// vgwsTask reads virtual private gateways; the API has no pagination.
func (l *Loader) vgwsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindVPNGateways, "ec2:DescribeVpnGateways", "",
		func(ctx context.Context, round int) ([]ec2types.VpnGateway, int, error) {
			out, err := l.ec2.DescribeVpnGateways(ctx, &ec2.DescribeVpnGatewaysInput{Filters: filters})
			if err != nil {
				return nil, round, fmt.Errorf("describe vpn gateways: %w", err)
			}
			return out.VpnGateways, round, nil
		},
		func(inv *inventory.Inventory, items []ec2types.VpnGateway) {
			inv.VPNGateways = mergeBy(inv.VPNGateways, items, func(v *ec2types.VpnGateway) string { return awssdk.ToString(v.VpnGatewayId) })
		}, nil)
}

// vpnConnectionsTask reads every Site-to-Site VPN connection (accounts
// hold few; the API has no pagination). The customer gateway configuration
// is dropped as it lands: it holds the tunnels' pre-shared keys, which no
// check needs and no snapshot should carry.
func (l *Loader) vpnConnectionsTask() *task {
	return listTask(checks.KindVPNConnections, "ec2:DescribeVpnConnections", "",
		func(ctx context.Context, round int) ([]ec2types.VpnConnection, int, error) {
			out, err := l.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})
			if err != nil {
				return nil, round, fmt.Errorf("describe vpn connections: %w", err)
			}
			for i := range out.VpnConnections {
				out.VpnConnections[i].CustomerGatewayConfiguration = nil
			}
			return out.VpnConnections, round, nil
		},
		func(inv *inventory.Inventory, items []ec2types.VpnConnection) {
			inv.VPNConnections = mergeBy(inv.VPNConnections, items, func(v *ec2types.VpnConnection) string { return awssdk.ToString(v.VpnConnectionId) })
		}, nil)
}

// tgwPeeringsTask reads transit gateway peering attachments, which name the
// transit gateway on the other side. (moto 5 lists VPC attachments here
// too, without the peer's details; conversion skips those.)
func (l *Loader) tgwPeeringsTask(filters []ec2types.Filter) *task {
	return listTask(inventory.KindTransitGatewayPeerings, "ec2:DescribeTransitGatewayPeeringAttachments", "",
		func(ctx context.Context, round int) ([]ec2types.TransitGatewayPeeringAttachment, int, error) {
			var out []ec2types.TransitGatewayPeeringAttachment
			p := ec2.NewDescribeTransitGatewayPeeringAttachmentsPaginator(l.ec2, &ec2.DescribeTransitGatewayPeeringAttachmentsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewayPeeringAttachmentsOutput) {
				out = append(out, o.TransitGatewayPeeringAttachments...)
			})
			if err != nil {
				return nil, last, fmt.Errorf("describe transit gateway peering attachments: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.TransitGatewayPeeringAttachment) {
			inv.TransitGatewayPeerings = mergeBy(inv.TransitGatewayPeerings, items, func(v *ec2types.TransitGatewayPeeringAttachment) string {
				return awssdk.ToString(v.TransitGatewayAttachmentId)
			})
		}, nil)
}

func (l *Loader) tgwsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindTransitGateways, "ec2:DescribeTransitGateways", "",
		func(ctx context.Context, round int) ([]ec2types.TransitGateway, int, error) {
			var out []ec2types.TransitGateway
			p := ec2.NewDescribeTransitGatewaysPaginator(l.ec2, &ec2.DescribeTransitGatewaysInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewaysOutput) { out = append(out, o.TransitGateways...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe transit gateways: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.TransitGateway) {
			inv.TransitGateways = mergeBy(inv.TransitGateways, items, func(v *ec2types.TransitGateway) string { return awssdk.ToString(v.TransitGatewayId) })
		}, nil)
}

func (l *Loader) describeTGWAttachments(filters []ec2types.Filter) func(context.Context, int) ([]ec2types.TransitGatewayAttachment, int, error) {
	return func(ctx context.Context, round int) ([]ec2types.TransitGatewayAttachment, int, error) {
		var out []ec2types.TransitGatewayAttachment
		p := ec2.NewDescribeTransitGatewayAttachmentsPaginator(l.ec2, &ec2.DescribeTransitGatewayAttachmentsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
		last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewayAttachmentsOutput) {
			out = append(out, o.TransitGatewayAttachments...)
		})
		if err != nil {
			return nil, last, fmt.Errorf("describe transit gateway attachments: %w", err)
		}
		return out, last, nil
	}
}

func mergeTGWAttachments(inv *inventory.Inventory, items []ec2types.TransitGatewayAttachment) {
	inv.TransitGatewayAttachments = mergeBy(inv.TransitGatewayAttachments, items, func(v *ec2types.TransitGatewayAttachment) string {
		return awssdk.ToString(v.TransitGatewayAttachmentId)
	})
}

func (l *Loader) tgwAttachmentsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindTransitGatewayAttachments, "ec2:DescribeTransitGatewayAttachments", "",
		l.describeTGWAttachments(filters), mergeTGWAttachments, nil)
}

func (l *Loader) tgwVPCAttachmentsTask(filters []ec2types.Filter) *task {
	return listTask(inventory.KindTransitGatewayVPCAttachments, "ec2:DescribeTransitGatewayVpcAttachments", "",
		func(ctx context.Context, round int) ([]ec2types.TransitGatewayVpcAttachment, int, error) {
			var out []ec2types.TransitGatewayVpcAttachment
			p := ec2.NewDescribeTransitGatewayVpcAttachmentsPaginator(l.ec2, &ec2.DescribeTransitGatewayVpcAttachmentsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewayVpcAttachmentsOutput) {
				out = append(out, o.TransitGatewayVpcAttachments...)
			})
			if err != nil {
				return nil, last, fmt.Errorf("describe transit gateway vpc attachments: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.TransitGatewayVpcAttachment) {
			inv.TransitGatewayVPCAttachments = mergeBy(inv.TransitGatewayVPCAttachments, items, func(v *ec2types.TransitGatewayVpcAttachment) string {
				return awssdk.ToString(v.TransitGatewayAttachmentId)
			})
		}, nil)
}

func (l *Loader) tgwRouteTablesTask(filters []ec2types.Filter, withRoutes bool) *task {
	fetch := func(ctx context.Context, round int) ([]ec2types.TransitGatewayRouteTable, int, error) {
		var out []ec2types.TransitGatewayRouteTable
		p := ec2.NewDescribeTransitGatewayRouteTablesPaginator(l.ec2, &ec2.DescribeTransitGatewayRouteTablesInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
		last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeTransitGatewayRouteTablesOutput) {
			out = append(out, o.TransitGatewayRouteTables...)
		})
		if err != nil {
			return nil, last, fmt.Errorf("describe transit gateway route tables: %w", err)
		}
		return out, last, nil
	}
	merge := func(inv *inventory.Inventory, items []ec2types.TransitGatewayRouteTable) {
		inv.TransitGatewayRouteTables = mergeBy(inv.TransitGatewayRouteTables, items, func(v *ec2types.TransitGatewayRouteTable) string {
			return awssdk.ToString(v.TransitGatewayRouteTableId)
		})
	}
	if !withRoutes {
		return listTask(checks.KindTransitGatewayRouteTables, "ec2:DescribeTransitGatewayRouteTables", "", fetch, merge, nil)
	}
	return listTask(checks.KindTransitGatewayRouteTables, "ec2:DescribeTransitGatewayRouteTables", "", fetch, merge,
		func(rts []ec2types.TransitGatewayRouteTable) []*task {
			var ts []*task
			for _, rt := range rts {
				id := awssdk.ToString(rt.TransitGatewayRouteTableId)
				ts = append(ts, l.tgwRoutesTask(id), l.tgwPropagationsTask(id))
			}
			return ts
		}, inventory.KindTransitGatewayRoutes, inventory.KindTransitGatewayPropagations)
}

// tgwRoutesTask searches one TGW route table for its static and propagated
// routes (the API requires a filter; these two types are all there are).
func (l *Loader) tgwRoutesTask(id string) *task {
	return &task{kind: inventory.KindTransitGatewayRoutes, action: "ec2:SearchTransitGatewayRoutes", scope: id,
		run: func(ctx context.Context, round int) (taskResult, error) {
			routes := []ec2types.TransitGatewayRoute{}
			more := false
			p := ec2.NewSearchTransitGatewayRoutesPaginator(l.ec2, &ec2.SearchTransitGatewayRoutesInput{
				TransitGatewayRouteTableId: awssdk.String(id),
				Filters:                    filter("type", []string{"static", "propagated"}),
				// MaxResults is left at its default of 1000: moto 5 fails
				// on an explicit value.
			})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.SearchTransitGatewayRoutesOutput) {
				routes = append(routes, o.Routes...)
				more = awssdk.ToBool(o.AdditionalRoutesAvailable) && o.NextToken == nil
			})
			if err != nil {
				return taskResult{}, fmt.Errorf("search transit gateway routes of %s: %w", id, err)
			}
			res := taskResult{last: last, apply: func(inv *inventory.Inventory) { inv.TransitGatewayRoutes[id] = routes }}
			if more {
				// Older endpoints cap a search at 1000 routes without a
				// token: what was read is kept, and the gap says it is
				// incomplete so no layer passes on it.
				res.partial = fmt.Sprintf("more than %d routes: only the first were read", len(routes))
			}
			return res, nil
		}}
}

func (l *Loader) tgwPropagationsTask(id string) *task {
	return listTask(inventory.KindTransitGatewayPropagations, "ec2:GetTransitGatewayRouteTablePropagations", id,
		func(ctx context.Context, round int) ([]ec2types.TransitGatewayRouteTablePropagation, int, error) {
			out := []ec2types.TransitGatewayRouteTablePropagation{}
			p := ec2.NewGetTransitGatewayRouteTablePropagationsPaginator(l.ec2, &ec2.GetTransitGatewayRouteTablePropagationsInput{
				TransitGatewayRouteTableId: awssdk.String(id), MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.GetTransitGatewayRouteTablePropagationsOutput) {
				out = append(out, o.TransitGatewayRouteTablePropagations...)
			})
			if err != nil {
				return nil, last, fmt.Errorf("get transit gateway route table propagations of %s: %w", id, err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.TransitGatewayRouteTablePropagation) {
			inv.TransitGatewayPropagations[id] = items
		}, nil)
}

func (l *Loader) endpointsTask(filters []ec2types.Filter) *task {
	return listTask(checks.KindVPCEndpoints, "ec2:DescribeVpcEndpoints", "",
		func(ctx context.Context, round int) ([]ec2types.VpcEndpoint, int, error) {
			var out []ec2types.VpcEndpoint
			p := ec2.NewDescribeVpcEndpointsPaginator(l.ec2, &ec2.DescribeVpcEndpointsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeVpcEndpointsOutput) { out = append(out, o.VpcEndpoints...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe vpc endpoints: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.VpcEndpoint) {
			inv.VPCEndpoints = mergeBy(inv.VPCEndpoints, items, func(v *ec2types.VpcEndpoint) string { return awssdk.ToString(v.VpcEndpointId) })
		}, nil)
}

func (l *Loader) dhcpTask(filters []ec2types.Filter) *task {
	return listTask(inventory.KindDHCPOptions, "ec2:DescribeDhcpOptions", "",
		func(ctx context.Context, round int) ([]ec2types.DhcpOptions, int, error) {
			var out []ec2types.DhcpOptions
			p := ec2.NewDescribeDhcpOptionsPaginator(l.ec2, &ec2.DescribeDhcpOptionsInput{Filters: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeDhcpOptionsOutput) { out = append(out, o.DhcpOptions...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe dhcp options: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.DhcpOptions) {
			inv.DHCPOptions = mergeBy(inv.DHCPOptions, items, func(v *ec2types.DhcpOptions) string { return awssdk.ToString(v.DhcpOptionsId) })
		}, nil)
}

func (l *Loader) flowLogsTask(filters []ec2types.Filter) *task {
	return listTask(inventory.KindFlowLogs, "ec2:DescribeFlowLogs", "",
		func(ctx context.Context, round int) ([]ec2types.FlowLog, int, error) {
			var out []ec2types.FlowLog
			p := ec2.NewDescribeFlowLogsPaginator(l.ec2, &ec2.DescribeFlowLogsInput{Filter: filters, MaxResults: awssdk.Int32(1000)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeFlowLogsOutput) { out = append(out, o.FlowLogs...) })
			if err != nil {
				return nil, last, fmt.Errorf("describe flow logs: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []ec2types.FlowLog) {
			inv.FlowLogs = mergeBy(inv.FlowLogs, items, func(v *ec2types.FlowLog) string { return awssdk.ToString(v.FlowLogId) })
		}, nil)
}

// addressesTask reads Elastic IP addresses; the API has no pagination.
func (l *Loader) addressesTask(filters []ec2types.Filter) *task {
	return listTask(inventory.KindAddresses, "ec2:DescribeAddresses", "",
		func(ctx context.Context, round int) ([]ec2types.Address, int, error) {
			out, err := l.ec2.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{Filters: filters})
			if err != nil {
				return nil, round, fmt.Errorf("describe addresses: %w", err)
			}
			return out.Addresses, round, nil
		},
		func(inv *inventory.Inventory, items []ec2types.Address) {
			inv.Addresses = mergeBy(inv.Addresses, items, func(v *ec2types.Address) string {
				if v.AllocationId != nil {
					return *v.AllocationId
				}
				return awssdk.ToString(v.PublicIp)
			})
		}, nil)
}

// hostedZonesTask lists hosted zones, then reads the associated VPCs and
// the records of each zone that want accepts (all when want is nil).
func (l *Loader) hostedZonesTask(want func(r53types.HostedZone) bool) *task {
	return listTask(inventory.KindHostedZones, "route53:ListHostedZones", "",
		func(ctx context.Context, round int) ([]r53types.HostedZone, int, error) {
			var out []r53types.HostedZone
			p := route53.NewListHostedZonesPaginator(l.r53, &route53.ListHostedZonesInput{MaxItems: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *route53.ListHostedZonesOutput) { out = append(out, o.HostedZones...) })
			if err != nil {
				return nil, last, fmt.Errorf("list hosted zones: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []r53types.HostedZone) {
			inv.HostedZones = mergeBy(inv.HostedZones, items, func(v *r53types.HostedZone) string { return awssdk.ToString(v.Id) })
		},
		func(zones []r53types.HostedZone) []*task {
			var ts []*task
			for _, z := range zones {
				if want == nil || want(z) {
					ts = append(ts, l.hostedZoneTask(awssdk.ToString(z.Id)), l.recordSetsTask(awssdk.ToString(z.Id)))
				}
			}
			return ts
		}, inventory.KindHostedZone, inventory.KindRecordSets)
}

func (l *Loader) hostedZoneTask(id string) *task {
	key := inventory.HostedZoneID(id)
	return &task{kind: inventory.KindHostedZone, action: "route53:GetHostedZone", scope: key,
		run: func(ctx context.Context, round int) (taskResult, error) {
			out, err := l.r53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: awssdk.String(key)})
			if err != nil {
				return taskResult{}, fmt.Errorf("get hosted zone %s: %w", key, err)
			}
			vpcs := out.VPCs
			if vpcs == nil {
				vpcs = []r53types.VPC{}
			}
			return taskResult{last: round, apply: func(inv *inventory.Inventory) { inv.HostedZoneVPCs[key] = vpcs }}, nil
		}}
}

func (l *Loader) recordSetsTask(id string) *task {
	key := inventory.HostedZoneID(id)
	return listTask(inventory.KindRecordSets, "route53:ListResourceRecordSets", key,
		func(ctx context.Context, round int) ([]r53types.ResourceRecordSet, int, error) {
			out := []r53types.ResourceRecordSet{}
			p := route53.NewListResourceRecordSetsPaginator(l.r53, &route53.ListResourceRecordSetsInput{HostedZoneId: awssdk.String(key), MaxItems: awssdk.Int32(300)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *route53.ListResourceRecordSetsOutput) { out = append(out, o.ResourceRecordSets...) })
			if err != nil {
				return nil, last, fmt.Errorf("list resource record sets of %s: %w", key, err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []r53types.ResourceRecordSet) { inv.RecordSets[key] = items }, nil)
}

func (l *Loader) resolverEndpointsTask() *task {
	return listTask(inventory.KindResolverEndpoints, "route53resolver:ListResolverEndpoints", "",
		func(ctx context.Context, round int) ([]resolvertypes.ResolverEndpoint, int, error) {
			var out []resolvertypes.ResolverEndpoint
			p := route53resolver.NewListResolverEndpointsPaginator(l.resolver, &route53resolver.ListResolverEndpointsInput{MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *route53resolver.ListResolverEndpointsOutput) { out = append(out, o.ResolverEndpoints...) })
			if err != nil {
				return nil, last, fmt.Errorf("list resolver endpoints: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []resolvertypes.ResolverEndpoint) {
			inv.ResolverEndpoints = mergeBy(inv.ResolverEndpoints, items, func(v *resolvertypes.ResolverEndpoint) string { return awssdk.ToString(v.Id) })
		},
		func(eps []resolvertypes.ResolverEndpoint) []*task {
			var ts []*task
			for _, ep := range eps {
				ts = append(ts, l.resolverIPsTask(awssdk.ToString(ep.Id)))
			}
			return ts
		}, inventory.KindResolverEndpointIPs)
}

func (l *Loader) resolverIPsTask(id string) *task {
	return listTask(inventory.KindResolverEndpointIPs, "route53resolver:ListResolverEndpointIpAddresses", id,
		func(ctx context.Context, round int) ([]resolvertypes.IpAddressResponse, int, error) {
			out := []resolvertypes.IpAddressResponse{}
			p := route53resolver.NewListResolverEndpointIpAddressesPaginator(l.resolver, &route53resolver.ListResolverEndpointIpAddressesInput{
				ResolverEndpointId: awssdk.String(id), MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *route53resolver.ListResolverEndpointIpAddressesOutput) { out = append(out, o.IpAddresses...) })
			if err != nil {
				return nil, last, fmt.Errorf("list resolver endpoint ip addresses of %s: %w", id, err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []resolvertypes.IpAddressResponse) { inv.ResolverIPs[id] = items }, nil)
}

func (l *Loader) resolverRulesTask() *task {
	return listTask(inventory.KindResolverRules, "route53resolver:ListResolverRules", "",
		func(ctx context.Context, round int) ([]resolvertypes.ResolverRule, int, error) {
			var out []resolvertypes.ResolverRule
			p := route53resolver.NewListResolverRulesPaginator(l.resolver, &route53resolver.ListResolverRulesInput{MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *route53resolver.ListResolverRulesOutput) { out = append(out, o.ResolverRules...) })
			if err != nil {
				return nil, last, fmt.Errorf("list resolver rules: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []resolvertypes.ResolverRule) {
			inv.ResolverRules = mergeBy(inv.ResolverRules, items, func(v *resolvertypes.ResolverRule) string { return awssdk.ToString(v.Id) })
		}, nil)
}

func (l *Loader) resolverRuleAssociationsTask() *task {
	return listTask(inventory.KindResolverRuleAssociations, "route53resolver:ListResolverRuleAssociations", "",
		func(ctx context.Context, round int) ([]resolvertypes.ResolverRuleAssociation, int, error) {
			var out []resolvertypes.ResolverRuleAssociation
			p := route53resolver.NewListResolverRuleAssociationsPaginator(l.resolver, &route53resolver.ListResolverRuleAssociationsInput{MaxResults: awssdk.Int32(100)})
			last, err := pages(ctx, round, p.HasMorePages, p.NextPage, func(o *route53resolver.ListResolverRuleAssociationsOutput) {
				out = append(out, o.ResolverRuleAssociations...)
			})
			if err != nil {
				return nil, last, fmt.Errorf("list resolver rule associations: %w", err)
			}
			return out, last, nil
		},
		func(inv *inventory.Inventory, items []resolvertypes.ResolverRuleAssociation) {
			inv.ResolverRuleAssociations = mergeBy(inv.ResolverRuleAssociations, items, func(v *resolvertypes.ResolverRuleAssociation) string {
				return awssdk.ToString(v.Id)
			})
		}, nil)
}

// LoadPath reads only what a check between the from and to ends needs, so
// the first verdict does not wait for the whole region. Each end is what
// checks.ParseEnd accepts: eni-…, i-…, an IP address or a hostname, with an
// optional :PORT. The calls use ID filters and run in three rounds:
//
//  1. the ends' network interfaces (by ID, instance, or address) and
//     instances;
//  2. the VPCs they sit in, with their DNS attributes, and every subnet,
//     route table (subnet, main and gateway-edge tables), NACL and security
//     group of those VPCs, their gateways, endpoints, peerings, transit
//     gateway attachments, flow logs and the interfaces' addresses (VPN
//     connections and egress-only gateways, which cannot be filtered by
//     VPC, are read whole in round 1);
//  3. what those reference: security groups of other VPCs named in rules,
//     prefix lists with their entries, transit gateways with their
//     attachments, peerings and the route tables the VPCs' attachments use
//     (routes and propagations), VPC peerings,
//     appliance interfaces and instances named in routes, DHCP options;
//  4. only when a route names an interface attached to an instance not read
//     yet: that instance, whose state decides whether the hop forwards.
//
// Round 2 reads whole VPCs rather than the ends' subnets and groups: a path
// also crosses a NAT gateway's subnet, a transit gateway attachment's
// subnet or an appliance's interface, whose NACLs and groups would
// otherwise need a fourth round, and a VPC's tables are small.
//
// A hostname adds two rounds before these: Route 53 zones whose name it
// ends in, their records, and Resolver rules, from which its addresses come.
//
// Kinds read this way are marked present: they hold everything the path can
// touch, not the whole region. For the same reason a failed listing leaves
// a gap for its whole kind (no Scope), not for what it looked for: the
// engine cannot tell a resource that failed to load from one that does not
// exist, so the layers that need the kind must say unknown. IDs that do not
// exist give *NotFoundError, with the inventory of the other ends returned.
func (l *Loader) LoadPath(ctx context.Context, from, to []string, onEvent func(Event)) (*inventory.Inventory, Stats, error) {
	if l.region == "" {
		return inventory.NewInventory(), Stats{}, &ConfigError{Err: ErrNoRegion}
	}
	var ends []checks.End
	for _, s := range slices.Concat(from, to) {
		e, err := checks.ParseEnd(s)
		if err != nil {
			return inventory.NewInventory(), Stats{}, fmt.Errorf("load path: %w", err)
		}
		ends = append(ends, e)
	}
	r := l.newRun(ctx, onEvent)
	defer r.cancel(nil)

	stage2 := []checks.DataKind{checks.KindSubnets, checks.KindVPCs, inventory.KindVPCAttribute, checks.KindRouteTables, checks.KindNetworkACLs,
		checks.KindInternetGateways, checks.KindNATGateways, checks.KindVPNGateways, checks.KindVPCEndpoints,
		inventory.KindTransitGatewayVPCAttachments, inventory.KindFlowLogs, inventory.KindAddresses, checks.KindEgressOnlyGateways, checks.KindVPNConnections}
	stage3 := []checks.DataKind{checks.KindNetworkInterfaces, checks.KindInstances, checks.KindSecurityGroups, checks.KindPeerings,
		checks.KindTransitGatewayAttachments, checks.KindPrefixLists, inventory.KindPrefixListEntries, checks.KindTransitGateways,
		checks.KindTransitGatewayRouteTables, inventory.KindTransitGatewayRoutes, inventory.KindTransitGatewayPropagations, inventory.KindDHCPOptions, inventory.KindTransitGatewayPeerings}
	r.hold(slices.Concat(stage2, stage3)...)

	var hosts []string
	var eniIDs, instanceIDs, privateIPs, publicIPs, v6IPs []string
	addAddr := func(a netip.Addr) {
		switch {
		case a.Is6() && !a.Is4In6():
			v6IPs = append(v6IPs, a.String())
		case a.Unmap().IsPrivate() || cgnat.Contains(a.Unmap()):
			privateIPs = append(privateIPs, a.Unmap().String())
		default:
			// A public address may belong to an interface (Elastic or
			// auto-assigned public IP) or be a VPC's own non-RFC 1918 range.
			privateIPs = append(privateIPs, a.Unmap().String())
			publicIPs = append(publicIPs, a.Unmap().String())
		}
	}
	for _, e := range ends {
		switch e.Kind {
		case checks.EndENI:
			eniIDs = append(eniIDs, e.ID)
		case checks.EndInstance:
			instanceIDs = append(instanceIDs, e.ID)
		case checks.EndAddress:
			addAddr(e.Addr)
		case checks.EndHost:
			hosts = append(hosts, e.Host)
		}
	}

	if len(hosts) > 0 {
		r.spawn(1,
			l.hostedZonesTask(func(z r53types.HostedZone) bool { return zoneServes(awssdk.ToString(z.Name), hosts) }),
			l.resolverRulesTask(), l.resolverRuleAssociationsTask(), l.resolverEndpointsTask())
		r.wg.Wait()
		r.mu.Lock()
		addrs := resolveInZones(r.inv, hosts)
		r.mu.Unlock()
		for _, a := range addrs {
			addAddr(a)
		}
	}

	// Round 1: the ends.
	next := int(r.maxRound.Load()) + 1
	var first []*task
	if len(eniIDs) > 0 {
		first = append(first, l.enisTask(filter("network-interface-id", eniIDs)))
	}
	if len(instanceIDs) > 0 {
		first = append(first,
			l.enisTask(filter("attachment.instance-id", instanceIDs)),
			l.instancesTask(filter("instance-id", instanceIDs)))
	}
	if len(privateIPs) > 0 {
		first = append(first, l.enisTask(filter("addresses.private-ip-address", privateIPs)))
	}
	if len(publicIPs) > 0 {
		first = append(first, l.enisTask(filter("association.public-ip", publicIPs)))
	}
	if len(v6IPs) > 0 {
		first = append(first, l.enisTask(filter("ipv6-addresses.ipv6-address", v6IPs)))
	}
	// Accounts hold few of these, and neither can be filtered by VPC.
	first = append(first, l.eigwsTask(), l.vpnConnectionsTask())
	r.spawn(next, first...)
	r.wg.Wait()
	// Direct Connect needs nothing from round 1 either, but its gateway
	// associations need its virtual interfaces: started now, the two run
	// alongside round 2 and add no round to the path.
	r.spawn(next, l.dxVirtualInterfacesTask())

	// Round 2: what the interfaces sit in.
	r.mu.Lock()
	var subnets, vpcs, attached, enis []string
	for _, n := range r.inv.NetworkInterfaces {
		enis = appendNew(enis, awssdk.ToString(n.NetworkInterfaceId))
		subnets = appendNew(subnets, awssdk.ToString(n.SubnetId))
		vpcs = appendNew(vpcs, awssdk.ToString(n.VpcId))
		if n.Attachment != nil && n.Attachment.InstanceId != nil {
			attached = appendNew(attached, *n.Attachment.InstanceId)
		}
	}
	instances := loadedInstances(r.inv)
	var missing []string
	// An ID whose lookup failed is not known to be missing.
	if len(r.failures[checks.KindNetworkInterfaces]) == 0 && len(r.failures[checks.KindInstances]) == 0 {
		missing = notFound(r.inv, eniIDs, instanceIDs)
	}
	r.mu.Unlock()
	attached = slices.DeleteFunc(attached, func(id string) bool { return instances[id] })
	var second []*task
	if len(vpcs) > 0 {
		second = append(second,
			l.subnetsTask(filter("vpc-id", vpcs)),
			l.vpcsTask(filter("vpc-id", vpcs), false),
			l.routeTablesTask(filter("vpc-id", vpcs)),
			l.naclsTask(filter("vpc-id", vpcs)),
			l.securityGroupsTask(filter("vpc-id", vpcs)),
			l.igwsTask(filter("attachment.vpc-id", vpcs)),
			l.natsTask(filter("vpc-id", vpcs)),
			l.vgwsTask(filter("attachment.vpc-id", vpcs)),
			l.endpointsTask(filter("vpc-id", vpcs)),
			l.tgwAttachmentsTask(filter("resource-id", vpcs)),
			l.tgwVPCAttachmentsTask(filter("vpc-id", vpcs)),
			l.peeringsTask(filter("requester-vpc-info.vpc-id", vpcs)),
			l.peeringsTask(filter("accepter-vpc-info.vpc-id", vpcs)),
		)
		second = append(second, chunked(slices.Concat(enis, subnets, vpcs), func(ids []string) *task { return l.flowLogsTask(filter("resource-id", ids)) })...)
		second = append(second, chunked(enis, func(ids []string) *task { return l.addressesTask(filter("network-interface-id", ids)) })...)
		second = append(second, l.vpcAttributeTasks(vpcs)...)
	}
	if len(attached) > 0 {
		second = append(second, l.instancesTask(filter("instance-id", attached)))
	}
	r.spawn(int(r.maxRound.Load())+1, second...)
	r.wg.Wait()
	r.release(stage2...)

	// Round 3: what those name.
	r.mu.Lock()
	ref := references(r.inv)
	r.mu.Unlock()
	var third []*task
	if len(ref.groups) > 0 {
		third = append(third, chunked(ref.groups, func(ids []string) *task { return l.securityGroupsTask(filter("group-id", ids)) })...)
	}
	if len(ref.prefixLists) > 0 {
		third = append(third, chunked(ref.prefixLists, func(ids []string) *task { return l.prefixListsTask(filter("prefix-list-id", ids), false) })...)
		for _, id := range ref.prefixLists {
			third = append(third, l.prefixListEntriesTask(id))
		}
	}
	if len(ref.tgws) > 0 {
		third = append(third,
			l.tgwsTask(filter("transit-gateway-id", ref.tgws)),
			l.tgwAttachmentsTask(filter("transit-gateway-id", ref.tgws)),
			l.tgwPeeringsTask(filter("transit-gateway-id", ref.tgws)))
	}
	if len(ref.tgwRouteTables) > 0 {
		third = append(third, l.tgwRouteTablesTask(filter("transit-gateway-route-table-id", ref.tgwRouteTables), false))
		for _, id := range ref.tgwRouteTables {
			third = append(third, l.tgwRoutesTask(id), l.tgwPropagationsTask(id))
		}
	}
	if len(ref.peerings) > 0 {
		third = append(third, chunked(ref.peerings, func(ids []string) *task { return l.peeringsTask(filter("vpc-peering-connection-id", ids)) })...)
	}
	if len(ref.enis) > 0 {
		third = append(third, l.enisTask(filter("network-interface-id", ref.enis)))
	}
	if len(ref.instances) > 0 {
		// A route to an instance goes to its primary interface, whose
		// source/destination check decides.
		third = append(third,
			l.instancesTask(filter("instance-id", ref.instances)),
			l.enisTask(filter("attachment.instance-id", ref.instances)))
	}
	if len(ref.dhcp) > 0 {
		third = append(third, l.dhcpTask(filter("dhcp-options-id", ref.dhcp)))
	}
	r.spawn(int(r.maxRound.Load())+1, third...)
	r.wg.Wait()
	// An appliance interface named in a route is read in round 3; the
	// instance behind it decides whether it forwards anything (a stopped
	// one does not), so it is read too, in one more round that only such
	// paths pay.
	r.mu.Lock()
	loaded := loadedInstances(r.inv)
	var behind []string
	for _, n := range r.inv.NetworkInterfaces {
		if n.Attachment != nil && n.Attachment.InstanceId != nil && !loaded[*n.Attachment.InstanceId] {
			behind = appendNew(behind, *n.Attachment.InstanceId)
		}
	}
	r.mu.Unlock()
	if len(behind) > 0 {
		r.spawn(int(r.maxRound.Load())+1, chunked(behind, func(ids []string) *task { return l.instancesTask(filter("instance-id", ids)) })...)
		r.wg.Wait()
	}
	r.release(stage3...)

	inv, stats, err := r.finish()
	if err == nil && len(missing) > 0 {
		err = &NotFoundError{Region: l.region, IDs: missing}
	}
	return inv, stats, err
}

// maxFilterValues is the most values EC2 accepts in one filter.
const maxFilterValues = 200

// chunked builds one task per maxFilterValues IDs.
func chunked(ids []string, mk func([]string) *task) []*task {
	var ts []*task
	for c := range slices.Chunk(ids, maxFilterValues) {
		ts = append(ts, mk(c))
	}
	return ts
}

// cgnat is the shared address space VPCs may use besides RFC 1918.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

func appendNew(s []string, v string) []string {
	if v == "" || slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

func loadedInstances(inv *inventory.Inventory) map[string]bool {
	ids := map[string]bool{}
	for _, res := range inv.Reservations {
		for _, i := range res.Instances {
			ids[awssdk.ToString(i.InstanceId)] = true
		}
	}
	return ids
}

// notFound lists the requested interface and instance IDs the first round
// did not find.
func notFound(inv *inventory.Inventory, eniIDs, instanceIDs []string) []string {
	var missing []string
	for _, id := range eniIDs {
		if !slices.ContainsFunc(inv.NetworkInterfaces, func(n ec2types.NetworkInterface) bool { return awssdk.ToString(n.NetworkInterfaceId) == id }) {
			missing = append(missing, id)
		}
	}
	have := loadedInstances(inv)
	for _, id := range instanceIDs {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	return missing
}

// refs are IDs that the second round's data names and the third reads.
type refs struct {
	groups, prefixLists, tgws, tgwRouteTables, peerings, enis, instances, dhcp []string
}

// references collects what the loaded route tables, security groups, VPCs
// and transit gateway attachments refer to and is not loaded yet.
func references(inv *inventory.Inventory) refs {
	var r refs
	haveGroup := map[string]bool{}
	for _, g := range inv.SecurityGroups {
		haveGroup[awssdk.ToString(g.GroupId)] = true
	}
	for _, g := range inv.SecurityGroups {
		for _, p := range slices.Concat(g.IpPermissions, g.IpPermissionsEgress) {
			for _, pair := range p.UserIdGroupPairs {
				if id := awssdk.ToString(pair.GroupId); !haveGroup[id] {
					r.groups = appendNew(r.groups, id)
				}
			}
			for _, pl := range p.PrefixListIds {
				r.prefixLists = appendNew(r.prefixLists, awssdk.ToString(pl.PrefixListId))
			}
		}
	}
	havePeering := map[string]bool{}
	for _, p := range inv.Peerings {
		havePeering[awssdk.ToString(p.VpcPeeringConnectionId)] = true
	}
	haveENI := map[string]bool{}
	for _, n := range inv.NetworkInterfaces {
		haveENI[awssdk.ToString(n.NetworkInterfaceId)] = true
	}
	haveInstance := loadedInstances(inv)
	for _, rt := range inv.RouteTables {
		for _, rte := range rt.Routes {
			r.prefixLists = appendNew(r.prefixLists, awssdk.ToString(rte.DestinationPrefixListId))
			r.tgws = appendNew(r.tgws, awssdk.ToString(rte.TransitGatewayId))
			if id := awssdk.ToString(rte.VpcPeeringConnectionId); id != "" && !havePeering[id] {
				r.peerings = appendNew(r.peerings, id)
			}
			if id := awssdk.ToString(rte.NetworkInterfaceId); id != "" && !haveENI[id] {
				r.enis = appendNew(r.enis, id)
			}
			if id := awssdk.ToString(rte.InstanceId); id != "" && !haveInstance[id] {
				r.instances = appendNew(r.instances, id)
			}
		}
	}
	for _, a := range inv.TransitGatewayAttachments {
		r.tgws = appendNew(r.tgws, awssdk.ToString(a.TransitGatewayId))
		if a.Association != nil {
			r.tgwRouteTables = appendNew(r.tgwRouteTables, awssdk.ToString(a.Association.TransitGatewayRouteTableId))
		}
	}
	for _, v := range inv.VPCs {
		if id := awssdk.ToString(v.DhcpOptionsId); id != "default" {
			r.dhcp = appendNew(r.dhcp, id)
		}
	}
	return r
}

// zoneServes reports whether a hosted zone named zone could hold a record
// for one of the hosts.
func zoneServes(zone string, hosts []string) bool {
	zone = strings.ToLower(strings.TrimSuffix(zone, "."))
	for _, h := range hosts {
		if h == zone || strings.HasSuffix(h, "."+zone) {
			return true
		}
	}
	return false
}

// resolveInZones finds the addresses the loaded records give the hosts,
// following CNAME and alias records within the loaded zones. It only picks
// which interfaces to read; the DNS layer decides what the source's
// resolver would answer.
func resolveInZones(inv *inventory.Inventory, hosts []string) []netip.Addr {
	byName := map[string][]r53types.ResourceRecordSet{}
	for _, sets := range inv.RecordSets {
		for _, rs := range sets {
			name := strings.ToLower(strings.TrimSuffix(awssdk.ToString(rs.Name), "."))
			byName[name] = append(byName[name], rs)
		}
	}
	var out []netip.Addr
	seen := map[string]bool{}
	var walk func(name string, depth int)
	walk = func(name string, depth int) {
		name = strings.ToLower(strings.TrimSuffix(name, "."))
		if depth > 8 || seen[name] {
			return
		}
		seen[name] = true
		for _, rs := range byName[name] {
			if rs.AliasTarget != nil {
				walk(awssdk.ToString(rs.AliasTarget.DNSName), depth+1)
			}
			for _, rr := range rs.ResourceRecords {
				v := awssdk.ToString(rr.Value)
				switch rs.Type {
				case r53types.RRTypeA, r53types.RRTypeAaaa:
					if a, err := netip.ParseAddr(v); err == nil && !slices.Contains(out, a) {
						out = append(out, a)
					}
				case r53types.RRTypeCname:
					walk(v, depth+1)
				}
			}
		}
	}
	for _, h := range hosts {
		walk(h, 0)
	}
	return out
}

// dxVirtualInterfacesTask reads the Direct Connect virtual interfaces (the
// API has no pagination), then the associations of each Direct Connect
// gateway they end on: which virtual private or transit gateways those
// gateways serve.
func (l *Loader) dxVirtualInterfacesTask() *task {
	return listTask(inventory.KindDXVirtualInterfaces, "directconnect:DescribeVirtualInterfaces", "",
		func(ctx context.Context, round int) ([]dxtypes.VirtualInterface, int, error) {
			out, err := l.dx.DescribeVirtualInterfaces(ctx, &directconnect.DescribeVirtualInterfacesInput{})
			if err != nil {
				return nil, round, fmt.Errorf("describe virtual interfaces: %w", err)
			}
			return out.VirtualInterfaces, round, nil
		},
		func(inv *inventory.Inventory, items []dxtypes.VirtualInterface) {
			inv.DXVirtualInterfaces = mergeBy(inv.DXVirtualInterfaces, items, func(v *dxtypes.VirtualInterface) string { return awssdk.ToString(v.VirtualInterfaceId) })
		},
		func(vifs []dxtypes.VirtualInterface) []*task {
			var gateways []string
			for _, v := range vifs {
				if id := awssdk.ToString(v.DirectConnectGatewayId); id != "" {
					gateways = appendNew(gateways, id)
				}
			}
			ts := make([]*task, 0, len(gateways))
			for _, id := range gateways {
				ts = append(ts, l.dxAssociationsTask(id))
			}
			return ts
		}, inventory.KindDXAssociations)
}

// dxMaxPages stops a server that keeps returning tokens (the Direct
// Connect SDK has no paginator for this call).
const dxMaxPages = 10000

func (l *Loader) dxAssociationsTask(dxgw string) *task {
	return listTask(inventory.KindDXAssociations, "directconnect:DescribeDirectConnectGatewayAssociations", dxgw,
		func(ctx context.Context, round int) ([]dxtypes.DirectConnectGatewayAssociation, int, error) {
			var out []dxtypes.DirectConnectGatewayAssociation
			in := &directconnect.DescribeDirectConnectGatewayAssociationsInput{DirectConnectGatewayId: awssdk.String(dxgw)}
			last := round
			for page := 0; ; page++ {
				if page > 0 {
					last++
				}
				o, err := l.dx.DescribeDirectConnectGatewayAssociations(withRound(ctx, last), in)
				if err != nil {
					return nil, last, fmt.Errorf("describe direct connect gateway associations of %s: %w", dxgw, err)
				}
				out = append(out, o.DirectConnectGatewayAssociations...)
				if awssdk.ToString(o.NextToken) == "" {
					return out, last, nil
				}
				if page >= dxMaxPages {
					return nil, last, fmt.Errorf("describe direct connect gateway associations of %s: more than %d pages", dxgw, dxMaxPages)
				}
				in.NextToken = o.NextToken
			}
		},
		func(inv *inventory.Inventory, items []dxtypes.DirectConnectGatewayAssociation) {
			inv.DXAssociations = mergeBy(inv.DXAssociations, items, func(a *dxtypes.DirectConnectGatewayAssociation) string {
				return awssdk.ToString(a.DirectConnectGatewayId) + "/" + awssdk.ToString(a.AssociationId)
			})
		}, nil)
}
