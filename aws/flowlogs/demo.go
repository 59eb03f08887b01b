package flowlogs

import (
	"context"
	"time"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
)

// DefaultDemoWindow is the history a demo stream starts with.
const DefaultDemoWindow = 10 * time.Minute

// DemoOptions configure the demo's synthetic stream.
type DemoOptions struct {
	Options
	// Seed makes the stream reproducible.
	Seed uint64
	// Window is the history generated at once when the stream starts
	// (DefaultDemoWindow), ending at Now().
	Window time.Duration
	// Follow keeps generating in real time after the history, until the
	// context ends; without it the source ends after the history.
	Follow bool
	// Rate multiplies the demo paths' pace (see demo.FlowOptions).
	Rate float64
	// Now returns the present; tests set it.
	Now func() time.Time
}

// DemoSource streams the demo scenario's synthetic flow-log records (see
// demo.FlowGenerator): every reject in it is the work of a rule of the
// demo's configuration.
type DemoSource struct {
	n    *checks.Network
	opts DemoOptions
}

// NewDemoSource returns the demo stream over n, the demo network (its
// FlowLogs filled, which decide which interfaces are recorded).
func NewDemoSource(n *checks.Network, opts DemoOptions) *DemoSource {
	return &DemoSource{n: n, opts: opts}
}

// Name implements Source.
func (s *DemoSource) Name() string {
	return "demo: synthetic records of the demo's flow logs (prod to CloudWatch Logs; staging to S3, rejects only, as if exported)"
}

// Run implements Source.
func (s *DemoSource) Run(ctx context.Context, emit func(Batch)) error {
	o := s.opts
	o.Options = o.Options.withDefaults()
	if o.Window <= 0 {
		o.Window = DefaultDemoWindow
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	b := newBatcher(o.Options, false, s.Name(), emit)
	stop := b.start(ctx, o.FlushInterval)
	defer stop()
	now := o.Now()
	g := demo.NewFlowGenerator(s.n, demo.FlowOptions{Seed: o.Seed, Start: now.Add(-o.Window), Rate: o.Rate})
	var buf []checks.Flow
	buf = g.Until(now, buf)
	for i := range buf {
		b.add(&buf[i])
	}
	if !o.Follow {
		return nil
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		buf = g.Until(o.Now(), buf[:0])
		for i := range buf {
			b.add(&buf[i])
		}
	}
}
