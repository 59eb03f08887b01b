package flowlogs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/reachnet/reach/checks"
)

// Defaults for PollOptions.
const (
	DefaultPollEvery = 5 * time.Second
	// DefaultLookback covers the longest aggregation interval (10 minutes)
	// plus CloudWatch Logs' typical delivery delay (5 minutes): flow-log
	// events are stamped with the start of their record's window and
	// arrive up to that late, so each poll re-reads that far back.
	DefaultLookback = checks.DefaultAggregationInterval + checks.CloudWatchLogsDeliveryDelay
)

// maxSeen bounds the event IDs a poll remembers to skip repeats.
const maxSeen = 500_000

// PollOptions configure FilterLogEvents polling (and the fallback of Live
// Tail).
type PollOptions struct {
	Options
	// Every is the time between polls (DefaultPollEvery).
	Every time.Duration
	// Lookback is how far behind the present each poll reads
	// (DefaultLookback). Events already seen are skipped by their ID.
	Lookback time.Duration
	// Since is where the first poll starts (default: Lookback ago).
	Since time.Time
	// Now returns the present; tests set it.
	Now func() time.Time
}

func (o PollOptions) withDefaults() PollOptions {
	o.Options = o.Options.withDefaults()
	if o.Every <= 0 {
		o.Every = DefaultPollEvery
	}
	if o.Lookback <= 0 {
		o.Lookback = DefaultLookback
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// PollSource tails CloudWatch Logs by calling FilterLogEvents every few
// seconds over a sliding window, for accounts where Live Tail is denied or
// unavailable.
type PollSource struct {
	api  FilterLogEventsAPI
	t    Target
	opts PollOptions
	// unconfirmed is set by Run when the tail kept nothing of the path
	// and no broader read could confirm it.
	unconfirmed string
}

// NewPollSource returns a polling tail of t through api.
func NewPollSource(api FilterLogEventsAPI, t Target, opts PollOptions) *PollSource {
	return &PollSource{api: api, t: t, opts: opts}
}

// Name implements Source.
func (s *PollSource) Name() string {
	return fmt.Sprintf("FilterLogEvents polling of %s every %s", groupNames(s.t.LogGroups), fmtEvery(s.opts.withDefaults().Every))
}

// Run implements Source. It polls until ctx ends; a failed poll (other
// than a denial, which ends the tail) is retried at the next tick and said
// in Batch.Note.
func (s *PollSource) Run(ctx context.Context, emit func(Batch)) error {
	opts := s.opts.withDefaults()
	b := newBatcher(opts.Options, true, s.Name(), emit)
	stop := b.start(ctx, opts.FlushInterval)
	defer stop()
	since := opts.Since
	if since.IsZero() {
		since = opts.Now().Add(-opts.Lookback)
	}
	if err := s.poll(ctx, b, opts); err != nil {
		return err
	}
	s.unconfirmed = confirmAbsence(ctx, s.api, s.t, since, opts.Now(), b)
	return nil
}

// Unconfirmed says, once Run has returned, why the tail's keeping nothing
// of the path does not show an absence ("" when it does, or when records
// were kept).
func (s *PollSource) Unconfirmed() string { return s.unconfirmed }

// confirmLimit bounds the events a confirming read goes through, and
// confirmTimeout its time: it runs after the tail's own time is up.
const (
	confirmLimit   = 10_000
	confirmTimeout = 20 * time.Second
)

// confirmAbsence runs when a tail ends. If it kept nothing of the path,
// it says so and what it asked for. A filter pattern is only a pre-filter,
// so when one was sent, the window is read once more through
// FilterLogEvents without it, the interfaces' streams alone, and filtered
// here: records of the path it finds are shown (the pattern hid them), and
// an absence stands only when this broader read agrees. It returns why
// the absence is not confirmed ("" when it is, or when records were kept).
// A tail stopped by the user (not by its --for time) is not read again.
func confirmAbsence(ctx context.Context, api FilterLogEventsAPI, t Target, since, until time.Time, b *batcher) string {
	if b.keptSoFar() > 0 {
		return ""
	}
	defer b.flush()
	asked := "the records of " + groupNames(t.LogGroups)
	if len(t.ENIs) > 0 {
		asked += " in the streams of " + strings.Join(t.ENIs, ", ")
	}
	if t.Pattern != "" {
		asked += " matching the filter pattern " + t.Pattern
	}
	asked += fmt.Sprintf(", %s to %s", since.UTC().Format("2006-01-02 15:04:05Z"), until.UTC().Format("15:04:05Z"))
	note := "the tail found nothing of the path: it asked for " + asked
	if t.Pattern == "" {
		b.status("", note)
		return ""
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		why := "the tail was stopped before a broader read without the filter pattern could confirm that nothing of the path arrived"
		b.status("", note+"; "+why)
		return why
	}
	cctx, cancel := context.WithTimeout(context.Background(), confirmTimeout)
	defer cancel()
	broad := t
	broad.Pattern = ""
	read := 0
	seen := map[string]int64{}
	err := (&PollSource{api: api, t: broad}).read(cctx, b, since.UnixMilli(), until.UnixMilli(), seen, func() bool {
		read++
		return read < confirmLimit
	})
	if err != nil {
		err = errors.New(shortReason(err))
	}
	said, why := broaderRead{what: "read of the interfaces' streams without the filter pattern", missed: "the pattern", unit: "event"}.conclude(b.keptSoFar(), read, confirmLimit, err)
	b.status("", note+"; "+said)
	return why
}

func (s *PollSource) poll(ctx context.Context, b *batcher, opts PollOptions) error {
	seen := map[string]int64{} // event ID → timestamp, for the window
	since := opts.Since
	if since.IsZero() {
		since = opts.Now().Add(-opts.Lookback)
	}
	t := time.NewTicker(opts.Every)
	defer t.Stop()
	for {
		from := opts.Now().Add(-opts.Lookback)
		if from.Before(since) {
			from = since
		}
		start := from.UnixMilli()
		err := s.once(ctx, b, start, seen)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil && denied(err):
			return fmt.Errorf("FilterLogEvents: %s (grant logs:FilterLogEvents)", shortReason(err))
		case err != nil && errorCode(err) == "ResourceNotFoundException":
			return fmt.Errorf("FilterLogEvents: %s (the flow log's log group does not exist, or is in another account or region)", shortReason(err))
		case err != nil:
			b.status("", "poll failed ("+shortReason(err)+"); retrying")
		}
		for id, ts := range seen {
			if ts < start {
				delete(seen, id)
			}
		}
		if len(seen) > maxSeen {
			// Remembering every event of a busy window would grow without
			// bound; forget the older half, at the risk of showing some
			// again.
			cut := start + (opts.Now().UnixMilli()-start)/2
			for id, ts := range seen {
				if ts < cut {
					delete(seen, id)
				}
			}
			b.status("", "too many records in the look-back window to remember them all: some may be shown twice")
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// once reads every page of every group (and ENI stream prefix) from start.
func (s *PollSource) once(ctx context.Context, b *batcher, start int64, seen map[string]int64) error {
	return s.read(ctx, b, start, 0, seen, nil)
}

// read reads every page of every group (and ENI stream prefix) from start
// to end (0: the present), handing each new event of the interfaces'
// streams to the batcher; more, when set, is asked before each event and
// ends the read when it says no.
func (s *PollSource) read(ctx context.Context, b *batcher, start, end int64, seen map[string]int64, more func() bool) error {
	prefixes := s.t.ENIs
	if len(prefixes) == 0 {
		prefixes = []string{""}
	}
	for _, g := range s.t.LogGroups {
		for _, prefix := range prefixes {
			in := &cloudwatchlogs.FilterLogEventsInput{StartTime: awssdk.Int64(start)}
			if end > 0 {
				in.EndTime = awssdk.Int64(end)
			}
			if g.Name != "" {
				in.LogGroupName = awssdk.String(g.Name)
			} else {
				in.LogGroupIdentifier = awssdk.String(g.ARN)
			}
			if prefix != "" {
				in.LogStreamNamePrefix = awssdk.String(prefix)
			}
			if s.t.Pattern != "" {
				in.FilterPattern = awssdk.String(s.t.Pattern)
			}
			p := cloudwatchlogs.NewFilterLogEventsPaginator(s.api, in)
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					return err
				}
				for _, e := range out.Events {
					if more != nil && !more() {
						return nil
					}
					id := awssdk.ToString(e.EventId)
					if id != "" {
						if _, dup := seen[id]; dup {
							continue
						}
						seen[id] = awssdk.ToInt64(e.Timestamp)
					}
					if streamMatches(awssdk.ToString(e.LogStreamName), s.t.ENIs) {
						b.line(awssdk.ToString(e.Message))
					}
				}
			}
		}
	}
	return nil
}
