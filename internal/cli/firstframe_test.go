package cli

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/tui"
)

// TestDemoFirstFrame measures the time from starting the terminal on the
// demo account (embedded snapshot read, converted, compiled) to its first
// frame and to the first frame listing the demo's interfaces, for
// docs/PERFORMANCE.md. It logs the figures and asserts only that the frame
// comes: timings on shared machines are not a verdict.
func TestDemoFirstFrame(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	out := &frameClock{want: []byte("batch-1")}
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		done <- tui.Run(ctx, tui.Options{Source: tuiSource(sourceFlags{demo: true}, nil, nil), StateDir: "-", Input: pr, Output: out,
			ProgramOptions: []tea.ProgramOption{tea.WithWindowSize(80, 24), tea.WithoutSignals()}})
	}()
	deadline := time.After(10 * time.Second)
	for {
		first, data := out.times()
		if !data.IsZero() {
			t.Logf("start → first frame %s; start → frame listing the demo's interfaces %s", first.Sub(start), data.Sub(start))
			break
		}
		select {
		case <-deadline:
			cancel()
			t.Fatal("no frame with the demo's interfaces within 10s")
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	<-done
}

type frameClock struct {
	mu          sync.Mutex
	want        []byte
	buf         []byte
	first, data time.Time
}

func (f *frameClock) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	if f.first.IsZero() && len(p) > 0 {
		f.first = now
	}
	f.buf = append(f.buf, p...)
	if f.data.IsZero() && bytes.Contains(f.buf, f.want) {
		f.data = now
	}
	return len(p), nil
}

func (f *frameClock) times() (time.Time, time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.first, f.data
}
