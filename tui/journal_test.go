package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/internal/tuitest"
	"github.com/reachnet/reach/tui/screen"
)

// TestSessionReport checks a path, lets watch mode see the fix, checks a
// second path, and writes the report with R: every path is in it, with the
// layer that changed between the re-checks, and the file's path is shown.
func TestSessionReport(t *testing.T) {
	var mu sync.Mutex
	n := tuitest.SmallNet()
	src := NewSource("snapshot test", func(ctx context.Context, emit func(Update)) error {
		mu.Lock()
		defer mu.Unlock()
		emit(Update{Network: n, Scope: "snapshot ./incident-4711"})
		return nil
	})
	dir := t.TempDir()
	m := newTestModel(t, src, Options{From: "batch-1", To: "10.0.33.12:5432", ReportDir: dir})
	start(t, m)
	if rowStatuses(m)["security-group"] != "fail" {
		t.Fatal("setup: batch-1 should be denied by the group")
	}
	press(t, m, "w")
	fixed := tuitest.SmallNet()
	fixed.SecurityGroups["sg-0rds"].Inbound = append(fixed.SecurityGroups["sg-0rds"].Inbound, tuitest.TCPFromGroup(5432, "sg-0batch"))
	mu.Lock()
	n = fixed
	mu.Unlock()
	fixedAt := time.Date(2026, 11, 20, 10, 7, 30, 0, time.UTC)
	m.env.Now = func() time.Time { return fixedAt }
	_, cmd := m.Update(watchMsg{gen: m.watchGen})
	drain(t, m, cmd)
	if rowStatuses(m)["security-group"] != "pass" {
		t.Fatal("setup: the watch poll should see the fixed group")
	}
	press(t, m, "w")
	drain(t, m, m.checkPath(screen.PathSpec{From: "app-1", To: "10.0.33.12", Port: 5432}))
	if m.path.From != "app-1" {
		t.Fatalf("setup: the second path was not checked: %+v", m.path)
	}

	press(t, m, "R")
	files, _ := filepath.Glob(filepath.Join(dir, "reach-session-*.md"))
	if len(files) != 1 {
		t.Fatalf("R wrote %v, want one report in %s", files, dir)
	}
	if !strings.Contains(m.status, "session report (2 paths) written to "+files[0]) {
		t.Errorf("the status line does not name the report: %q", m.status)
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	report := string(b)
	for _, want := range []string{
		"- **Data:** snapshot test (snapshot ./incident-4711)",
		"- **Paths checked:** 2",
		"## 1. batch-1 → 10.0.33.12:5432/tcp",
		"- **Verdict:** reachable",
		"(2 checks)",
		"**Changes between re-checks:**",
		"| 2026-11-20 10:07:30 UTC | security-group | fail | pass |",
		"## 2. app-1 → 10.0.33.12:5432/tcp",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
}

// TestSessionReportAnalyzer: the analyzer's answer is in the report of
// its path.
func TestSessionReportAnalyzer(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{From: "app-1", To: "10.0.33.12:5432", ReportDir: t.TempDir()})
	start(t, m)
	found := true
	m.onAnalyzer(analyzerMsg{gen: m.pathGen, res: checks.AnalyzerResult{Status: checks.AnalyzerSucceeded, PathFound: &found, AnalysisID: "nia-0123", CleanedUp: true}})
	s := m.session()
	if len(s.Paths) != 1 || s.Paths[0].Report == nil || s.Paths[0].Report.Analyzer == nil {
		t.Fatalf("the analyzer's answer is not in the session: %+v", s.Paths)
	}
	if got := s.Paths[0].Report.Analyzer.AnalysisID; got != "nia-0123" {
		t.Errorf("analysis %q", got)
	}
}

// TestSessionReportIgnoresDataArriving: a reload lands kind by kind; the
// layers that are unknown until their data arrives are not changes.
func TestSessionReportIgnoresDataArriving(t *testing.T) {
	n := tuitest.SmallNet()
	src := NewSource("snapshot test", func(ctx context.Context, emit func(Update)) error {
		emit(Update{Network: withPending(n, checks.KindSecurityGroups, checks.KindNetworkACLs)})
		emit(Update{Network: n, Done: true})
		return nil
	})
	m := newTestModel(t, src, Options{From: "app-1", To: "10.0.33.12:5432"})
	start(t, m)
	press(t, m, "r")
	s := m.session()
	if len(s.Paths) != 1 || s.Paths[0].Report == nil || s.Paths[0].Report.Verdict != checks.Reachable {
		t.Fatalf("setup: %+v", s.Paths)
	}
	if got := s.Paths[0].Changes; len(got) != 0 {
		t.Errorf("data arriving was recorded as changes: %+v", got)
	}
	if got := s.Paths[0].Checks; got != 2 {
		t.Errorf("%d checks on whole networks, want 2 (the load and the reload)", got)
	}
}
