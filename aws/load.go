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
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
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
	// Kind is the AWS CLI command whose data landed; empty for the first
	// event of a load, which only says what is in flight.
	Kind checks.DataKind
	// Inventory is a consistent copy of everything loaded so far, with a
	// pending gap (Gap.Pending) for every kind still in flight. The
	// receiver owns it: the loader never changes it afterwards. A load
	// that hands its interfaces and instances to a PageSink
	// (LoadAllStreaming) leaves them out of it.
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
	// accountSlots and overallSlots, when set, bound the calls in flight
	// across every load of one account, and across all accounts.
	accountSlots, overallSlots chan struct{}
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
	elb         *elasticloadbalancingv2.Client
	rds         *rds.Client
	region      string
	concurrency int
	loadTimeout time.Duration
	// accountSlots and overallSlots are shared with the other loads of an
	// organisation (WithSharedLimits); nil for a load of its own.
	accountSlots, overallSlots chan struct{}
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
		elb: elasticloadbalancingv2.NewFromConfig(cfg, func(c *elasticloadbalancingv2.Options) {
			c.APIOptions = append(c.APIOptions, ReadOnlyGuard("elasticloadbalancing"), instrument, bound)
		}),
		rds: rds.NewFromConfig(cfg, func(c *rds.Options) {
			c.APIOptions = append(c.APIOptions, ReadOnlyGuard("rds"), instrument, bound)
		}),
		region:       cfg.Region,
		concurrency:  o.concurrency,
		loadTimeout:  o.loadTimeout,
		accountSlots: o.accountSlots,
		overallSlots: o.overallSlots,
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
	return l.loadAll(ctx, nil, onEvent)
}

// PageSink takes the network interfaces and the instances of a full load
// page by page, as they arrive, in place of the inventory: they are a
// region's largest outputs by far, and a consumer that converts each page
// when it lands (convert.Assembler) need not hold the raw pages. The page
// methods are called from the loader's goroutines, one page at a time;
// Done(kind, true) when a listing finished (under the same lock as the
// merge of any other kind, so an event emitted afterwards reports the kind
// present), Done(kind, false) when it failed: its pages then count for
// nothing.
type PageSink interface {
	InterfacesPage([]ec2types.NetworkInterface)
	InstancesPage([]ec2types.Reservation)
	Done(kind checks.DataKind, ok bool)
}

// LoadAllStreaming is LoadAll with the network interfaces and the
// instances handed to sink as each page arrives rather than kept: the
// inventory it returns, and every event's, holds neither (its Present and
// Gaps still say whether they loaded). reach snapshot save, which writes
// the raw outputs, uses LoadAll.
func (l *Loader) LoadAllStreaming(ctx context.Context, sink PageSink, onEvent func(Event)) (*inventory.Inventory, Stats, error) {
	if sink == nil {
		return nil, Stats{}, errors.New("LoadAllStreaming: no sink for the pages")
	}
	return l.loadAll(ctx, sink, onEvent)
}

func (l *Loader) loadAll(ctx context.Context, sink PageSink, onEvent func(Event)) (*inventory.Inventory, Stats, error) {
	if l.region == "" {
		return inventory.NewInventory(), Stats{}, &ConfigError{Err: ErrNoRegion}
	}
	r := l.newRun(ctx, onEvent)
	defer r.cancel(nil)
	tasks := l.allTasks()
	if sink != nil {
		for i, t := range tasks {
			switch t.kind {
			case checks.KindNetworkInterfaces:
				tasks[i] = streamedTask(t.kind, t.action, "describe network interfaces", &r.streamedENIs, sink,
					func(ctx context.Context, round int, page func([]ec2types.NetworkInterface)) (int, error) {
						p := ec2.NewDescribeNetworkInterfacesPaginator(l.ec2, &ec2.DescribeNetworkInterfacesInput{MaxResults: awssdk.Int32(1000)})
						return pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeNetworkInterfacesOutput) { page(o.NetworkInterfaces) })
					}, sink.InterfacesPage)
			case checks.KindInstances:
				var instances int
				tasks[i] = streamedTask(t.kind, t.action, "describe instances", &instances, sink,
					func(ctx context.Context, round int, page func([]ec2types.Reservation)) (int, error) {
						p := ec2.NewDescribeInstancesPaginator(l.ec2, &ec2.DescribeInstancesInput{MaxResults: awssdk.Int32(1000)})
						return pages(ctx, round, p.HasMorePages, p.NextPage, func(o *ec2.DescribeInstancesOutput) { page(o.Reservations) })
					}, sink.InstancesPage)
			}
		}
	}
	r.spawn(1, tasks...)
	r.started()
	r.wg.Wait()
	inv, stats, err := r.finish()
	if err == nil && inv.Present[checks.KindNetworkInterfaces] && len(inv.NetworkInterfaces) == 0 && r.streamedENIs == 0 {
		err = &EmptyRegionError{Region: l.region, VPCs: len(inv.VPCs)}
	}
	return inv, stats, err
}

// streamedTask is a listing whose pages go to sink as each arrives
// (deliver) instead of into the inventory; count, written under the run's
// lock with the merge, is how many entries the listing returned.
func streamedTask[T any](kind checks.DataKind, action, what string, count *int, sink PageSink,
	list func(ctx context.Context, round int, page func([]T)) (int, error), deliver func([]T),
) *task {
	return &task{kind: kind, action: action,
		run: func(ctx context.Context, round int) (taskResult, error) {
			n := 0
			last, err := list(ctx, round, func(page []T) {
				deliver(page)
				n += len(page)
			})
			if err != nil {
				sink.Done(kind, false)
				return taskResult{}, fmt.Errorf("%s: %w", what, err)
			}
			return taskResult{last: last, apply: func(*inventory.Inventory) {
				sink.Done(kind, true)
				*count = n
			}}, nil
		}}
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
		l.loadBalancersTask(nil, false),
		l.targetGroupsTask(nil),
		l.dbInstancesTask(),
		l.dbClustersTask(),
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
	// overall, when set, is a second bound shared by every load of an
	// organisation; it is taken after sem, always in that order.
	overall chan struct{}
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
	// streamedENIs counts the interfaces handed to a sink instead of inv.
	streamedENIs int
	// emitMu keeps events in the order their snapshots were taken: it is
	// taken before mu is released and held while the callback runs.
	emitMu sync.Mutex
}

type runKey struct{}

type roundKey struct{}

func (l *Loader) newRun(ctx context.Context, onEvent func(Event)) *run {
	sem := l.accountSlots
	if sem == nil {
		sem = make(chan struct{}, l.concurrency)
	}
	r := &run{
		l:         l,
		onEvent:   onEvent,
		sem:       sem,
		overall:   l.overallSlots,
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
			if r.overall != nil {
				select {
				case r.overall <- struct{}{}:
				case <-ctx.Done():
					return middleware.InitializeOutput{}, middleware.Metadata{}, context.Cause(ctx)
				}
				defer func() { <-r.overall }()
			}
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

// started tells the receiver what is in flight before anything lands, so
// that a stalled account shows the calls it waits on from the start.
func (r *run) started() {
	if r.onEvent == nil {
		return
	}
	// The same lock order as settle: the snapshot under mu, the callback
	// under emitMu, taken before mu is released.
	r.mu.Lock()
	snap, stats := r.snapshot(), r.stats()
	r.emitMu.Lock()
	r.mu.Unlock()
	defer r.emitMu.Unlock()
	r.onEvent(Event{Inventory: snap, Stats: stats})
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
