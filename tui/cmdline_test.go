package tui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/internal/tuitest"
	"github.com/reachnet/reach/tui/screens/checklist"
	"github.com/reachnet/reach/tui/screens/picker"
)

func TestCommandLine(t *testing.T) {
	cases := []struct {
		name  string
		line  string
		check func(t *testing.T, m *Model)
	}{
		{"quit when idle", "q", func(t *testing.T, m *Model) {
			if !m.quitting {
				t.Error(":q with nothing running should quit")
			}
		}},
		{"help lists the commands", "help", func(t *testing.T, m *Model) {
			if s := screenText(m); !m.helpOpen || !strings.Contains(s, ":sort") || !strings.Contains(s, ":tail") {
				t.Errorf(":help should list the commands:\n%s", s)
			}
		}},
		{"pick fills the form", "pick app-1 10.0.33.12", func(t *testing.T, m *Model) {
			if m.top() != m.picker || m.picker.Fields[picker.FieldFrom].Value() != "app-1" || m.picker.Fields[picker.FieldTo].Value() != "10.0.33.12" || m.picker.Focus != picker.FieldPort {
				t.Errorf("top %s from %q to %q focus %d", m.top().Title(), m.picker.Fields[picker.FieldFrom].Value(), m.picker.Fields[picker.FieldTo].Value(), m.picker.Focus)
			}
		}},
		{"check runs a path", "check batch-1 10.0.33.12:5432", func(t *testing.T, m *Model) {
			if m.top() != m.checklist || m.checklist.Report == nil || m.checklist.Report.Verdict != checks.Unreachable {
				t.Errorf("top %s rep %+v", m.top().Title(), m.checklist.Report)
			}
		}},
		{"sort by private address, descending on the second time", "sort private", func(t *testing.T, m *Model) {
			if m.browser.SortCol != catalog.ColPrivate || m.browser.SelectedID() == "" {
				t.Fatalf("sort column %d", m.browser.SortCol)
			}
			first := m.browser.Catalog.Rows[m.browser.Visible[0]].Cells[catalog.ColPrivate]
			if first != "10.0.16.7" {
				t.Errorf("first row by private IP: %s", first)
			}
			if s := screenText(m); !strings.Contains(s, "PRIVATE IP↑") {
				t.Errorf("the sorted column should be marked:\n%s", s)
			}
			m.runCommand("sort private")
			if first := m.browser.Catalog.Rows[m.browser.Visible[0]].Cells[catalog.ColPrivate]; first != "10.0.33.12" {
				t.Errorf("descending: first %s", first)
			}
		}},
		{"filter", "filter batch", func(t *testing.T, m *Model) {
			if len(m.browser.Visible) != 1 || m.browser.SelectedID() != "eni-0b01" {
				t.Errorf("filter batch: %d rows", len(m.browser.Visible))
			}
		}},
		{"unknown command", "frobnicate", func(t *testing.T, m *Model) {
			if !m.statusErr || !strings.Contains(m.status, ":help") {
				t.Errorf("status %q", m.status)
			}
		}},
		{"bad sort column", "sort colour", func(t *testing.T, m *Model) {
			if !m.statusErr || !strings.Contains(m.status, `"colour"`) {
				t.Errorf("status %q", m.status)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
			start(t, m)
			press(t, m, ":")
			if !m.cmd.active {
				t.Fatal(": should open the command line")
			}
			// While the prompt is open, letters are text, not keys.
			typeText(t, m, c.line)
			if m.quitting || m.top() != m.browser {
				t.Fatal("typing on the command line ran keys")
			}
			press(t, m, "enter")
			if m.cmd.active {
				t.Fatal("enter closes the command line")
			}
			c.check(t, m)
		})
	}
}

func TestSortKeys(t *testing.T) {
	m := newTestModel(t, Static("demo", pickerNet(), nil), Options{})
	start(t, m)
	press(t, m, "P")
	var got []string
	for _, i := range m.browser.Visible {
		got = append(got, m.browser.Catalog.Rows[i].Cells[catalog.ColPrivate])
	}
	// Numeric, not textual: 10.0.16.45 after 10.0.16.7.
	if want := "10.0.16.7,10.0.16.45,10.0.17.20,10.0.17.31"; !strings.HasPrefix(strings.Join(got, ","), want) {
		t.Errorf("by private IP: %v", got)
	}
	// The filter keeps the sort.
	press(t, m, "/")
	typeText(t, m, "10.0.1")
	press(t, m, "enter")
	if first := m.browser.Catalog.Rows[m.browser.Visible[0]].Cells[catalog.ColPrivate]; first != "10.0.16.7" {
		t.Errorf("filtered and sorted: first %s", first)
	}
}

func TestQuitAsksWhileRunning(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{})
	start(t, m)
	m.loading = true // a load in flight
	press(t, m, "q")
	if m.quitting || !m.confirmQuit || !strings.Contains(m.status, "quit?") {
		t.Fatalf("q while loading must ask: quitting %v status %q", m.quitting, m.status)
	}
	press(t, m, "n")
	if m.quitting || m.confirmQuit {
		t.Fatal("any key but y stays")
	}
	press(t, m, "q", "y")
	if !m.quitting {
		t.Fatal("y confirms")
	}
}

func TestSlashFiltersDetailAndEvidence(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{From: "batch-1", To: "10.0.33.12:5432"})
	start(t, m)
	// The checklist's evidence: / keeps the lines with the word.
	before := len(m.checklist.Evidence.Lines)
	press(t, m, "/")
	if !m.top().Capturing() {
		t.Fatal("/ on the checklist should capture keys")
	}
	typeText(t, m, "inbound")
	after := len(m.checklist.Evidence.Lines)
	if after == 0 || after >= before {
		t.Fatalf("evidence lines %d → %d with the filter", before, after)
	}
	for _, l := range m.checklist.Evidence.Lines {
		if !strings.Contains(strings.ToLower(l), "inbound") {
			t.Errorf("kept a line without the word: %q", l)
		}
	}
	press(t, m, "enter", "esc")
	if m.top() != m.checklist || m.checklist.Evidence.Filter != "" {
		t.Fatal("esc clears the filter first, and stays")
	}
	// The detail of an interface.
	press(t, m, "esc", "enter")
	if m.top() != m.detail {
		t.Fatalf("top %s", m.top().Title())
	}
	press(t, m, "/")
	typeText(t, m, "zzzz")
	if len(m.detail.Pager.Lines) != 0 || !strings.Contains(screenText(m), `no line matches "zzzz"`) {
		t.Errorf("a filter that matches nothing says so:\n%s", screenText(m))
	}
}

func TestFailedLoadIsNeverGreen(t *testing.T) {
	refused := "dial tcp 127.0.0.1:1: connect: connection refused"
	allMissing := checks.NewNetwork()
	for _, k := range knownKinds {
		allMissing.Gaps = append(allMissing.Gaps, checks.Gap{Kind: k, Reason: refused})
	}
	for _, c := range []struct {
		name     string
		load     LoadFunc
		progress string
		browser  string
	}{
		{"the load fails", func(_ context.Context, emit func(Update)) error {
			emit(Update{Network: checks.NewNetwork()})
			return errors.New(refused)
		}, "load failed: " + refused, "could not be read"},
		{"every kind is a gap", func(_ context.Context, emit func(Update)) error {
			emit(Update{Network: allMissing})
			return nil
		}, "nothing loaded: every call failed: dial tcp", "the network interfaces could not be read: dial tcp"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := newTestModel(t, NewSource("live", c.load), Options{})
			start(t, m)
			s := screenText(m)
			if strings.Contains(s, "✓ loaded") || !strings.Contains(s, c.progress) {
				t.Errorf("progress line should say %q and never ✓:\n%s", c.progress, s)
			}
			if strings.Contains(s, "no network interfaces in this account") {
				t.Errorf("a failed load looks like an empty account:\n%s", s)
			}
			if !strings.Contains(s, c.browser) {
				t.Errorf("the list should say %q:\n%s", c.browser, s)
			}
		})
	}
}

// TestRulesNeverTruncateToTheSameText: at 80 columns two rules that differ
// only at their end stay apart, and groups are named.
func TestRulesNeverTruncateToTheSameText(t *testing.T) {
	e := tuitest.Env(true, themes.NoColor)
	c := &catalog.Catalog{Names: map[string]string{"sg-0e5f6a7b8c9d00012": "app-servers"}}
	long := "allow tcp 8080 from 111122223333/sg-0e5f6a7b8c9d00012 (peered VPC vpc-0a1b2c3d4e5f60001) description "
	d := checks.Decision{Component: "sg-0e5f6a7b8c9d00021", Outcome: "allow", Rule: long + "A",
		Rules: []checks.RuleLine{{Text: long + "ending one", Matched: true}, {Text: long + "ending two"}}}
	lines := checklist.DecisionLines(e, d, c, 80)
	text := tuitest.StripANSI(strings.Join(lines, "\n"))
	for _, want := range []string{"ending one", "ending two", "app-servers (sg-0e5f6a7b8c9d00012)"} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "111122223333/") {
		t.Errorf("the group is named by account and ID:\n%s", text)
	}
	for _, l := range lines {
		if cells.Width(l) > 80 {
			t.Errorf("line wider than 80: %q", l)
		}
	}
}

// TestHeaderShowsTheScope: the header says which account, Region and
// profile (or which snapshot) the data is, as the source learns it, even
// when a later update replaced the one that said it.
func TestHeaderShowsTheScope(t *testing.T) {
	src := NewSource("live", func(_ context.Context, emit func(Update)) error {
		emit(Update{Scope: "account 111122223333 · us-east-1 · profile prod"})
		emit(Update{Network: tuitest.SmallNet()})
		return nil
	})
	m := newTestModel(t, src, Options{})
	start(t, m)
	if h := m.headerLine(120); !strings.Contains(tuitest.StripANSI(h), "account 111122223333 · us-east-1 · profile prod") {
		t.Errorf("header: %q", tuitest.StripANSI(h))
	}
}
