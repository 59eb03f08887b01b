package tui

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"regexp"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/internal/tuitest"
)

// Flows drive the real program (renderer, input, commands) through teatest
// with a fixed size and a fixed 16-colour profile.

func startFlow(t *testing.T, opts Options, w, h int) *teatest.TestModel {
	t.Helper()
	if opts.Source == nil {
		opts.Source = Static("demo", tuitest.SmallNet(), nil)
	}
	m, _ := newProgramModel(context.Background(), opts, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI)),
	)
}

func waitFor(t *testing.T, tm *teatest.TestModel, what string, cond func([]byte) bool) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), cond, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func contains(s string) func([]byte) bool {
	return func(b []byte) bool { return bytes.Contains(b, []byte(s)) }
}

func send(tm *teatest.TestModel, keys ...string) {
	for _, k := range keys {
		tm.Send(tuitest.KeyMsg(k))
	}
}

func TestFlowPickWithKeys(t *testing.T) {
	tm := startFlow(t, Options{}, 80, 24)
	waitFor(t, tm, "rows", contains("batch-1"))
	send(tm, "/")
	tm.Type("batch")
	send(tm, "enter", "s", "/")
	tm.Type("10.0.33.12")
	send(tm, "enter", "d")
	waitFor(t, tm, "picker", contains("Check a path"))
	tm.Type("5432")
	send(tm, "enter")
	// The failing layer is drawn in red (SGR 31, bold) in a 16-colour
	// terminal, and its deciding rule is on screen.
	red := regexp.MustCompile(`\x1b\[(?:[0-9]+;)*31(?:;[0-9]+)*m[^\x1b]*FAIL`)
	var out []byte
	waitFor(t, tm, "checklist", func(b []byte) bool {
		out = append(out, b...)
		return red.Match(out) && bytes.Contains(out, []byte("no inbound rule matches"))
	})
	send(tm, "q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if fm.checklist.Report == nil || fm.checklist.Report.Verdict != checks.Unreachable {
		t.Fatalf("final report: %+v", fm.checklist.Report)
	}
	if got := fm.checklist.Report.BlockedBy; got == nil || got.Layer != checks.LayerSecurityGroup || got.Component != "sg-0rds" {
		t.Fatalf("blocked by %+v", got)
	}
}

func TestFlowOpensOnPathASCII(t *testing.T) {
	tm := startFlow(t, Options{ASCII: true, From: "app-1", To: "10.0.33.12:5432"}, 80, 24)
	var out []byte
	collect := func(want string) func([]byte) bool {
		return func(b []byte) bool {
			out = append(out, b...)
			return bytes.Contains(out, []byte(want))
		}
	}
	waitFor(t, tm, "verdict", collect("REACHABLE"))
	tm.Send(tea.WindowSizeMsg{Width: 120, Height: 40})
	send(tm, "?")
	waitFor(t, tm, "help", collect("everywhere"))
	send(tm, "esc", "q")
	rest, err := io.ReadAll(tm.FinalOutput(t, teatest.WithFinalTimeout(5*time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, rest...)
	if i := bytes.IndexFunc(out, func(r rune) bool { return r >= 0x80 }); i >= 0 {
		t.Fatalf("--ascii wrote a non-ASCII byte at %d: %q", i, out[max(i-40, 0):min(i+40, len(out))])
	}
}

func TestFlowRestoresTerminal(t *testing.T) {
	tm := startFlow(t, Options{}, 80, 24)
	var out []byte
	waitFor(t, tm, "rows", func(b []byte) bool {
		out = append(out, b...)
		return bytes.Contains(out, []byte("batch-1"))
	})
	send(tm, "q")
	rest, err := io.ReadAll(tm.FinalOutput(t, teatest.WithFinalTimeout(5*time.Second)))
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, rest...)
	// The program entered the alternate screen, left it at the end, and
	// showed the cursor again.
	for _, seq := range []string{"\x1b[?1049h", "\x1b[?1049l", "\x1b[?25h"} {
		if !bytes.Contains(out, []byte(seq)) {
			t.Errorf("output lacks %q", seq)
		}
	}
	if bytes.LastIndex(out, []byte("\x1b[?1049l")) < bytes.LastIndex(out, []byte("\x1b[?1049h")) {
		t.Error("the alternate screen was entered after it was left")
	}
}
