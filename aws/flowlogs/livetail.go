package flowlogs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// LiveTailAPI is the part of the CloudWatch Logs client Live Tail uses.
type LiveTailAPI interface {
	StartLiveTail(ctx context.Context, in *cloudwatchlogs.StartLiveTailInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.StartLiveTailOutput, error)
}

// FilterLogEventsAPI is the part of the client polling uses.
type FilterLogEventsAPI interface {
	FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, optFns ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error)
}

// TailAPI is what a tail needs: Live Tail, and polling to fall back on.
// *cloudwatchlogs.Client implements it.
type TailAPI interface {
	LiveTailAPI
	FilterLogEventsAPI
}

// maxLiveTailGroups is Live Tail's limit on log groups per session.
const maxLiveTailGroups = 10

// liveTailRetries is how many sessions in a row may break before the tail
// falls back to polling.
const liveTailRetries = 3

// minSession is how long a session that ends without an error must have
// lasted to be renewed at once.
const minSession = 10 * time.Second

// LiveTailSource tails CloudWatch Logs with Live Tail (StartLiveTail), and
// falls back to FilterLogEvents polling when Live Tail is denied,
// unavailable (no endpoint, an emulator without it, the account's session
// limit) or keeps breaking; Batch.Source and Batch.Note say which is in
// use. A session that times out (after three hours) is renewed.
type LiveTailSource struct {
	api  TailAPI
	t    Target
	opts PollOptions
	// unconfirmed is set by Run when the tail kept nothing of the path
	// and no broader read could confirm it.
	unconfirmed string
}

// NewLiveTailSource returns a tail of t through api. opts configures the
// polling fallback too.
func NewLiveTailSource(api TailAPI, t Target, opts PollOptions) *LiveTailSource {
	return &LiveTailSource{api: api, t: t, opts: opts}
}

// Name implements Source.
func (s *LiveTailSource) Name() string { return "Live Tail of " + groupNames(s.t.LogGroups) }

func groupNames(gs []LogGroup) string {
	names := make([]string, len(gs))
	for i, g := range gs {
		names[i] = g.Name
		if names[i] == "" {
			names[i] = g.ARN
		}
	}
	return strings.Join(names, ", ")
}

// Run implements Source. When the tail ends (its time is up) having kept
// nothing of the path through a filter pattern, the window is read once
// more without it (see confirmAbsence).
func (s *LiveTailSource) Run(ctx context.Context, emit func(Batch)) error {
	opts := s.opts.withDefaults()
	b := newBatcher(opts.Options, true, s.Name(), emit)
	stop := b.start(ctx, opts.FlushInterval)
	defer stop()
	began := opts.Now()
	if err := s.run(ctx, b, opts); err != nil {
		return err
	}
	s.unconfirmed = confirmAbsence(ctx, s.api, s.t, began, opts.Now(), b)
	return nil
}

// Unconfirmed says, once Run has returned, why the tail's keeping nothing
// of the path does not show an absence ("" when it does, or when records
// were kept).
func (s *LiveTailSource) Unconfirmed() string { return s.unconfirmed }

func (s *LiveTailSource) run(ctx context.Context, b *batcher, opts PollOptions) error {
	in, note := s.input()
	if note != "" {
		b.status("", note)
	}
	failures := 0
	for {
		began := time.Now()
		started, err := s.session(ctx, in, b)
		if ctx.Err() != nil {
			return nil
		}
		if err == nil && time.Since(began) < minSession {
			// A session the service ends at once is a failure, not a
			// reason to reconnect in a tight loop.
			err = errors.New("the session ended as soon as it began")
		}
		var timeout *types.SessionTimeoutException
		switch {
		case err == nil || errors.As(err, &timeout):
			// The session ended on its own (three hours at most): renew.
			failures = 0
			continue
		case !started:
			return s.fallBack(ctx, b, opts, "Live Tail is unavailable ("+shortReason(err)+")")
		}
		failures++
		if failures >= liveTailRetries {
			return s.fallBack(ctx, b, opts, fmt.Sprintf("Live Tail broke %d times in a row (%s)", failures, shortReason(err)))
		}
		b.status("", "Live Tail session broke ("+shortReason(err)+"); reconnecting")
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Duration(failures) * time.Second):
		}
	}
}

// input builds the session request. Live Tail takes at most ten log groups,
// by ARN, and filters streams by name prefix only when there is one group.
func (s *LiveTailSource) input() (*cloudwatchlogs.StartLiveTailInput, string) {
	in := &cloudwatchlogs.StartLiveTailInput{}
	var note string
	for _, g := range s.t.LogGroups {
		id := g.ARN
		if id == "" {
			id = g.Name
		}
		if len(in.LogGroupIdentifiers) == maxLiveTailGroups {
			note = fmt.Sprintf("Live Tail follows at most %d log groups: %d left out", maxLiveTailGroups, len(s.t.LogGroups)-maxLiveTailGroups)
			break
		}
		in.LogGroupIdentifiers = append(in.LogGroupIdentifiers, id)
	}
	if len(in.LogGroupIdentifiers) == 1 && len(s.t.ENIs) > 0 {
		in.LogStreamNamePrefixes = append([]string(nil), s.t.ENIs...)
	}
	if s.t.Pattern != "" {
		in.LogEventFilterPattern = awssdk.String(s.t.Pattern)
	}
	return in, note
}

// session runs one Live Tail session until it ends. started reports whether
// the session began (the call succeeded), which decides between retrying
// and falling back.
func (s *LiveTailSource) session(ctx context.Context, in *cloudwatchlogs.StartLiveTailInput, b *batcher) (started bool, err error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out, err := s.api.StartLiveTail(sctx, in)
	if err != nil {
		return false, err
	}
	stream := out.GetStream()
	if stream == nil {
		return false, errors.New("StartLiveTail returned no event stream")
	}
	defer stream.Close()
	b.status(s.Name(), "")
	events := stream.Events()
	for {
		select {
		case <-ctx.Done():
			return true, nil
		case ev, ok := <-events:
			if !ok {
				return true, stream.Err()
			}
			switch v := ev.(type) {
			case *types.StartLiveTailResponseStreamMemberSessionUpdate:
				if md := v.Value.SessionMetadata; md != nil && md.Sampled {
					b.markSampled()
				}
				for _, e := range v.Value.SessionResults {
					if streamMatches(awssdk.ToString(e.LogStreamName), s.t.ENIs) {
						b.line(awssdk.ToString(e.Message))
					}
				}
			case *types.StartLiveTailResponseStreamMemberSessionStart:
				// The session is open; updates follow every second.
			}
		}
	}
}

func (s *LiveTailSource) fallBack(ctx context.Context, b *batcher, opts PollOptions, why string) error {
	p := &PollSource{api: s.api, t: s.t, opts: opts}
	b.status(p.Name(), why+": polling FilterLogEvents every "+fmtEvery(opts.Every)+" instead")
	return p.poll(ctx, b, opts)
}

func fmtEvery(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}
