package tui

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/internal/tuitest"
)

// browserWith returns a model showing n ENIs at w×h.
func browserWith(b testing.TB, n, w, h int) *Model {
	net := tuitest.BigNet(n)
	net.Compile()
	m := newTestModel(b, Static("bench", net, nil), Options{})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	start(b, m)
	if len(m.browser.Visible) != n {
		b.Fatalf("rows = %d, want %d", len(m.browser.Visible), n)
	}
	return m
}

// BenchmarkBrowserFrame10k is the cost of one frame of the ENI browser
// with 10,000 ENIs: what View does after every message.
func BenchmarkBrowserFrame10k(b *testing.B) {
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		b.Run(strconv.Itoa(size[0])+"x"+strconv.Itoa(size[1]), func(b *testing.B) {
			m := browserWith(b, 10000, size[0], size[1])
			m.browser.Move(5000)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

// BenchmarkFilterKeystroke10k is one keystroke in the filter: Update
// refilters 10,000 rows, then View draws the frame.
func BenchmarkFilterKeystroke10k(b *testing.B) {
	m := browserWith(b, 10000, 80, 24)
	press(b, m, "/")
	typeText(b, m, "node-0")
	keys := []tea.KeyPressMsg{{Code: '1', Text: "1"}, {Code: tea.KeyBackspace}}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Update(keys[i%2])
		_ = m.View()
		i++
	}
}

// BenchmarkScrollKeystroke10k is one arrow key in the browser.
func BenchmarkScrollKeystroke10k(b *testing.B) {
	m := browserWith(b, 10000, 80, 24)
	keys := []tea.KeyPressMsg{{Code: tea.KeyDown}, {Code: tea.KeyUp}}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		m.Update(keys[i%2])
		_ = m.View()
		i++
	}
}

// BenchmarkCatalog10k is the off-screen work when a network arrives: rows,
// names and completions for 10,000 ENIs (a command, not Update).
func BenchmarkCatalog10k(b *testing.B) {
	net := tuitest.BigNet(10000)
	net.Compile()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = catalog.Build(1, net, nil, false)
	}
}

// BenchmarkComplete10k is one keystroke's completion lookup.
func BenchmarkComplete10k(b *testing.B) {
	c := catalog.Build(1, tuitest.BigNet(10000), nil, false)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = c.Complete("10.0.3", 8)
	}
}

// BenchmarkChecklistFrame is one frame of the checklist.
func BenchmarkChecklistFrame(b *testing.B) {
	m := newTestModel(b, Static("bench", tuitest.SmallNet(), nil), Options{From: "batch-1", To: "10.0.33.12:5432"})
	start(b, m)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// timingWriter records when the program writes frames.
type timingWriter struct {
	mu     sync.Mutex
	writes []time.Time
}

func (w *timingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.writes = append(w.writes, time.Now())
	w.mu.Unlock()
	return len(p), nil
}

func (w *timingWriter) firstAfter(t time.Time) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, at := range w.writes {
		if at.After(t) {
			return at, true
		}
	}
	return time.Time{}, false
}

// keyTimer wraps the root model to note when a key's frame was drawn.
type keyTimer struct {
	*Model
	mu      sync.Mutex
	handled int
	drawn   []time.Time // when View first ran after each key
}

func (k *keyTimer) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := k.Model.Update(msg)
	if _, ok := msg.(tea.KeyPressMsg); ok {
		k.mu.Lock()
		k.handled++
		k.mu.Unlock()
	}
	return k, cmd
}

func (k *keyTimer) View() tea.View {
	v := k.Model.View()
	k.mu.Lock()
	for len(k.drawn) < k.handled {
		k.drawn = append(k.drawn, time.Now())
	}
	k.mu.Unlock()
	return v
}

// TestKeypressLatencyWhileStreaming measures, on the real program, the time
// from a key press to the frame written while a live load streams a
// 10,000-ENI network (a new snapshot every 25 ms, as a loader emitting one
// kind after another would). It logs the figures (docs/PERFORMANCE.md) and
// asserts only that every key is drawn: timings on shared machines are
// not a verdict.
func TestKeypressLatencyWhileStreaming(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	base := tuitest.BigNet(10000)
	kinds := slices.Clone(knownKinds)
	src := NewSource("live bench", func(ctx context.Context, emit func(Update)) error {
		for i := range kinds {
			pend := kinds[i+1:]
			emit(Update{Kind: kinds[i], Build: func() (Update, error) {
				return Update{Network: withPending(base, pend...)}, nil
			}})
			select {
			case <-time.After(25 * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	})
	out := &timingWriter{}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	m, popts := newProgramModel(ctx, Options{Source: src, From: "node-00001", To: "10.0.0.200:443"}, logger)
	kt := &keyTimer{Model: m}
	pr, pw := io.Pipe()
	defer pw.Close()
	popts = append(popts, tea.WithInput(pr), tea.WithOutput(out), tea.WithWindowSize(80, 24),
		tea.WithColorProfile(colorprofile.ANSI256), tea.WithoutSignals())
	p := tea.NewProgram(kt, popts...)
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	time.Sleep(30 * time.Millisecond)
	p.Send(tea.KeyPressMsg{Code: tea.KeyEscape}) // back to the browser
	var sent []time.Time
	for i := 0; i < 20; i++ {
		sent = append(sent, time.Now())
		p.Send(tea.KeyPressMsg{Code: tea.KeyDown})
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	p.Quit()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	kt.mu.Lock()
	drawn := slices.Clone(kt.drawn[1:]) // the first key was esc
	kt.mu.Unlock()
	if len(drawn) < len(sent) {
		t.Fatalf("only %d of %d keys were drawn", len(drawn), len(sent))
	}
	var toView, toWrite []time.Duration
	for i, s := range sent {
		toView = append(toView, drawn[i].Sub(s))
		if w, ok := out.firstAfter(drawn[i]); ok {
			toWrite = append(toWrite, w.Sub(s))
		}
	}
	slices.Sort(toView)
	slices.Sort(toWrite)
	t.Logf("key → View: median %s, max %s; key → frame written: median %s, max %s (%d keys, load streaming 17 snapshots of 10,000 ENIs)",
		toView[len(toView)/2], toView[len(toView)-1], toWrite[len(toWrite)/2], toWrite[len(toWrite)-1], len(sent))
}

// TestStartToFirstFrame measures the time from starting the program to its
// first frame on the screen, and to the first frame showing the network,
// with a source that lands at once (as the demo does).
func TestStartToFirstFrame(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	net := tuitest.SmallNet()
	out := &frameWriter{want: "batch-1"}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t0 := time.Now()
	m, popts := newProgramModel(ctx, Options{Source: Static("demo", net, nil)}, logger)
	pr, pw := io.Pipe()
	defer pw.Close()
	popts = append(popts, tea.WithInput(pr), tea.WithOutput(out), tea.WithWindowSize(80, 24), tea.WithoutSignals())
	p := tea.NewProgram(m, popts...)
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	deadline := time.After(5 * time.Second)
	for {
		first, data := out.times()
		if !data.IsZero() {
			t.Logf("start → first frame %s; start → frame with data %s", first.Sub(t0), data.Sub(t0))
			break
		}
		select {
		case <-deadline:
			t.Fatal("no frame with data within 5s")
		case <-time.After(time.Millisecond):
		}
	}
	p.Quit()
	<-done
}

type frameWriter struct {
	mu          sync.Mutex
	want        string
	buf         []byte
	first, data time.Time
}

func (w *frameWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	if w.first.IsZero() && len(p) > 0 {
		w.first = now
	}
	w.buf = append(w.buf, p...)
	if w.data.IsZero() && bytes.Contains(w.buf, []byte(w.want)) {
		w.data = now
	}
	return len(p), nil
}

func (w *frameWriter) times() (time.Time, time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.first, w.data
}
