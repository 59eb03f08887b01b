package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"

	"github.com/reachnet/reach/checks"
)

// HistoryAction is the one call of the change history: CloudTrail event
// history's LookupEvents, read-only and free, limited by AWS to about two
// calls a second per account and Region.
const HistoryAction = "cloudtrail:LookupEvents"

// History defaults.
const (
	// DefaultHistoryWindow is how far back --history looks.
	DefaultHistoryWindow = 7 * 24 * time.Hour
	// DefaultHistoryInterval keeps calls under LookupEvents' limit of two
	// a second, with a margin for clocks and other callers.
	DefaultHistoryInterval = 550 * time.Millisecond
	// DefaultHistoryBudget bounds a whole lookup; what is not read by then
	// is named as a gap (the window cut short).
	DefaultHistoryBudget = 60 * time.Second
	// DefaultHistoryPages bounds the pages (50 events each) read for one
	// resource.
	DefaultHistoryPages = 10
	// DefaultHistoryResources bounds the resources looked up.
	DefaultHistoryResources = 40
)

// HistoryOptions tune a lookup; zero values take the defaults.
type HistoryOptions struct {
	Window    time.Duration
	Interval  time.Duration
	Budget    time.Duration
	MaxPages  int
	Resources int
	// Progress, when set, is called after each resource with how many of
	// the total are done (from the calling goroutine).
	Progress func(done, total int)
	// Now returns the current time (tests).
	Now func() time.Time
}

// HistoryResult is what a lookup found: events newest first, what could
// not be read, and the calls it made.
type HistoryResult struct {
	Events []checks.HistoryEvent
	Gaps   []string
	Calls  int
}

// History reads CloudTrail event history for resources, one at a time,
// paced under the account's rate limit.
type History struct {
	client *cloudtrail.Client
	pacer  *pacer
}

// NewHistory builds the CloudTrail client, guarded like every other
// client: it can call LookupEvents and nothing else. Its retries are few:
// a throttled lookup is a gap to name, not a reason to wait.
func NewHistory(cfg sdkaws.Config) *History {
	return &History{
		client: cloudtrail.NewFromConfig(cfg, func(o *cloudtrail.Options) {
			o.APIOptions = append(o.APIOptions, ReadOnlyGuard("cloudtrail"))
			o.Retryer = NewRetryer(2, 2*time.Second)()
		}),
		pacer: pacerFor(cfg.Region),
	}
}

// pacer spaces calls at least interval apart. One pacer serves every
// lookup of a Region in this process, so that the terminal's history pane
// and a check share the account's rate.
type pacer struct {
	mu   sync.Mutex
	next time.Time
}

var (
	pacersMu sync.Mutex
	pacers   = map[string]*pacer{}
)

func pacerFor(region string) *pacer {
	pacersMu.Lock()
	defer pacersMu.Unlock()
	p := pacers[region]
	if p == nil {
		p = &pacer{}
		pacers[region] = p
	}
	return p
}

// wait blocks until the next call may go, or ctx ends.
func (p *pacer) wait(ctx context.Context, interval time.Duration) error {
	p.mu.Lock()
	now := time.Now()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(interval)
	p.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return ctx.Err()
}

// Lookup reads the management events of each resource over the window,
// newest first. It never fails: a denied or throttled call, or a budget
// that runs out, is a gap that names what was not read.
func (h *History) Lookup(ctx context.Context, resources []string, opt HistoryOptions) HistoryResult {
	opt = opt.withDefaults()
	var res HistoryResult
	if len(resources) > opt.Resources {
		res.Gaps = append(res.Gaps, fmt.Sprintf("history of %d resources not looked up (only the first %d, the blocking one first)", len(resources)-opt.Resources, opt.Resources))
		resources = resources[:opt.Resources]
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Budget)
	defer cancel()
	end := opt.Now()
	start := end.Add(-opt.Window)
	for i, id := range resources {
		evs, gap, stop := h.lookupOne(ctx, id, start, end, opt, &res.Calls)
		res.Events = append(res.Events, evs...)
		if gap != "" {
			res.Gaps = append(res.Gaps, gap)
		}
		if opt.Progress != nil {
			opt.Progress(i+1, len(resources))
		}
		if stop {
			if rest := len(resources) - i - 1; rest > 0 {
				res.Gaps = append(res.Gaps, fmt.Sprintf("history of %d more resources not read: %s", rest, strings.Join(resources[i+1:min(i+6, len(resources))], ", ")+more(rest-5)))
			}
			break
		}
	}
	res.Events = checks.SortHistory(res.Events)
	return res
}

func more(n int) string {
	if n > 0 {
		return fmt.Sprintf(" and %d more", n)
	}
	return ""
}

// lookupOne pages through one resource's events. stop says that no
// further resource should be asked (denied, throttled, out of time).
func (h *History) lookupOne(ctx context.Context, id string, start, end time.Time, opt HistoryOptions, calls *int) (evs []checks.HistoryEvent, gap string, stop bool) {
	in := &cloudtrail.LookupEventsInput{
		LookupAttributes: []cttypes.LookupAttribute{{AttributeKey: cttypes.LookupAttributeKeyResourceName, AttributeValue: sdkaws.String(id)}},
		StartTime:        sdkaws.Time(start),
		EndTime:          sdkaws.Time(end),
		MaxResults:       sdkaws.Int32(50),
	}
	oldest := end
	for page := 0; ; page++ {
		if page == opt.MaxPages {
			return evs, fmt.Sprintf("window cut short for %s: more than %d events; read back to %s only", id, opt.MaxPages*50, stamp(oldest)), false
		}
		if err := h.pacer.wait(ctx, opt.Interval); err != nil {
			return evs, cutShort(id, page, oldest, opt.Budget), true
		}
		*calls++
		out, err := h.client.LookupEvents(ctx, in)
		if err != nil {
			if ctx.Err() != nil {
				return evs, cutShort(id, page, oldest, opt.Budget), true
			}
			return evs, lookupGap(id, err), stopsLookups(err)
		}
		for _, e := range out.Events {
			if e.EventTime != nil && e.EventTime.Before(oldest) {
				oldest = *e.EventTime
			}
			if sdkaws.ToString(e.ReadOnly) == "true" {
				continue
			}
			evs = append(evs, historyEvent(id, e))
		}
		if sdkaws.ToString(out.NextToken) == "" {
			return evs, "", false
		}
		in.NextToken = out.NextToken
	}
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

func cutShort(id string, page int, oldest time.Time, budget time.Duration) string {
	if page == 0 {
		return fmt.Sprintf("window cut short: the history's time budget (%s) ran out before %s", budget, id)
	}
	return fmt.Sprintf("window cut short: the history's time budget (%s) ran out; %s read back to %s only", budget, id, stamp(oldest))
}

// lookupGap names a failed lookup the way the check's gaps do: what, why,
// and what would bring the data.
func lookupGap(id string, err error) string {
	var nae *NotAllowedError
	if errors.As(err, &nae) {
		return nae.Error()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code := ae.ErrorCode()
		switch {
		case isDenied(code):
			return fmt.Sprintf("history not read: %s denied (%s); grant %s", HistoryAction, code, HistoryAction)
		case isThrottle(code):
			return fmt.Sprintf("history of %s not read: %s throttled (%s); retry in a minute", id, HistoryAction, code)
		}
		return fmt.Sprintf("history of %s not read: %s: %s", id, code, ae.ErrorMessage())
	}
	return fmt.Sprintf("history of %s not read: %s", id, Explain(err))
}

func isDenied(code string) bool {
	return code == "AccessDeniedException" || code == "AccessDenied" || code == "UnauthorizedOperation"
}

// stopsLookups reports whether an error will fail every further lookup
// alike: a denial, throttling, a refused action.
func stopsLookups(err error) bool {
	var nae *NotAllowedError
	if errors.As(err, &nae) {
		return true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return isDenied(ae.ErrorCode()) || isThrottle(ae.ErrorCode())
	}
	return true
}

// trailRecord is the part of a CloudTrail record the history shows.
type trailRecord struct {
	UserIdentity struct {
		Type           string `json:"type"`
		ARN            string `json:"arn"`
		SessionContext struct {
			SessionIssuer struct {
				ARN string `json:"arn"`
			} `json:"sessionIssuer"`
		} `json:"sessionContext"`
	} `json:"userIdentity"`
	SourceIP          string          `json:"sourceIPAddress"`
	UserAgent         string          `json:"userAgent"`
	RequestParameters json.RawMessage `json:"requestParameters"`
}

// maxRecordSize bounds the CloudTrail record decoded for one event
// (CloudTrail caps them near 100 KB); a larger one keeps only the summary
// fields of the lookup.
const maxRecordSize = 256 << 10

func historyEvent(id string, e cttypes.Event) checks.HistoryEvent {
	ev := checks.HistoryEvent{
		Event:     sdkaws.ToString(e.EventName),
		Component: id,
		Principal: sdkaws.ToString(e.Username),
		EventID:   sdkaws.ToString(e.EventId),
	}
	if e.EventTime != nil {
		ev.Time = e.EventTime.UTC()
	}
	raw := sdkaws.ToString(e.CloudTrailEvent)
	var rec trailRecord
	if len(raw) > maxRecordSize || json.Unmarshal([]byte(raw), &rec) != nil {
		return ev
	}
	if rec.UserIdentity.ARN != "" {
		ev.Principal = rec.UserIdentity.ARN
	}
	if rec.UserIdentity.Type == "AssumedRole" {
		// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
		if parts := strings.Split(rec.UserIdentity.ARN, "/"); len(parts) >= 3 {
			ev.SessionName = parts[len(parts)-1]
		}
	}
	ev.SourceIP = rec.SourceIP
	ev.UserAgent = truncate(rec.UserAgent, 120)
	ev.Detail = requestDetail(rec.RequestParameters)
	return ev
}

// maxDetail bounds the request parameters quoted for one event.
const maxDetail = 400

// requestDetail flattens an event's request parameters into "name value"
// pairs in the record's order of keys (sorted): "groupId sg-0abc,
// ipProtocol tcp, fromPort 5432, toPort 5432, groupId sg-0app". Containers
// ("items", "ipPermissions") are walked, not named; client tokens and
// dry-run flags say nothing about the change and are left out.
func requestDetail(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return ""
	}
	var parts []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if slices.Contains([]string{"clientToken", "dryRun", "DryRun", "ClientToken"}, k) {
					continue
				}
				walk(k, x[k])
			}
		case []any:
			for _, e := range x {
				walk(key, e)
			}
		case nil:
		case string:
			parts = append(parts, key+" "+x)
		case json.Number:
			parts = append(parts, key+" "+x.String())
		case bool:
			parts = append(parts, key+" "+strconv.FormatBool(x))
		}
	}
	walk("", v)
	return truncate(strings.Join(parts, ", "), maxDetail)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8Start(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

func (o HistoryOptions) withDefaults() HistoryOptions {
	if o.Window <= 0 {
		o.Window = DefaultHistoryWindow
	}
	if o.Interval <= 0 {
		o.Interval = DefaultHistoryInterval
	}
	if o.Budget <= 0 {
		o.Budget = DefaultHistoryBudget
	}
	if o.MaxPages <= 0 {
		o.MaxPages = DefaultHistoryPages
	}
	if o.Resources <= 0 {
		o.Resources = DefaultHistoryResources
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}
