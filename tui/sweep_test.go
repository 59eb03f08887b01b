package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/internal/tuitest"
)

// TestSweepFromTheBrowser: i on the database asks for a port, sweeps
// every other interface as a source, shows the groups folded, enter
// unfolds one, and enter on an interface opens its checklist.
func TestSweepFromTheBrowser(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
	start(t, m)
	press(t, m, "/")
	typeText(t, m, "rds-payments")
	press(t, m, "enter", "i")
	if m.top() != m.sweep || !m.sweep.Prompting || !m.top().Capturing() {
		t.Fatalf("i opens the sweep's port prompt; top is %s", m.top().Title())
	}
	typeText(t, m, "5432")
	press(t, m, "enter")
	s := screenText(m)
	for _, want := range []string{"who can reach RDSNetworkInterface (eni-0d01) on 5432/tcp: 2 reachable, 1 unreac",
		"+ ✓ 2 interfaces reachable", "+ ✗ 1 interface blocked by security-group sg-0rds: no inbound rule matches"} {
		if !strings.Contains(s, want) {
			t.Errorf("sweep screen lacks %q:\n%s", want, s)
		}
	}
	press(t, m, "enter")
	if s := screenText(m); !strings.Contains(s, "- ✓ 2 interfaces reachable") || !strings.Contains(s, "eni-0a01  app-1  10.0.16.45") {
		t.Fatalf("enter unfolds the group:\n%s", s)
	}
	press(t, m, "down", "enter")
	if m.top() != m.checklist || m.path.From != "eni-0a01" || m.path.To != "eni-0d01" || m.path.Port != 5432 {
		t.Fatalf("enter on an interface opens its checklist; top %s, path %+v", m.top().Title(), m.path)
	}
	if m.checklist.Report == nil || m.checklist.Report.Verdict != checks.Reachable {
		t.Fatalf("the checklist agrees with the sweep: %+v", m.checklist.Report)
	}
	press(t, m, "esc")
	if m.top() != m.sweep {
		t.Fatalf("esc returns to the sweep; top is %s", m.top().Title())
	}
}

// TestSweepOutboundAndBadPort: o sweeps every interface as a destination;
// a port that does not parse stays in the prompt with the reason.
func TestSweepOutboundAndBadPort(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
	start(t, m)
	press(t, m, "/")
	typeText(t, m, "app-1")
	press(t, m, "enter", "o")
	typeText(t, m, "99999")
	press(t, m, "enter")
	if !m.sweep.Prompting || !strings.Contains(screenText(m), "port 99999: expected 1 to 65535") {
		t.Fatalf("a bad port stays in the prompt:\n%s", screenText(m))
	}
	press(t, m, "backspace", "backspace", "backspace", "backspace", "backspace")
	typeText(t, m, "5432")
	press(t, m, "enter")
	if s := screenText(m); !strings.Contains(s, "what app-1 (eni-0a01) can reach on 5432/tcp: 1 reachable") {
		t.Fatalf("outbound sweep:\n%s", s)
	}
	// e sweeps another port of the same interface.
	press(t, m, "e")
	if !m.sweep.Prompting {
		t.Fatal("e asks for another port")
	}
	press(t, m, "backspace", "backspace", "backspace", "backspace")
	typeText(t, m, "udp 53")
	press(t, m, "enter")
	if s := screenText(m); !strings.Contains(s, "on 53/udp: 0 reachable") {
		t.Fatalf("udp sweep:\n%s", s)
	}
}

// TestFlowSweep drives the real program: the sweep runs in a command and
// its groups reach the screen.
func TestFlowSweep(t *testing.T) {
	tm := startFlow(t, Options{}, 80, 24)
	waitFor(t, tm, "rows", contains("batch-1"))
	send(tm, "/")
	tm.Type("rds")
	send(tm, "enter", "i")
	waitFor(t, tm, "prompt", contains("port:"))
	tm.Type("5432")
	send(tm, "enter")
	waitFor(t, tm, "groups", contains("1 interface blocked by security-group sg-0rds"))
	send(tm, "q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if c := fm.sweep; c.Running || c.Port != 5432 {
		t.Fatalf("sweep state: running %v, port %d", c.Running, c.Port)
	}
}
