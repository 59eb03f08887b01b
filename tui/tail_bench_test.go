package tui

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/reachnet/reach/tui/internal/tuitest"
	"github.com/reachnet/reach/tui/screens/tail"
)

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func maxOf(ds []time.Duration) time.Duration { return slices.Max(ds) }

// TestTailStreaming20kPerSecond feeds the model what a busy interface
// produces, 20,000 records a second in batches of 4,000 every 200 ms (on
// a test clock), for five seconds, with a key press between batches, and
// logs the cost of each step (docs/PERFORMANCE.md). It asserts only
// counts: timings on shared machines are not a verdict.
func TestTailStreaming20kPerSecond(t *testing.T) {
	m := tailModel(t, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	now := flowT0
	m.env.Now = func() time.Time { return now }
	base := heapInUse()
	openTailKey(t, m)
	const batches, per = 25, 4000
	var prep, upd, view, key []time.Duration
	keys := []tea.KeyPressMsg{{Code: tea.KeyUp}, {Code: tea.KeyDown}}
	for i := range batches {
		flows := batchToDBFlows(per, i*per)
		t0 := time.Now()
		msg := batchMsg(m, tail.FlowBatch{Flows: flows}) // the command's share, off the terminal's goroutine
		t1 := time.Now()
		m.Update(msg)
		t2 := time.Now()
		_ = m.View()
		t3 := time.Now()
		m.Update(keys[i%2])
		_ = m.View()
		t4 := time.Now()
		prep, upd, view, key = append(prep, t1.Sub(t0)), append(upd, t2.Sub(t1)), append(view, t3.Sub(t2)), append(key, t4.Sub(t3))
		now = now.Add(200 * time.Millisecond)
		if i%5 == 4 {
			m.Update(tail.TickMsg{ID: m.tail.Spec.ID})
		}
	}
	full := heapInUse()
	tl := m.tail
	if tl.Live.Size() != tail.Capacity || tl.Total != batches*per || tl.Dropped() != batches*per-tail.Capacity {
		t.Fatalf("ring %d, total %d, dropped %d", tl.Live.Size(), tl.Total, tl.Dropped())
	}
	if tl.Accept != batches*per*4/5 || tl.Reject != batches*per/5 {
		t.Fatalf("accept %d reject %d", tl.Accept, tl.Reject)
	}
	if tl.Rate < 19000 || tl.Rate > 21000 {
		t.Fatalf("rate %.0f, want about 20,000/s", tl.Rate)
	}
	press(t, m, "G")
	if newest, _ := tl.Live.NewestSeq(); tl.Shown().RowSeq(tl.Cursor) != newest {
		t.Fatal("G lands on the newest record")
	}
	// Pause copies the full ring; a filter keystroke rescans it.
	t0 := time.Now()
	m.Update(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	_ = m.View()
	pause := time.Since(t0)
	m.Update(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	press(t, m, "/")
	t0 = time.Now()
	typeText(t, m, "r")
	_ = m.View()
	filterKey := time.Since(t0)
	typeText(t, m, "eject")
	if tl.Shown().Count() != tail.Capacity/5 {
		t.Fatalf("reject filter on a full ring: %d rows", tl.Shown().Count())
	}
	runtime.KeepAlive(m)
	ringBytes := int64(full) - int64(base)
	t.Logf("20,000 records/s in batches of %d: prepare (command) median %s max %s; Update median %s max %s; View (full ring, 80x24) median %s max %s; key Update+View median %s max %s",
		per, median(prep), maxOf(prep), median(upd), maxOf(upd), median(view), maxOf(view), median(key), maxOf(key))
	t.Logf("full ring of %d records: %.1f MiB of heap (%d bytes a record, test records whose strings are shared); pause (copy of the ring) %s; filter keystroke on a full ring %s",
		tail.Capacity, float64(ringBytes)/(1<<20), ringBytes/tail.Capacity, pause, filterKey)
}

// streamingFlows emits per records every 200 ms until ctx ends, as Live
// Tail does on a busy interface.
type streamingFlows struct {
	per     int
	batches int
}

func (s streamingFlows) Name() string { return "Live Tail" }

func (s streamingFlows) Run(ctx context.Context, emit func(tail.FlowBatch)) error {
	tk := time.NewTicker(200 * time.Millisecond)
	defer tk.Stop()
	for i := range s.batches {
		select {
		case <-tk.C:
		case <-ctx.Done():
			return ctx.Err()
		}
		emit(tail.FlowBatch{Flows: batchToDBFlows(s.per, i*s.per)})
	}
	<-ctx.Done()
	return ctx.Err()
}

// TestTailKeyLatencyWhileStreaming runs the real program (renderer,
// commands, the feed) with a source emitting 20,000 records a second and
// measures the time from a key press to its frame. Skipped with -short.
func TestTailKeyLatencyWhileStreaming(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	src := streamingFlows{per: 4000, batches: 15}
	opener := func(ctx context.Context, target tail.FlowTarget) (tail.FlowSource, error) { return src, nil }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	m, popts := newProgramModel(ctx, Options{Source: Static("demo", tuitest.SmallNet(), nil), From: "batch-1", To: "10.0.33.12:5432", Flows: opener}, logger)
	kt := &keyTimer{Model: m}
	out := &timingWriter{}
	checked := &frameWriter{want: "UNREACHABLE"}
	pr, pw := io.Pipe()
	defer pw.Close()
	popts = append(popts, tea.WithInput(pr), tea.WithOutput(io.MultiWriter(out, checked)), tea.WithWindowSize(80, 24),
		tea.WithColorProfile(colorprofile.ANSI256), tea.WithoutSignals())
	p := tea.NewProgram(kt, popts...)
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	// t needs the path's resolved ends: wait for the verdict on screen.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, at := checked.times(); !at.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no verdict within 5s")
		}
	}
	p.Send(tea.KeyPressMsg{Code: 't', Text: "t"})
	time.Sleep(500 * time.Millisecond)
	var sent []time.Time
	for i := range 40 {
		sent = append(sent, time.Now())
		if i%2 == 0 {
			p.Send(tea.KeyPressMsg{Code: tea.KeyUp})
		} else {
			p.Send(tea.KeyPressMsg{Code: tea.KeyDown})
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	p.Quit()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	kt.mu.Lock()
	drawn := slices.Clone(kt.drawn[1:]) // the first key was t
	kt.mu.Unlock()
	if len(drawn) < len(sent) {
		t.Fatalf("only %d of %d keys were drawn", len(drawn), len(sent))
	}
	tl := m.tail
	if tl.Total == 0 || tl.Live.Size() > tail.Capacity || tl.Live.Size() != int(min(tl.Total-tl.Dropped(), tail.Capacity)) {
		t.Fatalf("total %d ring %d dropped %d", tl.Total, tl.Live.Size(), tl.Dropped())
	}
	var toView, toWrite []time.Duration
	for i, s := range sent {
		toView = append(toView, drawn[i].Sub(s))
		if w, ok := out.firstAfter(drawn[i]); ok {
			toWrite = append(toWrite, w.Sub(s))
		}
	}
	t.Logf("real program, 20,000 records/s: key → View median %s max %s; key → frame written median %s max %s (%d keys; %d records received, %d kept, %d lost in the feed)",
		median(toView), maxOf(toView), median(toWrite), maxOf(toWrite), len(sent), tl.Total, tl.Live.Size(), tl.Lost)
}

// BenchmarkTailBatch4000 is one batch of 4,000 records landing on a full
// ring: the command's preparation and the Update.
func BenchmarkTailBatch4000(b *testing.B) {
	m := tailModel(b, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	openTailKey(b, m)
	flows := batchToDBFlows(4000, 0)
	for i := range 3 {
		feed(m, batchToDBFlows(4000, i*4000))
	}
	b.Run("prepare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = batchMsg(m, tail.FlowBatch{Flows: flows})
		}
	})
	msg := batchMsg(m, tail.FlowBatch{Flows: flows})
	b.Run("update", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.Update(msg)
		}
	})
}

// BenchmarkTailFrameFullRing is one frame of the tail with 10,000 records.
func BenchmarkTailFrameFullRing(b *testing.B) {
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		b.Run(strconv.Itoa(size[0])+"x"+strconv.Itoa(size[1]), func(b *testing.B) {
			m := tailModel(b, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
			m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			openTailKey(b, m)
			for i := range 3 {
				feed(m, batchToDBFlows(4000, i*4000))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkTailRefilter10k is one filter keystroke on a full ring.
func BenchmarkTailRefilter10k(b *testing.B) {
	l := tail.NewRing(tail.Capacity)
	recs := make([]tail.Record, tail.Capacity)
	for i, f := range batchToDBFlows(tail.Capacity, 0) {
		recs[i] = tail.Record{Flow: f}
	}
	l.Push(recs, [tail.NumColumns]int{}, nil)
	f, err := tail.ParseFilter("reject port:5432 10.0.16.0/20")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		l.Refilter(f)
	}
}

// BenchmarkTailDiagnosisFullRing is the diagnosis of a path over a full
// ring: what Update pays to start it (the ring's 10,000 pointers) and
// what its command pays (checks.DiagnoseRecords).
func BenchmarkTailDiagnosisFullRing(b *testing.B) {
	m := tailModel(b, &fakeOpener{src: newFakeFlows("Live Tail")}, Options{})
	openTailKey(b, m)
	for i := range 3 {
		feed(m, batchToDBFlows(4000, i*4000))
	}
	b.Run("start", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.tail.DiagBusy = false
			if m.diagnoseTail() == nil {
				b.Fatal("no diagnosis")
			}
		}
	})
	b.Run("command", func(b *testing.B) {
		m.tail.DiagBusy = false
		cmd := m.diagnoseTail()
		b.ReportAllocs()
		for b.Loop() {
			if msg := cmd().(tail.DiagMsg); msg.Err != nil || len(msg.Diag.Findings) == 0 {
				b.Fatal(msg)
			}
		}
	})
}
