package flowlogs

import (
	"context"
	"sync"
	"time"

	"github.com/reachnet/reach/checks"
)

// batcher gathers the records a source reads and hands them to emit in
// batches, every flush interval, from its own goroutine. Producers call
// line (or add) from any goroutine.
//
// A lossy batcher (live sources) never makes its producer wait: when more
// than max records are pending, the oldest go and are counted as dropped.
// A lossless one (files, query results, the demo) makes the producer flush
// the pending records itself instead, so a fast reader is slowed to its
// consumer's pace and nothing is lost.
type batcher struct {
	mu      sync.Mutex
	emitMu  sync.Mutex // emit is called by one goroutine at a time
	emit    func(Batch)
	filter  Filter
	max     int
	lossy   bool
	parser  *Parser
	scratch checks.Flow

	pending []checks.Flow
	// spare is the buffer lent with the last batch, back from its
	// receiver (Options.LendBatches).
	spare     []checks.Flow
	lend      bool
	head      int // pending[head:] are the live records when lossy wraps
	malformed int
	samples   []Malformed
	dropped   int
	filtered  int
	// kept counts every record that passed the filter since the start,
	// never reset: how a source tells whether a query found anything.
	kept    int
	source  string
	note    string
	sampled bool
	dirty   bool // a status change to report even without records
}

func newBatcher(o Options, lossy bool, source string, emit func(Batch)) *batcher {
	o = o.withDefaults()
	return &batcher{
		emit: emit, filter: o.Filter, max: o.MaxPending, lossy: lossy, lend: o.LendBatches,
		parser: NewParser(o.Formats...), source: source, dirty: true,
	}
}

// line parses one record and keeps it if it passes the filter. The parser
// is shared, so line holds the lock while parsing: sources call it from
// one goroutine.
func (b *batcher) line(s string) {
	b.mu.Lock()
	if rejects(b.parser, &b.filter, s) {
		b.filtered++
		b.mu.Unlock()
		return
	}
	if err := b.parser.ParseString(s, &b.scratch); err != nil {
		b.malformedLocked(s, err)
		b.mu.Unlock()
		return
	}
	b.keepLocked(&b.scratch)
}

// lineBytes is line for a byte slice the caller reuses.
func (b *batcher) lineBytes(s []byte) {
	b.mu.Lock()
	if rejects(b.parser, &b.filter, s) {
		b.filtered++
		b.mu.Unlock()
		return
	}
	if err := b.parser.Parse(s, &b.scratch); err != nil {
		b.malformedLocked(string(s), err)
		b.mu.Unlock()
		return
	}
	b.keepLocked(&b.scratch)
}

// add keeps a record built elsewhere (the demo generator).
func (b *batcher) add(r *checks.Flow) {
	b.mu.Lock()
	b.keepLocked(r)
}

// keepLocked stores r if it passes the filter, then unlocks b.mu.
func (b *batcher) keepLocked(r *checks.Flow) {
	if !b.filter.Match(r) {
		b.filtered++
		b.mu.Unlock()
		return
	}
	if len(b.pending)-b.head >= b.max {
		if !b.lossy {
			b.mu.Unlock()
			b.flush()
			b.mu.Lock()
		} else {
			// Drop the oldest; compact when half the buffer is dead so
			// the slice does not grow without bound.
			b.head++
			b.dropped++
			if b.head >= b.max {
				n := copy(b.pending, b.pending[b.head:])
				clear(b.pending[n:])
				b.pending = b.pending[:n]
				b.head = 0
			}
		}
	}
	b.pending = append(b.pending, *r)
	b.kept++
	b.mu.Unlock()
}

// keptSoFar is how many records passed the filter since the start.
func (b *batcher) keptSoFar() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.kept
}

// addChunk keeps a file chunk's records and counts (lossless): the
// pending records are handed on first when the chunk would take them past
// the bound.
func (b *batcher) addChunk(res *chunkResult) {
	if b.lend && len(res.flows) > 0 {
		b.lendChunk(res)
		return
	}
	b.mu.Lock()
	if len(b.pending) > 0 && len(b.pending)+len(res.flows) > b.max {
		b.mu.Unlock()
		b.flush()
		b.mu.Lock()
	}
	b.pending = append(b.pending, res.flows...)
	b.kept += len(res.flows)
	b.filtered += res.filtered
	b.malformed += res.malformed
	for _, m := range res.samples {
		if len(b.samples) < maxSamples {
			b.samples = append(b.samples, m)
		}
	}
	b.mu.Unlock()
}

func (b *batcher) malformedLocked(line string, err error) {
	b.malformed++
	if len(b.samples) < maxSamples {
		b.samples = append(b.samples, Malformed{Line: cut(trimSpace(line), 200), Reason: err.Error()})
	}
}

// status changes what Batch.Source says and records a note for the next
// batch.
func (b *batcher) status(source, note string) {
	b.mu.Lock()
	if source != "" {
		b.source = source
	}
	if note != "" {
		if b.note != "" {
			b.note += "; "
		}
		b.note += note
	}
	b.dirty = true
	b.mu.Unlock()
}

func (b *batcher) markSampled() {
	b.mu.Lock()
	b.sampled = true
	b.mu.Unlock()
}

// flush hands the pending records to emit, if there is anything to say.
func (b *batcher) flush() {
	b.emitMu.Lock()
	defer b.emitMu.Unlock()
	b.mu.Lock()
	live := b.pending[b.head:]
	if len(live) == 0 && b.malformed == 0 && b.dropped == 0 && !b.dirty && b.filtered == 0 {
		b.mu.Unlock()
		return
	}
	batch := Batch{
		Malformed: b.malformed, Samples: b.samples, Dropped: b.dropped, Filtered: b.filtered,
		Source: b.source, Note: b.note, Sampled: b.sampled,
	}
	var lent []checks.Flow
	switch {
	case len(live) > 0 && b.lend:
		// The receiver is done with the batch when emit returns: hand
		// it the buffer itself, and fill the other one meanwhile.
		batch.Flows, lent = live, b.pending
		b.pending, b.spare = b.spare[:0], nil
	case len(live) > 0:
		batch.Flows = make([]checks.Flow, len(live))
		copy(batch.Flows, live)
		fallthrough
	default:
		// Keep the buffer for the next interval unless a burst grew it
		// far beyond what an interval usually holds.
		if cap(b.pending) > 4*max(len(live), 1024) {
			b.pending = nil
		} else {
			clear(b.pending)
			b.pending = b.pending[:0]
		}
	}
	b.head = 0
	b.malformed, b.samples, b.dropped, b.filtered = 0, nil, 0, 0
	b.note, b.sampled, b.dirty = "", false, false
	b.mu.Unlock()
	b.emit(batch)
	if lent != nil {
		b.mu.Lock()
		b.spare = lent[:0]
		b.mu.Unlock()
	}
}

// run flushes every interval until ctx ends or stop is closed, then
// flushes once more. It returns when the last batch has been emitted.
func (b *batcher) run(ctx context.Context, interval time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			b.flush()
		case <-stop:
			b.flush()
			return
		case <-ctx.Done():
			b.flush()
			return
		}
	}
}

// start runs the flusher in its own goroutine; the returned function stops
// it and waits for the final batch.
func (b *batcher) start(ctx context.Context, interval time.Duration) (stop func()) {
	if interval <= 0 {
		interval = DefaultFlushInterval
	}
	done := make(chan struct{})
	quit := make(chan struct{})
	go func() {
		defer close(done)
		b.run(ctx, interval, quit)
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(quit) })
		<-done
	}
}

// lendChunk hands a chunk's records to the receiver as a batch of their
// own, without copying them: the receiver is done with them when emit
// returns (Options.LendBatches), before the chunk is reused. What is
// pending is handed on first, so records keep the file's order.
func (b *batcher) lendChunk(res *chunkResult) {
	b.flush()
	b.emitMu.Lock()
	defer b.emitMu.Unlock()
	b.mu.Lock()
	b.kept += len(res.flows)
	batch := Batch{
		Flows: res.flows, Malformed: b.malformed + res.malformed, Dropped: b.dropped, Filtered: b.filtered + res.filtered,
		Source: b.source, Note: b.note, Sampled: b.sampled, Samples: b.samples,
	}
	for _, m := range res.samples {
		if len(batch.Samples) < maxSamples {
			batch.Samples = append(batch.Samples, m)
		}
	}
	b.malformed, b.samples, b.dropped, b.filtered = 0, nil, 0, 0
	b.note, b.sampled, b.dirty = "", false, false
	b.mu.Unlock()
	b.emit(batch)
}
