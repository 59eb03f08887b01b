package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/internal/tuitest"
)

// baselineNet is SmallNet as it was before the database group lost its
// rule for the batch group.
func baselineNet() *checks.Network {
	n := tuitest.SmallNet()
	sg := n.SecurityGroups["sg-0rds"]
	sg.Inbound = append(sg.Inbound, tuitest.TCPFromGroup(5432, "sg-0batch"))
	return n
}

// TestBaselineMarksChangedLayers: with a baseline, the checklist marks the
// layer whose resource on the path changed, and its evidence names the
// change; the other layers carry no mark.
func TestBaselineMarksChangedLayers(t *testing.T) {
	taken := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	m := newTestModel(t, Static("live", tuitest.SmallNet(), nil), Options{From: "batch-1", To: "10.0.33.12:5432",
		Baseline: baselineNet(), BaselineName: "snap-1205", BaselineTaken: &taken})
	start(t, m)
	for _, r := range m.checklist.Rows {
		if r.Differs != (r.Name == checks.LayerSecurityGroup) {
			t.Errorf("row %s: changed since the baseline %v", r.Name, r.Differs)
		}
	}
	text := screenText(m)
	for _, want := range []string{"changed since baseline", "baseline snap-1205: reachable at 2026-12-05 09:00 UTC", "modified sg-0rds: inbound allow tcp 5432 from sg-0batch removed"} {
		if !strings.Contains(text, want) {
			t.Errorf("the checklist lacks %q:\n%s", want, text)
		}
	}
	if rep := m.checklist.Report; rep == nil || rep.Baseline == nil || rep.Baseline.Verdict != checks.Reachable || rep.Verdict != checks.Unreachable {
		t.Fatalf("report %+v", rep)
	}
}

// firstMsg runs a command, and the commands of a batch, and returns the
// first message of type T.
func firstMsg[T tea.Msg](t *testing.T, cmd tea.Cmd) T {
	t.Helper()
	var zero T
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		select {
		case msg := <-done:
			if b, ok := msg.(tea.BatchMsg); ok {
				queue = append(queue, b...)
			}
			if m, ok := msg.(T); ok {
				return m
			}
		case <-time.After(5 * time.Second):
		}
	}
	t.Fatalf("no %T", zero)
	return zero
}

// TestHistoryPane: h on a layer opens the history of its resources, shows
// the lookup's progress while it runs, then the events newest first and
// the gaps.
func TestHistoryPane(t *testing.T) {
	release := make(chan struct{})
	var asked []string
	when := time.Date(2026, 12, 5, 10, 14, 3, 0, time.UTC)
	opts := Options{From: "batch-1", To: "10.0.33.12:5432",
		History: func(ctx context.Context, ids []string, progress func(int, int)) ([]checks.HistoryEvent, []string) {
			asked = ids
			progress(1, 2)
			<-release
			progress(2, 2)
			return []checks.HistoryEvent{{Time: when, Event: "RevokeSecurityGroupIngress", Component: "sg-0rds",
				Principal: "arn:aws:sts::111122223333:assumed-role/network-admin/alice", SessionName: "alice", SourceIP: "203.0.113.7",
				Detail: "groupId sg-0rds, fromPort 5432, groupId sg-0batch"}}, []string{"history of eni-0d01 not read: throttled"}
		}}
	m := newTestModel(t, Static("live", tuitest.SmallNet(), nil), opts)
	start(t, m)
	_, cmd := m.Update(tuitest.KeyMsg("h"))
	if text := screenText(m); !strings.Contains(text, "0 of ") {
		t.Errorf("the pane does not show the lookup starting:\n%s", text)
	}
	progress := firstMsg[historyProgressMsg](t, cmd)
	_, next := m.Update(progress)
	if text := screenText(m); !strings.Contains(text, "1 of 2 resources looked up") {
		t.Errorf("the pane does not show the progress:\n%s", text)
	}
	if len(asked) == 0 || asked[0] != "sg-0rds" {
		t.Errorf("looked up %v; want the blocking group first", asked)
	}
	close(release)
	drain(t, m, next)
	text := screenText(m)
	for _, want := range []string{"1 events, newest first", "2026-12-05 10:14:03Z  RevokeSecurityGroupIngress  sg-0rds", "by arn:aws:sts::111122223333:assumed-role/network-admin/alice",
		"from 203.0.113.7", "gap: history of eni-0d01 not read: throttled"} {
		if !strings.Contains(text, want) {
			t.Errorf("the pane lacks %q:\n%s", want, text)
		}
	}
	press(t, m, "esc")
	if m.top() != m.checklist {
		t.Errorf("esc did not return to the checklist")
	}
}

// TestHistoryNeedsLiveAccount: without a live account h says why and
// opens nothing.
func TestHistoryNeedsLiveAccount(t *testing.T) {
	m := newTestModel(t, Static("demo", tuitest.SmallNet(), nil), Options{From: "batch-1", To: "10.0.33.12:5432"})
	start(t, m)
	press(t, m, "h")
	if m.top() != m.checklist || !strings.Contains(m.status, "needs a live account") {
		t.Errorf("top %s, status %q", m.top().Title(), m.status)
	}
}

// TestFlowBaselineAndHistory drives the real program: the checklist marks
// the changed layer, and h shows the history the source read.
func TestFlowBaselineAndHistory(t *testing.T) {
	when := time.Date(2026, 12, 5, 10, 14, 3, 0, time.UTC)
	opts := Options{From: "batch-1", To: "10.0.33.12:5432", Baseline: baselineNet(), BaselineName: "snap-1205",
		History: func(ctx context.Context, ids []string, progress func(int, int)) ([]checks.HistoryEvent, []string) {
			for i := range ids {
				progress(i+1, len(ids))
			}
			return []checks.HistoryEvent{{Time: when, Event: "RevokeSecurityGroupIngress", Component: ids[0], Principal: "arn:aws:iam::111122223333:user/bob", SourceIP: "198.51.100.2"}}, nil
		}}
	tm := startFlow(t, opts, 80, 24)
	waitFor(t, tm, "the changed mark", contains("changed since baseline"))
	send(tm, "h")
	waitFor(t, tm, "the history", contains("RevokeSecurityGroupIngress"))
	send(tm, "esc", "q")
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	if fm.history.Loading || len(fm.history.Events) != 1 {
		t.Errorf("history pane: loading %v, %d events", fm.history.Loading, len(fm.history.Events))
	}
}
