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
	// unconfirmed is set by Run when the query found nothing of the path
	// and no broader query could confirm it.
	unconfirmed string
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
//
// The path's addresses in the query are only a pre-filter: when it finds
// nothing, a second, broader query of the interfaces' streams alone is run
// and its records filtered here, so that an absence is concluded only
// when both agree (Unconfirmed says when they could not).
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

	hosts := validHosts(opts.Hosts)
	rows, err := s.query(ctx, b, InsightsQuery(s.t.ENIs, hosts), opts.PollEvery)
	if err != nil || ctx.Err() != nil {
		return err
	}
	kept := b.keptSoFar()
	switch {
	case rows >= InsightsLimit:
		note := fmt.Sprintf("the window holds more than %d matching records, the most one query returns: only the oldest are shown; narrow the window", InsightsLimit)
		if kept == 0 {
			s.unconfirmed = fmt.Sprintf("the query returned its limit of %d records, none of the path, and records of the path may lie beyond them", InsightsLimit)
			note += "; " + s.unconfirmed
		}
		b.status("", note)
		return nil
	case kept > 0:
		return nil
	}
	// Nothing of the path: say what was asked, since nothing found is only
	// as good as the question.
	note := "the Logs Insights query found nothing"
	if rows > 0 {
		// The text matched, the parsed fields did not.
		note = fmt.Sprintf("the Logs Insights query found %s, none of the path", plural(rows, "record"))
	}
	note += ": it asked for " + s.asked(hosts)
	if len(hosts) == 0 {
		// Without addresses it already was the broad question.
		b.status("", note)
		return nil
	}
	broad, err := s.query(ctx, b, InsightsQuery(s.t.ENIs, nil), opts.PollEvery)
	found := b.keptSoFar()
	if ctx.Err() != nil {
		s.unconfirmed = "the query was interrupted before a broader one could confirm that nothing of the path is there"
		return nil
	}
	said, why := broaderRead{what: "query of the interfaces' streams alone", missed: "the address filter", unit: "record"}.conclude(found, broad, InsightsLimit, err)
	s.unconfirmed = why
	b.status("", note+"; "+said)
	return nil
}

// Unconfirmed says, once Run has returned, why the query's finding nothing
// of the path does not show an absence ("" when it does, or when records
// were found).
func (s *InsightsSource) Unconfirmed() string { return s.unconfirmed }

// query runs one Logs Insights query to its end and hands every row of the
// interfaces' streams to the batcher; rows is how many the query returned.
// A cancelled ctx stops it on the service side and returns no error.
func (s *InsightsSource) query(ctx context.Context, b *batcher, query string, every time.Duration) (rows int, err error) {
	in := &cloudwatchlogs.StartQueryInput{
		StartTime:   awssdk.Int64(s.start.Unix()),
		EndTime:     awssdk.Int64(s.end.Unix()),
		QueryString: awssdk.String(query),
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
			return 0, nil
		}
		if denied(err) {
			return 0, fmt.Errorf("StartQuery: %s (grant logs:StartQuery and logs:GetQueryResults)", shortReason(err))
		}
		return 0, fmt.Errorf("StartQuery: %s", shortReason(err))
	}
	id := awssdk.ToString(out.QueryId)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			s.stopQuery(id)
			return rows, nil
		case <-tick.C:
		}
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
				return rows, nil
			}
			return rows, fmt.Errorf("GetQueryResults: %s", shortReason(err))
		}
		switch status {
		case types.QueryStatusScheduled, types.QueryStatusRunning:
			continue
		case types.QueryStatusComplete:
			return rows, nil
		default:
			return rows, fmt.Errorf("the Logs Insights query %s ended %s", id, status)
		}
	}
}

func validHosts(hosts []netip.Addr) []netip.Addr {
	var out []netip.Addr
	for _, h := range hosts {
		if h.IsValid() {
			out = append(out, h)
		}
	}
	return out
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
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
