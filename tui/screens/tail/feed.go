package tail

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/cells"
)

// The feed of a tail: the source's batches are scoped and merged off the
// terminal's goroutine, and the commands that open a source, wait for its
// batches, attribute a record and diagnose a path carry only copied values.

// Capacity is the number of records a tail keeps: the newest ones, in
// a ring. At 20,000 records a second that is half a second of traffic,
// which is why pause takes a copy rather than stopping the ring.
const Capacity = 10000

// tailMinGap spaces the tail's messages: whatever a source does (a
// misbehaving one could emit per record), the terminal takes at most one
// merged batch per gap.
const tailMinGap = 100 * time.Millisecond

// Messages of the tail; each carries the ID of the tail it belongs to, and
// the root drops those of a tail that is no longer open.
type (
	Msg interface{ TailID() int }
	// OpenedMsg: the opener returned (name of the source, or err);
	// window is the source's FlowWindower's, when it has one.
	OpenedMsg struct {
		ID     int
		Name   string
		Window *checks.FlowWindow
		Err    error
	}
	// BatchMsg is one merged batch, prepared off the terminal's
	// goroutine (scoped, cut to the ring's size, rows formatted).
	BatchMsg struct {
		ID int
		Prepared
		// Done: the source ended (err says why, nil when exhausted).
		Done bool
		Err  error
	}
	// AttrMsg is the attribution of the record opened with enter.
	AttrMsg struct {
		ID, Run int
		Attr    checks.Attribution
		err     error
	}
	// TickMsg refreshes the rate once a second while a tail is open,
	// so that a source that went quiet shows 0 rec/s.
	TickMsg struct{ ID int }
	// DiagMsg is the diagnosis of a path's records (checks.Diagnose).
	DiagMsg struct {
		ID   int
		Diag checks.Diagnosis
		Err  error
	}
)

func (m OpenedMsg) TailID() int { return m.ID }
func (m BatchMsg) TailID() int  { return m.ID }
func (m AttrMsg) TailID() int   { return m.ID }
func (m TickMsg) TailID() int   { return m.ID }
func (m DiagMsg) TailID() int   { return m.ID }

// pending is what the feed holds between two takes: the in-scope records
// (the newest limit of them) and the counts of everything that arrived.
type pending struct {
	flows          []*checks.Flow // into the batches emit took
	total          int            // in-scope records, kept or not
	accept, reject int
	overflow       int // in-scope records pushed out by newer ones
	other          int // records outside the target
	lost           int // records the source says it lost
	malformed      int
	source, note   string
}

// add scopes a batch into p, keeping the newest limit records. It runs on
// the source's goroutine (through emit), so the terminal never sees the
// traffic of other interfaces that share a log group.
func (p *pending) add(b FlowBatch, target FlowTarget, limit int) {
	// Count every record from the newest back, and note where the newest
	// limit in-scope ones begin: only those are kept.
	from, in := 0, 0
	for i := len(b.Flows) - 1; i >= 0; i-- {
		f := &b.Flows[i]
		if !target.matches(f) {
			p.other++
			continue
		}
		switch f.Action {
		case "ACCEPT":
			p.accept++
		case "REJECT":
			p.reject++
		}
		if in++; in == limit {
			from = i
		}
	}
	p.total += in
	if in > limit {
		p.overflow += in - limit
		in = limit
	}
	p.flows = slices.Grow(p.flows, in)
	for i := from; i < len(b.Flows); i++ {
		if target.matches(&b.Flows[i]) {
			p.flows = append(p.flows, &b.Flows[i])
		}
	}
	if over := len(p.flows) - limit; over > 0 {
		n := copy(p.flows, p.flows[over:])
		clear(p.flows[n:])
		p.flows = p.flows[:n]
		p.overflow += over
	}
	p.lost += b.Dropped
	p.malformed += b.Malformed
	if b.Source != "" {
		p.source = b.Source
	}
	if b.Note != "" {
		p.note = b.Note
	}
}

// Prepared is a batch made ready for the ring: its rows formatted, its
// counts carried over.
type Prepared struct {
	recs []Record
	// natural is the widest cell of each column in recs, measured here
	// rather than in Update.
	natural        [NumColumns]int
	Total          int
	accept, reject int
	cut            int // in-scope records not kept: beyond the ring's size
	other          int
	lost           int
	malformed      int
	source, Note   string
}

// prepare formats the rows of the records the ring will keep. It runs in
// a command, on copied values only.
func (p *pending) prepare(capacity int, ascii bool, loc *time.Location) Prepared {
	out := Prepared{Total: p.total, accept: p.accept, reject: p.reject, cut: p.overflow, other: p.other,
		lost: p.lost, malformed: p.malformed, source: p.source, Note: p.note}
	flows := p.flows
	if over := len(flows) - capacity; over > 0 {
		out.cut += over
		flows = flows[over:]
	}
	out.recs = make([]Record, len(flows))
	for i := range flows {
		out.recs[i] = newRecord(*flows[i], ascii, loc)
		for c, cell := range out.recs[i].cells {
			out.natural[c] = max(out.natural[c], cells.Width(cell))
		}
	}
	return out
}

// Prepare scopes and formats one batch, as the feed and the wait
// command do together.
func Prepare(b FlowBatch, target FlowTarget, capacity int, ascii bool, loc *time.Location) Prepared {
	var p pending
	p.add(b, target, capacity)
	return p.prepare(capacity, ascii, loc)
}

// Feed carries batches from a source's goroutine to the terminal.
// emit never blocks: batches the terminal has not taken yet are merged,
// keeping the newest limit records (as the ring would), so a slow
// terminal (a slow SSH link) never slows or stalls the source.
type Feed struct {
	mu      sync.Mutex
	target  FlowTarget
	limit   int
	pending pending
	has     bool
	done    bool
	err     error
	wake    chan struct{}
	last    time.Time // when the terminal last took a batch
}

func NewFeed(target FlowTarget, limit int) *Feed {
	return &Feed{target: target, limit: limit, wake: make(chan struct{}, 1)}
}

// emit keeps pointers into b.Flows, which the source handed over.
func (f *Feed) emit(b FlowBatch) {
	f.mu.Lock()
	if f.done {
		f.mu.Unlock()
		return
	}
	f.pending.add(b, f.target, f.limit)
	f.has = true
	f.mu.Unlock()
	f.signal()
}

func (f *Feed) finish(err error) {
	f.mu.Lock()
	if !f.done {
		f.done, f.err = true, err
	}
	f.mu.Unlock()
	f.signal()
}

func (f *Feed) signal() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take returns what is pending and whether the source ended.
func (f *Feed) take() (p pending, has, done bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, has = f.pending, f.has
	f.pending, f.has = pending{}, false
	if has {
		f.last = time.Now()
	}
	return p, has, f.done, f.err
}

func (f *Feed) lastTaken() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

// Spec is what the commands of one tail copy: nothing in it is
// changed after the tail opens.
type Spec struct {
	ID       int
	Ctx      context.Context
	Feed     *Feed
	Target   FlowTarget
	Capacity int
	ASCII    bool
	Loc      *time.Location
}

// Open calls the opener and starts the source on a goroutine of
// its own that ends with ctx; the root then arms waitForFlowBatch.
func Open(s Spec, open FlowOpener) tea.Cmd {
	return func() tea.Msg {
		src, err := safeOpen(s.Ctx, open, s.Target)
		if err != nil {
			return OpenedMsg{ID: s.ID, Err: err}
		}
		msg := OpenedMsg{ID: s.ID, Name: safeName(src)}
		if fw, ok := src.(FlowWindower); ok {
			if w, ok := safeWindow(fw); ok {
				msg.Window = &w
			}
		}
		go func() { s.Feed.finish(safeRun(s.Ctx, src, s.Feed.emit)) }()
		return msg
	}
}

// WaitForBatch waits for the next batch (or the end of the source)
// and prepares it; the root re-arms it after each batch, as bubbletea's
// examples/realtime does with its channel.
func WaitForBatch(s Spec) tea.Cmd {
	return func() tea.Msg {
		if wait := time.Until(s.Feed.lastTaken().Add(tailMinGap)); wait > 0 {
			select {
			case <-time.After(wait):
			case <-s.Ctx.Done():
				return BatchMsg{ID: s.ID, Done: true, Err: s.Ctx.Err()}
			}
		}
		for {
			p, has, done, err := s.Feed.take()
			if has || done {
				msg := BatchMsg{ID: s.ID, Done: done && !has, Err: err}
				if has {
					msg.Prepared = p.prepare(s.Capacity, s.ASCII, s.Loc)
				}
				return msg
			}
			select {
			case <-s.Feed.wake:
			case <-s.Ctx.Done():
				return BatchMsg{ID: s.ID, Done: true, Err: s.Ctx.Err()}
			}
		}
	}
}

// Attribute explains one record with the network in a command; the
// engine's verdict for a big network takes longer than a key should.
func Attribute(id, run int, n *checks.Network, f checks.Flow) tea.Cmd {
	return func() tea.Msg {
		a, err := safeAttribute(n, f)
		return AttrMsg{ID: id, Run: run, Attr: a, err: err}
	}
}

// Diagnose reads a path's records (a snapshot of the ring: its
// records by pointer) in a command. Over a full ring it takes about half a
// millisecond on the demo, more on a big network, whose evaluation of the
// path it includes.
func Diagnose(id int, n *checks.Network, q checks.Query, ring RingSnapshot, w checks.FlowWindow) tea.Cmd {
	return func() tea.Msg {
		d, err := safeDiagnose(n, q, ring.flows(), w)
		return DiagMsg{ID: id, Diag: d, Err: err}
	}
}

// The safe* helpers turn a panic in code the terminal does not own (main's
// opener, a source, the engine) into an error on the tail: a bug there
// must not leave the user's terminal in raw mode.

func safeOpen(ctx context.Context, open FlowOpener, t FlowTarget) (src FlowSource, err error) {
	defer func() {
		if r := recover(); r != nil {
			src, err = nil, fmt.Errorf("opening the flow tail failed: %v", r)
		}
	}()
	src, err = open(ctx, t)
	if err == nil && src == nil {
		err = fmt.Errorf("no flow log source for %s", t.Label)
	}
	return src, err
}

func safeRun(ctx context.Context, src FlowSource, emit func(FlowBatch)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("flow source failed: %v", r)
		}
	}()
	return src.Run(ctx, emit)
}

func safeName(src FlowSource) (name string) {
	defer func() {
		if r := recover(); r != nil {
			name = "flow logs"
		}
	}()
	return src.Name()
}

func safeWindow(fw FlowWindower) (w checks.FlowWindow, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = false
		}
	}()
	return fw.FlowWindow(), true
}

func safeDiagnose(n *checks.Network, q checks.Query, flows []*checks.Flow, w checks.FlowWindow) (d checks.Diagnosis, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error while diagnosing: %v", r)
		}
	}()
	return checks.DiagnoseRecords(n, q, flows, w), nil
}

func safeAttribute(n *checks.Network, f checks.Flow) (a checks.Attribution, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error while attributing: %v", r)
		}
	}()
	return checks.Attribute(n, f), nil
}
