package flowlogs

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// InsightsAPI is the part of the CloudWatch Logs client a Logs Insights
// query uses.
type InsightsAPI interface {
	StartQuery(ctx context.Context, in *cloudwatchlogs.StartQueryInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.StartQueryOutput, error)
	GetQueryResults(ctx context.Context, in *cloudwatchlogs.GetQueryResultsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetQueryResultsOutput, error)
	StopQuery(ctx context.Context, in *cloudwatchlogs.StopQueryInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.StopQueryOutput, error)
}

// InsightsLimit is the most results one Logs Insights query returns.
const InsightsLimit = 10_000

// InsightsOptions configure a Logs Insights source.
type InsightsOptions struct {
	Options
	// Hosts narrows the query to records holding every address (the
	// path's ends).
	Hosts []netip.Addr
	// PollEvery is the time between GetQueryResults calls (500 ms).
	PollEvery time.Duration
}

// InsightsSource reads the records of a past window ("the last 30 minutes
// of this path") with one Logs Insights query, and ends when the query
// does.
type InsightsSource struct {
	api        InsightsAPI
	t          Target
	start, end time.Time
	opts       InsightsOptions
}

// NewInsightsSource queries t's log groups for the records stamped between
// start and end.
func NewInsightsSource(api InsightsAPI, t Target, start, end time.Time, opts InsightsOptions) *InsightsSource {
	return &InsightsSource{api: api, t: t, start: start, end: end, opts: opts}
}

// Name implements Source.
func (s *InsightsSource) Name() string {
	return fmt.Sprintf("Logs Insights query of %s, %s to %s", groupNames(s.t.LogGroups),
		s.start.UTC().Format("2006-01-02 15:04Z"), s.end.UTC().Format("15:04Z"))
}

// InsightsQuery is the query reach runs: the raw records of the ENIs'
// streams that hold every address, oldest first. Filtering on @message
// keeps it independent of the log format (Insights discovers flow-log
// fields only for the default one); records are parsed by reach.
func InsightsQuery(enis []string, hosts []netip.Addr) string {
	var b strings.Builder
	b.WriteString("fields @timestamp, @message, @logStream")
	if len(enis) > 0 {
		terms := make([]string, len(enis))
		for i, e := range enis {
			terms[i] = "@logStream like " + quote(e)
		}
		b.WriteString("\n| filter " + strings.Join(terms, " or "))
	}
	var terms []string
	for _, h := range hosts {
		if h.IsValid() {
			terms = append(terms, "@message like "+quote(h.String()))
		}
	}
	if len(terms) > 0 {
		b.WriteString("\n| filter " + strings.Join(terms, " and "))
	}
	fmt.Fprintf(&b, "\n| sort @timestamp asc\n| limit %d", InsightsLimit)
	return b.String()
}

// quote makes a Logs Insights string literal; IDs and addresses hold no
// quotes, but a stray one must not end the literal.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// Run implements Source. Cancelling ctx stops the query on the service
// side as well.
func (s *InsightsSource) Run(ctx context.Context, emit func(Batch)) error {
	opts := s.opts
	opts.Options = opts.Options.withDefaults()
	if opts.PollEvery <= 0 {
		opts.PollEvery = 500 * time.Millisecond
	}
	if len(s.t.LogGroups) == 0 {
		return errors.New("no log group to query with Logs Insights")
	}
	b := newBatcher(opts.Options, false, s.Name(), emit)
	stop := b.start(ctx, opts.FlushInterval)
	defer stop()

	in := &cloudwatchlogs.StartQueryInput{
		StartTime:   awssdk.Int64(s.start.Unix()),
		EndTime:     awssdk.Int64(s.end.Unix()),
		QueryString: awssdk.String(InsightsQuery(s.t.ENIs, opts.Hosts)),
		Limit:       awssdk.Int32(InsightsLimit),
	}
	// StartQuery takes names or identifiers, not both.
	byName := true
	for _, g := range s.t.LogGroups {
		byName = byName && g.Name != ""
	}
	for _, g := range s.t.LogGroups {
		if byName {
			in.LogGroupNames = append(in.LogGroupNames, g.Name)
		} else {
			in.LogGroupIdentifiers = append(in.LogGroupIdentifiers, firstNonEmpty(g.ARN, g.Name))
		}
	}
	out, err := s.api.StartQuery(ctx, in)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		if denied(err) {
			return fmt.Errorf("StartQuery: %s (grant logs:StartQuery and logs:GetQueryResults)", shortReason(err))
		}
		return fmt.Errorf("StartQuery: %s", shortReason(err))
	}
	id := awssdk.ToString(out.QueryId)
	tick := time.NewTicker(opts.PollEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			s.stopQuery(id)
			return nil
		case <-tick.C:
		}
		rows := 0
		status, err := s.results(ctx, id, func(row []types.ResultField) {
			rows++
			var msg, stream string
			for _, f := range row {
				switch awssdk.ToString(f.Field) {
				case "@message":
					msg = awssdk.ToString(f.Value)
				case "@logStream":
					stream = awssdk.ToString(f.Value)
				}
			}
			if msg != "" && streamMatches(stream, s.t.ENIs) {
				b.line(msg)
			}
		})
		if err != nil {
			if ctx.Err() != nil {
				s.stopQuery(id)
				return nil
			}
			return fmt.Errorf("GetQueryResults: %s", shortReason(err))
		}
		switch status {
		case types.QueryStatusScheduled, types.QueryStatusRunning:
			continue
		case types.QueryStatusComplete:
		default:
			return fmt.Errorf("the Logs Insights query %s ended %s", id, status)
		}
		switch {
		case rows == 0:
			// Nothing found is only as good as the question: say what was
			// asked.
			b.status("", "the Logs Insights query found nothing: it asked for "+s.asked(opts.Hosts))
		case rows >= InsightsLimit:
			b.status("", fmt.Sprintf("the window holds more than %d matching records, the most one query returns: only the oldest are shown; narrow the window", InsightsLimit))
		}
		return nil
	}
}

// asked says in words what the query asks for.
func (s *InsightsSource) asked(hosts []netip.Addr) string {
	var b strings.Builder
	b.WriteString("the records of " + groupNames(s.t.LogGroups))
	if len(s.t.ENIs) > 0 {
		b.WriteString(" in the streams of " + strings.Join(s.t.ENIs, ", "))
	}
	var hs []string
	for _, h := range hosts {
		if h.IsValid() {
			hs = append(hs, h.String())
		}
	}
	if len(hs) > 0 {
		b.WriteString(" whose text holds " + strings.Join(hs, " and "))
	}
	fmt.Fprintf(&b, ", stamped %s to %s", s.start.UTC().Format("2006-01-02 15:04:05Z"), s.end.UTC().Format("15:04:05Z"))
	return b.String()
}

// results reads a query's results page by page, handing each row to each
// as its page arrives and keeping no page. Rows are read only once the
// query is complete; until then it returns the query's status alone.
func (s *InsightsSource) results(ctx context.Context, id string, each func([]types.ResultField)) (types.QueryStatus, error) {
	in := &cloudwatchlogs.GetQueryResultsInput{QueryId: awssdk.String(id)}
	for {
		out, err := s.api.GetQueryResults(ctx, in)
		if err != nil {
			return "", err
		}
		if out.Status != types.QueryStatusComplete {
			if in.NextToken != nil {
				// Pages already read stand; asking again would repeat them.
				return types.QueryStatusComplete, nil
			}
			return out.Status, nil
		}
		for _, row := range out.Results {
			each(row)
		}
		if out.NextToken == nil || awssdk.ToString(out.NextToken) == awssdk.ToString(in.NextToken) {
			return out.Status, nil
		}
		in.NextToken = out.NextToken
	}
}

// stopQuery stops a query the user gave up on, so it does not keep
// scanning (and billing) on the service side. It is best effort, with its
// own short deadline since the caller's context is already done.
func (s *InsightsSource) stopQuery(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = s.api.StopQuery(ctx, &cloudwatchlogs.StopQueryInput{QueryId: awssdk.String(id)})
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
