package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/render"
)

// readBaseline reads the older snapshot of --baseline and when it was
// taken: nil when it has no manifest (a snapshot made with the AWS CLI
// alone) or an unreadable one, which is said on stderr and is no error.
func readBaseline(dir string, stderr io.Writer) (*checks.Network, *time.Time, error) {
	inv, err := snapshot.Read(dir)
	if err != nil {
		return nil, nil, err
	}
	net, err := convert.Network(inv)
	if err != nil {
		return nil, nil, err
	}
	m, found, err := snapshot.ReadManifest(dir)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "reach: %s; when the baseline was taken is unknown\n", render.Inert(err.Error()))
	case found && !m.Taken.IsZero():
		taken := m.Taken.UTC()
		return net, &taken, nil
	}
	return net, nil, nil
}

// sameAccount refuses a baseline that shares no VPC with the network
// checked now: every resource would read as replaced, which says nothing
// about the path.
func sameAccount(baseline, now *checks.Network) error {
	if len(baseline.VPCs) == 0 || len(now.VPCs) == 0 {
		return nil
	}
	for id := range baseline.VPCs {
		if now.VPCs[id] != nil {
			return nil
		}
	}
	return errors.New("it shares no VPC with the network checked now: a snapshot of another account or Region?")
}

// compareWithBaseline checks the same path on the baseline network and
// adds its verdict and the changes between the two networks to rep.
func compareWithBaseline(rep *checks.Report, args checks.CheckArgs, baseline, now *checks.Network, dir string, taken *time.Time) {
	then, err := checks.Check(baseline, args)
	if err != nil {
		// The ends were good input now; the baseline cannot place them.
		then = checks.Report{Verdict: checks.Unknown}
		rep.Notes = append(rep.Notes, "the baseline cannot evaluate the path: "+err.Error())
	}
	checks.CompareBaseline(rep, then, baseline, now, dir, taken)
}

// parseWindow reads the --history window: a Go duration (36h, 90m) or a
// number of days (7d).
func parseWindow(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("%q: expected a duration like 7d, 36h or 90m", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q: expected a duration like 7d, 36h or 90m", s)
		}
	}
	switch {
	case d <= 0:
		return 0, fmt.Errorf("%q: the window must be positive", s)
	case d > 90*24*time.Hour:
		return 0, fmt.Errorf("%q: CloudTrail event history keeps 90 days; ask for 90d or less", s)
	}
	return d, nil
}

// readHistory adds CloudTrail's management events on the path's resources
// to the report. A failure to read them is a gap in the report, never an
// error of the check; it reports whether the user interrupted it.
func readHistory(src sourceFlags, rep *checks.Report, window time.Duration) bool {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cfg, err := loadAWSConfig(ctx, src)
	if err != nil {
		rep.History = []checks.HistoryEvent{}
		rep.HistoryGaps = append(rep.HistoryGaps, "history not read: "+aws.Explain(err))
		return ctx.Err() != nil
	}
	res := aws.NewHistory(cfg).Lookup(ctx, checks.HistoryComponents(rep), aws.HistoryOptions{Window: window})
	rep.History = res.Events
	if rep.History == nil {
		rep.History = []checks.HistoryEvent{}
	}
	rep.HistoryGaps = append(rep.HistoryGaps, res.Gaps...)
	return ctx.Err() != nil
}
