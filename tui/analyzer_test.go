package tui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/internal/tuitest"
	"github.com/reachnet/reach/tui/screen"
)

// TestAnalyzerRunsOnlyAfterConfirm: A names the charge and waits; only y
// calls the analyzer, whose answer becomes the seventh row with the diff
// in the evidence pane.
func TestAnalyzerRunsOnlyAfterConfirm(t *testing.T) {
	var calls atomic.Int32
	found := true
	opts := Options{From: "batch-1", To: "10.0.33.12:5432", Analyzer: func(ctx context.Context, rep checks.Report, timeout time.Duration) checks.AnalyzerResult {
		calls.Add(1)
		return checks.AnalyzerResult{Status: checks.AnalyzerSucceeded, PathFound: &found, AnalysisID: "nia-0a1b", CleanedUp: true}
	}}
	m := newTestModel(t, Static("live", tuitest.SmallNet(), nil), opts)
	start(t, m)
	if _, ok := rowStatuses(m)[checks.LayerReachabilityAnalyzer]; ok || calls.Load() != 0 {
		t.Fatalf("the analyzer ran before it was asked: rows %v, calls %d", rowStatuses(m), calls.Load())
	}
	press(t, m, "A")
	if !strings.Contains(m.status, "$0.10") || calls.Load() != 0 {
		t.Fatalf("A must ask first, naming the charge: status %q, calls %d", m.status, calls.Load())
	}
	press(t, m, "n")
	if calls.Load() != 0 || !strings.Contains(m.status, "not run") {
		t.Fatalf("n ran it: calls %d, status %q", calls.Load(), m.status)
	}
	press(t, m, "A", "y")
	if calls.Load() != 1 {
		t.Fatalf("y: %d calls", calls.Load())
	}
	// Local: the security group fails; the analyzer found a path.
	if got := rowStatuses(m)[checks.LayerReachabilityAnalyzer]; got != screen.StatusOf(checks.StatusWarn) {
		t.Fatalf("analyzer row %q, want warn; rows %v", got, rowStatuses(m))
	}
	if m.checklist.Report.Verdict != checks.Unreachable {
		t.Errorf("the analyzer moved the verdict to %s", m.checklist.Report.Verdict)
	}
	for i, r := range m.checklist.Rows {
		if r.Name == checks.LayerReachabilityAnalyzer {
			m.checklist.Cursor = i
		}
	}
	press(t, m, "enter")
	if text := screenText(m); !strings.Contains(text, "differences") || !strings.Contains(text, "security-group") || !strings.Contains(text, "nia-0a1b") {
		t.Errorf("the evidence lacks the diff:\n%s", text)
	}
}

// TestAnalyzerCancelledWhenLeavingPath: choosing another path, or
// quitting, cancels a running analysis (whose own cleanup then runs).
func TestAnalyzerCancelledWhenLeavingPath(t *testing.T) {
	for _, leave := range []string{"another path", "quit"} {
		t.Run(leave, func(t *testing.T) {
			cancelled := make(chan struct{})
			opts := Options{From: "batch-1", To: "10.0.33.12:5432", Analyzer: func(ctx context.Context, rep checks.Report, timeout time.Duration) checks.AnalyzerResult {
				<-ctx.Done()
				close(cancelled)
				return checks.AnalyzerResult{Status: checks.AnalyzerError, Message: "cancelled", CleanedUp: true}
			}}
			m := newTestModel(t, Static("live", tuitest.SmallNet(), nil), opts)
			start(t, m)
			_, cmd := m.Update(tuitest.KeyMsg("A"))
			drain(t, m, cmd)
			_, cmd = m.Update(tuitest.KeyMsg("y"))
			// The command waits for the answer; it is not drained here.
			_ = cmd
			if got := rowStatuses(m)[checks.LayerReachabilityAnalyzer]; got != screen.RowPending {
				t.Fatalf("running analyzer row %q, want pending", got)
			}
			if leave == "quit" {
				m.quit()
			} else {
				drain(t, m, m.checkPath(screen.PathSpec{From: "batch-1", To: "10.0.33.12:443"}))
			}
			select {
			case <-cancelled:
			case <-time.After(5 * time.Second):
				t.Fatal("the analysis was not cancelled")
			}
			m.analyzerRuns.Wait()
			if _, ok := rowStatuses(m)[checks.LayerReachabilityAnalyzer]; leave != "quit" && ok {
				t.Errorf("the new path shows the old path's analyzer row")
			}
		})
	}
}

// TestAnalyzerNeedsLive: without a live source, A says so and asks nothing.
func TestAnalyzerNeedsLive(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{From: "batch-1", To: "10.0.33.12:5432"})
	start(t, m)
	press(t, m, "A")
	if m.confirmAnalyzer || !strings.Contains(m.status, "live account") {
		t.Errorf("status %q confirm %v", m.status, m.confirmAnalyzer)
	}
}

// TestAnalyzerTimeoutAndPath: the run gets the configured bound (the
// default when none is set), and the evidence shows the analyzer's path
// with the components reach's walk did not cross starred.
func TestAnalyzerTimeoutAndPath(t *testing.T) {
	for _, tc := range []struct {
		set, want time.Duration
	}{{0, DefaultAnalyzerTimeout}, {45 * time.Second, 45 * time.Second}} {
		t.Run(tc.want.String(), func(t *testing.T) {
			var got atomic.Int64
			yes := true
			opts := Options{From: "batch-1", To: "10.0.33.12:5432", AnalyzerTimeout: tc.set,
				Analyzer: func(ctx context.Context, rep checks.Report, timeout time.Duration) checks.AnalyzerResult {
					got.Store(int64(timeout))
					// The hops are placed when the answer is compared.
					return checks.AnalyzerResult{Status: checks.AnalyzerSucceeded, PathFound: &yes, CleanedUp: true,
						ForwardPath: []string{"i-batch", "igw-9"}}
				}}
			m := newTestModel(t, Static("live", tuitest.SmallNet(), nil), opts)
			start(t, m)
			press(t, m, "A", "y")
			if time.Duration(got.Load()) != tc.want {
				t.Fatalf("the run got timeout %s, want %s", time.Duration(got.Load()), tc.want)
			}
			for i, r := range m.checklist.Rows {
				if r.Name == checks.LayerReachabilityAnalyzer {
					m.checklist.Cursor = i
				}
			}
			press(t, m, "enter")
			if text := screenText(m); !strings.Contains(text, "the analyzer's path") || !strings.Contains(text, "igw-9*") || !strings.Contains(text, "not on reach's path") {
				t.Errorf("the evidence lacks the analyzer's path:\n%s", text)
			}
		})
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{3 * time.Minute: "3m", 90 * time.Second: "1m30s", 2 * time.Hour: "2h", 45 * time.Second: "45s"} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%s) = %q, want %q", d, got, want)
		}
	}
}
